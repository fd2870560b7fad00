#include "decode/envelope_decoder.h"

#include <gtest/gtest.h>

#include <archive.h>
#include <archive_entry.h>

#include "decode/archive_reader.h"
#include "decode/envelope_encoder.h"

namespace fastpath {
namespace {

struct Seen {
  std::string json;
  RecordContext ctx;
  std::string log_group;
};

class Collect final : public RecordSink {
 public:
  void OnJsonRecord(simdjson::dom::element r, std::string_view, bool,
                    const RecordContext& ctx) override {
    records.push_back({simdjson::to_string(r), ctx, std::string(ctx.log_group)});
  }
  void OnTextLine(std::string_view line, const RecordContext& ctx) override {
    lines.push_back({std::string(line), ctx, std::string(ctx.log_group)});
  }
  std::vector<Seen> records, lines;
};

struct Decoded {
  Collect sink;
  PipelineCounters counters;
  std::vector<std::string> errors;
};

std::unique_ptr<Decoded> Decode(const std::string& bytes) {
  auto d = std::make_unique<Decoded>();
  ErrorLog log;
  log.SetSinkForTest([&](const std::string& m) { d->errors.push_back(m); });
  EnvelopeDecoder dec({}, &d->counters, &log);
  RecordContext ctx;
  ctx.source = "test-input";
  ctx.received = 1000;
  dec.DecodeStream(std::make_unique<MemoryReader>(bytes), ctx, &d->sink);
  // MemoryReader views `bytes`; decoding is finished before it goes away.
  return d;
}

const std::string kRecord =
    R"({"eventVersion":"1.08","eventTime":"2023-07-10T11:45:03Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","eventID":"e-1","eventType":"AwsApiCall","readOnly":false,"recipientAccountId":"123456789012"})";

TEST(EnvelopeDecoder, CloudTrailLogFileGzipIsS3Path) {
  const std::string in = GzipCompress(EncodeCloudTrailLogFile({kRecord, kRecord}));
  auto d = Decode(in);
  ASSERT_EQ(d->sink.records.size(), 2u);
  EXPECT_EQ(d->sink.records[0].ctx.path, DeliveryPath::kS3);
  EXPECT_EQ(d->sink.records[0].json, kRecord);
}

TEST(EnvelopeDecoder, BareRecordIsFilePath) {
  auto d = Decode(kRecord + "\n" + kRecord);
  ASSERT_EQ(d->sink.records.size(), 2u);
  EXPECT_EQ(d->sink.records[0].ctx.path, DeliveryPath::kFile);
}

TEST(EnvelopeDecoder, CloudWatchLogsDataMessageInFirehoseBody) {
  const std::string msg =
      EncodeCwlDataMessage("123456789012", "trail-group", "123456789012_CloudTrail_eu-west-1",
                           {{"1", 1688989504000, kRecord}, {"2", 1688989505000, "not json"}});
  const std::string body = EncodeFirehoseHttpBody("req-1", 1688989600123, {GzipCompress(msg)});
  auto d = Decode(body);
  ASSERT_EQ(d->sink.records.size(), 1u);
  const Seen& r = d->sink.records[0];
  EXPECT_EQ(r.ctx.path, DeliveryPath::kCloudWatchLogs);
  EXPECT_EQ(r.ctx.received, 1688989600123LL * kNsPerMs);  // the Firehose request time
  EXPECT_EQ(r.ctx.account_hint, "123456789012");
  EXPECT_EQ(r.ctx.region_hint, "eu-west-1");
  EXPECT_EQ(r.json, kRecord);
  ASSERT_EQ(d->sink.lines.size(), 1u);
  EXPECT_EQ(d->sink.lines[0].json, "not json");
  EXPECT_EQ(d->sink.lines[0].log_group, "trail-group");
  EXPECT_EQ(d->sink.lines[0].ctx.log_timestamp_ms, 1688989505000);
}

TEST(EnvelopeDecoder, ControlMessageIsCountedAndDropped) {
  auto d = Decode(GzipCompress(
      R"({"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]})"));
  EXPECT_TRUE(d->sink.records.empty());
  EXPECT_TRUE(d->sink.lines.empty());
  EXPECT_EQ(d->counters.drops(DropReason::kControlMessage), 1u);
  EXPECT_TRUE(d->errors.empty());
}

TEST(EnvelopeDecoder, LambdaAwslogsEvent) {
  const std::string msg = EncodeCwlDataMessage("111122223333", "g", "s", {{"1", 1, kRecord}});
  auto d = Decode(R"({"awslogs":{"data":")" + Base64Encode(GzipCompress(msg)) + "\"}}");
  ASSERT_EQ(d->sink.records.size(), 1u);
  EXPECT_EQ(d->sink.records[0].ctx.path, DeliveryPath::kCloudWatchLogs);
}

TEST(EnvelopeDecoder, EventBridgeCloudTrailUnwrapsToTheRecord) {
  auto eb = EncodeEventBridgeForCloudTrail(kRecord);
  ASSERT_TRUE(eb.ok());
  auto d = Decode(eb.value());
  ASSERT_EQ(d->sink.records.size(), 1u);
  EXPECT_EQ(d->sink.records[0].ctx.path, DeliveryPath::kEventBridge);
  EXPECT_EQ(d->sink.records[0].json, kRecord);
}

TEST(EnvelopeDecoder, OtherEventBridgeEventsKeepTheirEnvelope) {
  const std::string ev =
      R"({"version":"0","id":"x-1","detail-type":"GuardDuty Finding","source":"aws.guardduty","account":"123456789012","time":"2024-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":{"severity":8}})";
  auto d = Decode(ev);
  ASSERT_EQ(d->sink.records.size(), 1u);
  EXPECT_EQ(d->sink.records[0].json, ev);
  EXPECT_EQ(d->sink.records[0].ctx.path, DeliveryPath::kEventBridge);
}

TEST(EnvelopeDecoder, KinesisBatchUsesArrivalTime) {
  auto eb = EncodeEventBridgeForCloudTrail(kRecord);
  KinesisRecordOut k{eb.value(), "pk", "1", 1688989506500LL * kNsPerMs};
  auto d = Decode(EncodeKinesisEvent("arn:aws:kinesis:us-east-1:1:stream/s", {k}));
  ASSERT_EQ(d->sink.records.size(), 1u);
  EXPECT_EQ(d->sink.records[0].ctx.path, DeliveryPath::kEventBridge);
  EXPECT_EQ(d->sink.records[0].ctx.received, 1688989506500LL * kNsPerMs);
}

TEST(EnvelopeDecoder, SqsAndSnsWrapping) {
  std::string inner = kRecord;
  std::string sns = R"({"Type":"Notification","MessageId":"m","Message":)";
  AppendJsonString(&sns, inner);
  sns += R"(,"Timestamp":"2023-07-10T11:46:00.000Z"})";
  std::string sqs = R"({"Records":[{"messageId":"1","body":)";
  AppendJsonString(&sqs, sns);
  sqs +=
      R"(,"attributes":{"SentTimestamp":"1688989561000"},"eventSource":"aws:sqs","eventVersion":"2.0"}]})";
  auto d = Decode(sqs);
  ASSERT_EQ(d->sink.records.size(), 1u);
  EXPECT_EQ(d->sink.records[0].json, kRecord);
  EXPECT_EQ(d->sink.records[0].ctx.received, *ParseRfc3339("2023-07-10T11:46:00Z"));
}

TEST(EnvelopeDecoder, S3NotificationsAreCountedNotEvents) {
  auto d = Decode(
      R"({"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"AWSLogs/x.json.gz"}}}]})");
  EXPECT_TRUE(d->sink.records.empty());
  EXPECT_EQ(d->counters.drops(DropReason::kS3Notification), 1u);
  auto t = Decode(
      R"({"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2014-10-13T15:57:02.089Z","Bucket":"b"})");
  EXPECT_EQ(t->counters.drops(DropReason::kS3TestEvent), 1u);
}

TEST(EnvelopeDecoder, BadBase64IsReported) {
  auto d = Decode(R"({"requestId":"r","timestamp":1,"records":[{"data":"!!!"},{"data":")" +
                  Base64Encode(kRecord) + "\"}]}");
  EXPECT_EQ(d->counters.drops(DropReason::kBadBase64), 1u);
  ASSERT_EQ(d->sink.records.size(), 1u);
  ASSERT_EQ(d->errors.size(), 1u);
  EXPECT_NE(d->errors[0].find("test-input: offset 0"), std::string::npos) << d->errors[0];
}

TEST(EnvelopeDecoder, NestingBombStops) {
  std::string payload = kRecord;
  for (int i = 0; i < 12; ++i) {
    payload = R"({"awslogs":{"data":")" + Base64Encode(GzipCompress(payload)) + "\"}}";
  }
  auto d = Decode(payload);
  EXPECT_TRUE(d->sink.records.empty());
  EXPECT_EQ(d->counters.drops(DropReason::kEnvelopeTooDeep), 1u);
}

TEST(EnvelopeDecoder, BrokenZipIsReportedWhole) {
  auto d = Decode(std::string("PK\x03\x04", 4) + std::string(100, 'x') + "\n{\"a\":1}\n");
  EXPECT_TRUE(d->sink.records.empty());
  EXPECT_TRUE(d->sink.lines.empty());
  EXPECT_EQ(d->counters.drops(DropReason::kUnreadable), 1u);
}

TEST(S3KeyHints, ReadsAccountAndRegion) {
  std::string a, r;
  HintsFromS3Key("bucket/AWSLogs/o-abc123/111122223333/CloudTrail/eu-west-2/2024/01/01/x.json.gz",
                 &a, &r);
  EXPECT_EQ(a, "111122223333");
  EXPECT_EQ(r, "eu-west-2");
  std::string a2, r2;
  HintsFromS3Key("/data/AWSLogs/12345/CloudTrail/us-east-1/x", &a2, &r2);
  EXPECT_EQ(a2, "");
}

// S3 server access logs delivered with date-based partitioning (keys as S3's documentation gives
// them: [DestinationPrefix][SourceAccountId]/[SourceRegion]/[SourceBucket]/[YYYY]/[MM]/[DD]/
// [YYYY]-[MM]-[DD]-[hh]-[mm]-[ss]-[UniqueString]).
TEST(S3KeyHints, PartitionedServerAccessLogs) {
  std::string a, r;
  HintsFromS3Key(
      "logs/111122223333/eu-central-1/my-bucket/2024/03/01/2024-03-01-10-15-00-ABCDEF0123", &a, &r);
  EXPECT_EQ(a, "111122223333");
  EXPECT_EQ(r, "eu-central-1");
  std::string a2, r2;  // no prefix at all, the partitioned layout from the bucket's root
  HintsFromS3Key("s3://dest/111122223333/us-east-1/src/2024/12/31/2024-12-31-23-59-59-X", &a2, &r2);
  EXPECT_EQ(a2, "111122223333");
  EXPECT_EQ(r2, "us-east-1");
  std::string a3, r3;  // the flat (simple prefix) layout names neither
  HintsFromS3Key("logs/2024-03-01-10-15-00-ABCDEF0123", &a3, &r3);
  EXPECT_EQ(a3, "");
  EXPECT_EQ(r3, "");
}

TEST(S3KeyHints, EveryServiceLayout) {
  struct Case {
    const char* key;
    const char* region;
  } cases[] = {
      {"AWSLogs/111122223333/vpcflowlogs/eu-west-1/2024/01/01/f.log.gz", "eu-west-1"},
      {"p/AWSLogs/111122223333/elasticloadbalancing/us-east-2/2024/01/01/"
       "111122223333_elasticloadbalancing_us-east-2_app.lb.1_20240101T0000Z_10.0.0.1_x.log.gz",
       "us-east-2"},
      {"AWSLogs/111122223333/GuardDuty/ap-south-1/2024/01/01/x.jsonl.gz", "ap-south-1"},
      {"AWSLogs/111122223333/Config/eu-north-1/2024/1/1/ConfigSnapshot/x.json.gz", "eu-north-1"},
      {"AWSLogs/111122223333/WAFLogs/us-east-1/acl/2024/01/01/00/00/x.log.gz", "us-east-1"},
      {"AWSLogs/111122223333/network-firewall/alert/sa-east-1/fw/2024/01/01/00/x.log.gz",
       "sa-east-1"},
      {"AWSLogs/111122223333/vpcdnsquerylogs/vpc-0abc/2024/01/01/x.log.gz", ""},
  };
  for (const Case& c : cases) {
    std::string a, r;
    HintsFromS3Key(c.key, &a, &r);
    EXPECT_EQ(a, "111122223333") << c.key;
    EXPECT_EQ(r, c.region) << c.key;
  }
}

}  // namespace
}  // namespace fastpath

namespace fastpath {
namespace {

// An archive of (name, bytes) members written with libarchive: "zip", or "tar" (gzip'd when
// `gzip`).
std::string MakeArchive(const std::string& format, bool gzip,
                        const std::vector<std::pair<std::string, std::string>>& members) {
  struct archive* a = archive_write_new();
  if (format == "zip") {
    archive_write_set_format_zip(a);
  } else {
    archive_write_set_format_pax_restricted(a);
  }
  if (gzip) archive_write_add_filter_gzip(a);
  std::string out(1 << 20, '\0');
  size_t used = 0;
  archive_write_open_memory(a, out.data(), out.size(), &used);
  for (const auto& [name, bytes] : members) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_write_header(a, e);
    archive_write_data(a, bytes.data(), bytes.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

const std::string kArchived =
    R"({"eventVersion":"1.08","eventTime":"2023-07-10T11:45:03Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventID":"e-2","eventType":"AwsApiCall"})";
const std::string kKey = "AWSLogs/111122223333/CloudTrail/eu-west-1/2023/07/10/x.json.gz";

TEST(EnvelopeDecoder, ZipMembersAreInputsOfTheirOwn) {
  const std::string zip = MakeArchive("zip", false,
                                      {{kKey, GzipCompress(EncodeCloudTrailLogFile({kArchived}))},
                                       {"notes/readme.txt", "a line of text\n"}});
  ASSERT_EQ(ArchiveReader::Kind(zip), "zip");
  auto d = Decode(zip);
  EXPECT_TRUE(d->errors.empty()) << d->errors[0];
  ASSERT_EQ(d->sink.records.size(), 1u);
  EXPECT_EQ(d->sink.records[0].json, kArchived);
  EXPECT_EQ(d->sink.records[0].ctx.path, DeliveryPath::kS3);
  // The member's key gives what the record lacks, as an S3 key would.
  EXPECT_EQ(d->sink.records[0].ctx.account_hint, "111122223333");
  EXPECT_EQ(d->sink.records[0].ctx.region_hint, "eu-west-1");
  ASSERT_EQ(d->sink.lines.size(), 1u);
  EXPECT_EQ(d->sink.lines[0].json, "a line of text");
}

TEST(EnvelopeDecoder, GzippedTarMembersAreRead) {
  const std::string tgz =
      MakeArchive("tar", true, {{"./" + kKey, EncodeCloudTrailLogFile({kArchived, kRecord})}});
  auto d = Decode(tgz);
  EXPECT_TRUE(d->errors.empty()) << d->errors[0];
  ASSERT_EQ(d->sink.records.size(), 2u);
  EXPECT_EQ(d->sink.records[1].json, kRecord);
}

TEST(EnvelopeDecoder, DamagedArchiveIsReportedWhole) {
  std::string zip = MakeArchive("zip", false, {{"a.json", kRecord + "\n"}, {"b.json", kRecord}});
  zip.resize(zip.size() / 2);
  auto d = Decode(zip);
  ASSERT_FALSE(d->errors.empty());
  EXPECT_EQ(d->errors.back().find("offset"), std::string::npos) << d->errors.back();
  EXPECT_NE(d->errors.back().find("test-input"), std::string::npos) << d->errors.back();
  EXPECT_GE(d->counters.drops(DropReason::kUnreadable), 1u);
}

TEST(EnvelopeDecoder, EmptyArchiveSaysSo) {
  auto d = Decode(MakeArchive("zip", false, {}));
  ASSERT_EQ(d->errors.size(), 1u);
  EXPECT_NE(d->errors[0].find("archive holds no files"), std::string::npos) << d->errors[0];
}

TEST(EnvelopeDecoder, WholeInputProblemsNameNoOffset) {
  auto d = Decode(std::string("\x28\xb5\x2f\xfd\x00\x00", 6));
  ASSERT_EQ(d->errors.size(), 1u);
  EXPECT_EQ(d->errors[0],
            "fastpath: test-input: input is zstd data, not a format fastpath reads; skipped whole "
            "[unsupported_format]");
}

}  // namespace
}  // namespace fastpath
