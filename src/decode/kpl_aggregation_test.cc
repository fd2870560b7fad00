#include "decode/kpl_aggregation.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

namespace fastpath {
namespace {

TEST(Kpl, PlainRecordsPassThrough) {
  auto r = Deaggregate("{\"a\":1}", "pk");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].data, "{\"a\":1}");
  EXPECT_EQ((*r)[0].hash_key, PartitionKeyHash("pk"));
}

TEST(Kpl, RoundTripsWithPartitionAndExplicitHashKeys) {
  std::vector<UserRecord> in(3);
  in[0] = {"alpha", "one", PartitionKeyHash("alpha"), 0};
  in[1] = {"beta", "two", PartitionKeyHash("beta"), 0};
  in[2] = {"alpha", "three", *ParseHashKey("170141183460469231731687303715884105728"), 0};
  const std::string agg = Aggregate(in);
  ASSERT_TRUE(HasKplMagic(agg));
  auto out = Deaggregate(agg, "outer");
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*out)[i].data, in[i].data);
    EXPECT_EQ((*out)[i].partition_key, in[i].partition_key);
    EXPECT_EQ((*out)[i].hash_key, in[i].hash_key);
    EXPECT_EQ((*out)[i].sub_sequence, i);
  }
}

TEST(Kpl, BadChecksumPassesThroughWhole) {
  std::string agg = Aggregate({{"k", "payload", PartitionKeyHash("k"), 0}});
  agg.back() ^= 1;
  auto out = Deaggregate(agg, "k");
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].data, agg);
}

std::string WithChecksum(const std::string& body) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(body.data(), body.size(), md, &len, EVP_md5(), nullptr);
  return std::string("\xF3\x89\x9A\xC2", 4) + body + std::string(reinterpret_cast<char*>(md), len);
}

TEST(Kpl, MalformedProtobufWithGoodChecksumIsAnError) {
  // partition_key_table = ["k"]; records = [{partition_key_index: 5, data: "x"}]
  const std::string bad_index = std::string("\x0a\x01k\x1a\x05\x08\x05\x1a\x01x", 10);
  auto out = Deaggregate(WithChecksum(bad_index), "k");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("partition key index out of range"), std::string::npos);
  // A length that runs past the end.
  auto cut = Deaggregate(WithChecksum(std::string("\x0a\x09k", 3)), "k");
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("runs past the end"), std::string::npos);
}

TEST(Kpl, HashKeys) {
  EXPECT_EQ(ParseHashKey("0"), HashKey{0});
  const HashKey max = ~HashKey{0};
  EXPECT_EQ(ParseHashKey("340282366920938463463374607431768211455"), max);
  EXPECT_FALSE(ParseHashKey("340282366920938463463374607431768211456").has_value());
  EXPECT_FALSE(ParseHashKey("12a").has_value());
  EXPECT_FALSE(ParseHashKey("").has_value());
  // MD5("") = d41d8cd98f00b204e9800998ecf8427e
  EXPECT_EQ(static_cast<uint64_t>(PartitionKeyHash("") >> 64), 0xd41d8cd98f00b204ULL);
}

}  // namespace
}  // namespace fastpath
