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

}  // namespace
}  // namespace fastpath::testing
