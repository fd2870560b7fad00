#include "dedupe/dedupe_journal.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace fastpath {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUuid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

class DedupeJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fastpath-journal-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    options_.path = (dir_ / "dedupe.journal").string();
    options_.fsync = FsyncPolicy::kAlways;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::unique_ptr<DedupeJournal> Open(FirstArrivalDeduper* d) {
    auto j = DedupeJournal::Open(options_, d);
    EXPECT_TRUE(j.ok()) << j.status().message();
    return j.ok() ? std::move(j).value() : nullptr;
  }
  fs::path dir_;
  DedupeJournal::Options options_;
  FirstArrivalDeduper::Options dedupe_;
};

TEST_F(DedupeJournalTest, IdsAndTheOutputMarkSurviveAReopen) {
  {
    FirstArrivalDeduper d(dedupe_);
    auto j = Open(&d);
    ASSERT_TRUE(j);
    EXPECT_TRUE(j->recovered_mark().empty());
    ASSERT_TRUE(d.Observe(LogType::kCloudTrail, kUuid, DeliveryPath::kEventBridge, 100).first);
    ASSERT_TRUE(d.Observe(LogType::kVpcFlow, "flow\t\"id\"", DeliveryPath::kS3, 200).first);
    ASSERT_TRUE(j->Add(LogType::kCloudTrail, DeliveryPath::kEventBridge, 100, kUuid).ok());
    ASSERT_TRUE(j->Add(LogType::kVpcFlow, DeliveryPath::kS3, 200, "flow\t\"id\"").ok());
    ASSERT_TRUE(j->Commit(OutputMark{{"/x/events.ndjson", 1234}, {"/x/alerts.ndjson", 56}}).ok());
    // An input that was not stored: its ids do not come back.
    ASSERT_TRUE(d.Observe(LogType::kCloudTrail, "lost", DeliveryPath::kS3, 300).first);
    ASSERT_TRUE(j->Add(LogType::kCloudTrail, DeliveryPath::kS3, 300, "lost").ok());
    ASSERT_TRUE(j->Abort().ok());
    // One being consumed when the process died: neither.
    ASSERT_TRUE(d.Observe(LogType::kCloudTrail, "unacked", DeliveryPath::kS3, 400).first);
    ASSERT_TRUE(j->Add(LogType::kCloudTrail, DeliveryPath::kS3, 400, "unacked").ok());
  }
  FirstArrivalDeduper d(dedupe_);
  auto j = Open(&d);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->recovered_ids(), 2u);
  ASSERT_EQ(j->recovered_mark().size(), 2u);
  EXPECT_EQ(j->recovered_mark()[0].file, "/x/events.ndjson");
  EXPECT_EQ(j->recovered_mark()[0].offset, 1234);
  EXPECT_EQ(j->recovered_mark()[1].file, "/x/alerts.ndjson");
  EXPECT_EQ(j->recovered_mark()[1].offset, 56);
  EXPECT_EQ(j->dropped_bytes(), 0u);
  // The same event by another path is a later arrival, behind the one before the restart.
  auto a = d.Observe(LogType::kCloudTrail, kUuid, DeliveryPath::kS3, 700);
  EXPECT_FALSE(a.first);
  EXPECT_EQ(a.first_path, DeliveryPath::kEventBridge);
  EXPECT_EQ(a.lag, 600);
  EXPECT_FALSE(d.Observe(LogType::kVpcFlow, "flow\t\"id\"", DeliveryPath::kS3, 300).first);
  EXPECT_TRUE(d.Observe(LogType::kVpcFlow, "another", DeliveryPath::kS3, 300).first);
  EXPECT_TRUE(d.Observe(LogType::kCloudTrail, "lost", DeliveryPath::kS3, 800).first);
  EXPECT_TRUE(d.Observe(LogType::kCloudTrail, "unacked", DeliveryPath::kS3, 800).first);
}

TEST_F(DedupeJournalTest, ATornOrDamagedTailEndsTheJournal) {
  {
    FirstArrivalDeduper d(dedupe_);
    auto j = Open(&d);
    ASSERT_TRUE(j->Add(LogType::kCloudTrail, DeliveryPath::kS3, 1, "a").ok() &&
                j->Commit(OutputMark{{"f", 10}}).ok());
    ASSERT_TRUE(j->Add(LogType::kCloudTrail, DeliveryPath::kS3, 2, "b").ok() &&
                j->Commit(OutputMark{{"f", 20}}).ok());
  }
  {
    // A record whose checksum does not match, then one cut short by a crash.
    std::ofstream f(options_.path, std::ios::app);
    f << "0000000000000000 {\"mark\":[[\"f\",30]]}\n";
    f << "{\"ids\":[[\"cloudtrail\",\"s3\",3,\"c\"";
  }
  FirstArrivalDeduper d(dedupe_);
  auto j = Open(&d);
  EXPECT_EQ(j->recovered_ids(), 2u);
  EXPECT_EQ(j->recovered_mark().at(0).offset, 20);
  EXPECT_GT(j->dropped_bytes(), 60u);
  EXPECT_FALSE(d.Observe(LogType::kCloudTrail, "b", DeliveryPath::kS3, 5).first);
  EXPECT_TRUE(d.Observe(LogType::kCloudTrail, "c", DeliveryPath::kS3, 5).first);
  // Rewritten at open: the damaged tail is gone, what follows is read.
  ASSERT_TRUE(j->Add(LogType::kCloudTrail, DeliveryPath::kS3, 5, "c").ok() &&
              j->Commit(OutputMark{{"f", 40}}).ok());
  j.reset();
  FirstArrivalDeduper again(dedupe_);
  auto k = Open(&again);
  EXPECT_EQ(k->recovered_ids(), 3u);
  EXPECT_EQ(k->recovered_mark().at(0).offset, 40);
  EXPECT_EQ(k->dropped_bytes(), 0u);
}

TEST_F(DedupeJournalTest, CompactionKeepsOnlyLiveIds) {
  dedupe_.window = 100;  // ids older than 100 ns of stream time are forgotten
  options_.compact_bytes = 2000;
  FirstArrivalDeduper d(dedupe_);
  auto j = Open(&d);
  for (int i = 0; i < 200; ++i) {
    const std::string id = "id-" + std::to_string(i);
    ASSERT_TRUE(d.Observe(LogType::kGuardDuty, id, DeliveryPath::kEventBridge, i * 10).first);
    ASSERT_TRUE(j->Add(LogType::kGuardDuty, DeliveryPath::kEventBridge, i * 10, id).ok() &&
                j->Commit(OutputMark{{"f", i}}).ok());
  }
  EXPECT_LT(j->bytes(), 4000u);  // compacted as it grew: only the window's ids are kept
  j.reset();
  FirstArrivalDeduper again(dedupe_);
  auto k = Open(&again);
  EXPECT_EQ(k->recovered_mark().at(0).offset, 199);
  EXPECT_FALSE(again.Observe(LogType::kGuardDuty, "id-199", DeliveryPath::kS3, 2000).first);
  EXPECT_TRUE(again.Observe(LogType::kGuardDuty, "id-3", DeliveryPath::kS3, 2000).first);
}

TEST(FirstArrivalDeduper, ForEachAndForgetNewest) {
  FirstArrivalDeduper d(FirstArrivalDeduper::Options{});
  d.Observe(LogType::kCloudTrail, kUuid, DeliveryPath::kS3, 1);
  d.Observe(LogType::kCloudTrail, "not-a-uuid", DeliveryPath::kEventBridge, 2);
  d.Observe(LogType::kVpcFlow, "x", DeliveryPath::kCloudWatchLogs, 3);
  std::vector<std::string> seen;
  d.ForEach([&](LogType t, std::string_view id, DeliveryPath p, TimeNs r) {
    seen.push_back(std::string(LogTypeName(t)) + "|" + std::string(id) + "|" +
                   std::string(DeliveryPathName(p)) + "|" + std::to_string(r));
  });
  ASSERT_EQ(seen.size(), 3u);
  const std::string ct(LogTypeName(LogType::kCloudTrail));
  EXPECT_EQ(seen[0], ct + "|" + kUuid + "|s3|1");
  EXPECT_EQ(seen[1], ct + "|not-a-uuid|eventbridge|2");
  d.ForgetNewest(2);
  EXPECT_EQ(d.entries(), 1u);
  EXPECT_TRUE(d.Observe(LogType::kVpcFlow, "x", DeliveryPath::kS3, 4).first);
  EXPECT_FALSE(d.Observe(LogType::kCloudTrail, kUuid, DeliveryPath::kS3, 5).first);
}

}  // namespace
}  // namespace fastpath
