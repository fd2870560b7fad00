#include "rules/rule_engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>

#include "alerts/alert_policy.h"

namespace fastpath {
namespace {

Event CloudTrailEvent(const std::string& name, DeliveryPath path,
                      const std::string& ip = "198.51.100.7", int second = 0) {
  Event e;
  e.log_type = LogType::kCloudTrail;
  e.path = path;
  e.account = "111122223333";
  e.region = "eu-west-1";
  e.time = *ParseRfc3339("2024-05-01T12:00:00Z") + second * kNsPerSec;
  e.id = "id-" + name + std::to_string(second);
  e.json =
      R"({"eventVersion":"1.09","eventTime":"2024-05-01T12:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":")" +
      name + R"(","awsRegion":"eu-west-1","sourceIPAddress":")" + ip +
      R"(","eventType":"AwsApiCall","recipientAccountId":"111122223333"})";
  return e;
}

std::shared_ptr<Rule> PatternRule(const std::string& id, const std::string& pattern) {
  auto r = std::make_shared<Rule>();
  r->id = id;
  r->title = id;
  r->pattern = EventBridgePattern::Compile(pattern).value();
  return r;
}

std::vector<std::string> MatchIds(const RuleEngine& engine, const Event& e) {
  RuleEngine::Matcher m(engine);
  std::vector<uint32_t> hits;
  m.Match(e, &hits);
  std::vector<std::string> ids;
  for (uint32_t i : hits) ids.push_back(engine.rules()[i]->id);
  return ids;
}

TEST(RuleEngine, PatternsSeeTheEventBridgeShapeOfS3Arrivals) {
  RuleEngine engine(
      {PatternRule(
           "by-envelope",
           R"({"source":["aws.cloudtrail"],"detail-type":["AWS API Call via CloudTrail"],"account":["111122223333"],"region":["eu-west-1"],"detail":{"eventName":["StopLogging"]}})"),
       PatternRule("other", R"({"detail":{"eventName":["DeleteTrail"]}})"),
       PatternRule("unanchored", R"({"detail":{"eventName":[{"prefix":"Stop"}]}})")});
  EXPECT_EQ(engine.indexed_rules(), 3u);  // exact values and prefixes are both indexed
  for (DeliveryPath p :
       {DeliveryPath::kS3, DeliveryPath::kCloudWatchLogs, DeliveryPath::kEventBridge}) {
    EXPECT_EQ(MatchIds(engine, CloudTrailEvent("StopLogging", p)),
              (std::vector<std::string>{"by-envelope", "unanchored"}));
  }
  EXPECT_EQ(MatchIds(engine, CloudTrailEvent("DeleteTrail", DeliveryPath::kS3)),
            (std::vector<std::string>{"other"}));
}

// Records no EventBridge event carries are seen in the same shape: an envelope with the log type
// as source and the product as detail-type, the record as detail, its fields at the top too.
TEST(RuleEngine, TextLogsSeeAnEnvelopeOfTheSameShape) {
  Event e = CloudTrailEvent("unused", DeliveryPath::kS3);  // account 111122223333, eu-west-1
  e.log_type = LogType::kVpcFlow;
  e.id = "flow-1";
  e.json = R"({"version":5,"srcaddr":"198.51.100.7","dstaddr":"10.0.0.5","dstport":22,)"
           R"("action":"REJECT","region":"eu-west-1"})";
  RuleEngine engine(
      {PatternRule(
           "envelope",
           R"({"source":["aws.vpcflow"],"detail-type":["VPC Flow Logs"],"account":["111122223333"],"detail":{"dstport":[22],"action":["REJECT"]}})"),
       PatternRule("top", R"({"dstport":[22]})"),
       PatternRule("version-is-the-envelope's", R"({"version":["0"],"detail":{"version":[5]}})"),
       PatternRule("other-source", R"({"source":["aws.alb"],"detail":{"dstport":[22]}})")});
  EXPECT_EQ(MatchIds(engine, e),
            (std::vector<std::string>{"envelope", "top", "version-is-the-envelope's"}));
}

TEST(RuleEngine, DisabledSuppressedAndLogTypeScopedRules) {
  auto disabled = PatternRule("disabled", R"({"detail":{"eventName":["StopLogging"]}})");
  disabled->enabled = false;
  auto suppressed = PatternRule("suppressed", R"({"detail":{"eventName":["StopLogging"]}})");
  suppressed->suppress.push_back(
      EventBridgePattern::Compile(R"({"detail":{"sourceIPAddress":["10.0.0.1"]}})").value());
  auto scoped = PatternRule("scoped", R"({"detail":{"eventName":["StopLogging"]}})");
  scoped->log_types = {LogType::kEventBridge};
  RuleEngine engine({disabled, suppressed, scoped});
  EXPECT_EQ(MatchIds(engine, CloudTrailEvent("StopLogging", DeliveryPath::kS3, "10.0.0.1")),
            std::vector<std::string>{});
  EXPECT_EQ(MatchIds(engine, CloudTrailEvent("StopLogging", DeliveryPath::kS3, "10.0.0.2")),
            std::vector<std::string>{"suppressed"});
}

TEST(AlertPolicy, ThresholdGroupsAndWindows) {
  auto r = PatternRule("t", R"({"detail":{"eventName":["ConsoleLogin"]}})");
  r->threshold.count = 3;
  r->threshold.window = 60 * kNsPerSec;
  r->threshold.group_by = {"sourceIPAddress"};
  AlertPolicy policy;
  std::vector<Alert> out;
  policy.OnMatch(*r, CloudTrailEvent("ConsoleLogin", DeliveryPath::kS3, "1.1.1.1", 0), &out);
  policy.OnMatch(*r, CloudTrailEvent("ConsoleLogin", DeliveryPath::kS3, "2.2.2.2", 1), &out);
  policy.OnMatch(*r, CloudTrailEvent("ConsoleLogin", DeliveryPath::kS3, "1.1.1.1", 2), &out);
  EXPECT_TRUE(out.empty());
  policy.OnMatch(*r, CloudTrailEvent("ConsoleLogin", DeliveryPath::kS3, "1.1.1.1", 3), &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].matches, 3u);
  EXPECT_EQ(out[0].group, "1.1.1.1");
  // Later matches in the window count into its alert.
  std::vector<std::string> merged;
  policy.OnMatch(*r, CloudTrailEvent("ConsoleLogin", DeliveryPath::kS3, "1.1.1.1", 4), &out,
                 &merged);
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(merged, std::vector<std::string>{AlertId(out[0])});
  // Windows are fixed: [12:00:00, 12:01:00), [12:01:00, 12:02:00), ... The next window counts
  // again.
  out.clear();
  policy.OnMatch(*r, CloudTrailEvent("ConsoleLogin", DeliveryPath::kS3, "2.2.2.2", 100), &out);
  policy.OnMatch(*r, CloudTrailEvent("ConsoleLogin", DeliveryPath::kS3, "2.2.2.2", 101), &out);
  EXPECT_TRUE(out.empty());
  std::string line;
  policy.OnMatch(*r, CloudTrailEvent("ConsoleLogin", DeliveryPath::kS3, "2.2.2.2", 119), &out);
  ASSERT_EQ(out.size(), 1u);
  AppendAlertJsonLine(out[0], &line);
  EXPECT_NE(line.find(R"("window":{"start":"2024-05-01T12:01:00Z","end":"2024-05-01T12:02:00Z"})"),
            std::string::npos)
      << line;
}

// The alerts a rule raises, as alert id -> matches counted into it (merges included), with the
// events given in `order`.
std::map<std::string, uint64_t> AlertsFor(const Rule& rule, const std::vector<Event>& events,
                                          const std::vector<size_t>& order) {
  AlertPolicy policy;
  std::map<std::string, uint64_t> alerts;
  for (size_t i : order) {
    std::vector<Alert> out;
    std::vector<std::string> merged;
    policy.OnMatch(rule, events[i], &out, &merged);
    for (const Alert& a : out) alerts[AlertId(a)] += a.matches;
    for (const std::string& id : merged) {
      EXPECT_TRUE(alerts.count(id)) << "merged into an alert never raised";
      ++alerts[id];
    }
  }
  return alerts;
}

// Whatever order the same matches arrive in (CloudTrail files are not time-ordered, paths
// overtake each other), a rule raises the same alerts with the same counts.
TEST(AlertPolicy, AlertsDoNotDependOnArrivalOrder) {
  std::mt19937 rng(20241204);
  std::vector<Event> events;
  const char* ips[] = {"198.51.100.1", "198.51.100.2", "203.0.113.9"};
  for (int i = 0; i < 300; ++i) {
    // Three hours of matches, bunched so that some windows fill and some do not.
    const int second = static_cast<int>(rng() % (3 * 3600)) / 7 * 7;
    Event e = CloudTrailEvent("ConsoleLogin", DeliveryPath::kS3, ips[rng() % 3], second);
    e.id += "-" + std::to_string(i);
    e.account = i % 5 == 0 ? "444455556666" : "111122223333";
    events.push_back(std::move(e));
  }
  auto threshold = PatternRule("threshold", R"({"detail":{"eventName":["ConsoleLogin"]}})");
  threshold->threshold = {4, 600 * kNsPerSec, {"sourceIPAddress"}};
  auto dedup = PatternRule("dedup", R"({"detail":{"eventName":["ConsoleLogin"]}})");
  dedup->dedup.keys = {"account"};
  dedup->dedup.window = 3600 * kNsPerSec;
  auto both = PatternRule("both", R"({"detail":{"eventName":["ConsoleLogin"]}})");
  both->threshold = {6, 900 * kNsPerSec, {"sourceIPAddress"}};
  both->dedup.keys = {"account"};
  both->dedup.window = 3600 * kNsPerSec;

  std::vector<size_t> order(events.size());
  std::iota(order.begin(), order.end(), 0);
  std::vector<size_t> by_time = order;
  std::stable_sort(by_time.begin(), by_time.end(),
                   [&](size_t a, size_t b) { return events[a].time < events[b].time; });
  std::vector<size_t> reversed(by_time.rbegin(), by_time.rend());
  for (const auto& rule : {threshold, dedup, both}) {
    const auto expected = AlertsFor(*rule, events, by_time);
    EXPECT_GT(expected.size(), 2u) << rule->id;
    uint64_t counted = 0;
    for (auto& [id, n] : expected) counted += n;
    if (rule == dedup) {
      EXPECT_EQ(counted, events.size());
    }
    EXPECT_EQ(AlertsFor(*rule, events, reversed), expected) << rule->id << " reversed";
    for (int round = 0; round < 20; ++round) {
      std::shuffle(order.begin(), order.end(), rng);
      EXPECT_EQ(AlertsFor(*rule, events, order), expected) << rule->id << " shuffle " << round;
    }
  }
}

TEST(AlertPolicy, DedupMergesWithinTheWindow) {
  auto r = PatternRule("d", R"({"detail":{"eventName":["StopLogging"]}})");
  r->dedup.keys = {"account"};
  r->dedup.window = 3600 * kNsPerSec;
  AlertPolicy policy;
  std::vector<Alert> out;
  for (int s : {0, 10, 20})
    policy.OnMatch(*r, CloudTrailEvent("StopLogging", DeliveryPath::kS3, "1.1.1.1", s), &out);
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(policy.merged().at("d"), 2u);
  policy.OnMatch(*r, CloudTrailEvent("StopLogging", DeliveryPath::kS3, "1.1.1.1", 3700), &out);
  EXPECT_EQ(out.size(), 2u);
  std::string line;
  AppendAlertJsonLine(out[0], &line);
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_EQ(p.parse(line).get(doc), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(doc["rule_id"]), "d");
  EXPECT_EQ(std::string_view(doc["event"]["eventName"]), "StopLogging");
  EXPECT_EQ(std::string_view(doc["account"]), "111122223333");
}

}  // namespace
}  // namespace fastpath
