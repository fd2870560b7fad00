#include "rules/rule_engine.h"

#include <algorithm>
#include <charconv>

#include "core/json_get.h"
#include "core/log_types.h"
#include "decode/envelope_encoder.h"

namespace fastpath {

CloudTrailEventBridgeView::CloudTrailEventBridgeView(simdjson::dom::element record, const Event& e)
    : record_(record), event_(e) {}

void CloudTrailEventBridgeView::Collect(std::string_view path,
                                        std::vector<PatternValue>* out) const {
  auto push = [out](std::string_view s) {
    PatternValue v;
    v.type = PatternValue::Type::kString;
    v.str = s;
    out->push_back(v);
  };
  if (path.substr(0, 7) == "detail.") {
    if (RecordPath(event_.log_type, &path)) JsonPatternEvent::CollectFrom(record_, path, out);
    return;
  }
  // Records no EventBridge event carries (text logs) keep their fields at the top as well, as
  // patterns written before they had an envelope read them; the envelope's own keys come first.
  if (!Covers(event_.log_type) && !IsEnvelopeKey(path)) {
    JsonPatternEvent::CollectFrom(record_, path, out);
    return;
  }
  if (!envelope_ready_) {
    std::string_view type, source;
    const LogTypeInfo& facts = LogTypeFacts(event_.log_type);
    if (!facts.eventbridge_source.empty()) {
      source_ = facts.eventbridge_source;
      detail_type_ = facts.eventbridge_detail_type;
      if (event_.log_type == LogType::kConfig) {  // Config's detail-type follows the record
        JsonGet(record_["messageType"].get_string(), type);
        detail_type_ = type == "ComplianceChangeNotification" ? "Config Rules Compliance Change"
                                                              : "Config Configuration Item Change";
      }
    } else if (!Covers(event_.log_type)) {
      // No EventBridge event carries these records: the source is the log type, the
      // detail-type the product that wrote it.
      source_ = facts.name;
      detail_type_ = facts.product;
    } else {
      JsonGet(record_["eventType"].get_string(), type);
      JsonGet(record_["eventSource"].get_string(), source);
      detail_type_ = std::string(EventBridgeDetailType(type));
      if (detail_type_.empty()) detail_type_ = "AWS API Call via CloudTrail";
      source_ = "aws." + std::string(source.substr(0, source.find('.')));
    }
    time_ = FormatRfc3339(event_.time);
    envelope_ready_ = true;
  }
  if (path == "detail-type") {
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
    push(event_.id);
  } else if (path == "version") {
    push("0");
  }
  // "detail" itself is an object and "resources" is empty: no leaf values.
}

bool CloudTrailEventBridgeView::Covers(LogType t) {
  return LogTypeFacts(t).eventbridge_shaped;
}

bool CloudTrailEventBridgeView::IsEnvelopeKey(std::string_view path) {
  return path == "version" || path == "id" || path == "detail-type" || path == "source" ||
         path == "account" || path == "time" || path == "region" || path == "resources" ||
         path == "detail";
}

bool CloudTrailEventBridgeView::RecordPath(LogType t, std::string_view* path) {
  if (path->substr(0, 7) != "detail.") return true;
  path->remove_prefix(7);
  if (!Covers(t)) return true;
  const std::string_view under = LogTypeFacts(t).eventbridge_record_path;
  if (!under.empty()) {
    if (path->substr(0, under.size()) != under) return false;
    path->remove_prefix(under.size());
  }
  return true;
}

namespace {

// Remembers the values found at each path for one event: the anchor lookup and every candidate
// rule read the same few paths (detail.eventName above all), and a lookup walks the record.
class CachingPatternEvent final : public PatternEvent {
 public:
  using Entry = RuleEngine::Matcher::CacheEntry;
  // The two vectors are the caller's scratch, reused from event to event.
  CachingPatternEvent(const PatternEvent& inner, std::vector<Entry>* entries,
                      std::vector<PatternValue>* pool)
      : inner_(inner), entries_(*entries), pool_(*pool) {
    entries_.clear();
    pool_.clear();
  }
  void Collect(std::string_view path, std::vector<PatternValue>* out) const override {
    for (const Entry& e : entries_) {
      if (e.path == path) {
        out->insert(out->end(), pool_.begin() + static_cast<std::ptrdiff_t>(e.begin),
                    pool_.begin() + static_cast<std::ptrdiff_t>(e.end));
        return;
      }
    }
    const size_t begin = pool_.size();
    inner_.Collect(path, &pool_);
    entries_.push_back(Entry{path, begin, pool_.size()});
    out->insert(out->end(), pool_.begin() + static_cast<std::ptrdiff_t>(begin), pool_.end());
  }

 private:
  const PatternEvent& inner_;
  std::vector<Entry>& entries_;
  std::vector<PatternValue>& pool_;
};

}  // namespace

RuleEngine::AnchorIndex& RuleEngine::IndexFor(const std::string& path, bool on_record,
                                              bool lowercase) {
  for (AnchorIndex& a : anchors_) {
    if (a.path == path && a.on_record == on_record && a.lowercase == lowercase) return a;
  }
  anchors_.push_back(AnchorIndex{path, on_record, lowercase, {}, {}, {}});
  return anchors_.back();
}

RuleEngine::RuleEngine(std::vector<std::shared_ptr<const Rule>> rules) : rules_(std::move(rules)) {
  for (uint32_t i = 0; i < rules_.size(); ++i) {
    const Rule& r = *rules_[i];
    if (!r.enabled) continue;
    bool indexed = false;
    if (r.pattern) {
      auto anchors = r.pattern->Anchors();
      if (!anchors.empty()) {
        // API names narrow the most (eventSource and source are shared by many events); then the
        // anchor with the fewest values.
        auto score = [](const EventBridgePattern::Anchor& a) {
          const bool api =
              a.path.size() >= 9 && a.path.compare(a.path.size() - 9, 9, "eventName") == 0;
          return std::make_pair(api ? 0 : 1, a.values.size() + a.prefixes.size());
        };
        auto best =
            std::min_element(anchors.begin(), anchors.end(),
                             [&](const auto& a, const auto& b) { return score(a) < score(b); });
        AnchorIndex& idx = IndexFor(best->path, false, false);
        for (const std::string& v : best->values) idx.by_value[v].push_back(i);
        for (const std::string& p : best->prefixes) {
          idx.by_prefix[p].push_back(i);
          if (std::find(idx.prefix_lengths.begin(), idx.prefix_lengths.end(), p.size()) ==
              idx.prefix_lengths.end()) {
            idx.prefix_lengths.push_back(p.size());
          }
        }
        indexed = true;
      }
    } else if (r.sigma) {
      SigmaRule::Anchor a = r.sigma->anchor();
      if (!a.field.empty()) {
        AnchorIndex& idx = IndexFor(a.field, true, true);
        for (const std::string& v : a.lowercase_values) idx.by_value[v].push_back(i);
        indexed = true;
      }
    }
    if (indexed) {
      ++indexed_;
    } else {
      unanchored_.push_back(i);
    }
  }
}

void RuleEngine::Matcher::Match(const Event& e, std::vector<uint32_t>* out) {
  if (engine_.rules_.empty()) return;
  simdjson::dom::element record;
  if (parser_.parse(e.json).get(record) != simdjson::SUCCESS) return;
  Match(e, record, out);
}

void RuleEngine::Matcher::Match(const Event& e, simdjson::dom::element record,
                                std::vector<uint32_t>* out) {
  const auto& rules = engine_.rules_;
  if (rules.empty()) return;
  JsonPatternEvent as_json(record);
  std::unique_ptr<CloudTrailEventBridgeView> as_eb;
  // Records that are an EventBridge detail get their envelope rebuilt; an event that is a whole
  // envelope already (a Trusted Advisor refresh, an Inspector scan) is matched as it is.
  const bool cloudtrail =
      e.log_type == LogType::kCloudTrail || e.log_type == LogType::kCloudTrailInsight;
  if (cloudtrail || record["detail-type"].error() != simdjson::SUCCESS) {
    as_eb = std::make_unique<CloudTrailEventBridgeView>(record, e);
  }
  const CachingPatternEvent view(as_eb ? static_cast<const PatternEvent&>(*as_eb) : as_json,
                                 &cache_entries_, &cache_pool_);

  // Candidates: rules named by the event's anchored values, and the unanchored rules.
  if (seen_epoch_.size() < rules.size()) seen_epoch_.assign(rules.size(), 0);
  if (++epoch_ == 0) {
    std::fill(seen_epoch_.begin(), seen_epoch_.end(), 0);
    epoch_ = 1;
  }
  candidates_.clear();
  auto add = [this](const std::vector<uint32_t>& rs) {
    for (uint32_t r : rs) {
      if (seen_epoch_[r] != epoch_) {
        seen_epoch_[r] = epoch_;
        candidates_.push_back(r);
      }
    }
  };
  for (const AnchorIndex& a : engine_.anchors_) {
    values_.clear();
    if (a.on_record) {
      JsonPatternEvent::CollectFrom(record, a.path, &values_);
    } else {
      view.Collect(a.path, &values_);
    }
    for (const PatternValue& v : values_) {
      std::string_view key = v.str;
      if (v.type == PatternValue::Type::kNumber && a.lowercase) {
        // Sigma compares values as text: `dstport: 22` names the number 22 of a flow record
        // (written as the Sigma matcher writes numbers: integers plainly, others shortest).
        if (v.is_integer) {
          number_ = std::to_string(v.integer);
        } else {
          char buf[64];
          auto r = std::to_chars(buf, buf + sizeof buf, v.num);
          number_.assign(buf, r.ptr);
        }
        key = number_;
      } else if (v.type != PatternValue::Type::kString) {
        continue;
      }
      if (a.lowercase && v.type == PatternValue::Type::kString) {
        lower_.assign(v.str);
        for (char& c : lower_) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        key = lower_;
      }
      if (auto it = a.by_value.find(key); it != a.by_value.end()) add(it->second);
      for (size_t len : a.prefix_lengths) {
        if (len > key.size()) continue;
        if (auto it = a.by_prefix.find(key.substr(0, len)); it != a.by_prefix.end())
          add(it->second);
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
