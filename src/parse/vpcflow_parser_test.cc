#include "parse/vpcflow_parser.h"

#include <gtest/gtest.h>

namespace fastpath {
namespace {

TEST(VpcFlow, DefaultFormatWithoutHeader) {
  const std::string line =
      "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 "
      "1418530010 1418530070 ACCEPT OK";
  ASSERT_TRUE(LooksLikeDefaultVpcFlow(line));
  RecordContext ctx;
  ctx.region_hint = "eu-west-1";
  Event e;
  ASSERT_TRUE(ParseVpcFlowLine(line, DefaultVpcFlowFormat(), ctx, &e).is_event());
  EXPECT_EQ(e.log_type, LogType::kVpcFlow);
  EXPECT_EQ(e.account, "123456789010");
  EXPECT_EQ(e.region, "eu-west-1");
  EXPECT_EQ(e.time, 1418530010LL * 1000000000);
  EXPECT_EQ(e.json,
            R"({"version":2,"account-id":"123456789010","interface-id":"eni-1235b8ca123456789",)"
            R"("srcaddr":"172.31.16.139","dstaddr":"172.31.16.21","srcport":20641,"dstport":22,)"
            R"("protocol":6,"packets":20,"bytes":4249,"start":1418530010,"end":1418530070,)"
            R"("action":"ACCEPT","log-status":"OK"})");
  EXPECT_EQ(e.id.size(), 32u);
}

TEST(VpcFlow, NoDataRecordsKeepNulls) {
  const std::string line =
      "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA";
  ASSERT_TRUE(LooksLikeDefaultVpcFlow(line));
  Event e;
  ASSERT_TRUE(ParseVpcFlowLine(line, DefaultVpcFlowFormat(), RecordContext(), &e).is_event());
  EXPECT_NE(e.json.find(R"("srcaddr":null)"), std::string::npos);
  EXPECT_NE(e.json.find(R"("log-status":"NODATA")"), std::string::npos);
}

TEST(VpcFlow, HeaderSetsTheFormatAndTheRegionComesFromTheRecord) {
  VpcFlowFormat f;
  ASSERT_TRUE(ParseVpcFlowHeader(
      "version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id "
      "region flow-direction traffic-path log-status",
      &f));
  EXPECT_EQ(f.fields.size(), 16u);
  Event e;
  ASSERT_TRUE(ParseVpcFlowLine("5 10.0.0.71 52.95.128.179 34210 80 6 1616729292 1616729349 IPv4 7 "
                               "471 123456789012 ap-southeast-2 egress 8 OK",
                               f, RecordContext(), &e)
                  .is_event());
  EXPECT_EQ(e.region, "ap-southeast-2");
  EXPECT_NE(e.json.find(R"("traffic-path":8)"), std::string::npos);
  EXPECT_FALSE(ParseVpcFlowHeader("hello world", &f));
  EXPECT_FALSE(ParseVpcFlowHeader("2 123 eni-1", &f));
}

TEST(VpcFlow, MalformedRecordsSayWhy) {
  Event e;
  ParseOutcome st =
      ParseVpcFlowLine("2 123 eni-1 1.2.3.4", DefaultVpcFlowFormat(), RecordContext(), &e);
  EXPECT_EQ(st.what, "VPC flow log record has 4 fields, its format (default, version 2) has 14");
  st = ParseVpcFlowLine("2 123456789010 eni-1 1.1.1.1 2.2.2.2 x 22 6 20 4249 1 2 ACCEPT OK",
                        DefaultVpcFlowFormat(), RecordContext(), &e);
  EXPECT_EQ(st.what, "VPC flow log field srcport is not a number: 'x'");
}

TEST(VpcFlow, SameRecordSameIdWhateverThePath) {
  const std::string line =
      "2 123456789010 eni-1 1.1.1.1 2.2.2.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OK";
  RecordContext s3, cwl;
  s3.path = DeliveryPath::kS3;
  cwl.path = DeliveryPath::kCloudWatchLogs;
  Event a, b;
  ASSERT_TRUE(ParseVpcFlowLine(line, DefaultVpcFlowFormat(), s3, &a).is_event());
  ASSERT_TRUE(ParseVpcFlowLine(line, DefaultVpcFlowFormat(), cwl, &b).is_event());
  EXPECT_EQ(a.id, b.id);
}

}  // namespace
}  // namespace fastpath
