#include "sources/sqs_s3_source.h"

#include <cstdio>
#include <fstream>

#include "core/event.h"
#include "decode/s3_notification.h"

namespace fastpath {

SqsS3Source::SqsS3Source(const aws::AwsClient* aws, SqsS3SourceOptions options,
                         InputQueue* pipeline, std::function<void(const std::string&)> log)
    : sqs_(aws),
      s3_(aws),
      options_(std::move(options)),
      pipeline_(pipeline),
      log_(std::move(log)) {}

SqsS3Source::~SqsS3Source() {
  if (poller_.joinable()) Stop();
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (housekeeper_.joinable()) housekeeper_.join();
}

Status SqsS3Source::Start() {
  poller_ = std::thread([this] { Run(stop_); });
  return Status::Ok();
}

void SqsS3Source::Stop() {
  stop_ = true;
  if (poller_.joinable()) poller_.join();
}

void SqsS3Source::Run(const std::atomic<bool>& stop) {
  housekeeper_ = std::thread([this] { Housekeeping(); });
  while (!stop.load()) {
    {
      // Back-pressure: do not take more messages than can be worked on before they time out.
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait_for(l, std::chrono::milliseconds(200),
                   [&] { return in_flight_.size() < options_.max_in_flight || stop.load(); });
      if (in_flight_.size() >= options_.max_in_flight) continue;
    }
    if (stop.load()) break;
    stats_.receives.fetch_add(1);
    auto msgs = sqs_.Receive(options_.queue_url, options_.max_messages, options_.wait_seconds,
                             options_.visibility_timeout, &stop);
    if (!msgs.ok()) {
      if (stop.load()) break;  // a long poll cut short by the stop
      stats_.api_errors.fetch_add(1);
      log_("ReceiveMessage " + options_.queue_url + ": " + msgs.status().message());
      std::this_thread::sleep_for(std::chrono::seconds(1));
      continue;
    }
    for (aws::SqsMessage& m : msgs.value()) Handle(std::move(m));
  }
  // Graceful stop: what was taken is finished and acknowledged.
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [&] { return in_flight_.empty() && to_delete_.empty(); });
  stopping_ = true;
  l.unlock();
  cv_.notify_all();
  housekeeper_.join();
}

void SqsS3Source::DeadLetter(const aws::SqsMessage& m, const std::string& why) {
  stats_.poison.fetch_add(1);
  (input_problem_ ? input_problem_ : log_)("poison message " + m.message_id + " (" + why +
                                           "): given up after " + std::to_string(m.receive_count) +
                                           " receives");
  if (!options_.dead_letter_file.empty()) {
    std::string line = "{\"time\":";
    AppendJsonString(&line, FormatRfc3339(NowNs()));
    line += ",\"queue_url\":";
    AppendJsonString(&line, options_.queue_url);
    line += ",\"message_id\":";
    AppendJsonString(&line, m.message_id);
    line += ",\"receive_count\":" + std::to_string(m.receive_count) + ",\"reason\":";
    AppendJsonString(&line, why);
    line += ",\"body\":";
    AppendJsonString(&line, m.body);
    line += "}\n";
    std::ofstream out(options_.dead_letter_file, std::ios::app);
    out << line;
    out.flush();
    if (!out) {
      // Keep the message rather than lose it: it stays on the queue.
      log_("dead-letter file " + options_.dead_letter_file + " is not writable; message kept");
      return;
    }
  }
  Status s = sqs_.Delete(options_.queue_url, m.receipt_handle);
  if (!s.ok()) {
    stats_.api_errors.fetch_add(1);
    log_("DeleteMessage " + m.message_id + ": " + s.message());
  } else {
    stats_.deleted.fetch_add(1);
  }
}

void SqsS3Source::Handle(aws::SqsMessage&& m) {
  stats_.messages.fetch_add(1);
  auto notification = DecodeS3Notification(m.body);
  if (!notification.ok()) {
    DeadLetter(m, "not an S3 notification: " + notification.status().message());
    return;
  }
  if (m.receive_count > options_.max_receive_count) {
    DeadLetter(m, "received " + std::to_string(m.receive_count) + " times, more than " +
                      std::to_string(options_.max_receive_count));
    return;
  }
  S3Notification& n = notification.value();
  stats_.ignored_records.fetch_add(n.ignored);
  if (n.test_event) stats_.test_events.fetch_add(1);
  auto f = std::make_shared<InFlight>();
  f->receipt = m.receipt_handle;
  f->message_id = m.message_id;
  f->remaining = n.objects.size();
  f->next_heartbeat = NowNs() + static_cast<TimeNs>(options_.visibility_timeout) * 500000000;
  if (n.objects.empty()) {
    std::lock_guard<std::mutex> l(mu_);
    to_delete_.push_back(f);
    cv_.notify_all();
    return;
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    in_flight_[f->receipt] = f;
  }
  const TimeNs received = m.sent != 0 ? m.sent : NowNs();
  for (S3ObjectRef& obj : n.objects) {
    stats_.objects.fetch_add(1);
    InputSpec spec;
    spec.path = "s3://" + obj.bucket + "/" + obj.key;
    spec.received_at = received;
    spec.size = obj.size;
    const aws::S3Client* s3 = &s3_;
    spec.open = [s3, bucket = obj.bucket, key = obj.key]() -> Result<std::unique_ptr<ByteReader>> {
      auto r = s3->GetObject(bucket, key);
      if (!r.ok()) return r.status();
      return std::unique_ptr<ByteReader>(std::move(r.value()));
    };
    spec.done = [this, f](const InputOutcome& outcome) {
      ObjectDone(f, outcome.unreadable || !outcome.stored);
    };
    if (!pipeline_->Submit(std::move(spec))) ObjectDone(f, true);
  }
}

void SqsS3Source::ObjectDone(const std::shared_ptr<InFlight>& f, bool failed) {
  if (failed) stats_.object_failures.fetch_add(1);
  std::lock_guard<std::mutex> l(mu_);
  if (failed) f->failed = true;
  if (--f->remaining > 0) return;
  in_flight_.erase(f->receipt);
  // A failed message is not deleted: it reappears after its visibility timeout and is retried,
  // until max_receive_count makes it poison.
  if (!f->failed) to_delete_.push_back(f);
  cv_.notify_all();
}

void SqsS3Source::Housekeeping() {
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    cv_.wait_for(l, std::chrono::milliseconds(250),
                 [&] { return stopping_ || !to_delete_.empty(); });
    // Deletes first: they end work.
    while (!to_delete_.empty()) {
      std::shared_ptr<InFlight> f = to_delete_.front();
      to_delete_.pop_front();
      l.unlock();
      Status s = sqs_.Delete(options_.queue_url, f->receipt);
      if (s.ok()) {
        stats_.deleted.fetch_add(1);
      } else {
        stats_.api_errors.fetch_add(1);
        log_("DeleteMessage " + f->message_id + ": " + s.message());
      }
      l.lock();
    }
    cv_.notify_all();
    if (stopping_ && in_flight_.empty()) return;
    // Heartbeats for messages whose objects are still being processed.
    const TimeNs now = NowNs();
    std::vector<std::shared_ptr<InFlight>> due;
    for (auto& [receipt, f] : in_flight_) {
      if (f->next_heartbeat <= now) due.push_back(f);
    }
    if (due.empty()) continue;
    l.unlock();
    for (auto& f : due) {
      Status s = sqs_.ChangeVisibility(options_.queue_url, f->receipt, options_.visibility_timeout);
      if (s.ok()) {
        stats_.heartbeats.fetch_add(1);
      } else {
        stats_.api_errors.fetch_add(1);
        log_("ChangeMessageVisibility " + f->message_id + ": " + s.message());
      }
      f->next_heartbeat = now + static_cast<TimeNs>(options_.visibility_timeout) * 500000000;
    }
    l.lock();
  }
}

namespace {

constexpr MetricFamily kReceives = {"fastpath_sqs_receives_total", "counter",
                                    "SQS ReceiveMessage calls."};
constexpr MetricFamily kMessages = {"fastpath_sqs_messages_total", "counter",
                                    "SQS messages, by what became of them."};
constexpr MetricFamily kObjects = {"fastpath_sqs_objects_total", "counter",
                                   "S3 objects announced on SQS, and those that failed."};
constexpr MetricFamily kInFlight = {"fastpath_sqs_in_flight_messages", "gauge",
                                    "SQS messages received and not yet deleted or released."};
constexpr MetricFamily kHeartbeats = {"fastpath_sqs_visibility_heartbeats_total", "counter",
                                      "Visibility timeout extensions of messages in flight."};

}  // namespace

void SqsS3Source::WriteMetrics(MetricsWriter* w) const {
  const std::string& n = options_.name;
  w->Add(kReceives, {{"source", n}}, stats_.receives.load());
  w->Add(kMessages, {{"source", n}, {"result", "received"}}, stats_.messages.load());
  w->Add(kMessages, {{"source", n}, {"result", "deleted"}}, stats_.deleted.load());
  w->Add(kMessages, {{"source", n}, {"result", "poison"}}, stats_.poison.load());
  w->Add(kMessages, {{"source", n}, {"result", "test_event"}}, stats_.test_events.load());
  w->Add(kObjects, {{"source", n}, {"result", "announced"}}, stats_.objects.load());
  w->Add(kObjects, {{"source", n}, {"result", "failed"}}, stats_.object_failures.load());
  w->Add(kHeartbeats, {{"source", n}}, stats_.heartbeats.load());
  {
    std::lock_guard<std::mutex> l(mu_);
    w->Add(kInFlight, {{"source", n}}, static_cast<uint64_t>(in_flight_.size()));
  }
  w->Add(kAwsApiErrors, {{"source", n}}, stats_.api_errors.load());
}

std::vector<std::pair<std::string, std::string>> SqsS3Source::Describe() const {
  return {{"queue_url", options_.queue_url}};
}

// The `s3_sqs` source type.
namespace {

std::unique_ptr<SourceSettings> ReadSqsS3(const ConfigSection& s, const SourceConfigContext& ctx) {
  auto out = std::make_unique<SqsS3SourceSettings>();
  SqsS3SourceOptions& o = out->options;
  o.name = ctx.name;
  if (!s.Str("queue_url", &o.queue_url)) s.Problem(s.where() + " needs queue_url");
  s.Seconds("wait_time", &o.wait_seconds, 0, 20);
  s.Seconds("visibility_timeout", &o.visibility_timeout, 2, 43200);
  s.Int("max_messages", &o.max_messages, 1, 10);
  s.Int("max_receive_count", &o.max_receive_count, 1, 1000);
  s.Int("max_in_flight", &o.max_in_flight, 1, 100000);
  o.dead_letter_file = ctx.StatePath(ctx.name + ".dead-letters.ndjson");
  s.Path("dead_letter_file", &o.dead_letter_file);
  return out;
}

Result<std::unique_ptr<Source>> BuildSqsS3(const SourceSettings& settings,
                                           const SourceBuildContext& ctx) {
  const auto& o = static_cast<const SqsS3SourceSettings&>(settings).options;
  auto source = std::make_unique<SqsS3Source>(ctx.aws(), o, ctx.inputs, ctx.warn);
  if (ctx.input_problem) source->set_input_problem_log(ctx.input_problem);
  return std::unique_ptr<Source>(std::move(source));
}

}  // namespace

extern const SourceDescriptor kSqsS3SourceType = {
    "s3_sqs",
    "S3 objects announced by S3 event notifications on an SQS queue (directly or through SNS)",
    {
        {"queue_url", "the queue's URL (required)"},
        {"wait_time", "long-poll wait, 0s to 20s (default 20s)"},
        {"visibility_timeout",
         "taken messages stay hidden this long, extended every half of it "
         "while their objects are processed (default 5m)"},
        {"max_messages", "messages per ReceiveMessage, 1 to 10 (default 10)"},
        {"max_receive_count", "receives after which a message is poison (default 5)"},
        {"max_in_flight", "messages processed at once (default 64)"},
        {"dead_letter_file",
         "NDJSON file for poison messages (default <state_dir>/<name>.dead-letters.ndjson)",
         ConfigValue::kPath},
    },
    /*needs_aws=*/true,
    ReadSqsS3,
    BuildSqsS3,
};

}  // namespace fastpath
