// Micro benchmarks of single stages on one core, in bytes/s and items/s. Each checks its answer
// and fails (SkipWithError) when it is wrong, so a fast wrong answer never passes.
#include <benchmark/benchmark.h>

#include <simdjson.h>

#include "decode/document_splitter.h"
#include "decode/envelope_decoder.h"
#include "decode/envelope_encoder.h"
#include "dedupe/first_arrival_deduper.h"
#include "parse/record_parser.h"

namespace fastpath {
namespace {

// A CloudTrail log file of n records shaped like real management events.
std::string LogFile(int n) {
  std::vector<std::string> recs;
  for (int i = 0; i < n; ++i) {
    recs.push_back(
        R"({"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:session","arn":"arn:aws:sts::123456789012:assumed-role/Admin/session","accountId":"123456789012","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::123456789012:role/Admin","accountId":"123456789012","userName":"Admin"},"attributes":{"creationDate":"2024-01-01T00:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"2024-01-01T00:00:)" +
        std::to_string(10 + i % 50) +
        R"(Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0 exe/x86_64.debian.12 prompt/off command/ec2.describe-instances","requestParameters":{"instancesSet":{},"filterSet":{}},"responseElements":null,"requestID":"0a1b2c3d-0000-4000-8000-)" +
        std::to_string(100000000000 + i) + R"(","eventID":"e5f6a7b8-0000-4000-8000-)" +
        std::to_string(100000000000 + i) +
        R"(","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"ec2.us-east-1.amazonaws.com"}})");
  }
  return EncodeCloudTrailLogFile(recs);
}

constexpr int kRecords = 5000;

void BM_BareSimdjsonParse(benchmark::State& state) {
  const std::string json = LogFile(kRecords);
  simdjson::dom::parser parser;
  for (auto _ : state) {
    simdjson::dom::array arr;
    if (parser.parse(json).get_object()["Records"].get_array().get(arr) != simdjson::SUCCESS ||
        arr.size() != kRecords) {
      state.SkipWithError("wrong record count");
      break;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
  state.SetItemsProcessed(state.iterations() * kRecords);
}
BENCHMARK(BM_BareSimdjsonParse);

void BM_SplitRecords(benchmark::State& state) {
  const std::string json = LogFile(kRecords);
  for (auto _ : state) {
    MemoryReader reader(json);
    DocumentSplitter splitter(&reader, {});
    Document d;
    SplitProblem p;
    int n = 0;
    while (splitter.Next(&d, &p) == DocumentSplitter::Step::kDocument) ++n;
    if (n != kRecords) {
      state.SkipWithError("wrong document count");
      break;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
  state.SetItemsProcessed(state.iterations() * kRecords);
}
BENCHMARK(BM_SplitRecords);

void BM_DecodeAndParse(benchmark::State& state) {
  const std::string json = state.range(0) ? GzipCompress(LogFile(kRecords)) : LogFile(kRecords);
  const size_t raw = LogFile(kRecords).size();
  PipelineCounters counters;
  ErrorLog errors;
  EnvelopeDecoder decoder({}, &counters, &errors);
  for (auto _ : state) {
    int n = 0;
    RecordParser parser(&counters, &errors, [&](Event&& e) { n += e.id.size() == 36; });
    RecordContext ctx;
    ctx.source = "bench";
    decoder.DecodeStream(std::make_unique<MemoryReader>(json), ctx, &parser);
    if (n != kRecords) {
      state.SkipWithError("wrong event count");
      break;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * raw));
  state.SetItemsProcessed(state.iterations() * kRecords);
}
BENCHMARK(BM_DecodeAndParse)->Arg(0)->Arg(1);

void BM_Dedupe(benchmark::State& state) {
  std::vector<std::string> ids;
  for (int i = 0; i < 100000; ++i)
    ids.push_back("e5f6a7b8-0000-4000-8000-" + std::to_string(100000000000 + i));
  for (auto _ : state) {
    FirstArrivalDeduper d({});
    size_t firsts = 0;
    for (const auto& id : ids)
      firsts += d.Observe(LogType::kCloudTrail, id, DeliveryPath::kEventBridge, 1).first;
    for (const auto& id : ids)
      firsts += d.Observe(LogType::kCloudTrail, id, DeliveryPath::kS3, 2).first;
    if (firsts != ids.size()) {
      state.SkipWithError("wrong first-arrival count");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * 2 * static_cast<int64_t>(ids.size()));
}
BENCHMARK(BM_Dedupe);

// VPC flow log lines through the parse stage (split, typed JSON object, content id), one core.
// Arg 0: default version 2 lines (CloudWatch Logs shape); 1: a version 5 header and its lines.
void BM_VpcFlowLines(benchmark::State& state) {
  std::vector<std::string> lines;
  const bool custom = state.range(0) == 1;
  if (custom) {
    lines.push_back(
        "version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id "
        "vpc-id subnet-id instance-id interface-id region az-id sublocation-type sublocation-id "
        "action tcp-flags pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service "
        "traffic-path flow-direction log-status");
  }
  for (int i = 0; i < 10000; ++i) {
    const std::string a = "10.0." + std::to_string(i % 250) + "." + std::to_string(i % 200);
    if (custom) {
      lines.push_back("5 " + a + " 52.95.128.179 " + std::to_string(1024 + i % 60000) +
                      " 443 6 1616729292 1616729349 IPv4 14 15044 123456789012 "
                      "vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b "
                      "eni-1235b8ca123456789 ap-southeast-2 apse2-az3 - - ACCEPT 19 " +
                      a + " 52.95.128.179 - S3 8 egress OK");
    } else {
      lines.push_back("2 123456789010 eni-1235b8ca123456789 " + a + " 172.31.16.21 " +
                      std::to_string(1024 + i % 60000) +
                      " 22 6 20 4249 1418530010 1418530070 ACCEPT OK");
    }
  }
  PipelineCounters counters;
  ErrorLog errors;
  size_t events = 0;
  for (auto _ : state) {
    RecordParser parser(&counters, &errors, [&](Event&& e) { events += !e.id.empty(); });
    RecordContext ctx;
    for (const std::string& l : lines) parser.OnTextLine(l, ctx);
  }
  const size_t records = lines.size() - (custom ? 1 : 0);
  if (events != records * state.iterations()) state.SkipWithError("wrong event count");
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records));
}
BENCHMARK(BM_VpcFlowLines)->Arg(0)->Arg(1);

}  // namespace
}  // namespace fastpath

BENCHMARK_MAIN();
