#include "dedupe/source_liveness.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace fastpath {
namespace {

constexpr TimeNs kMin = 60 * kNsPerSec;

Event At(DeliveryPath path, TimeNs received, TimeNs delay, std::string account = "111122223333") {
  Event e;
  e.log_type = LogType::kCloudTrail;
  e.path = path;
  e.account = std::move(account);
  e.region = "us-east-1";
  e.received = received;
  e.time = received - delay;
  return e;
}

TEST(SourceLiveness, S3PathIsSilentAfterItsFloor) {
  SourceLiveness l;
  const TimeNs t0 = 1000 * kMin;
  // An object every five minutes, each five minutes late.
  for (int i = 0; i < 12; ++i) l.Observe(At(DeliveryPath::kS3, t0 + i * 5 * kMin, 5 * kMin));
  const TimeNs last = t0 + 55 * kMin;
  EXPECT_TRUE(l.Silent(last + 15 * kMin).empty());  // 3 x 5 min = 15 min: not yet
  auto s = l.Silent(last + 16 * kMin);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].key.path, "s3");
  EXPECT_EQ(s[0].key.log_type, "aws.cloudtrail");
  EXPECT_EQ(s[0].threshold, 15 * kMin);
  EXPECT_EQ(s[0].silent_for, 16 * kMin);
  // The dashboard's view says the same.
  const std::string status = l.StatusJson(last + 16 * kMin);
  EXPECT_NE(status.find("\"path\":\"s3\""), std::string::npos) << status;
  EXPECT_NE(status.find("\"quiet_seconds\":960.000,\"threshold_seconds\":900.000,\"silent\":true"),
            std::string::npos)
      << status;
  EXPECT_NE(l.StatusJson(last).find("\"silent\":false"), std::string::npos);
}

TEST(SourceLiveness, ThresholdIsThreeTimesTheObservedP99AboveTheFloor) {
  SourceLiveness l;
  const TimeNs t0 = 1000 * kMin;
  // Deliveries every 20 minutes: the gap's p99 is 20 min, the threshold one hour.
  for (int i = 0; i < 10; ++i)
    l.Observe(At(DeliveryPath::kCloudWatchLogs, t0 + i * 20 * kMin, kMin));
  const TimeNs last = t0 + 180 * kMin;
  EXPECT_TRUE(l.Silent(last + 59 * kMin).empty());
  ASSERT_EQ(l.Silent(last + 61 * kMin).size(), 1u);
  EXPECT_EQ(l.Silent(last + 61 * kMin)[0].threshold, 60 * kMin);
}

TEST(SourceLiveness, EachSilenceIsReportedOnceUntilThePathDeliversAgain) {
  SourceLiveness l;
  l.Observe(At(DeliveryPath::kEventBridge, 100 * kMin, 2 * kNsPerSec));
  EXPECT_TRUE(l.NewSilences(105 * kMin).empty());
  EXPECT_EQ(l.NewSilences(111 * kMin).size(), 1u);  // floor 10 minutes
  EXPECT_TRUE(l.NewSilences(120 * kMin).empty());
  l.Observe(At(DeliveryPath::kEventBridge, 121 * kMin, 2 * kNsPerSec));
  EXPECT_TRUE(l.NewSilences(122 * kMin).empty());
  // The 21-minute gap now counts: 3 x 21 = 63 minutes.
  EXPECT_TRUE(l.NewSilences(121 * kMin + 62 * kMin).empty());
  EXPECT_EQ(l.NewSilences(121 * kMin + 64 * kMin).size(), 1u);
}

TEST(SourceLiveness, FilesAreNotALivePathAndPathsAreSeparate) {
  SourceLiveness l;
  l.Observe(At(DeliveryPath::kFile, 100 * kMin, kMin));
  EXPECT_EQ(l.size(), 0u);
  l.Observe(At(DeliveryPath::kS3, 100 * kMin, kMin));
  l.Observe(At(DeliveryPath::kEventBridge, 100 * kMin, kMin));
  l.Observe(At(DeliveryPath::kEventBridge, 100 * kMin, kMin, "444455556666"));
  EXPECT_EQ(l.size(), 3u);
  // A copy received before the last delivery does not move the clock back.
  l.Observe(At(DeliveryPath::kS3, 90 * kMin, kMin));
  EXPECT_EQ(l.Silent(114 * kMin).size(), 2u);  // the EventBridge paths (10 min), not S3 (15)
}

TEST(SourceLiveness, MetricsNameEveryPath) {
  SourceLiveness l;
  l.Observe(At(DeliveryPath::kS3, 100 * kMin, kMin));
  MetricsWriter w;
  l.WriteMetrics(&w, 130 * kMin);
  const std::string text = w.Text();
  EXPECT_NE(text.find("fastpath_source_last_event_age_seconds{log_type=\"aws.cloudtrail\","
                      "account=\"111122223333\",region=\"us-east-1\",path=\"s3\"} 1800"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("fastpath_source_silent{log_type=\"aws.cloudtrail\",account=\"111122223333\","
                      "region=\"us-east-1\",path=\"s3\"} 1"),
            std::string::npos)
      << text;
}

TEST(SourceLiveness, SavedStateComesBackAndBadStateIsNamed) {
  SourceLiveness a;
  for (int i = 0; i < 5; ++i) a.Observe(At(DeliveryPath::kS3, (100 + 30 * i) * kMin, 5 * kMin));
  const std::string path =
      (std::filesystem::temp_directory_path() / "fastpath-liveness-test.json").string();
  ASSERT_TRUE(a.Save(path).ok());
  SourceLiveness b;
  ASSERT_TRUE(b.Load(path).ok());
  std::filesystem::remove(path);
  ASSERT_EQ(b.size(), 1u);
  // The 30-minute gaps came back with it: 90 minutes, not the 15-minute floor.
  EXPECT_TRUE(b.Silent(220 * kMin + 89 * kMin).empty());
  EXPECT_EQ(b.Silent(220 * kMin + 91 * kMin).size(), 1u);

  SourceLiveness c;
  EXPECT_TRUE(c.Load("/nonexistent/liveness.json").ok());
  Status st = c.FromJson("{\"paths\":[{\"log_type\":\"aws.cloudtrail\"}]}");
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("paths[0]"), std::string::npos) << st.message();
  EXPECT_FALSE(c.FromJson("not json").ok());
}

}  // namespace
}  // namespace fastpath
