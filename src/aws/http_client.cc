#include "aws/http_client.h"

#include <algorithm>
#include <cstring>
#include <mutex>

#include <curl/curl.h>

namespace fastpath::aws {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Parses one "Name: value\r\n" header line; status lines reset the list (redirects, 100s).
void AddHeaderLine(std::string_view line, HeaderList* headers) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    headers->clear();
    return;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return;
  std::string_view v = line.substr(colon + 1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  headers->emplace_back(LowerAscii(line.substr(0, colon)), std::string(v));
}

struct SendState {
  HttpResponse* resp;
};

size_t SendWrite(char* ptr, size_t size, size_t nmemb, void* user) {
  static_cast<SendState*>(user)->resp->body.append(ptr, size * nmemb);
  return size * nmemb;
}

size_t SendHeader(char* ptr, size_t size, size_t nmemb, void* user) {
  AddHeaderLine(std::string_view(ptr, size * nmemb), &static_cast<SendState*>(user)->resp->headers);
  return size * nmemb;
}

curl_slist* BuildHeaders(const HttpRequest& req) {
  curl_slist* list = nullptr;
  for (const auto& [k, v] : req.headers) {
    const std::string line = v.empty() ? k + ";" : k + ": " + v;
    list = curl_slist_append(list, line.c_str());
  }
  // curl adds these on its own unless told not to; AWS does not want them signed or sent.
  list = curl_slist_append(list, "Expect:");
  if (req.method != "GET" && req.method != "HEAD" &&
      std::none_of(req.headers.begin(), req.headers.end(),
                   [](const auto& h) { return LowerAscii(h.first) == "content-type"; })) {
    list = curl_slist_append(list, "Content-Type:");
  }
  return list;
}

void SetCommon(CURL* c, const HttpRequest& req, curl_slist* headers) {
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, req.connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  if (req.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (req.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  }
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

namespace {
int CancelProgress(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(flag)->load() ? 1 : 0;
}
}  // namespace

Result<HttpResponse> HttpSend(const HttpRequest& req) {
  GlobalInit();
  // One handle per thread keeps its connection cache between calls.
  thread_local std::unique_ptr<CURL, void (*)(CURL*)> handle(curl_easy_init(), curl_easy_cleanup);
  CURL* c = handle.get();
  if (c == nullptr) return Status::IoError("curl_easy_init failed");
  curl_easy_reset(c);
  HttpResponse resp;
  SendState st{&resp};
  curl_slist* headers = BuildHeaders(req);
  SetCommon(c, req, headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req.timeout_ms);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, SendWrite);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &st);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, SendHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &st);
  if (req.cancel != nullptr) {
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, CancelProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(req.cancel));
  }
  const CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (rc == CURLE_ABORTED_BY_CALLBACK) {
    return Status::IoError(req.method + " " + req.url + ": cancelled");
  }
  if (rc != CURLE_OK) {
    return Status::IoError(req.method + " " + req.url + ": " + curl_easy_strerror(rc));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

// ---------------------------------------------------------------------------------------------

struct HttpStreamReader::Handles {
  CURL* easy = nullptr;
  CURLM* multi = nullptr;
  curl_slist* headers = nullptr;
  std::string body;  // the request must outlive the transfer
  ~Handles() {
    if (multi != nullptr && easy != nullptr) curl_multi_remove_handle(multi, easy);
    if (easy != nullptr) curl_easy_cleanup(easy);
    if (multi != nullptr) curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
  }
};

size_t StreamWrite(char* ptr, size_t size, size_t nmemb, void* user) {
  auto* r = static_cast<HttpStreamReader*>(user);
  r->headers_done_ = true;
  if (r->buf_pos_ == r->buf_.size()) {
    r->buf_.clear();
    r->buf_pos_ = 0;
  }
  r->buf_.append(ptr, size * nmemb);
  return size * nmemb;
}

size_t StreamHeader(char* ptr, size_t size, size_t nmemb, void* user) {
  auto* r = static_cast<HttpStreamReader*>(user);
  std::string_view line(ptr, size * nmemb);
  AddHeaderLine(line, &r->headers_);
  if (line == "\r\n" || line == "\n") {
    long code = 0;
    curl_easy_getinfo(r->h_->easy, CURLINFO_RESPONSE_CODE, &code);
    if (code >= 200) {  // not an interim 1xx
      r->status_ = code;
      r->headers_done_ = true;
    }
  }
  return size * nmemb;
}

HttpStreamReader::~HttpStreamReader() = default;

Result<std::unique_ptr<HttpStreamReader>> HttpStreamReader::Open(const HttpRequest& req,
                                                                 HttpResponse* error_response) {
  GlobalInit();
  std::unique_ptr<HttpStreamReader> r(new HttpStreamReader());
  r->h_ = std::make_unique<Handles>();
  r->h_->easy = curl_easy_init();
  r->h_->multi = curl_multi_init();
  if (r->h_->easy == nullptr || r->h_->multi == nullptr) return Status::IoError("curl init failed");
  r->h_->headers = BuildHeaders(req);
  SetCommon(r->h_->easy, req, r->h_->headers);
  // A stream has no total deadline; a transfer that stalls below 1 byte/s for the timeout fails.
  curl_easy_setopt(r->h_->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(r->h_->easy, CURLOPT_LOW_SPEED_TIME, std::max(1L, req.timeout_ms / 1000));
  curl_easy_setopt(r->h_->easy, CURLOPT_WRITEFUNCTION, StreamWrite);
  curl_easy_setopt(r->h_->easy, CURLOPT_WRITEDATA, r.get());
  curl_easy_setopt(r->h_->easy, CURLOPT_HEADERFUNCTION, StreamHeader);
  curl_easy_setopt(r->h_->easy, CURLOPT_HEADERDATA, r.get());
  curl_multi_add_handle(r->h_->multi, r->h_->easy);
  while (!r->headers_done_ && !r->done_) {
    Status s = r->Pump();
    if (!s.ok()) return Status::IoError(req.method + " " + req.url + ": " + s.message());
  }
  if (!r->transfer_status_.ok()) {
    return Status::IoError(req.method + " " + req.url + ": " + r->transfer_status_.message());
  }
  if (r->status_ == 0) curl_easy_getinfo(r->h_->easy, CURLINFO_RESPONSE_CODE, &r->status_);
  if (r->status_ < 200 || r->status_ > 299) {
    // Error bodies are small XML/JSON documents: read them whole.
    while (!r->done_) {
      Status s = r->Pump();
      if (!s.ok()) break;
      if (r->buf_.size() > (1u << 20)) break;
    }
    error_response->status = r->status_;
    error_response->headers = r->headers_;
    error_response->body = r->buf_.substr(r->buf_pos_);
    return Status::IoError("HTTP " + std::to_string(r->status_));
  }
  return r;
}

Status HttpStreamReader::Pump() {
  int running = 0;
  CURLMcode mc = curl_multi_perform(h_->multi, &running);
  if (mc != CURLM_OK) return Status::IoError(curl_multi_strerror(mc));
  int msgs = 0;
  while (CURLMsg* m = curl_multi_info_read(h_->multi, &msgs)) {
    if (m->msg == CURLMSG_DONE) {
      done_ = true;
      if (m->data.result != CURLE_OK) {
        transfer_status_ = Status::IoError(curl_easy_strerror(m->data.result));
      }
    }
  }
  if (running == 0) done_ = true;
  if (!done_ && buf_pos_ == buf_.size()) {
    mc = curl_multi_poll(h_->multi, nullptr, 0, 1000, nullptr);
    if (mc != CURLM_OK) return Status::IoError(curl_multi_strerror(mc));
  }
  return Status::Ok();
}

Result<size_t> HttpStreamReader::Read(char* out, size_t n) {
  while (buf_pos_ == buf_.size()) {
    if (done_) {
      if (!transfer_status_.ok()) return transfer_status_;
      return size_t{0};
    }
    Status s = Pump();
    if (!s.ok()) return s;
  }
  const size_t take = std::min(n, buf_.size() - buf_pos_);
  std::memcpy(out, buf_.data() + buf_pos_, take);
  buf_pos_ += take;
  delivered_ += take;
  return take;
}

}  // namespace fastpath::aws
