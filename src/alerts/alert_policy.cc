#include "alerts/alert_policy.h"

#include <simdjson.h>

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
std::string KeyOf(const Rule& rule, const Event& e, const std::vector<std::string>& paths) {
  std::string key = rule.id;
  for (const std::string& p : paths) {
    key.push_back('\x1f');
    // Canonical fields first; anything else is a path into the record.
    if (p == "account") {
      key += e.account;
    } else if (p == "region") {
      key += e.region;
    } else {
      // The path as written; where the record is an EventBridge detail, "detail.x" reads the
      // record itself.
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
}  // namespace

void AlertPolicy::OnMatch(const Rule& rule, const Event& e, std::vector<Alert>* out,
                          std::vector<std::string>* merged_into) {
  Alert a;
  a.rule = &rule;
  if (rule.threshold.count > 1) {
    const std::string key = KeyOf(rule, e, rule.threshold.group_by);
    std::deque<TimeNs>& times = threshold_[key];
    times.push_back(e.time);
    while (!times.empty() && times.front() < e.time - rule.threshold.window) times.pop_front();
    if (times.size() < static_cast<size_t>(rule.threshold.count)) return;
    a.matches = times.size();
    times.clear();
    a.group = key.substr(rule.id.size());
  }
  if (rule.dedup.window > 0) {
    const std::string key = KeyOf(rule, e, rule.dedup.keys);
    auto it = last_alert_.find(key);
    if (it != last_alert_.end() && e.time >= it->second.time &&
        e.time - it->second.time < rule.dedup.window) {
      ++merged_[rule.id];
      if (merged_into != nullptr) merged_into->push_back(it->second.alert_id);
      return;
    }
    if (a.group.empty()) a.group = key.substr(rule.id.size());
  }
  for (char& c : a.group) {
    if (c == '\x1f') c = '|';
  }
  if (!a.group.empty() && a.group[0] == '|') a.group.erase(0, 1);
  a.event = e;
  if (rule.dedup.window > 0) {
    last_alert_[KeyOf(rule, e, rule.dedup.keys)] = Raised{e.time, AlertId(a)};
  }
  out->push_back(std::move(a));
}

std::string AlertId(const Alert& a) {
  std::string key = a.rule->id;
  key.push_back('\n');
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
  out->append(a.extra_json);
  out->append(",\"event\":");
  out->append(e.json.empty() ? std::string_view("null") : std::string_view(e.json));
  out->append("}\n");
}

}  // namespace fastpath
