// Every CloudTrail sample of the corpus, wrapped in every envelope AWS delivers CloudTrail in,
// must come out as the same canonical events: same eventIDs, same account, region, time and
// record; only `path` (and receive time) differ.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include <simdjson.h>

#include "decode/byte_reader.h"
#include "decode/envelope_encoder.h"
#include "parse/cloudtrail_parser.h"
#include "simulate/delivery_simulator.h"
#include "test_support.h"

namespace fastpath::testing {
namespace {

struct Envelope {
  std::string name;
  DeliveryPath path;
  std::string bytes;
};

std::vector<Envelope> WrapEveryWay(const std::vector<std::string>& records,
                                   std::set<std::string>* detail_types) {
  std::vector<Envelope> out;
  out.push_back(
      {"s3 log file (gzip)", DeliveryPath::kS3, GzipCompress(EncodeCloudTrailLogFile(records))});
  std::string ndjson;
  for (const auto& r : records) ndjson += r + "\n";
  out.push_back({"bare NDJSON", DeliveryPath::kFile, ndjson});

  std::vector<CwlLogEvent> log_events;
  int i = 0;
  for (const auto& r : records) log_events.push_back({std::to_string(++i), 1700000000000 + i, r});
  // No owner/stream hints here: some old samples lack recipientAccountId and awsRegion, and a hint
  // from a made-up owner would (rightly) fill them differently from the other envelopes.
  const std::string cwl =
      GzipCompress(EncodeCwlDataMessage("", "trail", "trail-stream", log_events));
  out.push_back({"cwl via firehose http", DeliveryPath::kCloudWatchLogs,
                 EncodeFirehoseHttpBody("r1", 1700000000000, {cwl})});
  out.push_back({"cwl via kinesis", DeliveryPath::kCloudWatchLogs,
                 EncodeKinesisEvent("arn:aws:kinesis:us-east-1:1:stream/s",
                                    {{cwl, "pk", "1", 1700000000 * kNsPerSec}})});
  out.push_back({"cwl via lambda awslogs", DeliveryPath::kCloudWatchLogs,
                 R"({"awslogs":{"data":")" + Base64Encode(cwl) + "\"}}"});

  std::vector<std::string> eb;
  std::vector<KinesisRecordOut> kin;
  std::string eb_ndjson;
  simdjson::dom::parser p;
  for (const auto& r : records) {
    auto e = EncodeEventBridgeForCloudTrail(r);
    EXPECT_TRUE(e.ok());
    std::string_view dt;
    if (p.parse(e.value())["detail-type"].get_string().get(dt) == simdjson::SUCCESS)
      detail_types->insert(std::string(dt));
    eb.push_back(e.value());
    eb_ndjson += e.value() + "\n";
    kin.push_back({e.value(), "pk", std::to_string(kin.size()), 1700000000 * kNsPerSec});
  }
  out.push_back({"eventbridge NDJSON", DeliveryPath::kEventBridge, eb_ndjson});
  out.push_back({"eventbridge via firehose http", DeliveryPath::kEventBridge,
                 EncodeFirehoseHttpBody("r2", 1700000000000, eb)});
  out.push_back({"eventbridge via kinesis", DeliveryPath::kEventBridge,
                 EncodeKinesisEvent("arn:aws:kinesis:us-east-1:1:stream/s", kin)});
  return out;
}

TEST(Envelopes, SameEventsWhicheverWayTheyCame) {
  auto objects = LoadTrailObjects({TestData("corpus/cloudtrail")});
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  std::vector<std::string> records;
  simdjson::dom::parser parser;
  for (const auto& o : objects.value()) {
    for (const auto& r : o.records) {
      // CloudTrail records only: the corpus folder also holds digest files and fragments.
      simdjson::dom::object obj;
      if (parser.parse(r).get_object().get(obj) == simdjson::SUCCESS && IsCloudTrailRecord(obj))
        records.push_back(r);
    }
  }
  ASSERT_GT(records.size(), 300u);

  std::set<std::string> detail_types;
  const auto envelopes = WrapEveryWay(records, &detail_types);
  // Management, console sign-in, service and Insights events all took the EventBridge path.
  EXPECT_TRUE(detail_types.count("AWS API Call via CloudTrail"));
  EXPECT_TRUE(detail_types.count("AWS Console Sign In via CloudTrail"));
  EXPECT_TRUE(detail_types.count("AWS Service Event via CloudTrail"));
  EXPECT_TRUE(detail_types.count("AWS Insight via CloudTrail"));

  simdjson::dom::parser p;
  TempDir dir;
  ScanOptions o;
  o.received_at = 1;
  std::map<std::string, std::string> reference;  // id -> canonical line without path/received
  std::string reference_name;
  for (const Envelope& env : envelopes) {
    const std::string file = dir.Write(std::to_string(&env - &envelopes[0]) + ".in", env.bytes);
    RunResult r = RunPipeline({file}, o);
    EXPECT_EQ(r.pipeline->counters().unexpected_drops(), 0u) << env.name;
    std::map<std::string, std::string> got;
    for (Event e : r.events) {
      EXPECT_EQ(e.path, env.path) << env.name;
      e.path = DeliveryPath::kFile;
      e.source.reset();  // each form is a file of its own
      // The same record: compare it parsed, since escapes and spacing may differ between the
      // forms (EventBridge re-serializes the detail).
      e.json = simdjson::to_string(p.parse(e.json).value());
      std::string line;
      AppendEventJsonLine(e, &line);
      got[e.log_type == LogType::kCloudTrail || e.log_type == LogType::kCloudTrailInsight
              ? e.id
              : "?" + e.id] = line;
    }
    if (reference.empty()) {
      reference = got;
      reference_name = env.name;
      continue;
    }
    EXPECT_EQ(got.size(), reference.size()) << env.name << " vs " << reference_name;
    for (const auto& [id, line] : reference) {
      auto it = got.find(id);
      ASSERT_NE(it, got.end()) << "eventID " << id << " missing from " << env.name;
      EXPECT_EQ(it->second, line) << "eventID " << id << " differs between " << reference_name
                                  << " and " << env.name;
    }
  }
}

}  // namespace
}  // namespace fastpath::testing
