// AlertDispatcher: delivers what the outbox holds. One thread per output takes the deliveries
// that are due, within the output's rate limit (a token bucket), and marks each delivered, or
// failed with the next attempt after an exponential back-off with full jitter (1 s doubling up to
// 5 min), or dead when it fails permanently or is older than the output's max age. It starts
// with whatever a previous process left undelivered.
//
// OutboxAlertSink is the pipeline's alert sink in the daemon: it stores the alert (durably,
// before the input that raised it is acknowledged) with a delivery for each output the rule
// names (every output when it names none; outputs may also be limited to severities).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alerts/outbox.h"
#include "alerts/outputs.h"
#include "core/alert.h"
#include "core/metrics_writer.h"

namespace fastpath {

struct OutputStats {
  std::atomic<uint64_t> delivered{0}, failed{0}, dead{0};
};

class AlertDispatcher {
 public:
  AlertDispatcher(Outbox* outbox, std::function<void(const std::string&)> log);
  ~AlertDispatcher();
  void Add(OutputConfig config, std::unique_ptr<AlertOutput> output);
  void Start();
  void Wake();
  // Stops the threads (deliveries in progress finish; the rest stay in the outbox).
  void Stop();
  const std::vector<OutputConfig>& configs() const { return configs_; }
  void WriteMetrics(MetricsWriter* w) const;

 private:
  void Run(size_t i);
  Outbox* outbox_;
  std::function<void(const std::string&)> log_;
  std::vector<OutputConfig> configs_;
  std::vector<std::unique_ptr<AlertOutput>> outputs_;
  std::vector<std::unique_ptr<OutputStats>> stats_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t wakes_ = 0;  // guarded by mu_
  bool stop_ = false;   // guarded by mu_
};

class OutboxAlertSink final : public AlertSink {
 public:
  OutboxAlertSink(Outbox* outbox, AlertDispatcher* dispatcher, AlertSink* also,
                  std::function<void(const std::string&)> log);
  void Write(const Alert& a) override;
  void Merged(const std::string& alert_id) override;
  void Flush() override;

 private:
  Outbox* outbox_;
  AlertDispatcher* dispatcher_;
  AlertSink* also_;  // the NDJSON alert log, may be null
  std::function<void(const std::string&)> log_;
};

}  // namespace fastpath
