// SourceLiveness: when each delivery path last delivered, per (log type, account, region, path),
// and which of them have gone quiet for longer than they should.
//
// A path is silent when nothing arrived on it for longer than its expected delay: three times
// the larger of the p99 of its recent delivery delays (receive time - event time) and the p99 of
// its recent gaps between deliveries, and never less than a floor (15 minutes for S3, whose
// objects come every five; 10 minutes for the other paths). Only paths that delivered at least
// once are watched; events read from plain files (`path` "file") are not a live path.
//
// Observe() is called by the pipeline's ordered consumer; everything else may be called from any
// thread. The state is saved as JSON (Save/Load) so a restart remembers what was flowing, and
// `fastpath audit --state DIR` reads the same file.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "core/event.h"
#include "core/metrics_writer.h"
#include "core/status.h"

namespace fastpath {

// Appends "log_type":..,"account":..,"region":..,"path":.. (no braces): the key of a path, as the
// liveness state, the dashboard's status and its timeline write it.
void AppendPathKeyFields(std::string* out, std::string_view log_type, std::string_view account,
                         std::string_view region, std::string_view path);

struct LivenessOptions {
  TimeNs floor_s3 = 15 * 60 * kNsPerSec;
  TimeNs floor_other = 10 * 60 * kNsPerSec;
  double factor = 3.0;
};

class SourceLiveness {
 public:
  // Last arrivals kept per path to estimate its p99 delay and gap (the newest win).
  static constexpr size_t kWindow = 128;

  struct Key {
    std::string log_type, account, region, path;
    bool operator<(const Key& o) const {
      return std::tie(log_type, account, region, path) <
             std::tie(o.log_type, o.account, o.region, o.path);
    }
  };
  struct Entry {
    TimeNs last_received = 0;        // the latest delivery
    TimeNs last_event_time = 0;      // the event time of its first event
    uint64_t deliveries = 0;         // distinct receive times seen
    std::vector<int64_t> delays_ms;  // ring of the last kWindow delays
    std::vector<int64_t> gaps_ms;    // ring of the last kWindow gaps between deliveries
    size_t delay_next = 0, gap_next = 0;
    bool alerted = false;  // a silence alert went out and the path has not delivered since
  };
  struct Silence {
    Key key;
    TimeNs last_received = 0;
    TimeNs silent_for = 0;
    TimeNs threshold = 0;
  };

  explicit SourceLiveness(LivenessOptions options = {}) : options_(options) {}

  void Observe(const Event& e);

  // How long `key`'s path may stay quiet before it counts as silent.
  TimeNs Threshold(const Key& key, const Entry& e) const;
  // Paths silent at `now` whose silence was not reported yet; each is reported once until the
  // path delivers again.
  std::vector<Silence> NewSilences(TimeNs now);
  // Every path silent at `now` (reported or not).
  std::vector<Silence> Silent(TimeNs now) const;

  // fastpath_source_last_event_age_seconds and fastpath_source_silence_threshold_seconds.
  void WriteMetrics(MetricsWriter* w, TimeNs now) const;

  // Every watched path at `now`, for the dashboard: [{"log_type","account","region","path",
  // "last_received","deliveries","quiet_seconds","threshold_seconds","silent"}].
  std::string StatusJson(TimeNs now) const;

  std::string ToJson() const;
  Status FromJson(std::string_view text);
  // Written to a temporary file and renamed over `path`.
  Status Save(const std::string& path) const;
  Status Load(const std::string& path);  // a missing file is not an error

  size_t size() const;

 private:
  bool SameAsLast(const Event& e) const;
  LivenessOptions options_;
  mutable std::mutex mu_;
  std::map<Key, Entry> entries_;
  // Consumer-side memo: the last observed key and receive time (most events of one delivery share
  // both), so only a new delivery takes the lock.
  LogType last_type_ = LogType::kUnknown;
  DeliveryPath last_path_ = DeliveryPath::kFile;
  std::string last_account_, last_region_;
  TimeNs last_received_ = -1;
};

}  // namespace fastpath
