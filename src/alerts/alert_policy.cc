#include "alerts/alert_policy.h"

#include <simdjson.h>

#include <algorithm>

#include "core/hash.h"
#include "rules/eventbridge_pattern.h"
#include "rules/rule_engine.h"

namespace fastpath {

std::string ValuesAt(const std::string& json, const std::string& path) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) return {};
  std::vector<PatternValue> values;
  JsonPatternEvent::CollectFrom(root, path, &values);
  std::string out;
  for (const PatternValue& v : values) {
    if (!out.empty()) out.push_back(',');
    switch (v.type) {
      case PatternValue::Type::kString:
        out.append(v.str);
        break;
      case PatternValue::Type::kNumber:
        out.append(std::to_string(v.num));
        break;
      case PatternValue::Type::kBool:
        out.append(v.boolean ? "true" : "false");
        break;
      case PatternValue::Type::kNull:
        out.append("null");
        break;
    }
  }
  return out;
}

namespace {

// The values of a threshold's group_by or a dedup's keys, each preceded by \x1f.
std::string KeyOf(const Event& e, const std::vector<std::string>& paths) {
  std::string key;
  for (const std::string& p : paths) {
    key.push_back('\x1f');
    // Canonical fields first; anything else is a path into the record.
    if (p == "account") {
      key += e.account;
    } else if (p == "region") {
      key += e.region;
    } else {
      // The path as written; "detail.x" reads the record's x where the record has no detail
      // (every record is seen as an EventBridge detail, rules/rule_engine.h).
      std::string values = ValuesAt(e.json, p);
      std::string_view path = p;
      if (values.empty() && CloudTrailEventBridgeView::RecordPath(e.log_type, &path) &&
          path.size() != p.size()) {
        values = ValuesAt(e.json, std::string(path));
      }
      key += values;
    }
  }
  return key;
}

// The key values as an alert shows them: "a|b".
std::string Shown(std::string key) {
  for (char& c : key) {
    if (c == '\x1f') c = '|';
  }
  if (!key.empty() && key[0] == '|') key.erase(0, 1);
  return key;
}

// Windows are kept while a match could still fall in them: a week, or four window lengths if
// longer, behind the newest match seen. A match later than that opens its window again and raises
// the alert again, under the same id, which the outbox and the alert claims keep once.
constexpr TimeNs kRetain = 7 * 24 * 3600 * kNsPerSec;

TimeNs WindowStart(TimeNs t, TimeNs length) {
  if (length <= 0) return t;  // rule files refuse such windows; a rule built in code may not
  TimeNs q = t / length;
  if (t % length != 0 && t < 0) --q;
  return q * length;
}

}  // namespace

AlertPolicy::Window& AlertPolicy::WindowOf(const std::string& kind, const Rule& rule,
                                           const std::string& values, TimeNs length, TimeNs t,
                                           std::string* name) {
  const TimeNs start = WindowStart(t, length);
  *name = kind + values + "@" + std::to_string(start);
  Window& w = windows_[rule.id + "\x1e" + *name];
  w.start = start;
  w.end = start + length;
  return w;
}

void AlertPolicy::Merge(const Rule& rule, const std::string& alert_id, uint64_t matches,
                        std::vector<std::string>* merged_into) {
  merged_[rule.id] += matches;
  if (merged_into == nullptr || alert_id.empty()) return;
  for (uint64_t i = 0; i < matches; ++i) merged_into->push_back(alert_id);
}

void AlertPolicy::Prune() {
  for (auto it = windows_.begin(); it != windows_.end();) {
    const TimeNs keep = std::max(kRetain, 4 * (it->second.end - it->second.start));
    if (it->second.end < newest_ - keep) {
      it = windows_.erase(it);
    } else {
      ++it;
    }
  }
  pruned_at_ = newest_;
}

void AlertPolicy::OnMatch(const Rule& rule, const Event& e, std::vector<Alert>* out,
                          std::vector<std::string>* merged_into) {
  if (e.time > newest_) newest_ = e.time;
  if (newest_ - pruned_at_ > 3600 * kNsPerSec) Prune();
  Alert a;
  a.rule = &rule;
  Window* threshold = nullptr;
  Window* dedup = nullptr;
  if (rule.threshold.count > 1) {
    // With a dedup too, the threshold counts per dedup key as well, so that every match of a
    // window has the dedup key of the alert it raises (whichever match fills it).
    std::vector<std::string> by = rule.threshold.group_by;
    for (const std::string& k : rule.dedup.keys) {
      if (rule.dedup.window > 0 && std::find(by.begin(), by.end(), k) == by.end()) by.push_back(k);
    }
    const std::string values = KeyOf(e, by);
    Window& w = WindowOf("threshold", rule, values, rule.threshold.window, e.time, &a.window);
    ++w.matches;
    if (w.matches < static_cast<uint64_t>(rule.threshold.count)) return;
    if (!w.alert_id.empty()) {  // the window already raised its alert: counted into it
      Merge(rule, w.alert_id, 1, merged_into);
      return;
    }
    threshold = &w;
    a.matches = w.matches;
    a.group = Shown(values);
    a.window_start = w.start;
    a.window_end = w.end;
  }
  if (rule.dedup.window > 0) {
    const std::string values = KeyOf(e, rule.dedup.keys);
    Window& w = WindowOf("dedup", rule, values, rule.dedup.window, e.time, &a.window);
    if (!w.alert_id.empty()) {
      // A threshold window that filled in a window that already alerted brings all its matches.
      if (threshold != nullptr) threshold->alert_id = w.alert_id;
      Merge(rule, w.alert_id, threshold != nullptr ? threshold->matches : 1, merged_into);
      return;
    }
    dedup = &w;
    if (a.group.empty()) a.group = Shown(values);
    a.window_start = w.start;
    a.window_end = w.end;
  }
  a.event = e;
  const std::string id = AlertId(a);
  if (threshold != nullptr) threshold->alert_id = id;
  if (dedup != nullptr) dedup->alert_id = id;
  out->push_back(std::move(a));
}

std::string AlertId(const Alert& a) {
  std::string key = a.rule->id;
  key.push_back('\n');
  if (!a.window.empty()) {  // one alert per window: the same whichever match came first
    key.append("window\n");
    key.append(a.window);
    return Sha256Hex(key).substr(0, 32);
  }
  key.append(LogTypeName(a.event.log_type));
  key.push_back('\n');
  key.append(a.event.id);
  key.push_back('\n');
  key.append(a.group);
  return Sha256Hex(key).substr(0, 32);
}

void AppendAlertJsonLine(const Alert& a, std::string* out) {
  const Event& e = a.event;
  out->append("{\"alert_id\":\"");
  out->append(AlertId(a));
  out->append("\",\"rule_id\":");
  AppendJsonString(out, a.rule->id);
  out->append(",\"title\":");
  AppendJsonString(out, a.rule->title);
  out->append(",\"severity\":");
  AppendJsonString(out, a.rule->severity);
  if (a.rule->staged) out->append(",\"staged\":true");
  out->append(",\"event_id\":");
  AppendJsonString(out, e.id);
  out->push_back(',');
  AppendEventCoreFields(e, out);
  if (e.received != 0) {  // when its first copy arrived: how fast the alert could be raised
    out->append(",\"received\":\"");
    out->append(FormatRfc3339(e.received));
    out->push_back('"');
  }
  AppendEventSource(e, out);  // the file, object or record that holds the evidence
  out->append(",\"matches\":");
  out->append(std::to_string(a.matches));
  if (!a.group.empty()) {
    out->append(",\"group\":");
    AppendJsonString(out, a.group);
  }
  if (!a.window.empty()) {
    out->append(",\"window\":{\"start\":\"");
    out->append(FormatRfc3339(a.window_start));
    out->append("\",\"end\":\"");
    out->append(FormatRfc3339(a.window_end));
    out->append("\"}");
  }
  out->append(a.extra_json);
  out->append(",\"event\":");
  out->append(e.json.empty() ? std::string_view("null") : std::string_view(e.json));
  out->append("}\n");
}

}  // namespace fastpath
