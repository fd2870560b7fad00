#include "sources/http_receivers.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <future>

#include <httplib.h>
#include <openssl/crypto.h>
#include <simdjson.h>

#include "core/event.h"
#include "core/hash.h"
#include "core/json_get.h"
#include "decode/byte_reader.h"

namespace fastpath {
namespace {

constexpr const char* kResultNames[] = {
    "accepted",    "duplicate",          "unauthorized",  "too_large", "unsupported_media_type",
    "bad_request", "method_not_allowed", "shutting_down", "failed",    "overloaded"};

// How long the connection the current thread serves waited for a thread: set by the pool below
// before it runs a connection, read (and cleared) by the first request of that connection.
thread_local int64_t t_queue_wait_ns = 0;

// httplib's thread pool, but each connection remembers when it was queued, so a receiver can
// answer 503 at once to connections that waited too long instead of making every later one
// wait longer (httplib's own queue has no bound and no clock).
class TimedPool final : public httplib::TaskQueue {
 public:
  explicit TimedPool(size_t n) {
    for (size_t i = 0; i < n; ++i) threads_.emplace_back([this] { Run(); });
  }
  ~TimedPool() override { shutdown(); }
  void enqueue(std::function<void()> fn) override {
    {
      std::lock_guard<std::mutex> l(mu_);
      jobs_.emplace_back(std::move(fn), SteadyNs());
    }
    cv_.notify_one();
  }
  void shutdown() override {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (stop_) return;
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

 private:
  void Run() {
    for (;;) {
      std::pair<std::function<void()>, int64_t> job;
      {
        std::unique_lock<std::mutex> l(mu_);
        cv_.wait(l, [&] { return stop_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, and nothing left to serve
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      t_queue_wait_ns = SteadyNs() - job.second;
      job.first();
      t_queue_wait_ns = 0;
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<std::function<void()>, int64_t>> jobs_;  // guarded by mu_
  bool stop_ = false;                                           // guarded by mu_
  std::vector<std::thread> threads_;
};

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

// One request in flight (or recently answered), shared with Firehose retries of the same id.
struct HttpReceiver::Pending {
  std::mutex mu;
  std::condition_variable cv;
  bool finished = false;
  bool ok = false;
  std::string error;
};

HttpReceiver::HttpReceiver(ReceiverOptions options, InputQueue* pipeline,
                           std::function<void(const std::string&)> log)
    : options_(std::move(options)), pipeline_(pipeline), log_(std::move(log)) {}

HttpReceiver::~HttpReceiver() {
  Stop();
}

Status HttpReceiver::Start() {
  if (!options_.tls_cert_file.empty() || !options_.tls_key_file.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(options_.tls_cert_file.c_str(),
                                                    options_.tls_key_file.c_str());
    if (!tls->is_valid()) {
      return Status::InvalidArgument("receiver " + options_.name + ": TLS certificate " +
                                     options_.tls_cert_file + " or key " + options_.tls_key_file +
                                     " cannot be loaded");
    }
    server_ = std::move(tls);
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, with which a second daemon on the
  // same port would start and the kernel would split the traffic between the two.
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  const size_t threads =
      options_.threads > 0
          ? static_cast<size_t>(options_.threads)
          : std::max<size_t>(8, std::max(1u, std::thread::hardware_concurrency()) - 1);
  server_->new_task_queue = [threads] { return new TimedPool(threads); };
  server_->set_payload_max_length(options_.max_body_bytes);
  server_->set_read_timeout(options_.read_timeout_seconds, 0);
  server_->set_write_timeout(options_.read_timeout_seconds, 0);
  auto handler = [this](const httplib::Request& req, httplib::Response& res,
                        const httplib::ContentReader& reader) { Handle(&req, &res, &reader); };
  server_->Post(options_.path, handler);
  auto not_allowed = [this](const httplib::Request&, httplib::Response& res) {
    Count(kMethodNotAllowed);
    res.status = 405;
    res.set_header("Allow", "POST");
  };
  server_->Get(options_.path, not_allowed);
  server_->Put(options_.path, not_allowed);
  server_->Delete(options_.path, not_allowed);
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port(options_.host);
  } else {
    port_ = server_->bind_to_port(options_.host, options_.port) ? options_.port : -1;
  }
  if (port_ <= 0) {
    return Status::IoError("receiver " + options_.name + ": cannot listen on " + options_.host +
                           ":" + std::to_string(options_.port));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return Status::Ok();
}

void HttpReceiver::Stop() {
  stopping_ = true;
  if (server_) server_->stop();  // joins the handlers, which wait for their inputs
  if (thread_.joinable()) thread_.join();
}

bool HttpReceiver::Authorized(const void* r) const {
  const auto& req = *static_cast<const httplib::Request*>(r);
  if (options_.kind == ReceiverOptions::Kind::kFirehose) {
    if (options_.access_key.empty()) return true;
    return SecretEquals(req.get_header_value("X-Amz-Firehose-Access-Key"), options_.access_key);
  }
  if (!options_.api_key.empty()) {
    return SecretEquals(req.get_header_value(options_.api_key_header.c_str()), options_.api_key);
  }
  if (!options_.basic_user.empty()) {
    const std::string auth = req.get_header_value("Authorization");
    if (!auth.starts_with("Basic ")) return false;
    auto decoded = Base64Decode(std::string_view(auth).substr(6));
    if (!decoded.ok()) return false;
    return SecretEquals(decoded.value(), options_.basic_user + ":" + options_.basic_password);
  }
  return true;
}

void HttpReceiver::Handle(const void* rq, void* rs, const void* rd) {
  const auto& req = *static_cast<const httplib::Request*>(rq);
  auto& res = *static_cast<httplib::Response*>(rs);
  const auto& reader = *static_cast<const httplib::ContentReader*>(rd);
  const bool firehose = options_.kind == ReceiverOptions::Kind::kFirehose;
  const std::string request_id = req.get_header_value("X-Amz-Firehose-Request-Id");
  auto reply = [&](int status, RequestResult result, const std::string& error) {
    Count(result);
    res.status = status;
    if (firehose) {
      std::string body = "{\"requestId\":";
      AppendJsonString(&body, request_id);
      body += ",\"timestamp\":" + std::to_string(NowNs() / 1000000);
      if (!error.empty()) {
        body += ",\"errorMessage\":";
        AppendJsonString(&body, error);
      }
      body += "}";
      res.set_content(body, "application/json");
    } else {
      std::string body = error.empty() ? "{}" : "{\"error\":";
      if (!error.empty()) {
        AppendJsonString(&body, error);
        body += "}";
      }
      res.set_content(body, "application/json");
    }
    if (status != 200 && status != 503) {
      log_("receiver " + options_.name + ": " + std::to_string(status) + " " + error +
           (request_id.empty() ? "" : " (request " + request_id + ")") + " from " +
           req.remote_addr);
    }
  };
  // A request refused before its body is read leaves the body unread: the connection is closed
  // after the answer (httplib cannot reuse it), and nothing of the body is buffered.
  auto refuse = [&](int status, RequestResult result, const std::string& error) {
    res.set_header("Connection", "close");
    reply(status, result, error);
  };
  if (stopping_) return refuse(503, kShuttingDown, "shutting down");
  if (!Authorized(rq)) {
    return refuse(
        401, kUnauthorized,
        firehose ? "invalid or missing X-Amz-Firehose-Access-Key" : "invalid credentials");
  }
  // Load shedding: better a quick 503 the sender retries than a queue that grows until every
  // sender times out.
  const int64_t waited = t_queue_wait_ns;
  t_queue_wait_ns = 0;  // later requests on the same connection did not wait in the queue
  struct InFlight {
    std::atomic<int>& n;
    ~InFlight() { --n; }
  } in_flight{in_flight_};
  const int now_in_flight = ++in_flight_;
  if (now_in_flight > options_.max_in_flight ||
      waited > static_cast<int64_t>(options_.max_queue_wait_ms) * 1000000) {
    res.set_header("Retry-After", "1");
    return refuse(503, kOverloaded,
                  now_in_flight > options_.max_in_flight
                      ? "overloaded: " + std::to_string(options_.max_in_flight) +
                            " requests in flight (max_in_flight); retry"
                      : "overloaded: waited " + std::to_string(waited / 1000000) +
                            " ms for a thread (max_queue_wait); retry");
  }
  const std::string ct = req.get_header_value("Content-Type");
  if (!ct.empty() && ct.find("json") == std::string::npos) {
    return refuse(415, kUnsupportedMediaType, "Content-Type must be application/json, got " + ct);
  }
  if (firehose && request_id.empty()) {
    return refuse(400, kBadRequest, "X-Amz-Firehose-Request-Id is missing");
  }
  if (req.has_header("Content-Length") &&
      std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) >
          options_.max_body_bytes) {
    return refuse(
        413, kTooLarge,
        "body over max_body_mib (" + std::to_string(options_.max_body_bytes >> 20) + " MiB)");
  }
  // The body, decompressed (Content-Encoding gzip/deflate) and de-chunked by httplib as it is
  // read, and bounded whatever its framing: a chunked or compressed body stops at the limit.
  std::string body;
  bool too_large = false;
  const bool read = reader([&](const char* data, size_t n) {
    if (body.size() + n > options_.max_body_bytes) {
      too_large = true;
      return false;
    }
    body.append(data, n);
    return true;
  });
  if (too_large) {
    return refuse(413, kTooLarge,
                  "body over max_body_mib (" + std::to_string(options_.max_body_bytes >> 20) +
                      " MiB) once decompressed");
  }
  if (!read) return refuse(400, kBadRequest, "the body could not be read (framing or encoding)");
  // Validate the shape before taking the request: a bad body is the sender's error (400), not
  // something to retry.
  if (Status st = firehose ? ValidateFirehoseBody(body, request_id) : ValidateEventBridgeBody(body);
      !st.ok()) {
    return reply(400, kBadRequest, st.message());
  }

  // Firehose retries reuse the request id: answer from the first attempt.
  std::shared_ptr<Pending> pending;
  bool first = true;
  if (firehose) {
    std::lock_guard<std::mutex> l(mu_);
    auto it = requests_.find(request_id);
    if (it != requests_.end()) {
      pending = it->second;
      first = false;
    } else {
      pending = std::make_shared<Pending>();
      requests_[request_id] = pending;
      request_order_.push_back(request_id);
      while (request_order_.size() > options_.remembered_request_ids) {
        requests_.erase(request_order_.front());
        request_order_.pop_front();
      }
    }
  } else {
    pending = std::make_shared<Pending>();
  }
  if (first) {
    auto shared = std::make_shared<const std::string>(std::move(body));
    InputSpec spec;
    spec.path = options_.name + (request_id.empty() ? "" : ":" + request_id);
    spec.received_at = NowNs();
    spec.size = shared->size();
    spec.open = [shared]() -> Result<std::unique_ptr<ByteReader>> {
      return std::unique_ptr<ByteReader>(std::make_unique<SharedStringReader>(shared));
    };
    spec.done = [pending](const InputOutcome& outcome) {
      std::lock_guard<std::mutex> l(pending->mu);
      pending->finished = true;
      pending->ok = !outcome.unreadable && outcome.stored;
      pending->error = outcome.error;
      pending->cv.notify_all();
    };
    if (!pipeline_->Submit(std::move(spec))) {
      std::lock_guard<std::mutex> l(pending->mu);
      pending->finished = true;
      pending->error = "shutting down";
    }
  }
  std::unique_lock<std::mutex> l(pending->mu);
  pending->cv.wait(l, [&] { return pending->finished; });
  if (!pending->ok) {
    const std::string err = pending->error;
    l.unlock();
    if (firehose) {
      std::lock_guard<std::mutex> g(mu_);
      requests_.erase(request_id);  // let the retry run it again
    }
    return reply(err == "shutting down" ? 503 : 500, kFailed, err);
  }
  l.unlock();
  reply(200, first ? kAccepted : kDuplicate, "");
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
      {"read_timeout", "a client that sends nothing for this long is cut off (default 10s)"},
      {"max_in_flight",
       "requests handled at once; more are answered 503 with Retry-After (default 16)"},
      {"max_queue_wait",
       "a connection that waited this long for a thread is answered 503 (default 2s)"},
      {"threads", "handler threads (default: max(8, cores - 1))"},
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
