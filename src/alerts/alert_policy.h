// AlertPolicy: turns rule matches into alerts, applying each rule's threshold (N matches within a
// window, grouped by fields) and dedup (one alert per key within a window; later matches are
// merged into it and counted). Windows run on event time, so a replay of old data alerts as the
// live stream would have. Not thread-safe: the pipeline runs it on its ordered consumer, after
// de-duplication, so each event is considered once whichever paths delivered it.
#pragma once

#include <deque>
#include <map>
#include <string>
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
  // Matches merged into an earlier alert by dedup, per rule id.
  const std::map<std::string, uint64_t>& merged() const { return merged_; }

 private:
  std::map<std::string, std::deque<TimeNs>> threshold_;  // rule id + group -> match times
  struct Raised {
    TimeNs time = 0;
    std::string alert_id;
  };
  std::map<std::string, Raised> last_alert_;  // rule id + dedup key -> the alert it raised
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
