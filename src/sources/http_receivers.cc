#include "sources/http_receivers.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>

#include <netdb.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <simdjson.h>

#include "core/event.h"
#include "core/hash.h"
#include "core/json_get.h"
#include "decode/byte_reader.h"

namespace fastpath {
namespace {

constexpr const char* kResultNames[] = {
    "accepted",    "duplicate",          "unauthorized",  "too_large", "unsupported_media_type",
    "bad_request", "method_not_allowed", "shutting_down", "failed",    "overloaded",
    "timed_out",   "not_found"};
static_assert(std::size(kResultNames) == HttpReceiver::kNumResults);

std::string ReadWholeFile(const std::string& path, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *error = path + ": " + std::strerror(errno);
    return "";
  }
  std::string out;
  char buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

// Why a PEM certificate or key cannot be used, or "" (libmicrohttpd only says it failed).
std::string PemProblem(const std::string& pem, bool key) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  bool ok;
  if (key) {
    EVP_PKEY* k = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    ok = k != nullptr;
    EVP_PKEY_free(k);
  } else {
    X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    ok = x != nullptr;
    X509_free(x);
  }
  BIO_free(bio);
  return ok ? "" : key ? "not a PEM private key" : "not a PEM certificate";
}

std::string ClientAddress(MHD_Connection* c) {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == nullptr || info->client_addr == nullptr) return "?";
  char host[NI_MAXHOST];
  const socklen_t len =
      info->client_addr->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  if (getnameinfo(info->client_addr, len, host, sizeof(host), nullptr, 0, NI_NUMERICHOST) != 0) {
    return "?";
  }
  return host;
}

std::string Header(MHD_Connection* c, const char* name) {
  const char* v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
  return v != nullptr ? v : "";
}

}  // namespace

bool SecretEquals(std::string_view given, std::string_view expected) {
  // Compare digests: equal length, so CRYPTO_memcmp's time is independent of both inputs.
  const std::string a = HmacSha256("fastpath-secret-compare", given);
  const std::string b = HmacSha256("fastpath-secret-compare", expected);
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Status ValidateFirehoseBody(std::string_view body, std::string_view request_id) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS) {
    return Status::Corrupt("body is not JSON");
  }
  std::string_view body_id;
  simdjson::dom::array records;
  if (!JsonGet(doc["requestId"], body_id) || !JsonGet(doc["records"], records)) {
    return Status::Corrupt("body lacks requestId or records");
  }
  if (body_id != request_id) {
    return Status::Corrupt("requestId in the body differs from X-Amz-Firehose-Request-Id");
  }
  size_t i = 0;
  for (simdjson::dom::element r : records) {
    std::string_view data;
    if (!JsonGet(r["data"], data)) {
      return Status::Corrupt("records[" + std::to_string(i) + "] lacks data");
    }
    ++i;
  }
  return Status::Ok();
}

Status ValidateEventBridgeBody(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS) {
    return Status::Corrupt("body is not JSON");
  }
  if (!doc.is_object() && !doc.is_array()) {
    return Status::Corrupt("body is not an event object or array");
  }
  return Status::Ok();
}

// One Firehose request id in flight (or recently answered): the requests that carry it (the
// first and any retry that came while it was in the pipeline) wait for its outcome together.
struct HttpReceiver::Pending {
  std::mutex mu;
  bool finished = false;
  bool ok = false;
  std::string error;
  std::vector<std::shared_ptr<Request>> waiters;  // guarded by mu
};

// A connection, for the request deadline.
struct HttpReceiver::Connection {
  int fd = -1;
  int64_t start_ns = 0;   // when its current request began
  bool receiving = true;  // its current request is not in yet
  bool cut = false;
};

// One request, from its headers to its answer.
struct HttpReceiver::Request {
  MHD_Connection* conn = nullptr;
  std::shared_ptr<Connection> connection;
  std::string request_id, encoding, remote;
  std::string body;
  bool too_large = false;
  bool first = true;     // the first request with its Firehose request id
  bool counted = false;  // holds a max_in_flight slot
  int64_t queued_ns = 0;
  // The answer; set once, under conn_mu_ (a suspended request is answered by another thread).
  bool answered = false;
  bool suspended = false;
  bool closed = false;  // MHD is done with the connection: never resume it
  int status = 0;
  bool retry_after = false;
  std::string answer;
};

// Lets the pipeline's done callback outlive the receiver.
struct HttpReceiver::Life {
  std::mutex mu;
  HttpReceiver* self = nullptr;
};

// libmicrohttpd's callbacks, with its signatures, calling into the receiver.
struct ReceiverCallbacks {
  static MHD_Result OnRequest(void* cls, MHD_Connection* c, const char* url, const char* method,
                              const char* /*version*/, const char* upload_data,
                              size_t* upload_data_size, void** con_cls) {
    auto* self = static_cast<HttpReceiver*>(cls);
    auto*& slot = reinterpret_cast<std::shared_ptr<HttpReceiver::Request>*&>(*con_cls);
    if (slot == nullptr) {  // the headers are in
      slot = new std::shared_ptr<HttpReceiver::Request>(std::make_shared<HttpReceiver::Request>());
      return static_cast<MHD_Result>(self->Headers(c, url, method, *slot));
    }
    const std::shared_ptr<HttpReceiver::Request>& rq = *slot;
    {
      std::lock_guard<std::mutex> l(self->conn_mu_);
      if (rq->answered)
        return static_cast<MHD_Result>(self->Queue(*rq));  // resumed with its answer
    }
    if (*upload_data_size > 0) {  // a piece of the body, de-chunked
      if (!rq->too_large) {
        if (rq->body.size() + *upload_data_size > self->options_.max_body_bytes) {
          rq->too_large = true;
          std::string().swap(rq->body);
        } else {
          rq->body.append(upload_data, *upload_data_size);
        }
      }
      *upload_data_size = 0;
      return MHD_YES;
    }
    return static_cast<MHD_Result>(self->BodyIn(rq));
  }

  static void OnCompleted(void* cls, MHD_Connection*, void** con_cls, MHD_RequestTerminationCode) {
    auto* self = static_cast<HttpReceiver*>(cls);
    auto* slot = static_cast<std::shared_ptr<HttpReceiver::Request>*>(*con_cls);
    if (slot == nullptr) return;
    {
      std::lock_guard<std::mutex> l(self->conn_mu_);
      (*slot)->closed = true;
      if ((*slot)->counted) --self->in_flight_;
      if (const auto& conn = (*slot)->connection) {  // the next request on it begins
        conn->receiving = true;
        conn->start_ns = SteadyNs();
      }
    }
    delete slot;
    *con_cls = nullptr;
  }

  static void OnConnection(void* cls, MHD_Connection* c, void** /*socket_context*/,
                           MHD_ConnectionNotificationCode toe) {
    auto* self = static_cast<HttpReceiver*>(cls);
    std::lock_guard<std::mutex> l(self->conn_mu_);
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
      auto conn = std::make_shared<HttpReceiver::Connection>();
      const MHD_ConnectionInfo* info =
          MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
      conn->fd = info != nullptr ? info->connect_fd : -1;
      conn->start_ns = SteadyNs();
      self->connections_[c] = std::move(conn);
    } else {
      self->connections_.erase(c);
    }
  }
};

HttpReceiver::HttpReceiver(ReceiverOptions options, InputQueue* pipeline,
                           std::function<void(const std::string&)> log)
    : options_(std::move(options)),
      pipeline_(pipeline),
      log_(std::move(log)),
      life_(std::make_shared<Life>()) {
  life_->self = this;
}

HttpReceiver::~HttpReceiver() {
  Stop();
  std::lock_guard<std::mutex> l(life_->mu);
  life_->self = nullptr;
}

Status HttpReceiver::Start() {
  unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME;
  const bool tls = !options_.tls_cert_file.empty() || !options_.tls_key_file.empty();
  if (tls) {
    std::string error;
    tls_cert_ = ReadWholeFile(options_.tls_cert_file, &error);
    if (error.empty()) tls_key_ = ReadWholeFile(options_.tls_key_file, &error);
    if (error.empty()) {
      if (std::string p = PemProblem(tls_cert_, false); !p.empty()) {
        error = options_.tls_cert_file + ": " + p;
      } else if (std::string q = PemProblem(tls_key_, true); !q.empty()) {
        error = options_.tls_key_file + ": " + q;
      }
    }
    if (!error.empty()) {
      return Status::InvalidArgument("receiver " + options_.name + ": TLS: " + error);
    }
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
      return Status::InvalidArgument("receiver " + options_.name +
                                     ": this libmicrohttpd has no TLS support");
    }
    flags |= MHD_USE_TLS;
  }
  // The listening address: SO_REUSEADDR only (libmicrohttpd's default), so a second daemon on
  // the same port fails to start instead of splitting the traffic with this one.
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port_text = std::to_string(options_.port);
  const auto cannot_listen = [&](const std::string& why) {
    return Status::IoError("receiver " + options_.name + ": cannot listen on " + options_.host +
                           ":" + port_text + (why.empty() ? "" : ": " + why));
  };
  if (int rc = getaddrinfo(options_.host.empty() ? nullptr : options_.host.c_str(),
                           port_text.c_str(), &hints, &found);
      rc != 0) {
    return cannot_listen(gai_strerror(rc));
  }
  sockaddr_storage addr{};
  std::memcpy(&addr, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  if (addr.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
  {
    std::lock_guard<std::mutex> l(conn_mu_);
    daemon_running_ = true;
  }
  daemon_ = MHD_start_daemon(
      flags, 0, nullptr, nullptr, &ReceiverCallbacks::OnRequest, this, MHD_OPTION_SOCK_ADDR,
      reinterpret_cast<sockaddr*>(&addr), MHD_OPTION_CONNECTION_TIMEOUT,
      static_cast<unsigned int>(options_.read_timeout_seconds), MHD_OPTION_CONNECTION_LIMIT,
      static_cast<unsigned int>(options_.max_connections), MHD_OPTION_PER_IP_CONNECTION_LIMIT,
      static_cast<unsigned int>(options_.max_connections_per_client), MHD_OPTION_NOTIFY_COMPLETED,
      &ReceiverCallbacks::OnCompleted, this, MHD_OPTION_NOTIFY_CONNECTION,
      &ReceiverCallbacks::OnConnection, this, tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END,
      tls_key_.c_str(), MHD_OPTION_HTTPS_MEM_CERT, tls_cert_.c_str(), MHD_OPTION_END);
  if (daemon_ == nullptr) {
    std::lock_guard<std::mutex> l(conn_mu_);
    daemon_running_ = false;
    return cannot_listen(std::strerror(errno));
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
  port_ = info != nullptr ? info->port : options_.port;
  const int workers = std::max(1, options_.threads);
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { Work(); });
  reaper_ = std::thread([this] { Reap(); });
  return Status::Ok();
}

void HttpReceiver::Stop() {
  if (stopping_.exchange(true)) return;
  if (daemon_ == nullptr) return;
  // Requests already in the pipeline get their answer if it comes soon; the others are told
  // to retry (Firehose and EventBridge do), and every connection is closed, however slow.
  const int64_t give_up = SteadyNs() + static_cast<int64_t>(options_.stop_wait_ms) * 1000000;
  for (;;) {
    {
      std::lock_guard<std::mutex> l(conn_mu_);
      if (suspended_ == 0) break;
    }
    if (SteadyNs() >= give_up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  {
    std::lock_guard<std::mutex> l(reap_mu_);
    reap_stop_ = true;
  }
  reap_cv_.notify_all();
  if (reaper_.joinable()) reaper_.join();
  {
    std::lock_guard<std::mutex> l(work_mu_);
    work_stop_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  // Answer what is still suspended (libmicrohttpd cannot stop with suspended connections),
  // then stop: every connection is closed.
  std::vector<std::shared_ptr<Request>> left;
  {
    std::lock_guard<std::mutex> l(conn_mu_);
    left.assign(suspended_requests_.begin(), suspended_requests_.end());
  }
  for (const auto& rq : left) Finish(rq, 503, kShuttingDown, "shutting down", true);
  {
    std::lock_guard<std::mutex> l(conn_mu_);
    daemon_running_ = false;
  }
  MHD_stop_daemon(daemon_);
  daemon_ = nullptr;
}

bool HttpReceiver::Authorized(MHD_Connection* c) const {
  if (options_.kind == ReceiverOptions::Kind::kFirehose) {
    if (options_.access_key.empty()) return true;
    return SecretEquals(Header(c, "X-Amz-Firehose-Access-Key"), options_.access_key);
  }
  if (!options_.api_key.empty()) {
    return SecretEquals(Header(c, options_.api_key_header.c_str()), options_.api_key);
  }
  if (!options_.basic_user.empty()) {
    const std::string auth = Header(c, "Authorization");
    if (!auth.starts_with("Basic ")) return false;
    auto decoded = Base64Decode(std::string_view(auth).substr(6));
    if (!decoded.ok()) return false;
    return SecretEquals(decoded.value(), options_.basic_user + ":" + options_.basic_password);
  }
  return true;
}

std::string HttpReceiver::Answer(const Request& rq, const std::string& error) const {
  if (options_.kind == ReceiverOptions::Kind::kFirehose) {
    std::string body = "{\"requestId\":";
    AppendJsonString(&body, rq.request_id);
    body += ",\"timestamp\":" + std::to_string(NowNs() / 1000000);
    if (!error.empty()) {
      body += ",\"errorMessage\":";
      AppendJsonString(&body, error);
    }
    return body + "}";
  }
  if (error.empty()) return "{}";
  std::string body = "{\"error\":";
  AppendJsonString(&body, error);
  return body + "}";
}

void HttpReceiver::SetAnswer(Request* rq, int status, RequestResult result,
                             const std::string& error, bool retry_after) {
  Count(result);
  rq->status = status;
  rq->retry_after = retry_after;
  rq->answer = Answer(*rq, error);
  rq->answered = true;
  if (status != 200 && status != 503) {
    log_("receiver " + options_.name + ": " + std::to_string(status) + " " + error +
         (rq->request_id.empty() ? "" : " (request " + rq->request_id + ")") + " from " +
         rq->remote);
  }
}

int HttpReceiver::Queue(const Request& rq) {
  MHD_Response* r = MHD_create_response_from_buffer(
      rq.answer.size(), const_cast<char*>(rq.answer.data()), MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(r, "Content-Type", "application/json");
  if (rq.retry_after) MHD_add_response_header(r, "Retry-After", "1");
  if (rq.status == 405) MHD_add_response_header(r, "Allow", "POST");
  // A request answered before its body was read leaves the body unread: the connection closes.
  if (rq.status != 200) MHD_add_response_header(r, "Connection", "close");
  const int ok = MHD_queue_response(rq.conn, static_cast<unsigned int>(rq.status), r);
  MHD_destroy_response(r);
  return ok;
}

int HttpReceiver::Refuse(Request* rq, int status, RequestResult result, const std::string& error,
                         bool retry_after) {
  std::lock_guard<std::mutex> l(conn_mu_);
  SetAnswer(rq, status, result, error, retry_after);
  return Queue(*rq);
}

int HttpReceiver::Headers(MHD_Connection* c, const char* url, const char* method,
                          const std::shared_ptr<Request>& rq) {
  const bool firehose = options_.kind == ReceiverOptions::Kind::kFirehose;
  rq->conn = c;
  rq->remote = ClientAddress(c);
  rq->request_id = Header(c, "X-Amz-Firehose-Request-Id");
  {
    std::lock_guard<std::mutex> l(conn_mu_);
    if (auto it = connections_.find(c); it != connections_.end()) rq->connection = it->second;
  }
  if (options_.path != url) {
    return Refuse(rq.get(), 404, kNotFound, std::string("no receiver at ") + url);
  }
  if (std::strcmp(method, "POST") != 0) {
    return Refuse(rq.get(), 405, kMethodNotAllowed, std::string(method) + " is not POST");
  }
  if (stopping_) return Refuse(rq.get(), 503, kShuttingDown, "shutting down", true);
  if (!Authorized(c)) {
    return Refuse(
        rq.get(), 401, kUnauthorized,
        firehose ? "invalid or missing X-Amz-Firehose-Access-Key" : "invalid credentials");
  }
  const std::string ct = Header(c, "Content-Type");
  if (!ct.empty() && ct.find("json") == std::string::npos) {
    return Refuse(rq.get(), 415, kUnsupportedMediaType,
                  "Content-Type must be application/json, got " + ct);
  }
  rq->encoding = Header(c, "Content-Encoding");
  if (!rq->encoding.empty() && rq->encoding != "identity" && rq->encoding != "gzip" &&
      rq->encoding != "x-gzip" && rq->encoding != "deflate") {
    return Refuse(rq.get(), 415, kUnsupportedMediaType,
                  "Content-Encoding " + rq->encoding + " is not supported (gzip, deflate)");
  }
  if (firehose && rq->request_id.empty()) {
    return Refuse(rq.get(), 400, kBadRequest, "X-Amz-Firehose-Request-Id is missing");
  }
  const std::string length = Header(c, "Content-Length");
  if (!length.empty() && std::strtoull(length.c_str(), nullptr, 10) > options_.max_body_bytes) {
    return Refuse(rq.get(), 413, kTooLarge, TooLargeMessage(false));
  }
  return MHD_YES;  // the body follows
}

std::string HttpReceiver::TooLargeMessage(bool decompressed) const {
  return "body over max_body_mib (" + std::to_string(options_.max_body_bytes >> 20) + " MiB)" +
         (decompressed ? " once decompressed" : "");
}

int HttpReceiver::BodyIn(const std::shared_ptr<Request>& rq) {
  {
    std::lock_guard<std::mutex> l(conn_mu_);
    if (rq->connection) rq->connection->receiving = false;  // the deadline is met
  }
  if (rq->too_large) return Refuse(rq.get(), 413, kTooLarge, TooLargeMessage(false));
  // Load shedding: better a quick 503 the sender retries than a queue that grows until every
  // sender times out.
  const int now_in_flight = ++in_flight_;
  rq->counted = true;
  if (now_in_flight > options_.max_in_flight) {
    return Refuse(rq.get(), 503, kOverloaded,
                  "overloaded: " + std::to_string(options_.max_in_flight) +
                      " requests in flight (max_in_flight); retry",
                  true);
  }
  // Wait, suspended, for a worker and then the pipeline. Suspended first: a worker may answer
  // (and resume) before this callback returns.
  {
    std::lock_guard<std::mutex> l(conn_mu_);
    MHD_suspend_connection(rq->conn);
    rq->suspended = true;
    ++suspended_;
    suspended_requests_.insert(rq);
  }
  rq->queued_ns = SteadyNs();
  {
    std::lock_guard<std::mutex> l(work_mu_);
    work_.push_back(rq);
  }
  work_cv_.notify_one();
  return MHD_YES;
}

void HttpReceiver::Finish(const std::shared_ptr<Request>& rq, int status, RequestResult result,
                          const std::string& error, bool retry_after) {
  std::lock_guard<std::mutex> l(conn_mu_);
  if (rq->answered) return;  // answered already (at stop, or by the queue-wait limit)
  SetAnswer(rq.get(), status, result, error, retry_after);
  if (rq->suspended) {
    rq->suspended = false;
    --suspended_;
    suspended_requests_.erase(rq);
    if (daemon_running_ && !rq->closed) MHD_resume_connection(rq->conn);
  }
}

void HttpReceiver::Work() {
  for (;;) {
    std::shared_ptr<Request> rq;
    {
      std::unique_lock<std::mutex> l(work_mu_);
      work_cv_.wait(l, [&] { return work_stop_ || !work_.empty(); });
      if (work_.empty()) return;
      rq = std::move(work_.front());
      work_.pop_front();
    }
    Process(rq);
  }
}

void HttpReceiver::Process(const std::shared_ptr<Request>& rq) {
  const bool firehose = options_.kind == ReceiverOptions::Kind::kFirehose;
  if (stopping_) return Finish(rq, 503, kShuttingDown, "shutting down", true);
  std::string body = std::move(rq->body);
  if (!rq->encoding.empty() && rq->encoding != "identity") {
    auto inflated = InflateBuffer(body, options_.max_body_bytes);
    if (!inflated.ok()) {
      if (inflated.status().code() == Status::Code::kTooLarge) {
        return Finish(rq, 413, kTooLarge, TooLargeMessage(true));
      }
      return Finish(rq, 400, kBadRequest,
                    "the body could not be decompressed (" + rq->encoding +
                        "): " + inflated.status().message());
    }
    body = std::move(inflated).value();
  }
  // Validate the shape before taking the request: a bad body is the sender's error (400), not
  // something to retry.
  if (Status st =
          firehose ? ValidateFirehoseBody(body, rq->request_id) : ValidateEventBridgeBody(body);
      !st.ok()) {
    return Finish(rq, 400, kBadRequest, st.message());
  }
  // Firehose retries reuse the request id: answer them with the first attempt's outcome.
  std::shared_ptr<Pending> pending;
  if (firehose) {
    std::lock_guard<std::mutex> l(mu_);
    auto it = requests_.find(rq->request_id);
    if (it != requests_.end()) {
      pending = it->second;
      rq->first = false;
    } else {
      pending = std::make_shared<Pending>();
      requests_[rq->request_id] = pending;
      request_order_.push_back(rq->request_id);
      while (request_order_.size() > options_.remembered_request_ids) {
        requests_.erase(request_order_.front());
        request_order_.pop_front();
      }
    }
  } else {
    pending = std::make_shared<Pending>();
  }
  bool went_through = false;
  std::string error;
  {
    std::lock_guard<std::mutex> l(pending->mu);
    if (!pending->finished) {
      pending->waiters.push_back(rq);
      if (!rq->first) return;  // answered with the first
    } else {
      went_through = pending->ok;
      error = pending->error;
    }
  }
  if (!rq->first) {  // the first was handled already
    if (went_through) return Finish(rq, 200, kDuplicate, "");
    return Finish(rq, 500, kFailed, error);
  }
  auto shared = std::make_shared<const std::string>(std::move(body));
  InputSpec spec;
  spec.path = options_.name + (rq->request_id.empty() ? "" : ":" + rq->request_id);
  spec.received_at = NowNs();
  spec.size = shared->size();
  spec.open = [shared]() -> Result<std::unique_ptr<ByteReader>> {
    return std::unique_ptr<ByteReader>(std::make_unique<SharedStringReader>(shared));
  };
  const std::string request_id = rq->request_id;
  spec.done = [life = life_, pending, request_id](const InputOutcome& outcome) {
    std::lock_guard<std::mutex> l(life->mu);
    if (life->self != nullptr) {
      life->self->Done(pending, request_id, !outcome.unreadable && outcome.stored, outcome.error);
    }
  };
  if (!pipeline_->Submit(std::move(spec))) Done(pending, request_id, false, "shutting down");
}

void HttpReceiver::Done(const std::shared_ptr<Pending>& pending, const std::string& request_id,
                        bool ok, const std::string& error) {
  std::vector<std::shared_ptr<Request>> waiters;
  {
    std::lock_guard<std::mutex> l(pending->mu);
    pending->finished = true;
    pending->ok = ok;
    pending->error = error;
    waiters.swap(pending->waiters);
  }
  if (!ok && !request_id.empty()) {
    std::lock_guard<std::mutex> g(mu_);
    requests_.erase(request_id);  // let the retry run it again
  }
  for (const auto& w : waiters) {
    if (ok) {
      Finish(w, 200, w->first ? kAccepted : kDuplicate, "");
    } else {
      Finish(w, error == "shutting down" ? 503 : 500, kFailed, error, error == "shutting down");
    }
  }
}

void HttpReceiver::Reap() {
  const int64_t deadline = static_cast<int64_t>(options_.request_timeout_seconds) * 1000000000;
  const int64_t max_wait = static_cast<int64_t>(options_.max_queue_wait_ms) * 1000000;
  std::unique_lock<std::mutex> rl(reap_mu_);
  while (!reap_cv_.wait_for(rl, std::chrono::milliseconds(100), [&] { return reap_stop_; })) {
    const int64_t now = SteadyNs();
    int cut = 0;
    {
      std::lock_guard<std::mutex> l(conn_mu_);
      for (auto& [c, conn] : connections_) {
        if (conn->receiving && !conn->cut && now - conn->start_ns > deadline && conn->fd >= 0) {
          // libmicrohttpd sees the end of the stream and closes the connection itself.
          ::shutdown(conn->fd, SHUT_RDWR);
          conn->cut = true;
          ++cut;
        }
      }
    }
    for (int i = 0; i < cut; ++i) Count(kTimedOut);
    if (cut > 0) {
      log_("receiver " + options_.name + ": " + std::to_string(cut) +
           " connection(s) closed: request not in within request_timeout (" +
           std::to_string(options_.request_timeout_seconds) + " s)");
    }
    // Bodies no worker took in time: the pipeline is not keeping up.
    std::vector<std::shared_ptr<Request>> late;
    {
      std::lock_guard<std::mutex> l(work_mu_);
      while (!work_.empty() && now - work_.front()->queued_ns > max_wait) {
        late.push_back(std::move(work_.front()));
        work_.pop_front();
      }
    }
    for (const auto& rq : late) {
      Finish(rq, 503, kOverloaded,
             "overloaded: waited " + std::to_string((now - rq->queued_ns) / 1000000) +
                 " ms for the pipeline (max_queue_wait); retry",
             true);
    }
  }
}

namespace {

constexpr MetricFamily kRequests = {"fastpath_receiver_requests_total", "counter",
                                    "Requests to the HTTP receivers, by result."};

}  // namespace

void HttpReceiver::WriteMetrics(MetricsWriter* w) const {
  for (int i = 0; i < kNumResults; ++i) {
    w->Add(kRequests, {{"receiver", options_.name}, {"result", kResultNames[i]}},
           counts_[i].load());
  }
}

std::vector<std::pair<std::string, std::string>> HttpReceiver::Describe() const {
  return {{"address", options_.host + ":" + std::to_string(port_)},
          {"path", options_.path},
          {"tls", options_.tls_cert_file.empty() ? "off" : "on"}};
}

// The `firehose` and `eventbridge` source types: one receiver class, two protocols.
namespace {

// The keys both receiver types take.
void ReadReceiverCommon(const ConfigSection& s, ReceiverOptions* o) {
  if (!s.Has("listen")) s.Problem(s.where() + " needs listen: host:port");
  s.Listen("listen", &o->host, &o->port);
  bool allow_unauthenticated = false;
  s.Bool("allow_unauthenticated", &allow_unauthenticated);
  const bool open = o->kind == ReceiverOptions::Kind::kFirehose
                        ? o->access_key.empty()
                        : o->api_key.empty() && o->basic_user.empty();
  if (open && !allow_unauthenticated && !IsLoopbackHost(o->host)) {
    s.Problem("listen", s.where() + " listens on " + o->host +
                            " without a key: anyone who reaches it could send events (set the "
                            "key, listen on loopback, or say allow_unauthenticated: true)");
  }
  s.Str("path", &o->path);
  size_t mib = o->max_body_bytes >> 20;
  s.Int("max_body_mib", &mib, 1, 1024);
  o->max_body_bytes = mib << 20;
  s.Seconds("read_timeout", &o->read_timeout_seconds, 1, 600);
  s.Seconds("request_timeout", &o->request_timeout_seconds, 1, 3600);
  s.Int("max_connections", &o->max_connections, 1, 65536);
  s.Int("max_connections_per_client", &o->max_connections_per_client, 1, 65536);
  s.Int("max_in_flight", &o->max_in_flight, 1, 4096);
  s.Millis("max_queue_wait", &o->max_queue_wait_ms, 1, 600000);
  s.Int("threads", &o->threads, 1, 1024);
  if (auto t = s.Section("tls")) {
    if (t->CheckKeys({"cert_file", "key_file"})) {
      t->Path("cert_file", &o->tls_cert_file);
      t->Path("key_file", &o->tls_key_file);
      if (o->tls_cert_file.empty() || o->tls_key_file.empty()) {
        t->Problem(s.where() + ".tls needs cert_file and key_file");
      }
      for (const auto& [key, file] :
           {std::pair<const char*, const std::string*>{"cert_file", &o->tls_cert_file},
            {"key_file", &o->tls_key_file}}) {
        if (s.file().check_files() && !file->empty() && ::access(file->c_str(), R_OK) != 0) {
          t->Problem(key,
                     std::string("cannot read ") + key + " " + *file + ": " + std::strerror(errno));
        }
      }
    }
  }
}

std::unique_ptr<SourceSettings> ReadFirehose(const ConfigSection& s,
                                             const SourceConfigContext& ctx) {
  auto out = std::make_unique<ReceiverSettings>();
  ReceiverOptions& o = out->options;
  o.kind = ReceiverOptions::Kind::kFirehose;
  o.name = ctx.name;
  s.Secret("access_key", &o.access_key);
  o.max_body_bytes = 64u << 20;
  ReadReceiverCommon(s, &o);
  return out;
}

std::unique_ptr<SourceSettings> ReadEventBridge(const ConfigSection& s,
                                                const SourceConfigContext& ctx) {
  auto out = std::make_unique<ReceiverSettings>();
  ReceiverOptions& o = out->options;
  o.kind = ReceiverOptions::Kind::kEventBridge;
  o.name = ctx.name;
  s.Str("api_key_header", &o.api_key_header);
  s.Secret("api_key", &o.api_key);
  s.Str("basic_user", &o.basic_user);
  s.Secret("basic_password", &o.basic_password);
  o.max_body_bytes = 1u << 20;
  bool allow_unauthenticated = false;
  s.Bool("allow_unauthenticated", &allow_unauthenticated);
  if (!s.Has("api_key_env") && !s.Has("api_key_file") && !s.Has("basic_user") &&
      !allow_unauthenticated) {
    s.Problem(s.where() +
              " needs api_key_env/api_key_file or basic_user: an open endpoint would take events "
              "from anyone");
  }
  ReadReceiverCommon(s, &o);
  return out;
}

Result<std::unique_ptr<Source>> BuildReceiver(const SourceSettings& settings,
                                              const SourceBuildContext& ctx) {
  const auto& o = static_cast<const ReceiverSettings&>(settings).options;
  // What the receiver logs is each refused request: the client's fault, not the receiver's.
  return std::unique_ptr<Source>(
      new HttpReceiver(o, ctx.inputs, ctx.input_problem ? ctx.input_problem : ctx.warn));
}

// The keys both receiver types take, then `more`.
std::vector<ConfigKeyDoc> ReceiverKeys(std::initializer_list<ConfigKeyDoc> more) {
  std::vector<ConfigKeyDoc> keys = {
      {"listen", "host:port to listen on (required; port 0: any free port)"},
      {"path", "the request path (default /)"},
      {"tls", "cert_file and key_file (PEM) to serve HTTPS", ConfigValue::kSection},
      {"max_body_mib", "largest request body accepted, in MiB (firehose 64, eventbridge 1)"},
      {"read_timeout", "a connection that sends nothing for this long is closed (default 10s)"},
      {"request_timeout",
       "a request's headers and body must arrive within this, however slowly they trickle in "
       "(default 60s)"},
      {"max_connections", "open connections, all clients together (default 1024)"},
      {"max_connections_per_client",
       "open connections from one client address; more are closed at once (default 64)"},
      {"max_in_flight",
       "requests handled at once; more are answered 503 with Retry-After (default 16)"},
      {"max_queue_wait",
       "a request whose body waited this long for the pipeline is answered 503 (default 2s)"},
      {"threads", "worker threads that decompress, check and hand bodies over (default 2)"},
      {"allow_unauthenticated",
       "true: accept requests without a key on a non-loopback address (refused otherwise)"}};
  keys.insert(keys.end(), more.begin(), more.end());
  return keys;
}

}  // namespace

extern const SourceDescriptor kFirehoseReceiverType = {
    "firehose",
    "a Firehose HTTP endpoint destination (CloudWatch Logs subscriptions and EventBridge events "
    "delivered by Firehose)",
    ReceiverKeys(
        {{"access_key", "the access key configured on the delivery stream", ConfigValue::kSecret}}),
    /*needs_aws=*/false,
    ReadFirehose,
    BuildReceiver,
};

extern const SourceDescriptor kEventBridgeReceiverType = {
    "eventbridge",
    "an EventBridge API destination (events POSTed by an EventBridge rule)",
    ReceiverKeys(
        {{"api_key_header", "the header that carries the API key (default x-api-key)"},
         {"api_key", "the API key the connection sends", ConfigValue::kSecret},
         {"basic_user", "the user name of HTTP basic authentication"},
         {"basic_password", "the password of HTTP basic authentication", ConfigValue::kSecret}}),
    /*needs_aws=*/false,
    ReadEventBridge,
    BuildReceiver,
};

}  // namespace fastpath
