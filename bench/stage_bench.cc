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
    RecordParser parser(&counters, &errors,
                        [&](Event&& e, const simdjson::dom::element*) { n += e.id.size() == 36; });
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

// Text log lines through the parse stage (classify, split, typed JSON object, content id), one
// core. Each format's lines vary in their addresses and ports so no two are the same.
enum TextFormat { kVpcV2, kVpcV5, kAlb, kElb, kNlb, kS3Access, kCloudFront, kRoute53, kLambda };

std::vector<std::string> TextLines(TextFormat f, int n) {
  std::vector<std::string> lines;
  if (f == kVpcV5) {
    lines.push_back(
        "version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id "
        "vpc-id subnet-id instance-id interface-id region az-id sublocation-type sublocation-id "
        "action tcp-flags pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service "
        "traffic-path flow-direction log-status");
  }
  if (f == kCloudFront) {
    lines.push_back("#Version: 1.0");
    lines.push_back(
        "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status "
        "cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id "
        "x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher "
        "x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port "
        "time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len "
        "sc-range-start sc-range-end");
  }
  for (int i = 0; i < n; ++i) {
    const std::string a = "10.0." + std::to_string(i % 250) + "." + std::to_string(i % 200);
    const std::string port = std::to_string(1024 + i % 60000);
    switch (f) {
      case kVpcV2:
        lines.push_back("2 123456789010 eni-1235b8ca123456789 " + a + " 172.31.16.21 " + port +
                        " 22 6 20 4249 1418530010 1418530070 ACCEPT OK");
        break;
      case kVpcV5:
        lines.push_back("5 " + a + " 52.95.128.179 " + port +
                        " 443 6 1616729292 1616729349 IPv4 14 15044 123456789012 "
                        "vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b "
                        "eni-1235b8ca123456789 ap-southeast-2 apse2-az3 - - ACCEPT 19 " +
                        a + " 52.95.128.179 - S3 8 egress OK");
        break;
      case kAlb:
        lines.push_back(
            "https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 " + a + ":" +
            port +
            " 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 \"GET "
            "https://www.example.com:443/index.html?x=1 HTTP/1.1\" \"Mozilla/5.0 (X11; Linux "
            "x86_64) curl/7.46.0\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 "
            "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/"
            "73e2d6bc24d8a067 \"Root=1-58337281-1d84f3d73c47ec4e58577259\" \"www.example.com\" "
            "\"arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-"
            "123456789012\" 1 2018-07-02T22:22:48.364000Z \"authenticate,forward\" \"-\" \"-\" "
            "\"10.0.0.1:80\" \"200\" \"-\" \"-\" TID_1234abcd");
        break;
      case kElb:
        lines.push_back("2015-05-13T23:39:43.945958Z my-loadbalancer " + a + ":" + port +
                        " 10.0.0.1:80 0.000086 0.001048 0.001337 200 200 0 57 \"GET "
                        "https://www.example.com:443/ HTTP/1.1\" \"curl/7.38.0\" "
                        "DHE-RSA-AES128-SHA TLSv1.2");
        break;
      case kNlb:
        lines.push_back(
            "tls 2.0 2020-04-01T08:51:42 net/my-network-loadbalancer/c6e77e28c25b2234 "
            "g3d4b5e8bb8464cd " +
            a + ":" + port +
            " 172.100.100.185:443 5 2 98 246 - "
            "arn:aws:acm:us-east-2:671290407336:certificate/2a108f19-aded-46b0-8493-c63eb1ef4a99 - "
            "ECDHE-RSA-AES128-SHA tlsv12 - my-network-loadbalancer-c6e77e28c25b2234.elb.us-east-2."
            "amazonaws.com h2 h2 \"h2\",\"http/1.1\" 2020-04-01T08:51:20");
        break;
      case kS3Access:
        lines.push_back(
            "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be DOC-EXAMPLE-BUCKET1 "
            "[06/Feb/2019:00:00:38 +0000] " +
            a +
            " 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE "
            "REST.GET.VERSIONING - \"GET /DOC-EXAMPLE-BUCKET1?versioning HTTP/1.1\" 200 - 113 - 7 "
            "- \"-\" \"S3Console/0.4\" - "
            "s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 "
            "ECDHE-RSA-AES128-GCM-SHA256 AuthHeader DOC-EXAMPLE-BUCKET1.s3.us-west-1.amazonaws.com "
            "TLSV1.2 - -");
        break;
      case kCloudFront:
        lines.push_back(
            "2019-12-04\t21:02:31\tLAX1\t392\t" + a +
            "\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\tMozilla/5.0%20(Windows)"
            "\t-\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\t"
            "d111111abcdef8.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-"
            "SHA256\tHit\tHTTP/2.0\t-\t-\t" +
            port + "\t0.001\tHit\ttext/html\t78\t-\t-");
        break;
      case kRoute53:
        lines.push_back("1.0 2017-12-13T08:16:02.130Z Z123412341234 host" + std::to_string(i) +
                        ".example.com A NOERROR UDP FRA6 " + a + " -");
        break;
      case kLambda:
        lines.push_back(
            "2019-06-07T19:11:20.562Z\tc793869b-ee49-115b-a5b6-4fd21e8dedac\tINFO\t"
            "request " +
            std::to_string(i) + " from " + a + " handled");
        break;
    }
  }
  return lines;
}

void BM_TextLogLines(benchmark::State& state) {
  const auto format = static_cast<TextFormat>(state.range(0));
  const std::vector<std::string> lines = TextLines(format, 10000);
  const size_t headers = format == kVpcV5 ? 1 : format == kCloudFront ? 2 : 0;
  PipelineCounters counters;
  ErrorLog errors;
  size_t events = 0;
  size_t bytes = 0;
  for (const std::string& l : lines) bytes += l.size() + 1;
  for (auto _ : state) {
    RecordParser parser(&counters, &errors,
                        [&](Event&& e, const simdjson::dom::element*) { events += !e.id.empty(); });
    RecordContext ctx;
    ctx.offset = 0;
    for (const std::string& l : lines) {
      parser.OnTextLine(l, ctx);
      ctx.offset += l.size() + 1;
    }
  }
  const size_t records = lines.size() - headers;
  if (events != records * state.iterations()) state.SkipWithError("wrong event count");
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
}
BENCHMARK(BM_TextLogLines)
    ->ArgName("format")
    ->Arg(kVpcV2)
    ->Arg(kVpcV5)
    ->Arg(kAlb)
    ->Arg(kElb)
    ->Arg(kNlb)
    ->Arg(kS3Access)
    ->Arg(kCloudFront)
    ->Arg(kRoute53)
    ->Arg(kLambda);

}  // namespace
}  // namespace fastpath

BENCHMARK_MAIN();
