// PathTimeline: what each delivery path did, minute by minute, per (log type, account, region,
// path): how many events it brought, how many of them were copies of an event another path
// brought first, how late it delivered (receive time - event time) and how far its copies trailed
// the first arrival. The dashboard plots it; the counters in /metrics hold the same totals.
//
// Minutes are those of the receive time. Each key keeps its last `max_minutes` minutes (a day by
// default) and at most `max_keys` keys are tracked (later ones are counted in dropped_keys()).
// Delays and lags go into a compact log histogram (about 25% wide bins), enough for the p50/p90
// and max a plot shows. Observe() is called by the pipeline's ordered consumer; ToJson() from
// any thread.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/event.h"

namespace fastpath {

class PathTimeline {
 public:
  struct Options {
    size_t max_minutes = 1440;
    size_t max_keys = 4096;
  };
  // A histogram bin index for a duration in milliseconds, and the largest value the bin holds.
  static int BinOf(int64_t ms);
  static int64_t BinUpper(int bin);

  struct Hist {
    std::vector<std::pair<uint8_t, uint32_t>> bins;  // sorted by bin
    uint64_t count = 0;
    int64_t max = 0;
    void Record(int64_t ms);
    int64_t Quantile(double q) const;  // the upper bound of the bin holding q, capped by max
  };
  struct Minute {
    int64_t minute = 0;  // receive time / 60 s
    uint32_t events = 0;
    uint32_t duplicates = 0;
    Hist delay;
    Hist lag;  // duplicates only: receive time - the first copy's receive time
  };
  struct Key {
    std::string log_type, account, region, path;
    bool operator<(const Key& o) const {
      return std::tie(log_type, account, region, path) <
             std::tie(o.log_type, o.account, o.region, o.path);
    }
  };

  PathTimeline() : PathTimeline(Options{}) {}
  explicit PathTimeline(Options options) : options_(options) {}

  // `lag` is the delay behind the first copy when `duplicate` (negative: not known, as for a copy
  // received before the one that was kept).
  void Observe(const Event& e, bool duplicate, TimeNs lag);

  // {"keys":[{"log_type","account","region","path","events","duplicates",
  //   "minutes":[unix seconds...],"events_per_minute":[...],"duplicates_per_minute":[...],
  //   "delay_p50_s":[...],"delay_p90_s":[...],"delay_max_s":[...],"lag_p50_s":[...],
  //   "lag_max_s":[...]}], "dropped_keys":N}
  // Only keys whose fields equal the non-empty filters.
  std::string ToJson(const std::string& log_type = {}, const std::string& account = {},
                     const std::string& region = {}) const;

  size_t size() const;
  uint64_t dropped_keys() const;

 private:
  Options options_;
  mutable std::mutex mu_;
  std::map<Key, std::deque<Minute>> keys_;
  uint64_t dropped_keys_ = 0;
};

}  // namespace fastpath
