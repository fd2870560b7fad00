#include "dedupe/first_arrival_deduper.h"

#include <gtest/gtest.h>

#include "dedupe/delivery_latency.h"

namespace fastpath {
namespace {

constexpr TimeNs kMin = 60 * kNsPerSec;

TEST(FirstArrivalDeduper, FirstWinsLaterArrivalsCarryTheirLag) {
  FirstArrivalDeduper d({});
  EXPECT_TRUE(d.Observe(LogType::kCloudTrail, "e1", DeliveryPath::kEventBridge, 100 * kMin).first);
  auto cwl = d.Observe(LogType::kCloudTrail, "e1", DeliveryPath::kCloudWatchLogs, 103 * kMin);
  EXPECT_FALSE(cwl.first);
  EXPECT_EQ(cwl.first_path, DeliveryPath::kEventBridge);
  EXPECT_EQ(cwl.later_path, DeliveryPath::kCloudWatchLogs);
  EXPECT_EQ(cwl.lag, 3 * kMin);
  auto s3 = d.Observe(LogType::kCloudTrail, "e1", DeliveryPath::kS3, 108 * kMin);
  EXPECT_EQ(s3.lag, 8 * kMin);
  // The same id under another log type is another event.
  EXPECT_TRUE(d.Observe(LogType::kEventBridge, "e1", DeliveryPath::kEventBridge, 108 * kMin).first);
}

TEST(FirstArrivalDeduper, ReceivedEarlierButProcessedLater) {
  FirstArrivalDeduper d({});
  d.Observe(LogType::kCloudTrail, "e", DeliveryPath::kS3, 110 * kMin);
  auto a = d.Observe(LogType::kCloudTrail, "e", DeliveryPath::kEventBridge, 100 * kMin);
  EXPECT_FALSE(a.first);
  EXPECT_TRUE(a.out_of_order);
  EXPECT_EQ(a.first_path, DeliveryPath::kEventBridge);
  EXPECT_EQ(a.later_path, DeliveryPath::kS3);
  EXPECT_EQ(a.lag, 10 * kMin);
}

TEST(FirstArrivalDeduper, WindowEvictsOldIds) {
  FirstArrivalDeduper::Options o;
  o.window = 60 * kMin;
  FirstArrivalDeduper d(o);
  d.Observe(LogType::kCloudTrail, "old", DeliveryPath::kS3, 0);
  d.Observe(LogType::kCloudTrail, "new", DeliveryPath::kS3, 61 * kMin);
  EXPECT_EQ(d.evicted_by_window(), 1u);
  EXPECT_EQ(d.entries(), 1u);
  // Past the window, an id counts as new again: that is what the window means.
  EXPECT_TRUE(d.Observe(LogType::kCloudTrail, "old", DeliveryPath::kS3, 62 * kMin).first);
  EXPECT_FALSE(d.Observe(LogType::kCloudTrail, "new", DeliveryPath::kS3, 62 * kMin).first);
}

TEST(FirstArrivalDeduper, MemoryCapEvictsOldestFirstAndCounts) {
  FirstArrivalDeduper::Options o;
  o.max_memory_bytes = 64 * 1024;
  FirstArrivalDeduper d(o);
  for (int i = 0; i < 10000; ++i) {
    d.Observe(LogType::kCloudTrail, "id-" + std::to_string(i) + "-0123456789abcdef",
              DeliveryPath::kS3, i);
  }
  EXPECT_LE(d.memory_bytes(), o.max_memory_bytes);
  EXPECT_GT(d.evicted_by_memory(), 0u);
  EXPECT_EQ(d.entries() + d.evicted_by_memory(), 10000u);
  EXPECT_FALSE(
      d.Observe(LogType::kCloudTrail, "id-9999-0123456789abcdef", DeliveryPath::kS3, 10000).first);
}

TEST(LatencyHistogram, QuantilesWithinThreePercent) {
  LatencyHistogram h;
  for (int i = 1; i <= 100000; ++i) h.Record(i);
  EXPECT_EQ(h.count(), 100000u);
  EXPECT_EQ(h.max(), 100000);
  EXPECT_NEAR(static_cast<double>(h.Quantile(0.5)), 50000, 50000 * 0.035);
  EXPECT_NEAR(static_cast<double>(h.Quantile(0.99)), 99000, 99000 * 0.035);
  LatencyHistogram small;
  for (int v : {3, 5, 7}) small.Record(v);
  EXPECT_EQ(small.Quantile(0.5), 5);
  EXPECT_EQ(small.Quantile(1.0), 7);
}

TEST(DeliveryLatency, DelayPerPathAndNegativeCounted) {
  DeliveryLatency l;
  Event e;
  e.log_type = LogType::kCloudTrail;
  e.account = "1";
  e.region = "r";
  e.time = 0;
  e.path = DeliveryPath::kS3;
  e.received = 5 * kMin;
  l.RecordDelay(e);
  e.path = DeliveryPath::kEventBridge;
  e.received = -kNsPerSec;
  l.RecordDelay(e);
  EXPECT_EQ(l.delays().size(), 2u);
  EXPECT_EQ(l.negative_delays(), 1u);
  EXPECT_EQ(l.delays().at({LogType::kCloudTrail, "1", "r", DeliveryPath::kS3}).max(), 300000);
  EXPECT_NE(l.FormatTables().find("5m00s"), std::string::npos);
}

}  // namespace
}  // namespace fastpath

namespace fastpath {
namespace {

TEST(FirstArrivalDeduper, UuidIdsArePackedExactly) {
  FirstArrivalDeduper d({});
  const std::string lower = "6c1b8f2e-0000-4000-8000-00000000000a";
  const std::string upper = "6C1B8F2E-0000-4000-8000-00000000000A";
  EXPECT_TRUE(d.Observe(LogType::kCloudTrail, lower, DeliveryPath::kS3, 1).first);
  // A different string is a different id, even if it names the same UUID in another case.
  EXPECT_TRUE(d.Observe(LogType::kCloudTrail, upper, DeliveryPath::kS3, 1).first);
  EXPECT_FALSE(d.Observe(LogType::kCloudTrail, lower, DeliveryPath::kEventBridge, 2).first);
  EXPECT_TRUE(
      d.Observe(LogType::kCloudTrail, "6c1b8f2e-0000-4000-8000-00000000000b", DeliveryPath::kS3, 1)
          .first);
  EXPECT_EQ(d.entries(), 3u);
  FirstArrivalDeduper::Options o;
  o.max_memory_bytes = 16 * 1024;
  FirstArrivalDeduper capped(o);
  char id[40];
  for (int i = 0; i < 5000; ++i) {
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
    capped.Observe(LogType::kCloudTrail, id, DeliveryPath::kS3, i);
  }
  EXPECT_LE(capped.memory_bytes(), o.max_memory_bytes);
  EXPECT_EQ(capped.entries() + capped.evicted_by_memory(), 5000u);
}

}  // namespace
}  // namespace fastpath
