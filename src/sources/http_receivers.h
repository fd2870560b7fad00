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
// 405 for other methods, 503 while shutting down or overloaded; every rejection is counted by
// reason. Optional TLS (certificate and key files).
//
// Served by libmicrohttpd's event loop (epoll), not a thread per connection: a client that sends
// a byte a second holds one connection slot, never a thread, so it cannot stall other clients.
// Each client address has a cap on connections, the receiver a total one; a request must arrive
// whole (headers and body) within request_timeout, and a connection that sends nothing for
// read_timeout is closed. Bodies are checked, de-chunked and counted as they arrive and handed to
// a few worker threads (decompression, shape check, pipeline hand-over); the connection waits,
// suspended, until the pipeline has handled the request.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/input.h"
#include "sources/source.h"

struct MHD_Daemon;
struct MHD_Connection;

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
  int read_timeout_seconds = 10;        // a connection idle this long is closed
  int request_timeout_seconds = 60;     // headers and body must arrive within this
  int max_connections = 1024;           // open connections, all clients together
  int max_connections_per_client = 64;  // open connections from one address
  // Firehose: the access key configured on the delivery stream (empty: none required).
  std::string access_key;
  // EventBridge: an API key header, or basic authentication.
  std::string api_key_header = "x-api-key";
  std::string api_key;
  std::string basic_user, basic_password;
  size_t remembered_request_ids = 10000;
  // Load shedding: a request is answered 503 with Retry-After (which Firehose and EventBridge
  // retry) when this many requests of the receiver are already being handled, or when its body
  // waited longer than max_queue_wait_ms for a worker (the pipeline is not taking inputs fast
  // enough).
  int max_in_flight = 16;
  int max_queue_wait_ms = 2000;
  int threads = 2;          // worker threads (decompress, check, hand to the pipeline)
  int stop_wait_ms = 3000;  // at stop, how long requests in the pipeline may take to be answered
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
    kTimedOut,
    kNotFound,
    kNumResults
  };

  HttpReceiver(ReceiverOptions options, InputQueue* pipeline,
               std::function<void(const std::string&)> log);
  ~HttpReceiver() override;

  // Binds and starts serving on a thread of its own.
  Status Start() override;
  // Refuses new requests, waits (up to stop_wait) for those in the pipeline to be answered, and
  // closes every connection, however slow its client.
  void Stop() override;
  void WriteMetrics(MetricsWriter* w) const override;
  std::vector<std::pair<std::string, std::string>> Describe() const override;
  int port() const { return port_; }
  const ReceiverOptions& options() const { return options_; }
  uint64_t count(RequestResult r) const { return counts_[r].load(); }

 private:
  friend struct ReceiverCallbacks;  // libmicrohttpd's callbacks
  struct Pending;
  struct Request;
  struct Connection;
  struct Life;
  // The steps of a request (int: libmicrohttpd's MHD_YES or MHD_NO).
  int Headers(MHD_Connection* c, const char* url, const char* method,
              const std::shared_ptr<Request>& rq);
  int BodyIn(const std::shared_ptr<Request>& rq);
  int Refuse(Request* rq, int status, RequestResult result, const std::string& error,
             bool retry_after = false);
  int Queue(const Request& rq);
  bool Authorized(MHD_Connection* c) const;
  // Worker: decompress, check the shape, hand the body to the pipeline.
  void Work();
  void Process(const std::shared_ptr<Request>& rq);
  // The pipeline handled a request id: answer every request waiting for it.
  void Done(const std::shared_ptr<Pending>& pending, const std::string& request_id, bool ok,
            const std::string& error);
  // The answer of a suspended request: stored, then the connection is resumed to send it.
  void Finish(const std::shared_ptr<Request>& rq, int status, RequestResult result,
              const std::string& error, bool retry_after = false);
  void SetAnswer(Request* rq, int status, RequestResult result, const std::string& error,
                 bool retry_after);  // under conn_mu_
  // Cuts connections past request_timeout and answers bodies that waited past max_queue_wait.
  void Reap();
  std::string Answer(const Request& rq, const std::string& error) const;
  std::string TooLargeMessage(bool decompressed) const;
  void Count(RequestResult r) { counts_[r].fetch_add(1); }

  const ReceiverOptions options_;
  InputQueue* pipeline_;
  std::function<void(const std::string&)> log_;
  std::shared_ptr<Life> life_;
  std::string tls_cert_, tls_key_;  // PEM, alive as long as the daemon
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0};
  std::array<std::atomic<uint64_t>, kNumResults> counts_{};
  // Connections and the answers of suspended requests (resuming a connection MHD has closed,
  // or after the daemon stopped, must not happen: both are decided under this lock).
  std::mutex conn_mu_;
  std::map<MHD_Connection*, std::shared_ptr<Connection>> connections_;  // guarded by conn_mu_
  bool daemon_running_ = false;                                         // guarded by conn_mu_
  int suspended_ = 0;                                                   // guarded by conn_mu_
  std::set<std::shared_ptr<Request>> suspended_requests_;               // guarded by conn_mu_
  // Bodies waiting for a worker.
  std::mutex work_mu_;
  std::condition_variable work_cv_;
  std::deque<std::shared_ptr<Request>> work_;  // guarded by work_mu_
  bool work_stop_ = false;                     // guarded by work_mu_
  std::vector<std::thread> workers_;
  std::thread reaper_;
  std::mutex reap_mu_;
  std::condition_variable reap_cv_;
  bool reap_stop_ = false;  // guarded by reap_mu_
  // Firehose request ids in flight or recently answered.
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
