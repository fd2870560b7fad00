#include "rules/rule_engine.h"

#include <algorithm>

#include "core/json_get.h"
#include "decode/envelope_encoder.h"

namespace fastpath {

CloudTrailEventBridgeView::CloudTrailEventBridgeView(simdjson::dom::element record, const Event& e)
    : record_(record), event_(e) {
  std::string_view type, source;
  JsonGet(record["eventType"].get_string(), type);
  JsonGet(record["eventSource"].get_string(), source);
  detail_type_ = std::string(EventBridgeDetailType(type));
  if (detail_type_.empty()) detail_type_ = "AWS API Call via CloudTrail";
  source_ = "aws." + std::string(source.substr(0, source.find('.')));
  time_ = FormatRfc3339(e.time);
  id_ = e.id;
}

void CloudTrailEventBridgeView::Collect(std::string_view path,
                                        std::vector<PatternValue>* out) const {
  auto push = [out](std::string_view s) {
    PatternValue v;
    v.type = PatternValue::Type::kString;
    v.str = s;
    out->push_back(v);
  };
  if (path.substr(0, 7) == "detail.") {
    JsonPatternEvent::CollectFrom(record_, path.substr(7), out);
  } else if (path == "detail-type") {
    push(detail_type_);
  } else if (path == "source") {
    push(source_);
  } else if (path == "account") {
    push(event_.account);
  } else if (path == "region") {
    push(event_.region);
  } else if (path == "time") {
    push(time_);
  } else if (path == "id") {
    push(id_);
  } else if (path == "version") {
    push("0");
  }
  // "detail" itself is an object and "resources" is empty: no leaf values.
}

RuleEngine::RuleEngine(std::vector<std::shared_ptr<const Rule>> rules) : rules_(std::move(rules)) {
  for (uint32_t i = 0; i < rules_.size(); ++i) {
    const Rule& r = *rules_[i];
    if (!r.enabled) continue;
    bool indexed = false;
    if (r.pattern) {
      auto anchors = r.pattern->Anchors();
      if (!anchors.empty()) {
        // The anchor with the fewest values narrows the most.
        auto best = std::min_element(
            anchors.begin(), anchors.end(),
            [](const auto& a, const auto& b) { return a.values.size() < b.values.size(); });
        auto it = std::find_if(anchors_.begin(), anchors_.end(),
                               [&](const AnchorIndex& a) { return a.path == best->path; });
        if (it == anchors_.end()) {
          anchors_.push_back(AnchorIndex{best->path, {}});
          it = anchors_.end() - 1;
        }
        for (const std::string& v : best->values) it->by_value[v].push_back(i);
        indexed = true;
        ++indexed_;
      }
    }
    if (!indexed) unanchored_.push_back(i);
  }
}

void RuleEngine::Matcher::Match(const Event& e, std::vector<uint32_t>* out) {
  const auto& rules = engine_.rules_;
  if (rules.empty()) return;
  simdjson::dom::element record;
  if (parser_.parse(e.json).get(record) != simdjson::SUCCESS) return;
  const bool cloudtrail =
      e.log_type == LogType::kCloudTrail || e.log_type == LogType::kCloudTrailInsight;
  JsonPatternEvent as_json(record);
  std::unique_ptr<CloudTrailEventBridgeView> as_eb;
  if (cloudtrail) as_eb = std::make_unique<CloudTrailEventBridgeView>(record, e);
  const PatternEvent& view = as_eb ? static_cast<const PatternEvent&>(*as_eb) : as_json;

  // Candidates: rules named by the event's anchored values, and the unanchored rules.
  if (seen_epoch_.size() < rules.size()) seen_epoch_.assign(rules.size(), 0);
  if (++epoch_ == 0) {
    std::fill(seen_epoch_.begin(), seen_epoch_.end(), 0);
    epoch_ = 1;
  }
  candidates_.clear();
  std::vector<PatternValue> values;
  for (const AnchorIndex& a : engine_.anchors_) {
    values.clear();
    view.Collect(a.path, &values);
    for (const PatternValue& v : values) {
      if (v.type != PatternValue::Type::kString) continue;
      auto it = a.by_value.find(std::string(v.str));
      if (it == a.by_value.end()) continue;
      for (uint32_t r : it->second) {
        if (seen_epoch_[r] != epoch_) {
          seen_epoch_[r] = epoch_;
          candidates_.push_back(r);
        }
      }
    }
  }
  candidates_.insert(candidates_.end(), engine_.unanchored_.begin(), engine_.unanchored_.end());
  std::sort(candidates_.begin(), candidates_.end());

  for (uint32_t i : candidates_) {
    const Rule& r = *rules[i];
    if (!r.log_types.empty() &&
        std::find(r.log_types.begin(), r.log_types.end(), e.log_type) == r.log_types.end()) {
      continue;
    }
    bool hit = false;
    if (r.pattern) {
      hit = r.pattern->Matches(view);
    } else if (r.sigma) {
      hit = r.sigma->Matches(record);
    }
    if (!hit) continue;
    bool suppressed = false;
    for (const auto& s : r.suppress) {
      if (s->Matches(view)) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) out->push_back(i);
  }
}

}  // namespace fastpath
