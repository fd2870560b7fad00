// AlertPolicy: turns rule matches into alerts, applying each rule's threshold (N matches within a
// window, grouped by fields) and dedup (one alert per key within a window; later matches are
// merged into it and counted). Windows run on event time, so a replay of old data alerts as the
// live stream would have, and they are fixed (tumbling) windows aligned to the epoch: a match at
// event time t falls in [floor(t / w) * w, +w). Whether a window raises an alert, and the alert's
// id, depend only on which matches fall in it, not on the order they arrive in (CloudTrail files
// are not time-ordered). Not thread-safe: the pipeline runs it on its ordered consumer, after
// de-duplication, so each event is considered once whichever paths delivered it.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/alert.h"
#include "core/event.h"
#include "rules/rule.h"

namespace fastpath {

class AlertPolicy {
 public:
  // Appends to *out the alert this match raises, if any. A match merged into an earlier alert
  // by dedup appends that alert's id to *merged_into (when given), so the stored alert counts it.
  void OnMatch(const Rule& rule, const Event& e, std::vector<Alert>* out,
               std::vector<std::string>* merged_into = nullptr);
  // Matches merged into an earlier alert (by dedup, or a threshold window that already alerted),
  // per rule id.
  const std::map<std::string, uint64_t>& merged() const { return merged_; }

 private:
  struct Window {
    uint64_t matches = 0;
    std::string alert_id;  // the alert the window raised (or merged into); empty until then
    TimeNs start = 0, end = 0;
  };
  // The `kind` (threshold, dedup) window of `rule` of length `length` that holds event time `t`
  // for the key values `values`; *name is set to the window's name (its kind, values and start).
  Window& WindowOf(const std::string& kind, const Rule& rule, const std::string& values,
                   TimeNs length, TimeNs t, std::string* name);
  // Counts `matches` more matches into the alert `alert_id`.
  void Merge(const Rule& rule, const std::string& alert_id, uint64_t matches,
             std::vector<std::string>* merged_into);
  // Forgets windows that ended long before the newest match (kRetain in the .cc).
  void Prune();

  std::unordered_map<std::string, Window> windows_;  // rule id, window name -> window
  TimeNs newest_ = 0;
  TimeNs pruned_at_ = 0;
  std::map<std::string, uint64_t> merged_;
};

// A stable alert id: the same rule raised on the same event (and threshold group) has the same id
// on every path, in every process, on every run: receivers and claims de-duplicate on it.
std::string AlertId(const Alert& a);

// One alert as an NDJSON line: alert_id, rule_id, title, severity, staged, event_id, log_type,
// path, account, region, time, matches, event.
void AppendAlertJsonLine(const Alert& a, std::string* out);

// The record's values at a dotted path, as text (for group-by and dedup keys).
std::string ValuesAt(const std::string& json, const std::string& path);

}  // namespace fastpath
