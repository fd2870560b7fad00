#include "parse/cloudtrail_parser.h"

#include <gtest/gtest.h>

namespace fastpath {
namespace {

struct Parsed {
  bool ok;
  Event ev;
  ParseOutcome failure;
};

Parsed ParseJson(const std::string& json, RecordContext ctx = {}) {
  simdjson::dom::parser p;
  simdjson::dom::object obj = p.parse(json).get_object().value();
  Parsed out{false, {}, ParseOutcome::NotMine()};
  if (IsCloudTrailRecord(obj)) {
    out.failure = ParseCloudTrailRecord(obj, {}, ctx, &out.ev);
  } else if (IsCloudTrailDigest(obj)) {
    out.failure = ParseCloudTrailDigest(obj, ctx, &out.ev);
  }
  out.ok = out.failure.is_event();
  return out;
}

TEST(CloudTrailParser, ManagementEvent) {
  Parsed p = ParseJson(
      R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","accountId":"999999999999"},"eventTime":"2023-07-10T11:45:03Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","eventID":"abc","eventType":"AwsApiCall","recipientAccountId":"123456789012"})");
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.ev.log_type, LogType::kCloudTrail);
  EXPECT_EQ(p.ev.id, "abc");
  EXPECT_EQ(p.ev.account, "123456789012");
  EXPECT_EQ(p.ev.region, "us-east-1");
  EXPECT_EQ(FormatRfc3339(p.ev.time), "2023-07-10T11:45:03Z");
}

TEST(CloudTrailParser, AccountFallsBackToHintThenIdentity) {
  const std::string rec =
      R"({"eventVersion":"1.03","userIdentity":{"type":"Root","accountId":"999999999999"},"eventTime":"2016-06-04T12:19:03Z","eventSource":"s3.amazonaws.com","eventName":"CreateBucket","eventID":"x"})";
  RecordContext hinted;
  hinted.account_hint = "111122223333";
  hinted.region_hint = "eu-west-1";
  Parsed a = ParseJson(rec, hinted);
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.ev.account, "111122223333");
  EXPECT_EQ(a.ev.region, "eu-west-1");
  Parsed b = ParseJson(rec);
  EXPECT_EQ(b.ev.account, "999999999999");
}

TEST(CloudTrailParser, InsightEvent) {
  Parsed p = ParseJson(
      R"({"eventVersion":"1.07","eventTime":"2019-10-15T21:13:00Z","awsRegion":"us-east-1","eventID":"i-1","eventType":"AwsCloudTrailInsight","recipientAccountId":"123456789012","insightDetails":{"state":"Start"},"eventCategory":"Insight"})");
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.ev.log_type, LogType::kCloudTrailInsight);
}

TEST(CloudTrailParser, MissingIdGetsAStableContentHash) {
  const std::string rec =
      R"({"eventVersion":"1.0","eventTime":"2019-10-15T21:13:00Z","eventName":"X"})";
  Parsed a = ParseJson(rec), b = ParseJson(rec);
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.ev.id.size(), 32u);
  EXPECT_EQ(a.ev.id, b.ev.id);
}

TEST(CloudTrailParser, BadOrMissingTimeIsAFailureWithAReason) {
  Parsed a = ParseJson(R"({"eventVersion":"1.0","eventID":"x","eventTime":"yesterday"})");
  EXPECT_FALSE(a.ok);
  EXPECT_EQ(a.failure.reason, DropReason::kBadTimestamp);
  EXPECT_NE(a.failure.what.find("yesterday"), std::string::npos);
  Parsed b = ParseJson(R"({"eventVersion":"1.0","eventID":"x"})");
  EXPECT_FALSE(b.ok);
  EXPECT_EQ(b.failure.reason, DropReason::kMissingField);
}

TEST(CloudTrailParser, LambdaTriggerRecordsAreNotCloudTrail) {
  simdjson::dom::parser p;
  auto obj =
      p
          .parse(std::string(
              R"({"eventVersion":"2.1","eventSource":"aws:s3","eventTime":"2024-01-01T00:00:00Z"})"))
          .get_object()
          .value();
  EXPECT_FALSE(IsCloudTrailRecord(obj));
}

TEST(CloudTrailParser, DigestFile) {
  Parsed p = ParseJson(
      R"({"awsAccountId":"111122223333","digestStartTime":"2025-10-21T00:00:00Z","digestEndTime":"2025-10-21T01:00:00Z","digestS3Bucket":"b","digestS3Object":"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/10/21/d.json.gz","logFiles":[]})");
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.ev.log_type, LogType::kCloudTrailDigest);
  EXPECT_EQ(p.ev.region, "us-east-1");
  EXPECT_EQ(p.ev.id, "b/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/10/21/d.json.gz");
}

}  // namespace
}  // namespace fastpath
