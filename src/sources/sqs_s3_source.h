// SqsS3Source: the slow path. S3 announces each new log object on an SQS queue (directly, or
// through SNS); this source long-polls the queue, streams each announced object through the
// pipeline and deletes the message only once every event of every object it announced has been
// handled (deduped, matched, written, alerts flushed).
//
//   - Visibility: messages are received with the configured visibility timeout, and a heartbeat
//     extends it by the same amount every half timeout while their objects are being processed,
//     so a multi-GB object is not handed to another consumer halfway.
//   - s3:TestEvent messages and records of other event types (ObjectRemoved, ...) are counted and
//     deleted; SNS-wrapped bodies are unwrapped; keys are URL-decoded ('+' is a space).
//   - A message whose object cannot be read is left alone: it becomes visible again and is
//     retried. A message received more than max_receive_count times, or whose body is not an S3
//     notification, is poison: it is appended to the dead-letter file (NDJSON) and deleted.
// Any number of processes may consume one queue (SQS competing consumers).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "aws/s3.h"
#include "aws/sqs.h"
#include "core/counters.h"
#include "core/input.h"
#include "sources/source.h"

namespace fastpath {

struct SqsS3SourceOptions {
  std::string name;  // for logs and metrics
  std::string queue_url;
  int wait_seconds = 20;         // long polling, 0..20
  int visibility_timeout = 300;  // seconds; renewed every half of it while in flight
  int max_messages = 10;         // per ReceiveMessage, 1..10
  int max_receive_count = 5;     // beyond this, a message is poison
  std::string dead_letter_file;  // empty: poison messages are logged and deleted
  size_t max_in_flight = 64;     // messages being processed at once
};

struct SqsS3SourceStats {
  std::atomic<uint64_t> receives{0};
  std::atomic<uint64_t> messages{0};
  std::atomic<uint64_t> objects{0};
  std::atomic<uint64_t> deleted{0};
  std::atomic<uint64_t> test_events{0};
  std::atomic<uint64_t> ignored_records{0};
  std::atomic<uint64_t> object_failures{0};
  std::atomic<uint64_t> poison{0};
  std::atomic<uint64_t> heartbeats{0};
  std::atomic<uint64_t> api_errors{0};
};

// The `s3_sqs` source type's settings (SourceDescriptor::read).
struct SqsS3SourceSettings final : SourceSettings {
  SqsS3SourceOptions options;
};

class SqsS3Source final : public Source {
 public:
  // `aws` must outlive the source.
  SqsS3Source(const aws::AwsClient* aws, SqsS3SourceOptions options, InputQueue* pipeline,
              std::function<void(const std::string&)> log);
  ~SqsS3Source() override;

  // Polls on a thread of its own until Stop, which then waits until every message in flight is
  // acknowledged (or left to reappear, when its objects failed).
  Status Start() override;
  void RequestStop() override { stop_ = true; }
  // Where poison messages are told (a problem of the message, not of the source); default: the
  // source's log.
  void set_input_problem_log(std::function<void(const std::string&)> f) {
    input_problem_ = std::move(f);
  }
  void Stop() override;
  void WriteMetrics(MetricsWriter* w) const override;
  std::vector<std::pair<std::string, std::string>> Describe() const override;
  const SqsS3SourceStats& stats() const { return stats_; }

 private:
  void Run(const std::atomic<bool>& stop);
  struct InFlight {
    std::string receipt;
    std::string message_id;
    size_t remaining = 0;
    bool failed = false;
    TimeNs next_heartbeat = 0;
  };
  void Handle(aws::SqsMessage&& m);
  void ObjectDone(const std::shared_ptr<InFlight>& f, bool failed);
  void DeadLetter(const aws::SqsMessage& m, const std::string& why);
  void Housekeeping();  // heartbeats and deletes, on their own thread

  const aws::SqsClient sqs_;
  const aws::S3Client s3_;
  const SqsS3SourceOptions options_;
  InputQueue* pipeline_;
  std::function<void(const std::string&)> log_;
  SqsS3SourceStats stats_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::shared_ptr<InFlight>> in_flight_;  // by receipt; guarded by mu_
  std::deque<std::shared_ptr<InFlight>> to_delete_;             // guarded by mu_
  bool stopping_ = false;                                       // guarded by mu_
  std::thread housekeeper_;
  std::atomic<bool> stop_{false};
  std::function<void(const std::string&)> input_problem_;
  std::thread poller_;
};

}  // namespace fastpath
