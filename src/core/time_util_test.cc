#include "core/time_util.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace fastpath {
namespace {

TEST(Rfc3339, ParsesWhatAwsWrites) {
  EXPECT_EQ(ParseRfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseRfc3339("2023-07-10T11:45:03Z"), 1688989503LL * kNsPerSec);
  EXPECT_EQ(ParseRfc3339("2023-07-10T11:45:03.250Z"), 1688989503LL * kNsPerSec + 250 * kNsPerMs);
  EXPECT_EQ(ParseRfc3339("2023-07-10T13:45:03+02:00"), 1688989503LL * kNsPerSec);
  EXPECT_EQ(ParseRfc3339("2023-07-10T06:45:03-05:00"), 1688989503LL * kNsPerSec);
}

TEST(Rfc3339, RejectsMalformed) {
  for (const char* bad :
       {"", "2023-07-10", "2023-07-10T11:45:03", "2023-13-10T11:45:03Z", "2023-07-10T25:45:03Z",
        "2023-07-10T11:45:03ZZ", "2023-07-10T11:45:03.Z", "2021-01-19TT00:52:27Z", "garbage",
        "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

TEST(Rfc3339, FormatsUtcWithMillisecondsOnlyWhenPresent) {
  EXPECT_EQ(FormatRfc3339(1688989503LL * kNsPerSec), "2023-07-10T11:45:03Z");
  EXPECT_EQ(FormatRfc3339(1688989503LL * kNsPerSec + 7 * kNsPerMs), "2023-07-10T11:45:03.007Z");
  EXPECT_EQ(FormatRfc3339(-kNsPerSec), "1969-12-31T23:59:59Z");
  for (const char* s :
       {"2000-02-29T12:00:00Z", "2024-12-31T23:59:59.999Z", "1999-01-01T00:00:00Z"}) {
    EXPECT_EQ(FormatRfc3339(*ParseRfc3339(s)), s);
  }
}

}  // namespace
}  // namespace fastpath

namespace fastpath {
namespace {

TEST(EpochConversions, RefuseWhatTimeNsCannotHold) {
  EXPECT_EQ(EpochSecondsToNs(1.5), 1'500'000'000);
  EXPECT_FALSE(EpochSecondsToNs(2.17e19).has_value());
  EXPECT_FALSE(EpochSecondsToNs(std::numeric_limits<double>::infinity()).has_value());
  EXPECT_FALSE(EpochSecondsToNs(std::nan("")).has_value());
  EXPECT_EQ(EpochMillisToNs(int64_t{1688989600123}), 1688989600123000000);
  EXPECT_FALSE(EpochMillisToNs(int64_t{999999999999999999}).has_value());
  EXPECT_FALSE(EpochMillisToNs(-1e300).has_value());
}

}  // namespace
}  // namespace fastpath
