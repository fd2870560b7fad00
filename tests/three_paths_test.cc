// One CloudTrail event delivered by all three paths: one event out (the first arrival), two later
// arrivals counted with their delays behind it.
#include <gtest/gtest.h>

#include "decode/byte_reader.h"
#include "decode/envelope_encoder.h"
#include "test_support.h"

namespace fastpath::testing {
namespace {

const std::string kRecord =
    R"({"eventVersion":"1.09","userIdentity":{"type":"IAMUser","accountId":"123456789012","userName":"mallory"},"eventTime":"2024-03-01T10:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"eu-west-1","eventID":"6c1b8f2e-0000-4000-8000-000000000001","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"})";

struct Fixture {
  TempDir dir;
  TimeNs t0 = *ParseRfc3339("2024-03-01T10:00:00Z");
  std::string eb, cwl, s3;
  Fixture() {
    auto event = EncodeEventBridgeForCloudTrail(kRecord).value();
    eb = dir.Write("kinesis/batch.json",
                   EncodeKinesisEvent("arn:aws:kinesis:eu-west-1:123456789012:stream/s",
                                      {{event, "pk", "1", t0 + 2 * kNsPerSec}}),
                   t0 + 3 * kNsPerSec);
    const std::string msg =
        EncodeCwlDataMessage("123456789012", "ct", "123456789012_CloudTrail_eu-west-1",
                             {{"1", (t0 + 100 * kNsPerSec) / kNsPerMs, kRecord}});
    cwl = dir.Write(
        "firehose/req.json",
        EncodeFirehoseHttpBody("req", (t0 + 180 * kNsPerSec) / kNsPerMs, {GzipCompress(msg)}),
        t0 + 181 * kNsPerSec);
    s3 = dir.Write(
        "s3/AWSLogs/123456789012/CloudTrail/eu-west-1/2024/03/01/"
        "123456789012_CloudTrail_eu-west-1_20240301T1005Z_x.json.gz",
        GzipCompress(EncodeCloudTrailLogFile({kRecord})), t0 + 360 * kNsPerSec);
  }
};

void ExpectOneEventTwoLaterArrivals(const RunResult& r) {
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].path, DeliveryPath::kEventBridge);
  EXPECT_EQ(r.events[0].id, "6c1b8f2e-0000-4000-8000-000000000001");
  EXPECT_EQ(r.summary.duplicates, 2u);
  EXPECT_EQ(r.summary.duplicates_by_path[static_cast<int>(DeliveryPath::kCloudWatchLogs)] +
                r.summary.duplicates_by_path[static_cast<int>(DeliveryPath::kS3)] +
                r.summary.duplicates_by_path[static_cast<int>(DeliveryPath::kEventBridge)],
            2u);
  const auto& lags = r.pipeline->latency().lags();
  ASSERT_EQ(lags.size(), 2u);
  // Kinesis arrival 10:00:02; Firehose request 10:03:00; S3 object written 10:06:00.
  EXPECT_EQ(
      lags.at({LogType::kCloudTrail, DeliveryPath::kEventBridge, DeliveryPath::kCloudWatchLogs})
          .max(),
      178000);
  EXPECT_EQ(lags.at({LogType::kCloudTrail, DeliveryPath::kEventBridge, DeliveryPath::kS3}).max(),
            358000);
  const auto& delays = r.pipeline->latency().delays();
  EXPECT_EQ(
      delays.at({LogType::kCloudTrail, "123456789012", "eu-west-1", DeliveryPath::kEventBridge})
          .max(),
      2000);
  EXPECT_EQ(
      delays.at({LogType::kCloudTrail, "123456789012", "eu-west-1", DeliveryPath::kCloudWatchLogs})
          .max(),
      180000);
  EXPECT_EQ(delays.at({LogType::kCloudTrail, "123456789012", "eu-west-1", DeliveryPath::kS3}).max(),
            360000);
}

TEST(ThreePaths, FirstArrivalWinsAndLaterArrivalsAreMeasured) {
  Fixture f;
  RunResult r = RunPipeline({f.dir.path()});  // a folder replays in modification-time order
  ExpectOneEventTwoLaterArrivals(r);
  EXPECT_EQ(r.summary.out_of_order, 0u);
  const std::string stats = r.pipeline->FormatStats(r.summary);
  EXPECT_NE(stats.find("eventbridge      cloudwatch_logs"), std::string::npos) << stats;
  EXPECT_NE(stats.find("2m58s"), std::string::npos) << stats;
  EXPECT_NE(stats.find("5m58s"), std::string::npos) << stats;
}

TEST(ThreePaths, LagIsRightEvenWhenTheFilesAreReadOutOfOrder) {
  Fixture f;
  RunResult r = RunPipeline({f.s3, f.cwl, f.eb});  // named files keep the order given
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].path, DeliveryPath::kS3);  // the first one processed is the one emitted
  EXPECT_EQ(r.summary.out_of_order, 2u);
  const auto& lags = r.pipeline->latency().lags();
  EXPECT_EQ(lags.at({LogType::kCloudTrail, DeliveryPath::kCloudWatchLogs, DeliveryPath::kS3}).max(),
            180000);
  EXPECT_EQ(
      lags.at({LogType::kCloudTrail, DeliveryPath::kEventBridge, DeliveryPath::kCloudWatchLogs})
          .max(),
      178000);
}

TEST(ThreePaths, ReceivedAtOverridesEveryReceiveTime) {
  Fixture f;
  ScanOptions o;
  o.received_at = f.t0 + 3600 * kNsPerSec;
  RunResult r = RunPipeline({f.dir.path()}, o);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].received, f.t0 + 3600 * kNsPerSec);
  for (const auto& [k, h] : r.pipeline->latency().lags()) EXPECT_EQ(h.max(), 0);
}

// A flow log record in an S3 object (with its header) and the same record in a CloudWatch Logs
// message of a log group whose custom format is configured: one event, the second a later arrival.
TEST(ThreePaths, FlowLogRecordFromS3AndCloudWatchLogsIsOneEvent) {
  TempDir dir;
  const TimeNs t0 = *ParseRfc3339("2024-03-01T10:00:00Z");
  const std::string line =
      "5 eni-0a1b 10.0.0.5 52.95.128.179 49152 443 6 10 5000 1709287200 1709287260 ACCEPT OK";
  const std::string header =
      "version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end "
      "action log-status";
  dir.Write("cwl/msg.json",
            EncodeCwlDataMessage("123456789012", "/aws/vpc/flows", "eni-0a1b-all",
                                 {{"1", (t0 + 120 * kNsPerSec) / kNsPerMs, line}}),
            t0 + 121 * kNsPerSec);
  dir.Write("s3/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/03/01/f.log.gz",
            GzipCompress(header + "\n" + line + "\n"), t0 + 600 * kNsPerSec);
  ScanOptions o;
  o.workers = 1;
  auto formats = std::make_shared<std::vector<ConfiguredVpcFlowFormat>>();
  formats->push_back(ParseConfiguredVpcFlowFormat("/aws/vpc/*=" + header).value());
  o.vpc_flow_formats = formats;
  RunResult r = RunPipeline({dir.path()}, o);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].log_type, LogType::kVpcFlow);
  EXPECT_EQ(r.events[0].path, DeliveryPath::kCloudWatchLogs);
  EXPECT_EQ(r.summary.duplicates, 1u);  // the S3 copy (a local file here: path "file")
}

// A GuardDuty finding by EventBridge and the same finding exported to S3: one event.
TEST(ThreePaths, GuardDutyFindingFromEventBridgeAndTheS3ExportIsOneEvent) {
  TempDir dir;
  const TimeNs t0 = *ParseRfc3339("2024-05-01T12:00:00Z");
  const std::string finding =
      R"({"schemaVersion":"2.0","accountId":"111122223333","region":"us-east-1","partition":"aws",)"
      R"("id":"f1","arn":"arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/f1",)"
      R"("type":"Recon:EC2/PortProbeUnprotectedPort","resource":{"resourceType":"Instance"},)"
      R"("service":{"serviceName":"guardduty","count":1},"severity":5,)"
      R"("createdAt":"2024-05-01T12:00:00.000Z","updatedAt":"2024-05-01T12:00:00.000Z"})";
  const std::string event =
      R"({"version":"0","id":"e1","detail-type":"GuardDuty Finding","source":"aws.guardduty",)"
      R"("account":"111122223333","time":"2024-05-01T12:00:03Z","region":"us-east-1",)"
      R"("resources":[],"detail":)" +
      finding + "}";
  dir.Write("kinesis/batch.json",
            EncodeKinesisEvent("arn:aws:kinesis:us-east-1:111122223333:stream/s",
                               {{event, "pk", "1", t0 + 5 * kNsPerSec}}),
            t0 + 6 * kNsPerSec);
  dir.Write("s3/AWSLogs/111122223333/GuardDuty/us-east-1/2024/05/01/x.jsonl.gz",
            GzipCompress(finding + "\n"), t0 + 300 * kNsPerSec);
  ScanOptions o;
  o.workers = 1;
  RunResult r = RunPipeline({dir.path()}, o);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].log_type, LogType::kGuardDuty);
  EXPECT_EQ(r.events[0].path, DeliveryPath::kEventBridge);
  EXPECT_EQ(r.events[0].id, "f1@2024-05-01T12:00:00.000Z");
  EXPECT_EQ(r.summary.duplicates, 1u);  // the S3 copy (a local file here: path "file")
}

}  // namespace
}  // namespace fastpath::testing
