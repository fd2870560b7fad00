// HTTP receivers: the push sources.
//
//   Firehose HTTP endpoint delivery: POST {"requestId","timestamp","records":[{"data":base64}]}
//     with X-Amz-Firehose-Request-Id and X-Amz-Firehose-Access-Key. The access key is checked in
//     constant time; the response is {"requestId","timestamp"} (and "errorMessage" on errors),
//     sent once every event of the request has been handled, so Firehose's retry gives
//     at-least-once delivery. A request id seen before is answered 200 without being processed
//     again (idempotency across Firehose retries).
//   EventBridge API destination: POST of one event (or a JSON array of events) with an API key
//     header or HTTP basic authentication.
//
// Both answer 401 for a wrong key, 413 for a body over the limit, 415 for a content type other
// than JSON, 400 for a body that is not what the protocol says (bad gzip, bad JSON, wrong shape),
// 405 for other methods, 503 while shutting down; every rejection is counted by reason. Slow
// clients are cut off by the read timeout. Optional TLS (certificate and key files).
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/input.h"
#include "sources/source.h"

namespace httplib {
class Server;
}

namespace fastpath {

struct ReceiverOptions {
  enum class Kind { kFirehose, kEventBridge };
  Kind kind = Kind::kFirehose;
  std::string name;  // for logs and metrics
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port (see port())
  std::string path = "/";
  std::string tls_cert_file, tls_key_file;  // both set: HTTPS
  size_t max_body_bytes = 64u << 20;
  int read_timeout_seconds = 10;
  // Firehose: the access key configured on the delivery stream (empty: none required).
  std::string access_key;
  // EventBridge: an API key header, or basic authentication.
  std::string api_key_header = "x-api-key";
  std::string api_key;
  std::string basic_user, basic_password;
  size_t remembered_request_ids = 10000;
  // Load shedding: a request is answered 503 with Retry-After (which Firehose and EventBridge
  // retry) when this many requests of the receiver are already being handled, or when it waited
  // longer than max_queue_wait_ms for a free thread.
  int max_in_flight = 16;
  int max_queue_wait_ms = 2000;
  int threads = 0;  // handler threads; 0: max(8, cores - 1)
};

// The `firehose` and `eventbridge` source types' settings (SourceDescriptor::read).
struct ReceiverSettings final : SourceSettings {
  ReceiverOptions options;
};

class HttpReceiver final : public Source {
 public:
  // What became of a request.
  enum RequestResult : int {
    kAccepted = 0,
    kDuplicate,
    kUnauthorized,
    kTooLarge,
    kUnsupportedMediaType,
    kBadRequest,
    kMethodNotAllowed,
    kShuttingDown,
    kFailed,
    kOverloaded,
    kNumResults
  };

  HttpReceiver(ReceiverOptions options, InputQueue* pipeline,
               std::function<void(const std::string&)> log);
  ~HttpReceiver() override;

  // Binds and starts serving on a thread of its own.
  Status Start() override;
  // Refuses new requests, waits for those in flight to be answered, and stops.
  void Stop() override;
  void WriteMetrics(MetricsWriter* w) const override;
  std::vector<std::pair<std::string, std::string>> Describe() const override;
  int port() const { return port_; }
  const ReceiverOptions& options() const { return options_; }
  uint64_t count(RequestResult r) const { return counts_[r].load(); }

 private:
  struct Pending;
  // `reader` is the request's httplib::ContentReader: the body is read only after the
  // credentials, headers and size are checked, and never beyond max_body_bytes (decompressed).
  void Handle(const void* req, void* res, const void* reader);
  bool Authorized(const void* req) const;
  void Count(RequestResult r) { counts_[r].fetch_add(1); }
  std::atomic<int> in_flight_{0};

  const ReceiverOptions options_;
  InputQueue* pipeline_;
  std::function<void(const std::string&)> log_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::array<std::atomic<uint64_t>, kNumResults> counts_{};
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Pending>> requests_;  // by request id; guarded by mu_
  std::deque<std::string> request_order_;                     // guarded by mu_
};

// Checks a Firehose HTTP endpoint request body against its documented shape: a JSON object with
// "requestId" equal to the X-Amz-Firehose-Request-Id header and "records", each with "data".
Status ValidateFirehoseBody(std::string_view body, std::string_view request_id);
// An EventBridge API destination body: one event object or an array of them.
Status ValidateEventBridgeBody(std::string_view body);

// Equal-time comparison of secrets (the time does not depend on where they differ or on the
// length of the expected value).
bool SecretEquals(std::string_view given, std::string_view expected);

}  // namespace fastpath
