#include "rules/eventbridge_pattern.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/json_get.h"

namespace fastpath {
namespace {

// Every case of testdata/patterns/cases.json: a pattern, an event and the result AWS gives, or an
// invalid pattern and AWS's reason.
TEST(EventBridgePattern, ConformanceCases) {
  std::ifstream f(std::string(FASTPATH_SOURCE_DIR) + "/testdata/patterns/cases.json");
  std::stringstream ss;
  ss << f.rdbuf();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(ss.str()).get(doc), simdjson::SUCCESS);
  size_t n = 0;
  simdjson::dom::array cases;
  ASSERT_TRUE(JsonGet(doc["cases"].get_array(), cases));
  for (simdjson::dom::element c : cases) {
    const std::string name(c["name"].get_string().value());
    const std::string pattern = simdjson::to_string(c["pattern"].value());
    bool invalid = false;
    JsonGet(c["invalid"].get_bool(), invalid);
    ++n;
    if (invalid) {
      auto r = EventBridgePattern::Compile(pattern);
      ASSERT_FALSE(r.ok()) << name << ": pattern should be rejected: " << pattern;
      EXPECT_EQ(r.status().message(), std::string(c["error"].get_string().value())) << name;
      continue;
    }
    auto r = TestEventPattern(pattern, simdjson::to_string(c["event"].value()));
    ASSERT_TRUE(r.ok()) << name << ": " << r.status().ToString();
    EXPECT_EQ(r.value(), c["match"].get_bool().value()) << name << "\npattern " << pattern;
  }
  EXPECT_GT(n, 140u);
}

TEST(EventBridgePattern, InvalidEventAndPathsOfAPattern) {
  EXPECT_FALSE(TestEventPattern(R"({"a":["x"]})", "[1]").ok());
  EXPECT_FALSE(TestEventPattern(R"({"a":["x"]})", "not json").ok());
  auto p = EventBridgePattern::Compile(
      R"({"detail":{"eventName":["A"],"$or":[{"x":["1"]},{"y.z":["2"]}]},"source":["aws.s3"]})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value()->Paths(),
            (std::vector<std::string>{"detail.eventName", "detail.x", "detail.y.z", "source"}));
}

}  // namespace
}  // namespace fastpath

namespace fastpath {
namespace {

TEST(EventBridgePattern, AnchorsForIndexing) {
  auto p = EventBridgePattern::Compile(
      R"({"source":["aws.s3"],"detail":{"eventName":[{"prefix":"Put"},"DeleteBucket"],"x":[{"numeric":[">",1]}],"$or":[{"y":["a"]},{"y":["b","c"]}]}})");
  ASSERT_TRUE(p.ok());
  auto anchors = p.value()->Anchors();
  ASSERT_EQ(anchors.size(), 3u);
  EXPECT_EQ(anchors[0].path, "source");
  EXPECT_EQ(anchors[1].path, "detail.eventName");
  EXPECT_EQ(anchors[1].values, std::vector<std::string>{"DeleteBucket"});
  EXPECT_EQ(anchors[1].prefixes, std::vector<std::string>{"Put"});
  EXPECT_EQ(anchors[2].path, "detail.y");  // from the $or: every alternative names it
  EXPECT_EQ(anchors[2].values, (std::vector<std::string>{"a", "b", "c"}));
  auto none = EventBridgePattern::Compile(R"({"$or":[{"a":["1"]},{"b":["2"]}]})");
  EXPECT_TRUE(none.value()->Anchors().empty());
}

}  // namespace
}  // namespace fastpath
