// DeliveryLatency: how late each delivery path is.
//   - delay: receive time minus event time, per (log type, account, region, path);
//   - lag: for events seen on several paths, how far each later path's copy trailed the first,
//     per (log type, first path, later path).
// Not thread-safe: fed by the pipeline's ordered consumer, read after (or between) batches.
#pragma once

#include <map>
#include <string>
#include <tuple>

#include "core/event.h"
#include "core/latency_histogram.h"

namespace fastpath {

class DeliveryLatency {
 public:
  using DelayKey = std::tuple<LogType, std::string, std::string, DeliveryPath>;
  using LagKey = std::tuple<LogType, DeliveryPath, DeliveryPath>;

  void RecordDelay(const Event& e);
  void RecordLag(LogType type, DeliveryPath first, DeliveryPath later, TimeNs lag);

  const std::map<DelayKey, LatencyHistogram>& delays() const { return delays_; }
  const std::map<LagKey, LatencyHistogram>& lags() const { return lags_; }
  // Arrivals whose receive time was before their event time (clock skew); recorded as 0.
  uint64_t negative_delays() const { return negative_; }

  // The two tables `--stats` prints.
  std::string FormatTables() const;

 private:
  std::map<DelayKey, LatencyHistogram> delays_;
  // Consecutive events mostly share their key (one input, one account and region): remember the
  // last one to skip the map. Map nodes never move, so the pointer stays valid.
  const DelayKey* last_key_ = nullptr;
  LatencyHistogram* last_ = nullptr;
  std::map<LagKey, LatencyHistogram> lags_;
  uint64_t negative_ = 0;
};

}  // namespace fastpath
