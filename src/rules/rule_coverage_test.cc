#include "rules/rule_coverage.h"

#include <gtest/gtest.h>

namespace fastpath {
namespace {

TEST(RuleCoverage, TechniquesRulesTestsAndGaps) {
  RuleSet set;
  ParseRuleYaml(R"(id: a
tags: [attack.credential-access, attack.t1555.006]
pattern: {detail: {eventName: [GetSecretValue]}}
tests:
  - {name: hit, match: true, event: {eventName: GetSecretValue}}
  - {name: miss, match: false, event: {eventName: ListSecrets}}
---
id: b
tags: [attack.credential-access, attack.discovery, attack.T1555.006]
pattern: {detail: {eventName: [BatchGetSecretValue]}}
---
id: c
tags: [attack.defense-evasion, attack.t1562.008]
pattern: {detail: {eventName: [StopLogging]}}
---
id: untagged
pattern: {detail: {eventName: [X]}}
)",
                "r.yml", &set);
  ASSERT_TRUE(set.problems.empty()) << set.problems[0].message;
  const std::string doc = RuleCoverageMarkdown(set, "r.yml");
  // Rows in kill-chain order: defense evasion before credential access.
  const size_t evasion = doc.find(
      "| defense-evasion | T1562.008 Impair Defenses: Disable or Modify Cloud Logs | c | 0 / 0 |");
  const size_t secrets = doc.find(
      "| credential-access, discovery | T1555.006 Credentials from Password Stores: Cloud Secrets "
      "Management Stores | a, b | 1 / 1 |");
  EXPECT_NE(evasion, std::string::npos) << doc;
  EXPECT_NE(secrets, std::string::npos) << doc;
  EXPECT_LT(evasion, secrets);
  EXPECT_NE(doc.find("2 techniques, 3 of 4 rules tagged with one."), std::string::npos) << doc;
  EXPECT_NE(doc.find("Rules without a technique tag: untagged."), std::string::npos) << doc;
  EXPECT_NE(doc.find("- T1486 Data Encrypted for Impact"), std::string::npos) << doc;
  EXPECT_EQ(doc.find("- T1562.008 "), std::string::npos) << doc;
}

}  // namespace
}  // namespace fastpath
