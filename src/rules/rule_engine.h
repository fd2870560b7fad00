// RuleEngine: every loaded rule compiled together into one matcher.
//
// Patterns are indexed by their anchors (a field every match needs, with plain exact values:
// usually detail.eventName or source): an event looks up its own values at the anchored paths and
// evaluates only the rules they name, plus the few rules that have no anchor. So the cost of an
// event grows with the rules that could match it, not with the rule count.
//
// Patterns see the EventBridge shape of every event: the envelope as received for EventBridge
// arrivals; for CloudTrail records that came by S3 or CloudWatch Logs, the envelope EventBridge
// would have delivered (version, id, detail-type from eventType, source aws.<service>, account,
// time, region, resources, detail = the record). Sigma rules see the native record.
//
// The engine is immutable and shared; each thread matches with a Matcher of its own.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <simdjson.h>

#include "core/event.h"
#include "rules/rule.h"

namespace fastpath {

class RuleEngine {
 public:
  explicit RuleEngine(std::vector<std::shared_ptr<const Rule>> rules);
  const std::vector<std::shared_ptr<const Rule>>& rules() const { return rules_; }
  size_t indexed_rules() const { return indexed_; }

  class Matcher {
   public:
    explicit Matcher(const RuleEngine& engine) : engine_(engine) {}
    struct CacheEntry {
      std::string_view path;  // into a compiled rule, which outlives the event
      size_t begin, end;      // into the value pool
    };
    // Appends the indices (into rules()) of the enabled rules the event matches, suppressions
    // applied, in rule order. Parses e.json.
    void Match(const Event& e, std::vector<uint32_t>* out);
    // The same on a record already parsed (the parse stage's DOM): no second parse.
    void Match(const Event& e, simdjson::dom::element record, std::vector<uint32_t>* out);

   private:
    const RuleEngine& engine_;
    simdjson::dom::parser parser_;
    std::vector<uint32_t> candidates_;
    std::vector<uint32_t> seen_epoch_;
    std::vector<PatternValue> values_;
    std::string lower_;
    std::string number_;                     // an integer value as text, for the Sigma index
    std::vector<CacheEntry> cache_entries_;  // per-event memo of the values at each path
    std::vector<PatternValue> cache_pool_;
    uint32_t epoch_ = 0;
  };

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using ValueMap =
      std::unordered_map<std::string, std::vector<uint32_t>, StringHash, std::equal_to<>>;
  struct AnchorIndex {
    std::string path;
    bool on_record =
        false;  // a Sigma field: read from the native record, not the EventBridge shape
    bool lowercase = false;  // values compared without case (Sigma)
    ValueMap by_value;
    ValueMap by_prefix;
    std::vector<size_t> prefix_lengths;  // the distinct lengths in by_prefix
  };
  AnchorIndex& IndexFor(const std::string& path, bool on_record, bool lowercase);
  std::vector<std::shared_ptr<const Rule>> rules_;
  std::vector<AnchorIndex> anchors_;
  std::vector<uint32_t> unanchored_;  // enabled rules checked for every event
  size_t indexed_ = 0;
};

// The EventBridge envelope of a record, as a PatternEvent (no copy of the record): the same
// patterns match the record whichever path delivered it. CloudTrail records and findings
// (GuardDuty, Security Hub, Config, Inspector, Macie, Trusted Advisor) get the envelope
// EventBridge gives them (a Security Hub finding is seen as the one element of
// detail.findings); records no EventBridge event carries (flow logs, load balancer, DNS, WAF
// and the other text logs) get one of the same shape, with `source` their log type
// ("aws.vpcflow") and `detail-type` their product ("VPC Flow Logs"), and keep their fields at
// the top as well (`dstport` and `detail.dstport` are the same).
class CloudTrailEventBridgeView final : public PatternEvent {
 public:
  // `record` must outlive the view; account, region and time come from the canonical event.
  CloudTrailEventBridgeView(simdjson::dom::element record, const Event& e);
  // True for the log types whose records are an EventBridge event's detail.
  static bool Covers(LogType t);
  // The keys of the envelope itself: version, id, detail-type, source, account, time, region,
  // resources, detail.
  static bool IsEnvelopeKey(std::string_view path);
  // The path into the record that an envelope path ("detail.x") names for an event of type `t`
  // ("x", or under the record path of the type); other paths are left as they are. False when it
  // names nothing there.
  static bool RecordPath(LogType t, std::string_view* path);
  void Collect(std::string_view path, std::vector<PatternValue>* out) const override;

 private:
  simdjson::dom::element record_;
  const Event& event_;
  // Built on first use: most patterns only read detail.* fields.
  mutable bool envelope_ready_ = false;
  mutable std::string detail_type_, source_, time_;
};

}  // namespace fastpath
