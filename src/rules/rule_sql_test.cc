#include "rules/rule_sql.h"

#include <gtest/gtest.h>

#include "rules/rule.h"

namespace fastpath {
namespace {

Rule Load(const std::string& yaml) {
  RuleSet set;
  ParseRuleYaml(yaml, "test.yml", &set);
  EXPECT_TRUE(set.problems.empty()) << set.problems[0].message;
  return *set.rules.at(0);
}

TEST(RuleSql, Literals) {
  EXPECT_EQ(SqlString("it's"), "'it''s'");
  EXPECT_EQ(SqlLike("v", {"a%b_c\\", ""}), "v LIKE 'a\\%b\\_c\\\\%' ESCAPE '\\'");
  EXPECT_EQ(SqlLike("v", {"exact"}), "v = 'exact'");
  EXPECT_EQ(JsonPathOf("detail.requestParameters.bucketName"),
            "$.detail.requestParameters.bucketName");
  EXPECT_EQ(JsonPathOf("detail-type"), "$[\"detail-type\"]");
  EXPECT_EQ(LaxJsonPathOf("a.b-c"), "lax $.\"a\".\"b-c\"");
}

TEST(RuleSql, PatternBecomesOneQueryWithPartitionPredicates) {
  const Rule r = Load(R"(id: stop
title: Trail stopped
severity: high
pattern:
  source: [aws.cloudtrail]
  detail:
    eventName: [StopLogging, {prefix: Delete}]
    errorCode: [{exists: false}]
)");
  RuleSqlOptions o;
  o.since = *ParseRfc3339("2024-03-01T12:00:00Z");
  auto sql = RuleToSql(r, o);
  ASSERT_TRUE(sql.ok()) << sql.status().message();
  const std::string& q = sql.value();
  EXPECT_NE(q.find("dt >= '2024-03-01'"), std::string::npos) << q;
  EXPECT_NE(q.find("from_iso8601_timestamp('2024-03-01T12:00:00Z')"), std::string::npos);
  EXPECT_NE(q.find("el = 'StopLogging'"), std::string::npos);
  EXPECT_NE(q.find("el LIKE 'Delete%' ESCAPE"), std::string::npos);
  EXPECT_NE(q.find("'aws.' || split_part(json_extract_scalar(event, '$.eventSource'), '.', 1)"),
            std::string::npos)
      << "source is rebuilt from the CloudTrail record";
  EXPECT_NE(q.find("NOT (COALESCE(any_match("), std::string::npos) << "exists: false";
}

TEST(RuleSql, RefusesWhatSqlCannotSayAndNamesIt) {
  const Rule cidr = Load(R"(id: c
pattern:
  detail:
    sourceIPAddress: [{cidr: 10.0.0.0/8}]
)");
  auto q = RuleToSql(cidr, {});
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message(),
            "detail.sourceIPAddress: the cidr operator has no SQL translation here");
  const Rule keywords = Load(R"(id: k
sigma:
  title: keywords
  logsource: {product: aws, service: cloudtrail}
  detection:
    words: [evil]
    condition: words
)");
  q = RuleToSql(keywords, {});
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("keywords"), std::string::npos) << q.status().message();
}

TEST(RuleSql, SigmaModifiersAndConditions) {
  const Rule r = Load(R"(id: s
sigma:
  title: modifiers
  logsource: {product: aws, service: cloudtrail}
  detection:
    sel:
      eventName|startswith: Put
      userAgent|contains: 'o_o'
      requestParameters.policy|re: '^a.*b$'
    filter:
      userIdentity.type: AWSService
    condition: sel and not filter
)");
  auto q = RuleToSql(r, {});
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_NE(q.value().find("lower(el) LIKE 'put%' ESCAPE"), std::string::npos) << q.value();
  EXPECT_NE(q.value().find("lower(el) LIKE '%o\\_o%' ESCAPE"), std::string::npos);
  EXPECT_NE(q.value().find("regexp_like(el, '^a.*b$')"), std::string::npos);
  EXPECT_NE(q.value().find("AND NOT ("), std::string::npos);
  EXPECT_NE(q.value().find("log_type IN ('aws.cloudtrail'"), std::string::npos);
}

}  // namespace
}  // namespace fastpath
