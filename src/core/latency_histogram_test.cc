#include "core/latency_histogram.h"

#include <gtest/gtest.h>

namespace fastpath {
namespace {

TEST(LatencyHistogram, CumulativeCountsAndSumForPrometheusBuckets) {
  LatencyHistogram h;
  for (int64_t ms : {0, 5, 63, 900, 1000, 1500, 4000, 300000, 600000}) h.Record(ms);
  h.Record(-3);  // clock skew: recorded as 0
  EXPECT_EQ(h.count(), 10u);
  EXPECT_EQ(h.sum(), 0 + 5 + 63 + 900 + 1000 + 1500 + 4000 + 300000 + 600000);
  EXPECT_EQ(h.CountAtMost(0), 2u);
  EXPECT_EQ(h.CountAtMost(63), 4u);  // exact below 64 ms
  // Above, a value counts once its whole bucket is at or below the bound (about 3% wide).
  EXPECT_EQ(h.CountAtMost(1000), 5u);  // 1000 ms sits in a bucket that ends above 1000
  EXPECT_EQ(h.CountAtMost(2000), 7u);
  EXPECT_EQ(h.CountAtMost(310000), 9u);
  EXPECT_EQ(h.CountAtMost(int64_t{1} << 40), 10u);
  uint64_t last = 0;
  for (int64_t le = 0; le < 700000; le += 997) {
    EXPECT_GE(h.CountAtMost(le), last);
    last = h.CountAtMost(le);
  }
  LatencyHistogram other;
  other.Record(2000);
  h.Merge(other);
  EXPECT_EQ(h.sum(), 907468 + 2000);
}

}  // namespace
}  // namespace fastpath
