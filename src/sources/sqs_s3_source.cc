#include "sources/sqs_s3_source.h"

#include <cstdio>
#include <fstream>

#include "core/event.h"
#include "decode/s3_notification.h"

namespace fastpath {

SqsS3Source::SqsS3Source(const aws::SqsClient* sqs, const aws::S3Client* s3,
                         SqsS3SourceOptions options, InputQueue* pipeline,
                         std::function<void(const std::string&)> log)
    : sqs_(sqs), s3_(s3), options_(std::move(options)), pipeline_(pipeline), log_(std::move(log)) {}

SqsS3Source::~SqsS3Source() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (housekeeper_.joinable()) housekeeper_.join();
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
    auto msgs = sqs_->Receive(options_.queue_url, options_.max_messages, options_.wait_seconds,
                              options_.visibility_timeout);
    if (!msgs.ok()) {
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
  log_("poison message " + m.message_id + " (" + why + "): given up after " +
       std::to_string(m.receive_count) + " receives");
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
  Status s = sqs_->Delete(options_.queue_url, m.receipt_handle);
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
    const aws::S3Client* s3 = s3_;
    spec.open = [s3, bucket = obj.bucket, key = obj.key]() -> Result<std::unique_ptr<ByteReader>> {
      auto r = s3->GetObject(bucket, key);
      if (!r.ok()) return r.status();
      return std::unique_ptr<ByteReader>(std::move(r.value()));
    };
    spec.done = [this, f](const InputOutcome& outcome) { ObjectDone(f, outcome.unreadable); };
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
      Status s = sqs_->Delete(options_.queue_url, f->receipt);
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
      Status s =
          sqs_->ChangeVisibility(options_.queue_url, f->receipt, options_.visibility_timeout);
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

std::string SqsS3Source::MetricsText(std::string_view name) const {
  std::string out;
  const std::string labels = "{source=\"" + std::string(name) + "\"";
  auto line = [&](const char* metric, const char* extra, uint64_t v) {
    out += std::string(metric) + labels + extra + "} " + std::to_string(v) + "\n";
  };
  line("fastpath_sqs_receives_total", "", stats_.receives.load());
  line("fastpath_sqs_messages_total", ",result=\"received\"", stats_.messages.load());
  line("fastpath_sqs_messages_total", ",result=\"deleted\"", stats_.deleted.load());
  line("fastpath_sqs_messages_total", ",result=\"poison\"", stats_.poison.load());
  line("fastpath_sqs_messages_total", ",result=\"test_event\"", stats_.test_events.load());
  line("fastpath_sqs_objects_total", ",result=\"announced\"", stats_.objects.load());
  line("fastpath_sqs_objects_total", ",result=\"failed\"", stats_.object_failures.load());
  line("fastpath_sqs_visibility_heartbeats_total", "", stats_.heartbeats.load());
  line("fastpath_aws_api_errors_total", "", stats_.api_errors.load());
  return out;
}

}  // namespace fastpath
