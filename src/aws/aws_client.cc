#include "aws/aws_client.h"

#include <chrono>
#include <random>
#include <thread>

#include <simdjson.h>
#include <pugixml.hpp>

#include "core/event.h"
#include "core/json_get.h"
#include "core/time_util.h"

namespace fastpath::aws {
namespace {

// Splits "https://host:port/base" into scheme+authority and path prefix.
void SplitUrl(const std::string& url, std::string* host, std::string* path) {
  const size_t scheme = url.find("://");
  const size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t slash = url.find('/', start);
  *host = url.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
  *path = slash == std::string::npos ? "/" : url.substr(slash);
}

bool HasHeader(const HeaderList& h, std::string_view name) {
  for (const auto& [k, v] : h) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return true;
    }
  }
  return false;
}

Status SignWith(std::string_view service, std::string_view region, const Credentials& creds,
                HttpRequest* req, bool s3) {
  std::string host, path;
  SplitUrl(req->url, &host, &path);
  SignableRequest sr;
  sr.method = req->method;
  const size_t q = path.find('?');
  sr.path = q == std::string::npos ? path : path.substr(0, q);
  sr.query = q == std::string::npos ? "" : path.substr(q + 1);
  if (!HasHeader(req->headers, "host")) req->headers.emplace_back("Host", host);
  sr.headers = req->headers;
  sr.payload_sha256_hex = Sha256Hex(req->body);
  SigningParams p;
  p.region = std::string(region);
  p.service = std::string(service);
  p.time = NowNs();
  p.normalize_path = !s3;
  p.add_content_sha256 = s3;
  const SignedParts parts = SignHeaders(sr, creds, p);
  req->headers.insert(req->headers.end(), parts.added.begin(), parts.added.end());
  return Status::Ok();
}

bool IsThrottle(std::string_view code) {
  static constexpr std::string_view kCodes[] = {"Throttling",
                                                "ThrottlingException",
                                                "ThrottledException",
                                                "RequestThrottledException",
                                                "TooManyRequestsException",
                                                "ProvisionedThroughputExceededException",
                                                "TransactionInProgressException",
                                                "RequestLimitExceeded",
                                                "BandwidthLimitExceeded",
                                                "LimitExceededException",
                                                "RequestThrottled",
                                                "SlowDown",
                                                "PriorRequestNotComplete",
                                                "EC2ThrottledException",
                                                "RequestTimeout",
                                                "RequestTimeoutException",
                                                "InternalError",
                                                "InternalFailure",
                                                "ServiceUnavailable"};
  for (std::string_view c : kCodes) {
    if (code == c) return true;
  }
  return false;
}

std::string LastSegment(std::string_view s, char sep) {
  const size_t p = s.rfind(sep);
  return std::string(p == std::string_view::npos ? s : s.substr(p + 1));
}

}  // namespace

bool AwsError::Retryable() const {
  return http_status >= 500 || http_status == 429 || IsThrottle(code);
}

AwsError ParseAwsError(const HttpResponse& resp) {
  AwsError e;
  e.http_status = resp.status;
  const std::string& b = resp.body;
  size_t i = 0;
  while (i < b.size() && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) ++i;
  if (i < b.size() && b[i] == '{') {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(b).get(doc) == simdjson::SUCCESS) {
      std::string_view v;
      if (JsonGet(doc["__type"], v) || JsonGet(doc["code"], v) || JsonGet(doc["Code"], v)) {
        // "com.amazonaws.sqs#QueueDoesNotExist" and "Namespace:Code" forms.
        e.code = LastSegment(LastSegment(v, '#'), ':');
      }
      if (JsonGet(doc["message"], v) || JsonGet(doc["Message"], v)) e.message = v;
    }
  } else if (i < b.size() && b[i] == '<') {
    e.code = XmlText(b, "Code");
    e.message = XmlText(b, "Message");
  }
  const std::string amzn = resp.Header("x-amzn-errortype");
  if (e.code.empty() && !amzn.empty()) e.code = amzn.substr(0, amzn.find(':'));
  if (e.code.empty()) e.code = "HTTP" + std::to_string(resp.status);
  return e;
}

std::string JsonField(std::string_view name, std::string_view value) {
  std::string out;
  AppendJsonString(&out, name);
  out.push_back(':');
  AppendJsonString(&out, value);
  return out;
}

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out.push_back('&');
    out.append(UriEncode(k, false)).append("=").append(UriEncode(v, false));
  }
  return out;
}

std::string XmlText(std::string_view xml, std::string_view name) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return "";
  const std::string n(name);
  pugi::xml_node node = doc.find_node([&](pugi::xml_node x) { return n == x.name(); });
  return node ? node.child_value() : "";
}

Result<HttpResponse> SignedSend(std::string_view service, std::string_view region,
                                const Credentials& creds, HttpRequest req, bool s3) {
  Status s = SignWith(service, region, creds, &req, s3);
  if (!s.ok()) return s;
  return HttpSend(req);
}

AwsClient::AwsClient(AwsClientOptions options, std::shared_ptr<CredentialProvider> credentials)
    : options_(std::move(options)), credentials_(std::move(credentials)) {}

std::string AwsClient::Endpoint(std::string_view service) const {
  if (auto it = options_.endpoints.find(std::string(service)); it != options_.endpoints.end()) {
    std::string e = it->second;
    while (!e.empty() && e.back() == '/') e.pop_back();
    return e;
  }
  if (auto it = options_.endpoints.find("*"); it != options_.endpoints.end()) {
    std::string e = it->second;
    while (!e.empty() && e.back() == '/') e.pop_back();
    return e;
  }
  if (service == "route53" || service == "cloudfront" || service == "iam") {
    return "https://" + std::string(service) + ".amazonaws.com";
  }
  if (service == "organizations") return "https://organizations.us-east-1.amazonaws.com";
  return "https://" + std::string(service) + "." + options_.region + ".amazonaws.com";
}

Status AwsClient::Sign(std::string_view service, HttpRequest* req, bool s3) const {
  auto creds = credentials_->Get();
  if (!creds.ok()) return creds.status();
  return SignWith(service, options_.region, creds.value(), req, s3);
}

double AwsClient::BackoffSeconds(int attempt) const {
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  const double cap = std::min(options_.max_backoff_seconds,
                              options_.backoff_base_seconds * static_cast<double>(1 << attempt));
  return jitter(rng) * cap;
}

template <typename T>
Result<T> AwsClient::WithRetries(
    std::string_view service, const HttpRequest& req, bool s3,
    const std::function<Result<T>(const HttpRequest&, HttpResponse*)>& attempt_once,
    AwsError* error_out) const {
  Status last;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(std::chrono::duration<double>(BackoffSeconds(attempt - 1)));
    }
    if (req.cancel != nullptr && req.cancel->load()) {
      return Status::IoError(std::string(service) + ": cancelled");
    }
    HttpRequest signed_req = req;
    Status s = Sign(service, &signed_req, s3);
    if (!s.ok()) return s;
    HttpResponse error;
    auto r = attempt_once(signed_req, &error);
    if (r.ok()) return r;
    if (error.status == 0) {
      last = r.status();  // transport errors are retried
      if (error_out != nullptr) *error_out = AwsError{};
      continue;
    }
    const AwsError e = ParseAwsError(error);
    if (error_out != nullptr) *error_out = e;
    last = Status::IoError(std::string(service) + ": " + e.code +
                           (e.message.empty() ? "" : ": " + e.message) + " (HTTP " +
                           std::to_string(e.http_status) + ")");
    if (e.http_status == 404) return Status::NotFound(last.message());
    if (!e.Retryable()) return last;
  }
  return Status::IoError(last.message() + " after " + std::to_string(options_.max_attempts) +
                         " attempts");
}

Result<HttpResponse> AwsClient::Send(std::string_view service, HttpRequest req, bool s3,
                                     AwsError* error_out) const {
  if (req.connect_timeout_ms == HttpRequest{}.connect_timeout_ms) {
    req.connect_timeout_ms = options_.connect_timeout_ms;
  }
  if (req.timeout_ms == HttpRequest{}.timeout_ms) req.timeout_ms = options_.timeout_ms;
  auto r = WithRetries<HttpResponse>(
      service, req, s3,
      [](const HttpRequest& signed_req, HttpResponse* error) -> Result<HttpResponse> {
        auto resp = HttpSend(signed_req);
        if (!resp.ok()) return resp.status();
        if (resp.value().status >= 200 && resp.value().status <= 299) return resp;
        *error = std::move(resp.value());
        return Status::IoError("HTTP " + std::to_string(error->status));
      },
      error_out);
  // Callers of Send see a missing resource as any other client error.
  if (!r.ok() && r.status().code() == Status::Code::kNotFound) {
    return Status::IoError(r.status().message());
  }
  return r;
}

Result<std::unique_ptr<HttpStreamReader>> AwsClient::OpenStream(std::string_view service,
                                                                HttpRequest req, bool s3) const {
  req.connect_timeout_ms = options_.connect_timeout_ms;
  return WithRetries<std::unique_ptr<HttpStreamReader>>(
      service, req, s3, [](const HttpRequest& signed_req, HttpResponse* error) {
        return HttpStreamReader::Open(signed_req, error);
      });
}

Result<std::string> AwsClient::CallJson(std::string_view service, std::string_view target_prefix,
                                        std::string_view operation, std::string body,
                                        std::string_view json_version, AwsError* error,
                                        const std::atomic<bool>* cancel) const {
  HttpRequest req;
  req.method = "POST";
  req.url = Endpoint(service) + "/";
  req.headers = {{"Content-Type", "application/x-amz-json-" + std::string(json_version)},
                 {"X-Amz-Target", std::string(target_prefix) + "." + std::string(operation)}};
  req.cancel = cancel;
  req.body = std::move(body);
  auto resp = Send(service, std::move(req), false, error);
  if (!resp.ok()) {
    return Status::IoError(std::string(operation) + ": " + resp.status().message());
  }
  return std::move(resp.value().body);
}

Result<std::string> AwsClient::CallQuery(
    std::string_view service, std::string_view action, std::string_view version,
    const std::vector<std::pair<std::string, std::string>>& params, AwsError* error) const {
  std::vector<std::pair<std::string, std::string>> all = {{"Action", std::string(action)},
                                                          {"Version", std::string(version)}};
  all.insert(all.end(), params.begin(), params.end());
  HttpRequest req;
  req.method = "POST";
  req.url = Endpoint(service) + "/";
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  req.body = FormEncode(all);
  auto resp = Send(service, std::move(req), false, error);
  if (!resp.ok()) return Status::IoError(std::string(action) + ": " + resp.status().message());
  return std::move(resp.value().body);
}

Result<std::string> AwsClient::CallRest(std::string_view service, std::string_view method,
                                        std::string_view path_and_query, std::string body,
                                        std::string_view content_type, AwsError* error) const {
  HttpRequest req;
  req.method = std::string(method);
  req.url = Endpoint(service) + std::string(path_and_query);
  if (!body.empty()) req.headers = {{"Content-Type", std::string(content_type)}};
  req.body = std::move(body);
  auto resp = Send(service, std::move(req), service == "s3", error);
  if (!resp.ok()) return Status::IoError(resp.status().message());
  return std::move(resp.value().body);
}

}  // namespace fastpath::aws
