#include "core/event.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace fastpath {
namespace {

TEST(Event, JsonLineHasTheInterfaceFieldsAndIsValidJson) {
  Event e;
  e.log_type = LogType::kCloudTrail;
  e.path = DeliveryPath::kCloudWatchLogs;
  e.account = "123456789012";
  e.region = "eu-west-1";
  e.time = *ParseRfc3339("2023-07-10T11:45:03Z");
  e.received = *ParseRfc3339("2023-07-10T11:48:00Z");
  e.id = "id-\"quoted\"\n";
  e.json = R"({"eventName":"StopLogging"})";
  std::string line;
  AppendEventJsonLine(e, &line);
  ASSERT_EQ(line.back(), '\n');
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_EQ(p.parse(line).get(doc), simdjson::SUCCESS) << line;
  EXPECT_EQ(std::string_view(doc["log_type"]), "aws.cloudtrail");
  EXPECT_EQ(std::string_view(doc["path"]), "cloudwatch_logs");
  EXPECT_EQ(std::string_view(doc["account"]), "123456789012");
  EXPECT_EQ(std::string_view(doc["region"]), "eu-west-1");
  EXPECT_EQ(std::string_view(doc["time"]), "2023-07-10T11:45:03Z");
  EXPECT_EQ(std::string_view(doc["received"]), "2023-07-10T11:48:00Z");
  EXPECT_EQ(std::string_view(doc["id"]), "id-\"quoted\"\n");
  EXPECT_EQ(std::string_view(doc["event"]["eventName"]), "StopLogging");
}

TEST(Event, JsonStringEscapesControlCharacters) {
  std::string out;
  AppendJsonString(&out, std::string_view("a\x01\tb\\", 5));
  EXPECT_EQ(out, R"("a\u0001\tb\\")");
}

}  // namespace
}  // namespace fastpath
