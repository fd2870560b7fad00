#include "sources/http_receivers.h"

#include <gtest/gtest.h>

namespace fastpath {
namespace {

TEST(Receivers, FirehoseBodyShape) {
  const std::string id = "11111111-2222-3333-4444-555555555555";
  EXPECT_TRUE(
      ValidateFirehoseBody(
          R"({"requestId":"11111111-2222-3333-4444-555555555555","timestamp":1,"records":[{"data":"e30="}]})",
          id)
          .ok());
  EXPECT_EQ(ValidateFirehoseBody("{", id).message(), "body is not JSON");
  EXPECT_EQ(ValidateFirehoseBody(R"({"requestId":"x","records":[]})", id).message(),
            "requestId in the body differs from X-Amz-Firehose-Request-Id");
  EXPECT_EQ(
      ValidateFirehoseBody(
          R"({"requestId":"11111111-2222-3333-4444-555555555555","records":[{"data":"a"},{}]})", id)
          .message(),
      "records[1] lacks data");
  EXPECT_FALSE(ValidateFirehoseBody(R"({"records":[]})", id).ok());
}

TEST(Receivers, EventBridgeBodyShape) {
  EXPECT_TRUE(ValidateEventBridgeBody(R"({"detail-type":"x"})").ok());
  EXPECT_TRUE(ValidateEventBridgeBody(R"([{"detail-type":"x"}])").ok());
  EXPECT_FALSE(ValidateEventBridgeBody("42").ok());
  EXPECT_FALSE(ValidateEventBridgeBody("{").ok());
}

TEST(Receivers, SecretEquals) {
  EXPECT_TRUE(SecretEquals("abc", "abc"));
  EXPECT_FALSE(SecretEquals("abd", "abc"));
  EXPECT_FALSE(SecretEquals("", "abc"));
  EXPECT_FALSE(SecretEquals("abcd", "abc"));
}

}  // namespace
}  // namespace fastpath
