#include "core/hash.h"

#include <gtest/gtest.h>

namespace fastpath {
namespace {

// Known answers: FIPS 180-2 "abc", RFC 4231 test case 2.
TEST(Hash, Sha256AndHmacKnownAnswers) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  unsigned char md[kSha256Bytes];
  Sha256({"a", "bc"}, md);  // parts are concatenated
  EXPECT_EQ(Hex128(md), "ba7816bf8f01cfea414140de5dae2223");
}

TEST(Hash, Xxh3OfPartsEachEndedByALineFeed) {
  unsigned char a[16], b[16], c[16];
  Xxh3_128({"aws.vpcflow", "line"}, a);
  Xxh3_128({"aws.vpcflow\nline"}, b);  // the same bytes: "aws.vpcflow\nline\n"
  Xxh3_128({"aws.vpcflowline"}, c);
  EXPECT_EQ(Hex128(a), Hex128(b));
  EXPECT_NE(Hex128(a), Hex128(c));
  EXPECT_EQ(Hex128(a).size(), 32u);
}

}  // namespace
}  // namespace fastpath
