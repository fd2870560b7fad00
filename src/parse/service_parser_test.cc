#include "parse/service_parser.h"

#include <gtest/gtest.h>

namespace fastpath {
namespace {

struct Out {
  ParseOutcome::Kind claim;
  std::vector<Event> events;
  std::vector<ParseOutcome> failures;
};

Out Parse(const std::string& json, RecordContext ctx = {}) {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(json);
  Out o;
  o.claim = ParseServiceRecord(root.get_object(), ctx, &o.events, &o.failures).kind;
  return o;
}

constexpr const char* kGuardDutyFinding =
    R"({"schemaVersion":"2.0","accountId":"111122223333","region":"us-east-1","partition":"aws",)"
    R"("id":"f1","arn":"arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/f1",)"
    R"("type":"Recon:EC2/PortProbeUnprotectedPort","resource":{"resourceType":"Instance"},)"
    R"("service":{"serviceName":"guardduty","count":3},"severity":5,)"
    R"("createdAt":"2024-05-01T10:00:00.000Z","updatedAt":"2024-05-01T12:00:00.000Z"})";

TEST(Services, GuardDutyFromEventBridgeEqualsTheS3ExportLine) {
  const std::string eb =
      std::string(R"({"version":"0","id":"e1","detail-type":"GuardDuty Finding",)") +
      R"("source":"aws.guardduty","account":"111122223333","time":"2024-05-01T12:00:05Z",)" +
      R"("region":"us-east-1","resources":[],"detail":)" + kGuardDutyFinding + "}";
  Out a = Parse(eb);
  Out b = Parse(kGuardDutyFinding);
  ASSERT_EQ(a.claim, ParseOutcome::Kind::kEvent);
  ASSERT_EQ(b.claim, ParseOutcome::Kind::kEvent);
  ASSERT_EQ(a.events.size(), 1u);
  EXPECT_EQ(a.events[0].log_type, LogType::kGuardDuty);
  EXPECT_EQ(a.events[0].id, "f1@2024-05-01T12:00:00.000Z");
  EXPECT_EQ(a.events[0].id, b.events[0].id);
  EXPECT_EQ(a.events[0].json, b.events[0].json);
  EXPECT_EQ(FormatRfc3339(a.events[0].time), "2024-05-01T12:00:00Z");
  EXPECT_EQ(a.events[0].account, "111122223333");
}

TEST(Services, SecurityHubImportedListIsOneEventPerFinding) {
  auto finding = [](const char* id, const char* region) {
    return std::string(R"({"SchemaVersion":"2018-10-08","Id":")") + id +
           R"(","ProductArn":"arn:aws:securityhub:us-east-1::product/aws/securityhub",)" +
           R"("GeneratorId":"g","AwsAccountId":"111122223333","Types":["t"],)" +
           R"("CreatedAt":"2024-05-01T10:00:00Z","UpdatedAt":"2024-05-01T11:00:00Z",)" +
           R"("Severity":{"Label":"HIGH"},"Title":"x","Description":"y",)" +
           R"("Resources":[{"Type":"AwsAccount","Id":"AWS::::Account:111122223333","Region":")" +
           region + R"("}]})";
  };
  const std::string eb =
      R"({"version":"0","id":"e2","detail-type":"Security Hub Findings - Imported",)"
      R"("source":"aws.securityhub","account":"111122223333","time":"2024-05-01T11:00:01Z",)"
      R"("region":"us-east-1","resources":[],"detail":{"findings":[)" +
      finding("a", "eu-west-1") + "," + finding("b", "us-east-1") + "]}}";
  Out o = Parse(eb);
  ASSERT_EQ(o.claim, ParseOutcome::Kind::kEvent);
  ASSERT_EQ(o.events.size(), 2u);
  EXPECT_EQ(o.events[0].log_type, LogType::kSecurityHub);
  EXPECT_EQ(o.events[0].id, "a@2024-05-01T11:00:00Z");
  EXPECT_EQ(o.events[0].region, "eu-west-1");
  EXPECT_EQ(o.events[1].id, "b@2024-05-01T11:00:00Z");
  EXPECT_EQ(o.events[1].json, Parse(finding("b", "us-east-1")).events[0].json);
}

TEST(Services, ABadFindingInAListCostsOnlyItself) {
  const std::string eb =
      R"({"version":"0","id":"e2","detail-type":"Security Hub Findings - Imported",)"
      R"("source":"aws.securityhub","time":"2024-05-01T11:00:01Z","detail":{"findings":[7,)"
      R"({"SchemaVersion":"2018-10-08","Id":"a","ProductArn":"arn:aws:securityhub:us-east-1::)"
      R"(product/aws/securityhub","AwsAccountId":"1","UpdatedAt":"2024-05-01T11:00:00Z"},)"
      R"({"no":"finding"}]}})";
  Out o = Parse(eb);
  EXPECT_EQ(o.claim, ParseOutcome::Kind::kEvent);
  ASSERT_EQ(o.events.size(), 1u);
  EXPECT_EQ(o.events[0].id, "a@2024-05-01T11:00:00Z");
  ASSERT_EQ(o.failures.size(), 2u);
  EXPECT_NE(o.failures[0].what.find("detail.findings[0] is not an object"), std::string::npos);
  EXPECT_NE(o.failures[1].what.find("detail.findings[2]"), std::string::npos);
}

TEST(Services, ConfigItemChangeIdIsTheStateId) {
  const std::string eb =
      R"({"version":"0","id":"e3","detail-type":"Config Configuration Item Change",)"
      R"("source":"aws.config","account":"111122223333","time":"2024-05-01T11:00:01Z",)"
      R"("region":"eu-west-1","resources":[],"detail":{"recordVersion":"1.3",)"
      R"("messageType":"ConfigurationItemChangeNotification",)"
      R"("notificationCreationTime":"2024-05-01T11:00:00.5Z","configurationItem":{)"
      R"("configurationItemCaptureTime":"2024-05-01T10:59:58.000Z",)"
      R"("configurationStateId":1714557598000,"awsAccountId":"111122223333",)"
      R"("awsRegion":"eu-west-1","resourceType":"AWS::EC2::SecurityGroup",)"
      R"("resourceId":"sg-1"}}})";
  Out o = Parse(eb);
  ASSERT_EQ(o.claim, ParseOutcome::Kind::kEvent);
  ASSERT_EQ(o.events.size(), 1u);
  EXPECT_EQ(o.events[0].log_type, LogType::kConfig);
  EXPECT_EQ(o.events[0].id, "AWS::EC2::SecurityGroup/sg-1/1714557598000");
  EXPECT_EQ(FormatRfc3339(o.events[0].time), "2024-05-01T10:59:58Z");
}

TEST(Services, ConfigSnapshotFileIsOneEventPerItem) {
  Out o = Parse(
      R"({"fileVersion":"1.0","configSnapshotId":"s","configurationItems":[)"
      R"({"configurationItemCaptureTime":"2024-05-01T10:00:00Z","resourceType":"AWS::S3::Bucket",)"
      R"("resourceId":"b1","configurationStateId":"1","awsAccountId":"1","awsRegion":"r"},)"
      R"({"configurationItemCaptureTime":"2024-05-01T10:00:00Z","resourceType":"AWS::S3::Bucket",)"
      R"("resourceId":"b2","configurationStateId":"2","awsAccountId":"1","awsRegion":"r"}]})");
  ASSERT_EQ(o.claim, ParseOutcome::Kind::kEvent);
  ASSERT_EQ(o.events.size(), 2u);
  EXPECT_EQ(o.events[1].id, "AWS::S3::Bucket/b2/2");
}

TEST(Services, InspectorEventBridgeDates) {
  EXPECT_EQ(FormatRfc3339(*ParseInspectorTime("Dec 3, 2021, 6:02:30 PM")), "2021-12-03T18:02:30Z");
  EXPECT_EQ(FormatRfc3339(*ParseInspectorTime("Mar 20, 2023, 12:08:05 AM")),
            "2023-03-20T00:08:05Z");
  EXPECT_FALSE(ParseInspectorTime("Dec 3, 2021, 13:02:30 PM"));
  EXPECT_FALSE(ParseInspectorTime("yesterday"));
}

TEST(Services, WafTimeAndAccountFromTheWebAcl) {
  Out o = Parse(
      R"({"timestamp":1576280412771,"formatVersion":1,"webaclId":"arn:aws:wafv2:ap-southeast-2:)"
      R"(111122223333:regional/webacl/STMTest/1","terminatingRuleId":"Default_Action",)"
      R"("action":"ALLOW","httpSourceName":"ALB","httpRequest":{"clientIp":"1.1.1.1"}})");
  ASSERT_EQ(o.claim, ParseOutcome::Kind::kEvent);
  EXPECT_EQ(o.events[0].log_type, LogType::kWaf);
  EXPECT_EQ(o.events[0].account, "111122223333");
  EXPECT_EQ(o.events[0].region, "ap-southeast-2");
  EXPECT_EQ(FormatRfc3339(o.events[0].time), "2019-12-13T23:40:12.771Z");
}

TEST(Services, ResolverAndNetworkFirewall) {
  Out r = Parse(
      R"({"version":"1.100000","account_id":"111122223333","region":"us-east-1",)"
      R"("vpc_id":"vpc-1","query_timestamp":"2021-02-04T17:51:55Z","query_name":"a.example.",)"
      R"("query_type":"A","rcode":"NOERROR","srcaddr":"10.0.0.1"})");
  ASSERT_EQ(r.claim, ParseOutcome::Kind::kEvent);
  EXPECT_EQ(r.events[0].log_type, LogType::kRoute53Resolver);
  EXPECT_EQ(r.events[0].account, "111122223333");
  Out n = Parse(
      R"({"firewall_name":"fw","availability_zone":"us-east-1a","event_timestamp":"1700000000",)"
      R"("event":{"timestamp":"2023-11-14T22:13:20.123456+0000","event_type":"alert",)"
      R"("src_ip":"10.0.0.1","alert":{"action":"blocked","signature_id":1}}})");
  ASSERT_EQ(n.claim, ParseOutcome::Kind::kEvent);
  EXPECT_EQ(n.events[0].log_type, LogType::kNetworkFirewall);
  EXPECT_EQ(FormatRfc3339(n.events[0].time), "2023-11-14T22:13:20.123Z");
}

TEST(Services, OtherJsonIsNotMine) {
  EXPECT_EQ(Parse(R"({"a":1})").claim, ParseOutcome::Kind::kNotMine);
  EXPECT_EQ(Parse(R"({"version":"0","id":"x","detail-type":"EC2 Instance State-change )"
                  R"(Notification","source":"aws.ec2","detail":{}})")
                .claim,
            ParseOutcome::Kind::kNotMine);
}

}  // namespace
}  // namespace fastpath
