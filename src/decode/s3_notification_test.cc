#include "decode/s3_notification.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <simdjson.h>

namespace fastpath {
namespace {

std::string Corpus(const std::string& name) {
  std::ifstream f(std::string(FASTPATH_SOURCE_DIR) + "/testdata/corpus/envelopes/s3-notification/" +
                  name);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(S3Notification, DirectWithUrlEncodedKey) {
  auto n = DecodeS3Notification(Corpus("cloudtrailrs_s3-event-urlencoded-key.json"));
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  ASSERT_EQ(n->objects.size(), 1u);
  EXPECT_EQ(n->objects[0].bucket, "ct-siem-sync");
  EXPECT_EQ(n->objects[0].key, "my file=a.json.gz");
  EXPECT_EQ(n->objects[0].size, 4096u);
  EXPECT_EQ(n->objects[0].region, "us-east-2");
}

TEST(S3Notification, SnsWrapped) {
  // The SQS message body of an SNS subscription: the SNS notification whose Message is the S3 one.
  auto sqs = Corpus("cloudtrailrs_sqs-sns-s3-event.json");
  simdjson::dom::parser p;
  std::string_view body;
  ASSERT_EQ(p.parse(sqs)["Records"].at(0)["body"].get_string().get(body), simdjson::SUCCESS);
  auto n = DecodeS3Notification(body);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  ASSERT_EQ(n->objects.size(), 1u);
  EXPECT_FALSE(n->objects[0].key.empty());
}

TEST(S3Notification, TestEventsAnnounceNothing) {
  auto direct = DecodeS3Notification(Corpus("cloudtrailrs_s3-test-event.json"));
  ASSERT_TRUE(direct.ok());
  EXPECT_TRUE(direct->test_event);
  EXPECT_TRUE(direct->objects.empty());
}

TEST(S3Notification, EventBridgeObjectCreated) {
  auto n =
      DecodeS3Notification(Corpus("powertools_s3EventBridgeNotificationObjectCreatedEvent.json"));
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  ASSERT_EQ(n->objects.size(), 1u);
  EXPECT_EQ(n->objects[0].bucket, "example-bucket");
  auto deleted =
      DecodeS3Notification(Corpus("powertools_s3EventBridgeNotificationObjectDeletedEvent.json"));
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(deleted->objects.empty());
  EXPECT_EQ(deleted->ignored, 1u);
}

TEST(S3Notification, OnlyObjectCreatedAndErrorsSaySo) {
  auto n = DecodeS3Notification(
      R"({"Records":[{"eventSource":"aws:s3","eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"b"},"object":{"key":"k"}}}]})");
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(n->objects.empty());
  EXPECT_EQ(n->ignored, 1u);
  EXPECT_FALSE(DecodeS3Notification("garbage").ok());
  EXPECT_FALSE(DecodeS3Notification(R"({"Records":[{"eventSource":"aws:sqs"}]})").ok());
  EXPECT_FALSE(UrlDecodeS3Key("bad%2").ok());
  EXPECT_FALSE(UrlDecodeS3Key("bad%zz").ok());
  EXPECT_EQ(UrlDecodeS3Key("a%2Fb+c").value(), "a/b c");
}

}  // namespace
}  // namespace fastpath
