// Alert: the contract between detection (rules and their thresholds) and alert delivery. An Alert
// is one rule's verdict on one event; an AlertSink receives alerts on the pipeline's ordered
// consumer thread (so implementations need no locking for calls from there).
#pragma once

#include <cstdint>
#include <string>

#include "core/event.h"

namespace fastpath {

struct Rule;  // rules/rule.h: the detection stage owns rule definitions

struct Alert {
  const Rule* rule = nullptr;  // owned by the rule engine, which outlives the pipeline
  Event event;                 // the match that raised it
  uint64_t matches = 1;        // matches counted toward it (the threshold's count)
  std::string group;           // threshold group / dedup key values, joined
  // The time window that raised it, for rules with a threshold or dedup: the window's kind, key
  // values and start. The alert's id is made from it (not from the event that happened to arrive
  // first), so any order of the same matches raises the same alert. Empty: the rule has no
  // window; the id comes from the event.
  std::string window;
  TimeNs window_start = 0, window_end = 0;
  // Members the alerting stage adds to the alert's JSON, as `,"name":value...` (the re-audit
  // of a tamper alert: `,"audit":{...}`). Empty: none.
  std::string extra_json;
};

// Where alerts go: printed by `scan --output alerts`, stored in the outbox by the daemon.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void Write(const Alert& a) = 0;
  // A later match merged into the alert `alert_id` by the rule's dedup window.
  virtual void Merged(const std::string& alert_id) { (void)alert_id; }
  virtual void Flush() {}
};

}  // namespace fastpath
