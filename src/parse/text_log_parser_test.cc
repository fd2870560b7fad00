#include "parse/text_log_parser.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace fastpath {
namespace {

struct Parsed {
  ParseOutcome::Kind outcome;
  Event event;
  std::string error;
};

// Feeds lines as one input (the first at offset 0).
std::vector<Parsed> ParseLines(const std::vector<std::string>& lines, RecordContext ctx = {}) {
  TextLogParser p;
  std::vector<Parsed> out;
  uint64_t offset = 0;
  for (const std::string& l : lines) {
    ctx.offset = offset;
    Parsed r;
    ParseOutcome o = p.Parse(l, ctx, &r.event);
    r.outcome = o.kind;
    r.error = o.what;
    out.push_back(std::move(r));
    offset += l.size() + 1;
  }
  return out;
}

Parsed ParseOne(const std::string& line, RecordContext ctx = {}) {
  return ParseLines({line}, std::move(ctx))[0];
}

// The value at a JSON pointer of the event, serialized ("null", "200", "\"x\"").
std::string At(const Event& e, const char* pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(e.json);
  simdjson::dom::element v;
  if (root.at_pointer(pointer).get(v) != simdjson::SUCCESS) return "<absent>";
  return simdjson::to_string(v);
}

TEST(TextLogs, ApplicationLoadBalancerEveryField) {
  const std::string line =
      "https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 "
      "192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "
      "\"GET https://www.example.com:443/ HTTP/1.1\" \"curl/7.46.0\" ECDHE-RSA-AES128-GCM-SHA256 "
      "TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/"
      "73e2d6bc24d8a067 \"Root=1-58337281-1d84f3d73c47ec4e58577259\" \"www.example.com\" "
      "\"arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012\" 1 "
      "2018-07-02T22:22:48.364000Z \"authenticate,forward\" \"-\" \"-\" \"10.0.0.1:80\" \"200\" "
      "\"Ambiguous\" \"HeaderContainsSpace\" TID_1234abcd";
  Parsed p = ParseOne(line);
  ASSERT_EQ(p.outcome, ParseOutcome::Kind::kEvent) << p.error;
  EXPECT_EQ(p.event.log_type, LogType::kAlb);
  EXPECT_EQ(FormatRfc3339(p.event.time), "2018-07-02T22:23:00.186Z");
  EXPECT_EQ(p.event.account, "123456789012");  // from the target group ARN
  EXPECT_EQ(p.event.region, "us-east-2");
  EXPECT_EQ(At(p.event, "/request_processing_time"), "0.086");
  EXPECT_EQ(At(p.event, "/elb_status_code"), "200");
  EXPECT_EQ(At(p.event, "/request"), "\"GET https://www.example.com:443/ HTTP/1.1\"");
  EXPECT_EQ(At(p.event, "/redirect_url"), "null");
  EXPECT_EQ(At(p.event, "/classification"), "\"Ambiguous\"");
  EXPECT_EQ(At(p.event, "/classification_reason"), "\"HeaderContainsSpace\"");
  EXPECT_EQ(At(p.event, "/conn_trace_id"), "\"TID_1234abcd\"");
  EXPECT_EQ(At(p.event, "/client:port"), "\"192.168.131.39:2817\"");
}

TEST(TextLogs, LaterFieldsAreKeptAndEarlierRecordsAreShorter) {
  // Fields AWS may add after the known ones stay, in order.
  const std::string base =
      "http 2018-07-02T22:23:00.186641Z app/lb/1 1.2.3.4:2817 - -1 -1 -1 460 - 34 366 "
      "\"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - - -";
  Parsed old = ParseOne(base + " \"Root=1-5\"");
  ASSERT_EQ(old.outcome, ParseOutcome::Kind::kEvent) << old.error;
  EXPECT_EQ(At(old.event, "/trace_id"), "\"Root=1-5\"");
  EXPECT_EQ(At(old.event, "/target_status_code"), "null");
  std::string full = base + " \"Root=1-5\" \"-\" \"-\" 0 2018-07-02T22:22:48.364000Z \"forward\"" +
                     " \"-\" \"-\" \"-\" \"-\" \"-\" \"-\" TID_1 \"h\" \"/u\" \"OK\" \"future\"";
  Parsed newer = ParseOne(full);
  ASSERT_EQ(newer.outcome, ParseOutcome::Kind::kEvent) << newer.error;
  EXPECT_EQ(At(newer.event, "/request_transform_status"), "\"OK\"");
  EXPECT_EQ(At(newer.event, "/extra_fields/0"), "\"future\"");
}

TEST(TextLogs, BadRecordsSayWhichFieldAndWhy) {
  Parsed open_quote = ParseOne(
      "http 2018-07-02T22:23:00.186641Z app/lb/1 1.2.3.4:2817 - -1 -1 -1 460 - 34 366 \"GET /");
  EXPECT_EQ(open_quote.outcome, ParseOutcome::Kind::kMalformed);
  EXPECT_NE(open_quote.error.find("not closed"), std::string::npos) << open_quote.error;
  Parsed not_number = ParseOne(
      "http 2018-07-02T22:23:00.186641Z app/lb/1 1.2.3.4:2817 - -1 -1 -1 abc - 34 366 \"GET / "
      "HTTP/1.1\" \"curl\" - - - \"Root=1\"");
  EXPECT_EQ(not_number.outcome, ParseOutcome::Kind::kMalformed);
  EXPECT_NE(not_number.error.find("elb_status_code"), std::string::npos) << not_number.error;
  Parsed short_line = ParseOne("http 2018-07-02T22:23:00.186641Z app/lb/1");
  EXPECT_EQ(short_line.outcome, ParseOutcome::Kind::kMalformed);
  EXPECT_NE(short_line.error.find("at least 17"), std::string::npos) << short_line.error;
}

TEST(TextLogs, ClassicLoadBalancerTcpListener) {
  Parsed p = ParseOne(
      "2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.001069 "
      "0.000028 0.000041 - - 82 305 \"- - - \" \"-\" - -");
  ASSERT_EQ(p.outcome, ParseOutcome::Kind::kEvent) << p.error;
  EXPECT_EQ(p.event.log_type, LogType::kElb);
  EXPECT_EQ(At(p.event, "/elb_status_code"), "null");
  EXPECT_EQ(At(p.event, "/request"), "\"- - - \"");
  EXPECT_EQ(At(p.event, "/user_agent"), "null");
}

TEST(TextLogs, NetworkLoadBalancerTls) {
  Parsed p = ParseOne(
      "tls 2.0 2020-04-01T08:51:42 net/my-network-loadbalancer/c6e77e28c25b2234 g3d4b5e8bb8464cd "
      "72.21.218.154:51341 172.100.100.185:443 5 2 98 246 - "
      "arn:aws:acm:us-east-2:671290407336:certificate/2a108f19-aded-46b0-8493-c63eb1ef4a99 - "
      "ECDHE-RSA-AES128-SHA tlsv12 - my-network-loadbalancer-c6e77e28c25b2234.elb.us-east-2."
      "amazonaws.com h2 h2 \"h2\",\"http/1.1\" 2020-04-01T08:51:20");
  ASSERT_EQ(p.outcome, ParseOutcome::Kind::kEvent) << p.error;
  EXPECT_EQ(p.event.log_type, LogType::kNlb);
  EXPECT_EQ(FormatRfc3339(p.event.time), "2020-04-01T08:51:42Z");  // no zone: UTC
  EXPECT_EQ(At(p.event, "/connection_time"), "5");
  EXPECT_EQ(At(p.event, "/alpn_client_preference_list"), R"("h2\",\"http/1.1")");
  EXPECT_EQ(At(p.event, "/tls_connection_creation_time"), "\"2020-04-01T08:51:20\"");
  EXPECT_EQ(p.event.region, "us-east-2");
}

TEST(TextLogs, AlbConnectionLog) {
  Parsed p = ParseOne(
      "2024-10-04T17:05:15.514108Z 192.168.131.39 36280 443 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 "
      "4.036 \"CN=amazondomains.com,O=endEntity\" NotBefore=2023-09-21T22:43:21Z;NotAfter=2026-06-"
      "17T22:43:21Z FEF257372D5C14D4 Failed:ClientCertUntrusted TID_1");
  ASSERT_EQ(p.outcome, ParseOutcome::Kind::kEvent) << p.error;
  EXPECT_EQ(p.event.log_type, LogType::kAlb);
  EXPECT_EQ(At(p.event, "/tls_verify_status"), "\"Failed:ClientCertUntrusted\"");
  EXPECT_EQ(At(p.event, "/client_port"), "36280");
}

TEST(TextLogs, S3ServerAccessLogWithBracketedTime) {
  RecordContext ctx;
  ctx.account_hint = "111122223333";
  Parsed p = ParseOne(
      "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be DOC-EXAMPLE-BUCKET1 "
      "[06/Feb/2019:00:00:38 +0100] 192.0.2.3 - 3E57427F3EXAMPLE REST.GET.VERSIONING - \"GET "
      "/DOC-EXAMPLE-BUCKET1?versioning HTTP/1.1\" 200 - 113 - 7 - \"-\" \"S3Console/0.4\" - "
      "s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 "
      "ECDHE-RSA-AES128-GCM-SHA256 AuthHeader DOC-EXAMPLE-BUCKET1.s3.us-west-1.amazonaws.com "
      "TLSV1.2 - -",
      ctx);
  ASSERT_EQ(p.outcome, ParseOutcome::Kind::kEvent) << p.error;
  EXPECT_EQ(p.event.log_type, LogType::kS3Access);
  EXPECT_EQ(FormatRfc3339(p.event.time), "2019-02-05T23:00:38Z");
  EXPECT_EQ(p.event.account, "111122223333");
  EXPECT_EQ(At(p.event, "/time"), "\"06/Feb/2019:00:00:38 +0100\"");
  EXPECT_EQ(At(p.event, "/http_status"), "200");
  EXPECT_EQ(At(p.event, "/object_size"), "null");
  EXPECT_EQ(At(p.event, "/acl_required"), "null");
}

TEST(TextLogs, CloudFrontHeaderSetsTheFields) {
  auto r = ParseLines({"#Version: 1.0",
                       "#Fields: date time x-edge-location sc-bytes c-ip cs-method "
                       "sc-status time-taken",
                       "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\t200\t0.001",
                       "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\t200"});
  EXPECT_EQ(r[0].outcome, ParseOutcome::Kind::kHeader);
  EXPECT_EQ(r[1].outcome, ParseOutcome::Kind::kHeader);
  ASSERT_EQ(r[2].outcome, ParseOutcome::Kind::kEvent) << r[2].error;
  EXPECT_EQ(r[2].event.log_type, LogType::kCloudFront);
  EXPECT_EQ(FormatRfc3339(r[2].event.time), "2019-12-04T21:02:31Z");
  EXPECT_EQ(At(r[2].event, "/sc-bytes"), "392");
  EXPECT_EQ(At(r[2].event, "/time-taken"), "0.001");
  EXPECT_EQ(r[3].outcome, ParseOutcome::Kind::kMalformed);
  EXPECT_NE(r[3].error.find("7 tab-separated fields"), std::string::npos) << r[3].error;
}

TEST(TextLogs, Route53PublicQueryLog) {
  Parsed p = ParseOne(
      "1.0 2017-12-13T08:15:50.235Z Z123412341234 example.com AAAA NOERROR TCP IAD12 "
      "192.168.3.1 192.168.222.0/24");
  ASSERT_EQ(p.outcome, ParseOutcome::Kind::kEvent) << p.error;
  EXPECT_EQ(p.event.log_type, LogType::kRoute53);
  EXPECT_EQ(At(p.event, "/query_name"), "\"example.com\"");
  EXPECT_EQ(At(p.event, "/edns_client_subnet"), "\"192.168.222.0/24\"");
}

TEST(TextLogs, LambdaPlatformAndRuntimeLines) {
  RecordContext ctx;
  ctx.log_group = "/aws/lambda/my-function";
  ctx.log_stream = "2024/01/01/[$LATEST]abc";
  ctx.log_timestamp_ms = 1700000000000;
  Parsed report = ParseOne(
      "REPORT RequestId: 4ce9340a-b765-490f-ad8a-02ab3415e2bf\tDuration: 2.34 ms\tBilled "
      "Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 65 MB\tInit Duration: 120.5 ms\t",
      ctx);
  ASSERT_EQ(report.outcome, ParseOutcome::Kind::kEvent);
  EXPECT_EQ(report.event.log_type, LogType::kLambda);
  EXPECT_EQ(At(report.event, "/type"), "\"REPORT\"");
  EXPECT_EQ(At(report.event, "/requestId"), "\"4ce9340a-b765-490f-ad8a-02ab3415e2bf\"");
  EXPECT_EQ(At(report.event, "/durationMs"), "2.34");
  EXPECT_EQ(At(report.event, "/maxMemoryUsedMB"), "65");
  EXPECT_EQ(At(report.event, "/initDurationMs"), "120.5");
  EXPECT_EQ(At(report.event, "/logGroup"), "\"/aws/lambda/my-function\"");
  Parsed node =
      ParseOne("2019-06-07T19:11:20.562Z\tc793869b-ee49-115b-a5b6-4fd21e8dedac\tERROR\tboom", ctx);
  EXPECT_EQ(At(node.event, "/level"), "\"ERROR\"");
  EXPECT_EQ(At(node.event, "/message"), "\"boom\"");
  EXPECT_EQ(FormatRfc3339(node.event.time), "2019-06-07T19:11:20.562Z");
  // Without the log group, START/END/REPORT still identify Lambda.
  Parsed start = ParseOne("START RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac Version: $LATEST");
  EXPECT_EQ(start.event.log_type, LogType::kLambda);
  EXPECT_EQ(At(start.event, "/version"), "\"$LATEST\"");
}

TEST(TextLogs, ContinuationLinesFollowLambdaAndRds) {
  auto r =
      ParseLines({"2022-10-05 22:05:52 UTC:52.95.4.1(11335):postgres@labdb:[3639]:LOG: "
                  "statement: SELECT feedback",
                  "FROM support;"});
  ASSERT_EQ(r[0].outcome, ParseOutcome::Kind::kEvent) << r[0].error;
  EXPECT_EQ(r[0].event.log_type, LogType::kRds);
  EXPECT_EQ(At(r[0].event, "/remote_host"), "\"52.95.4.1\"");
  EXPECT_EQ(At(r[0].event, "/remote_port"), "11335");
  EXPECT_EQ(At(r[0].event, "/user_name"), "\"postgres\"");
  EXPECT_EQ(At(r[0].event, "/database_name"), "\"labdb\"");
  EXPECT_EQ(At(r[0].event, "/process_id"), "3639");
  EXPECT_EQ(At(r[0].event, "/error_severity"), "\"LOG\"");
  EXPECT_EQ(r[1].event.log_type, LogType::kRds);
  EXPECT_EQ(r[1].event.time, r[0].event.time);
  // An unrelated line with no Lambda/RDS line before it is no one's.
  EXPECT_EQ(ParseOne("FROM support;").outcome, ParseOutcome::Kind::kNotMine);
}

TEST(TextLogs, MysqlAuditLine) {
  Parsed p = ParseOne(
      "20230105 12:00:01,ip-10-0-0-1,admin,10.0.0.9,26,1273,QUERY,mydb,'SELECT 1, \\'a\\'',0");
  ASSERT_EQ(p.outcome, ParseOutcome::Kind::kEvent) << p.error;
  EXPECT_EQ(p.event.log_type, LogType::kRds);
  EXPECT_EQ(At(p.event, "/operation"), "\"QUERY\"");
  EXPECT_EQ(At(p.event, "/object"), R"("SELECT 1, \\'a\\'")");
  EXPECT_EQ(At(p.event, "/retcode"), "\"0\"");
  EXPECT_EQ(FormatRfc3339(p.event.time), "2023-01-05T12:00:01Z");
}

TEST(TextLogs, ApiGatewayExecutionAndClfAccessLines) {
  RecordContext ctx;
  ctx.log_group = "API-Gateway-Execution-Logs_abc123/prod";
  Parsed exec =
      ParseOne("(3a8b7c6d-1234-4c5d-9e8f-0123456789ab) Method completed with status: 200", ctx);
  ASSERT_EQ(exec.outcome, ParseOutcome::Kind::kEvent);
  EXPECT_EQ(exec.event.log_type, LogType::kApiGateway);
  EXPECT_EQ(At(exec.event, "/apiId"), "\"abc123\"");
  EXPECT_EQ(At(exec.event, "/stage"), "\"prod\"");
  EXPECT_EQ(At(exec.event, "/requestId"), "\"3a8b7c6d-1234-4c5d-9e8f-0123456789ab\"");
  Parsed clf = ParseOne(
      "198.51.100.7 - - [21/Nov/2017:18:15:28 +0000] \"GET /pets HTTP/1.1\" 200 512 "
      "c6a4c4a4-ce4a-11e7-a0d1-e3e4b2f8d1bd");
  ASSERT_EQ(clf.outcome, ParseOutcome::Kind::kEvent) << clf.error;
  EXPECT_EQ(clf.event.log_type, LogType::kApiGateway);
  EXPECT_EQ(At(clf.event, "/status"), "200");
  EXPECT_EQ(FormatRfc3339(clf.event.time), "2017-11-21T18:15:28Z");
}

TEST(TextLogs, SameRecordSameIdOnEveryPath) {
  const std::string line =
      "1.0 2017-12-13T08:16:02.130Z Z123412341234 example.com A NOERROR UDP FRA6 192.168.1.1 -";
  RecordContext s3;
  s3.path = DeliveryPath::kS3;
  RecordContext cwl;
  cwl.path = DeliveryPath::kCloudWatchLogs;
  cwl.log_group = "/aws/route53/example.com";
  EXPECT_EQ(ParseOne(line, s3).event.id, ParseOne(line + "\r", cwl).event.id);
}

TEST(TextLogs, RepeatedFreeFormLinesAreDistinctWhereverTheFileIsKept) {
  const std::vector<std::string> lines = {"START RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac",
                                          "}", "}"};
  RecordContext here;
  here.source = "/home/a/logs/f.log";
  RecordContext there;
  there.source = "/srv/copy/f.log";
  auto a = ParseLines(lines, here);
  auto b = ParseLines(lines, there);
  ASSERT_EQ(a[1].event.log_type, LogType::kLambda);
  EXPECT_NE(a[1].event.id, a[2].event.id);  // two lines, two events
  for (size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(a[i].event.id, b[i].event.id);
}

TEST(TextLogs, UnknownLinesAreUnclaimed) {
  EXPECT_EQ(ParseOne("hello world").outcome, ParseOutcome::Kind::kNotMine);
  EXPECT_EQ(ParseOne("").outcome, ParseOutcome::Kind::kNotMine);
}

}  // namespace
}  // namespace fastpath
