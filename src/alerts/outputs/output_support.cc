#include "alerts/outputs/output_support.h"

#include "core/event.h"

namespace fastpath::outputs {

std::string Get(const OutputConfig& c, const std::string& key, const std::string& def) {
  auto it = c.settings.find(key);
  return it == c.settings.end() ? def : it->second;
}

std::string Upper(std::string s) {
  for (char& ch : s) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  return s;
}

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

std::string Or(const std::string& s, const char* def) {
  return s.empty() ? def : s;
}

std::string Redacted(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? url : url.substr(0, slash) + "/...";
}

SendResult PostJson(const std::string& url, const std::string& body, aws::HeaderList headers) {
  aws::HttpRequest req;
  req.method = "POST";
  req.url = url;
  req.body = body;
  req.timeout_ms = 10000;
  headers.emplace_back("Content-Type", "application/json");
  req.headers = std::move(headers);
  auto r = aws::HttpSend(req);
  if (!r.ok()) {
    // Transport errors name the URL; webhook URLs carry their secret in the path.
    std::string msg = r.status().message();
    const size_t at = msg.find(url);
    if (at != std::string::npos) msg.replace(at, url.size(), Redacted(url));
    return SendResult::Retry(msg);
  }
  const long st = r.value().status;
  if (st >= 200 && st <= 299) return SendResult::Ok();
  std::string err = "HTTP " + std::to_string(st);
  if (!r.value().body.empty()) err += ": " + r.value().body.substr(0, 200);
  if (st == 408 || st == 429 || st >= 500) return SendResult::Retry(err);
  return SendResult::Permanent(err);
}

std::string Where(const StoredAlert& a) {
  return Or(a.account, "unknown account") + " / " + Or(a.region, "unknown region");
}

Status Need(const OutputConfig& c, const char* key) {
  if (Get(c, key).empty()) {
    return Status::InvalidArgument("output " + c.name + " (" + c.type + ") needs " + key);
  }
  return Status::Ok();
}

SendResult FromStatus(const Status& s) {
  if (s.ok()) return SendResult::Ok();
  const std::string& m = s.message();
  const bool permanent =
      m.find("(HTTP 4") != std::string::npos && m.find("(HTTP 408") == std::string::npos &&
      m.find("(HTTP 429") == std::string::npos && m.find("Throttl") == std::string::npos;
  return permanent ? SendResult::Permanent(m) : SendResult::Retry(m);
}

}  // namespace fastpath::outputs
