#include "rules/sigma_rule.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace fastpath {
namespace {

bool Match(const std::string& rule_yaml, const std::string& record) {
  auto r = SigmaRule::Parse(rule_yaml, "test.yml");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return false;
  simdjson::dom::parser p;
  return r.value()->Matches(p.parse(record).value());
}

std::string Rule(const std::string& detection) {
  return "title: t\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n" + detection;
}

const std::string kRec =
    R"({"eventSource":"iam.amazonaws.com","eventName":"UpdateLoginProfile","userAgent":"S3 Browser 9.5.5","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/alice"},"requestParameters":{"userName":"bob","policy":"{\"Effect\":\"Allow\"}","layers":["arn:x"]},"responseElements":null,"readOnly":false,"count":12,"sourceIPAddress":"203.0.113.7"})";

TEST(SigmaRule, CaseInsensitiveEqualityAndLists) {
  EXPECT_TRUE(Match(Rule("  sel:\n    eventName: updateloginprofile\n  condition: sel\n"), kRec));
  EXPECT_TRUE(Match(
      Rule("  sel:\n    eventName:\n      - A\n      - UpdateLoginProfile\n  condition: sel\n"),
      kRec));
  EXPECT_FALSE(
      Match(Rule("  sel:\n    eventName|cased: updateloginprofile\n  condition: sel\n"), kRec));
}

TEST(SigmaRule, StringModifiersAndWildcards) {
  EXPECT_TRUE(
      Match(Rule("  sel:\n    userAgent|contains: 's3 browser'\n  condition: sel\n"), kRec));
  EXPECT_TRUE(Match(Rule("  sel:\n    eventName|startswith: Update\n  condition: sel\n"), kRec));
  EXPECT_TRUE(Match(Rule("  sel:\n    eventName|endswith: Profile\n  condition: sel\n"), kRec));
  EXPECT_TRUE(Match(Rule("  sel:\n    eventName: 'Update*Pro?ile'\n  condition: sel\n"), kRec));
  EXPECT_FALSE(Match(Rule("  sel:\n    eventName: 'Update\\*'\n  condition: sel\n"), kRec));
  EXPECT_TRUE(Match(
      Rule("  sel:\n    userAgent|contains|all:\n      - S3\n      - Browser\n  condition: sel\n"),
      kRec));
  EXPECT_FALSE(Match(
      Rule("  sel:\n    userAgent|contains|all:\n      - S3\n      - Chrome\n  condition: sel\n"),
      kRec));
}

TEST(SigmaRule, ObjectValuesArraysBooleansNumbers) {
  // A string match on an object-valued field looks at every string inside it.
  EXPECT_TRUE(
      Match(Rule("  sel:\n    requestParameters|contains: '\"Allow\"'\n  condition: sel\n"), kRec));
  EXPECT_TRUE(
      Match(Rule("  sel:\n    requestParameters.layers|contains: '*'\n  condition: sel\n"), kRec));
  EXPECT_TRUE(Match(Rule("  sel:\n    readOnly: 'false'\n  condition: sel\n"), kRec));
  EXPECT_TRUE(Match(Rule("  sel:\n    count|gte: 12\n  condition: sel\n"), kRec));
  EXPECT_FALSE(Match(Rule("  sel:\n    count|gt: 12\n  condition: sel\n"), kRec));
}

TEST(SigmaRule, NullExistsFieldrefRegexCidr) {
  EXPECT_TRUE(Match(Rule("  sel:\n    errorCode: null\n  condition: sel\n"), kRec));
  EXPECT_TRUE(Match(Rule("  sel:\n    responseElements: null\n  condition: sel\n"), kRec));
  EXPECT_FALSE(Match(Rule("  sel:\n    eventName: null\n  condition: sel\n"), kRec));
  EXPECT_TRUE(Match(Rule("  sel:\n    errorCode|exists: false\n  condition: sel\n"), kRec));
  EXPECT_FALSE(Match(
      Rule("  sel:\n    userIdentity.arn|fieldref: requestParameters.userName\n  condition: sel\n"),
      kRec));
  EXPECT_TRUE(Match(
      Rule("  sel:\n    userIdentity.type|fieldref: userIdentity.type\n  condition: sel\n"), kRec));
  EXPECT_TRUE(
      Match(Rule("  sel:\n    userIdentity.arn|re: '.+:user/al.+'\n  condition: sel\n"), kRec));
  EXPECT_FALSE(Match(Rule("  sel:\n    userIdentity.arn|re: 'USER'\n  condition: sel\n"), kRec));
  EXPECT_TRUE(Match(Rule("  sel:\n    userIdentity.arn|re|i: 'USER'\n  condition: sel\n"), kRec));
  EXPECT_TRUE(
      Match(Rule("  sel:\n    sourceIPAddress|cidr: 203.0.113.0/24\n  condition: sel\n"), kRec));
  EXPECT_FALSE(
      Match(Rule("  sel:\n    sourceIPAddress|cidr: 10.0.0.0/8\n  condition: sel\n"), kRec));
}

TEST(SigmaRule, Base64AndWindash) {
  const std::string rec = R"({"cmd":"powershell -enc SGVsbG8gV29ybGQ=","b64":"xxQUJDREVGxx"})";
  EXPECT_TRUE(
      Match(Rule("  sel:\n    cmd|base64: 'Hello World'\n  condition: sel\n").replace(0, 0, ""),
            R"({"cmd":"SGVsbG8gV29ybGQ="})"));
  EXPECT_TRUE(Match(Rule("  sel:\n    cmd|windash|contains: ' /enc '\n  condition: sel\n"), rec));
  EXPECT_TRUE(Match(Rule("  sel:\n    b64|base64offset|contains: ABCDEF\n  condition: sel\n"),
                    R"({"b64":"QUJDREVG"})"));
}

TEST(SigmaRule, ConditionsAndKeywords) {
  const std::string d =
      "  sel_a:\n    eventSource: iam.amazonaws.com\n  sel_b:\n    eventName: Nope\n  _hidden:\n   "
      " eventName: Nope\n"
      "  kw:\n    - 'S3 Browser'\n";
  EXPECT_TRUE(Match(Rule(d + "  condition: sel_a and not sel_b\n"), kRec));
  EXPECT_TRUE(Match(Rule(d + "  condition: 1 of sel_*\n"), kRec));
  EXPECT_FALSE(Match(Rule(d + "  condition: all of sel_*\n"), kRec));
  EXPECT_TRUE(Match(Rule(d + "  condition: (sel_b or sel_a) and kw\n"), kRec));
  EXPECT_FALSE(Match(Rule(d + "  condition: all of them\n"), kRec));
  EXPECT_TRUE(Match(Rule(d + "  condition:\n    - sel_b\n    - kw\n"), kRec));
}

TEST(SigmaRule, UnsupportedConstructsNameTheRuleAndConstruct) {
  auto agg = SigmaRule::Parse(Rule("  sel:\n    eventName: X\n  condition: sel | count() > 5\n"),
                              "agg.yml");
  ASSERT_FALSE(agg.ok());
  EXPECT_NE(agg.status().message().find("agg.yml:"), std::string::npos);
  EXPECT_NE(agg.status().message().find("rule 't'"), std::string::npos);
  EXPECT_NE(agg.status().message().find("aggregation"), std::string::npos);
  auto expand =
      SigmaRule::Parse(Rule("  sel:\n    src_ip|expand: '%ips%'\n  condition: sel\n"), "x.yml");
  ASSERT_FALSE(expand.ok());
  EXPECT_NE(expand.status().message().find("x.yml:7"), std::string::npos)
      << expand.status().message();
  EXPECT_NE(expand.status().message().find("expand"), std::string::npos);
  EXPECT_FALSE(
      SigmaRule::Parse(Rule("  sel:\n    a|nonsense: 1\n  condition: sel\n"), "y.yml").ok());
  EXPECT_FALSE(SigmaRule::Parse(Rule("  sel:\n    a: 1\n  condition: other\n"), "y.yml").ok());
  EXPECT_FALSE(
      SigmaRule::Parse(
          "title: w\nlogsource:\n  product: windows\ndetection:\n  s:\n    a: 1\n  condition: s\n",
          "w.yml")
          .ok());
}

}  // namespace
}  // namespace fastpath

namespace fastpath {
namespace {

// Every SigmaHQ AWS rule loads (testdata/sigma: SigmaHQ's rules/cloud/aws, see its PROVENANCE.md).
TEST(SigmaRule, EverySigmaHqAwsRuleLoads) {
  namespace fs = std::filesystem;
  std::string root = std::string(FASTPATH_SOURCE_DIR) + "/testdata/sigma";
  size_t n = 0;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    if (e.path().extension() != ".yml") continue;
    std::ifstream f(e.path());
    const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto r = SigmaRule::Parse(text, e.path().string());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    ++n;
  }
  EXPECT_EQ(n, 57u);
}

}  // namespace
}  // namespace fastpath
