#include "rules/rule_engine.h"

#include <gtest/gtest.h>

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
  // Outside the window the count starts again.
  out.clear();
  policy.OnMatch(*r, CloudTrailEvent("ConsoleLogin", DeliveryPath::kS3, "2.2.2.2", 100), &out);
  policy.OnMatch(*r, CloudTrailEvent("ConsoleLogin", DeliveryPath::kS3, "2.2.2.2", 101), &out);
  EXPECT_TRUE(out.empty());
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
