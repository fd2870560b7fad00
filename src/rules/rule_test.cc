#include "rules/rule.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace fastpath {
namespace {

TEST(RuleFile, LoadsEveryFieldAndKeepsYamlTypes) {
  RuleSet set;
  ParseRuleYaml(R"(id: r1
title: T
severity: high
description: D
runbook: https://example.com/runbook
references: [https://example.com]
tags: [attack.t1562.008]
staged: true
log_types: [aws.cloudtrail]
outputs: [slack]
threshold: {count: 3, window: 10m, group_by: [sourceIPAddress]}
dedup: {keys: [account], window: 1h}
suppress:
  - detail: {userName: [svc]}
pattern:
  detail:
    n: [5]
    s: ["5"]
tests:
  - name: number
    match: true
    event: {eventVersion: "1.0", eventTime: "2024-01-01T00:00:00Z", n: 5, s: "5"}
  - name: string is not a number
    match: false
    event: {eventVersion: "1.0", eventTime: "2024-01-01T00:00:00Z", n: "5", s: "5"}
)",
                "r.yml", &set);
  ASSERT_TRUE(set.problems.empty()) << set.problems[0].where << ": " << set.problems[0].message;
  ASSERT_EQ(set.rules.size(), 1u);
  const Rule& r = *set.rules[0];
  EXPECT_EQ(r.severity, "high");
  EXPECT_TRUE(r.staged);
  EXPECT_EQ(r.threshold.count, 3);
  EXPECT_EQ(r.threshold.window, 600 * kNsPerSec);
  EXPECT_EQ(r.dedup.window, 3600 * kNsPerSec);
  EXPECT_EQ(r.suppress.size(), 1u);
  ASSERT_EQ(r.tests.size(), 2u);
  EXPECT_NE(r.tests[0].event_json.find(R"("n":5)"), std::string::npos);
  EXPECT_NE(r.tests[1].event_json.find(R"("n":"5")"), std::string::npos);
  EXPECT_EQ(r.log_types, std::vector<LogType>{LogType::kCloudTrail});
}

TEST(RuleFile, ProblemsNameFileLineAndReasonAndTheRestLoads) {
  RuleSet set;
  ParseRuleYaml(
      "id: good\npattern: {source: [aws.s3]}\n---\nid: bad\nunknown_key: 1\npattern: {source: "
      "[x]}\n---\n"
      "id: worse\npattern: {source: {numeric: 5}}\n---\nid: none\n",
      "f.yml", &set);
  ASSERT_EQ(set.rules.size(), 1u);
  EXPECT_EQ(set.rules[0]->id, "good");
  ASSERT_EQ(set.problems.size(), 3u);
  EXPECT_EQ(set.problems[0].where, "f.yml:5");
  EXPECT_EQ(set.problems[0].message, "unknown key 'unknown_key'");
  EXPECT_EQ(set.problems[1].where, "f.yml:9");
  EXPECT_NE(set.problems[1].message.find("\"numeric\" must be an object or an array"),
            std::string::npos)
      << set.problems[1].message;
  EXPECT_NE(set.problems[2].message.find("neither a pattern nor a sigma rule"), std::string::npos);
}

TEST(RuleFile, SigmaInlineAndBareSigmaDocuments) {
  RuleSet set;
  ParseRuleYaml(R"(id: wrapped
sigma:
  title: inline
  logsource: {product: aws, service: cloudtrail}
  detection:
    sel: {eventName: StopLogging}
    condition: sel
---
title: bare sigma
id: 11111111-2222-3333-4444-555555555555
level: high
logsource: {product: aws, service: cloudtrail}
detection:
  sel: {eventName: DeleteTrail}
  condition: sel
)",
                "s.yml", &set);
  ASSERT_TRUE(set.problems.empty()) << set.problems[0].message;
  ASSERT_EQ(set.rules.size(), 2u);
  EXPECT_TRUE(set.rules[0]->sigma);
  EXPECT_EQ(set.rules[1]->severity, "high");
  EXPECT_EQ(set.rules[1]->id, "11111111-2222-3333-4444-555555555555");
}

TEST(RuleFile, EveryProblemOfARuleIsReported) {
  RuleSet set;
  ParseRuleYaml(R"(id: bad
severity: urgent
colour: red
pattern:
  detail:
    eventName: []
dedup: {keys: [account]}
tests:
  - name: no verdict
    event: {a: 1}
  - name: fine
    match: true
    event: {a: 1}
)",
                "b.yml", &set);
  EXPECT_TRUE(set.rules.empty());
  std::vector<std::string> got;
  for (const RuleProblem& p : set.problems) got.push_back(p.where + ": " + p.message);
  EXPECT_EQ(got, (std::vector<std::string>{
                     "b.yml:3: unknown key 'colour'",
                     "b.yml:2: severity must be info, low, medium, high or critical",
                     "b.yml:5: invalid pattern: Empty arrays are not allowed",
                     "b.yml:7: dedup needs a window",
                     "b.yml:9: test 'no verdict' needs match: true or false",
                 }));
}

// The layout docs/rules.md shows: rules beside an events/ folder their tests name, and a Sigma
// file a rule wraps. Loading the folder loads the rules, not their events or the wrapped Sigma.
TEST(RuleFile, FilesARuleNamesAreNotRulesOfTheirOwn) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("rules-layout-" + std::to_string(getpid()));
  fs::create_directories(dir / "tamper" / "events");
  auto write = [](const fs::path& p, const std::string& text) { std::ofstream(p) << text; };
  write(dir / "tamper" / "stop.yml", R"(id: stop
pattern: {detail: {eventName: [StopLogging]}}
tests:
  - {name: stop, match: true, event_file: events/stop.json}
---
id: wrapped
sigma: delete.yml
)");
  write(dir / "tamper" / "events" / "stop.json",
        R"({"eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging"})");
  write(dir / "tamper" / "delete.yml", R"(title: delete
logsource: {product: aws, service: cloudtrail}
detection: {sel: {eventName: DeleteTrail}, condition: sel}
)");
  write(dir / "own.json", R"({"detail":{"eventName":["DeleteBucket"]}})");
  RuleSet set = LoadRules({dir.string()});
  fs::remove_all(dir);
  EXPECT_TRUE(set.problems.empty()) << set.problems[0].where << ": " << set.problems[0].message;
  std::vector<std::string> ids;
  for (const auto& r : set.rules) ids.push_back(r->id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"own", "stop", "wrapped"}));
}

}  // namespace
}  // namespace fastpath
