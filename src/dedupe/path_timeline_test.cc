#include "dedupe/path_timeline.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace fastpath {
namespace {

Event At(DeliveryPath path, TimeNs time, TimeNs received) {
  Event e;
  e.log_type = LogType::kCloudTrail;
  e.path = path;
  e.account = "111122223333";
  e.region = "us-east-1";
  e.time = time;
  e.received = received;
  return e;
}

TEST(PathTimeline, BinsCoverEveryValueAndGrowAboutAQuarter) {
  int64_t prev_upper = -1;
  for (int b = 0; b < 160; ++b) {
    EXPECT_EQ(PathTimeline::BinOf(prev_upper + 1), b) << b;
    EXPECT_EQ(PathTimeline::BinOf(PathTimeline::BinUpper(b)), b) << b;
    prev_upper = PathTimeline::BinUpper(b);
  }
  EXPECT_EQ(PathTimeline::BinOf(-5), 0);
  const int64_t v = 300000;  // five minutes
  EXPECT_GE(PathTimeline::BinUpper(PathTimeline::BinOf(v)), v);
  EXPECT_LE(PathTimeline::BinUpper(PathTimeline::BinOf(v)), v * 5 / 4);
}

TEST(PathTimeline, QuantilesPerMinuteAndLagOfCopies) {
  PathTimeline t;
  const TimeNs t0 = 1700000000LL * kNsPerSec;
  // Minute 0: EventBridge brings 10 events 2 s late; S3 brings copies of them 5 min later.
  for (int i = 0; i < 10; ++i)
    t.Observe(At(DeliveryPath::kEventBridge, t0, t0 + 2 * kNsPerSec), false, 0);
  for (int i = 0; i < 10; ++i) {
    t.Observe(At(DeliveryPath::kS3, t0, t0 + 300 * kNsPerSec), true, 298 * kNsPerSec);
  }
  EXPECT_EQ(t.size(), 2u);
  simdjson::dom::parser p;
  const std::string json = t.ToJson();
  simdjson::dom::element doc = p.parse(json);
  simdjson::dom::array keys = doc["keys"];
  ASSERT_EQ(keys.size(), 2u);
  for (simdjson::dom::element k : keys) {
    const std::string_view path = k["path"].get_string();
    simdjson::dom::array minutes = k["minutes"];
    ASSERT_EQ(minutes.size(), 1u);
    EXPECT_EQ(int64_t(k["events"]), 10);
    if (path == "eventbridge") {
      EXPECT_EQ(int64_t(minutes.at(0)), 1700000000 / 60 * 60);
      EXPECT_EQ(int64_t(k["duplicates"]), 0);
      EXPECT_DOUBLE_EQ(double(k["delay_p50_s"].at(0)), 2.0);
      EXPECT_TRUE(k["lag_p50_s"].at(0).is_null());
    } else {
      EXPECT_EQ(path, "s3");
      EXPECT_EQ(int64_t(k["duplicates"]), 10);
      EXPECT_EQ(int64_t(k["duplicates_per_minute"].at(0)), 10);
      EXPECT_DOUBLE_EQ(double(k["delay_max_s"].at(0)), 300.0);
      EXPECT_DOUBLE_EQ(double(k["lag_max_s"].at(0)), 298.0);
      EXPECT_GE(double(k["lag_p50_s"].at(0)), 298.0 * 0.8);
      EXPECT_LE(double(k["lag_p50_s"].at(0)), 298.0);
    }
  }
  // Filters keep only the matching keys.
  EXPECT_EQ(t.ToJson("aws.cloudtrail", "", "eu-west-1").find("\"path\""), std::string::npos);
}

TEST(PathTimeline, KeepsTheLastMinutesAndCapsKeys) {
  PathTimeline t(PathTimeline::Options{.max_minutes = 3, .max_keys = 1});
  const TimeNs t0 = 1700000040LL * kNsPerSec;
  for (int m = 0; m < 6; ++m) {
    const TimeNs r = t0 + m * 60 * kNsPerSec;
    t.Observe(At(DeliveryPath::kS3, r - kNsPerSec, r), false, 0);
  }
  // Out of order: minute 4 again (kept), minute 0 (too old: dropped).
  t.Observe(At(DeliveryPath::kS3, t0, t0 + 4 * 60 * kNsPerSec), false, 0);
  t.Observe(At(DeliveryPath::kS3, t0, t0), false, 0);
  Event other = At(DeliveryPath::kEventBridge, t0, t0);
  t.Observe(other, false, 0);
  Event file = At(DeliveryPath::kFile, t0, t0);
  t.Observe(file, false, 0);
  EXPECT_EQ(t.dropped_keys(), 1u);
  simdjson::dom::parser p;
  const std::string json = t.ToJson();
  simdjson::dom::element k = p.parse(json)["keys"].at(0);
  simdjson::dom::array minutes = k["minutes"];
  ASSERT_EQ(minutes.size(), 3u);
  EXPECT_EQ(int64_t(k["events_per_minute"].at(1)), 2);
}

}  // namespace
}  // namespace fastpath
