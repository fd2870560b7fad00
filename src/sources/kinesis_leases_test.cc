#include "sources/kinesis_leases.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace fastpath {
namespace {

TEST(Leases, ItemsUseTheKclAttributeNames) {
  Lease l;
  l.key = "shardId-000000000001";
  l.owner = "w1";
  l.counter = 7;
  l.checkpoint = "49590338271490256608559692538361571095921575989136588898";
  l.checkpoint_sub = 2;
  l.parents = {"shardId-000000000000"};
  l.starting_hash_key = "0";
  l.ending_hash_key = "170141183460469231731687303715884105727";
  const aws::Item item = LeaseToItem(l);
  for (const char* name :
       {"leaseKey", "leaseOwner", "leaseCounter", "checkpoint", "checkpointSubSequenceNumber",
        "ownerSwitchesSinceCheckpoint", "parentShardId", "startingHashKey", "endingHashKey"}) {
    EXPECT_EQ(item.count(name), 1u) << name;
  }
  EXPECT_EQ(item.at("leaseCounter").type, aws::AttributeValue::Type::kN);
  EXPECT_EQ(item.at("parentShardId").type, aws::AttributeValue::Type::kSS);
  auto parsed = aws::ParseItem(aws::ItemJson(item));
  ASSERT_TRUE(parsed.ok());
  const Lease back = LeaseFromItem(parsed.value());
  EXPECT_EQ(back.key, l.key);
  EXPECT_EQ(back.owner, l.owner);
  EXPECT_EQ(back.counter, 7);
  EXPECT_EQ(back.checkpoint, l.checkpoint);
  EXPECT_EQ(back.checkpoint_sub, 2);
  EXPECT_EQ(back.parents, l.parents);
  EXPECT_EQ(back.ending_hash_key, l.ending_hash_key);
}

class SqliteLeases : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("fastpath_leases_" + std::to_string(::getpid()) + ".sqlite");
    std::filesystem::remove(path_);
    store_ = std::make_unique<SqliteLeaseStore>(path_.string());
    ASSERT_TRUE(store_->Init().ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove(path_);
    std::filesystem::remove(path_.string() + "-wal");
    std::filesystem::remove(path_.string() + "-shm");
  }
  std::filesystem::path path_;
  std::unique_ptr<SqliteLeaseStore> store_;
};

TEST_F(SqliteLeases, CounterFencesEveryWrite) {
  Lease l;
  l.key = "shardId-000000000000";
  l.checkpoint = "TRIM_HORIZON";
  ASSERT_TRUE(store_->Create(l).value());
  EXPECT_FALSE(store_->Create(l).value());  // exists

  Lease mine = store_->List().value()[0];
  ASSERT_TRUE(store_->Take(&mine, "w1").value());
  EXPECT_EQ(mine.counter, 1);
  EXPECT_EQ(mine.owner_switches, 1);
  ASSERT_TRUE(store_->Renew(&mine).value());
  EXPECT_EQ(mine.counter, 2);

  // Another worker steals with the counter it saw; the old owner's next write is refused.
  Lease theirs = store_->List().value()[0];
  ASSERT_TRUE(store_->Take(&theirs, "w2").value());
  EXPECT_FALSE(store_->Renew(&mine).value());
  EXPECT_FALSE(store_->Checkpoint(&mine, "123", 0, {}).value());
  // Before it emits a batch the old owner asks, and learns the lease is gone.
  EXPECT_FALSE(store_->Held(mine.key, "w1").value());
  EXPECT_TRUE(store_->Held(mine.key, "w2").value());
  EXPECT_FALSE(store_->Held("shardId-000000000999", "w2").value());
  // A stale take (old counter) is refused too.
  Lease stale = mine;
  EXPECT_FALSE(store_->Take(&stale, "w3").value());

  ASSERT_TRUE(store_->Checkpoint(&theirs, "456", 3, {}).value());
  ASSERT_TRUE(store_->Checkpoint(&theirs, "SHARD_END", 0, {"shardId-000000000004"}).value());
  const Lease now = store_->List().value()[0];
  EXPECT_EQ(now.owner, "w2");
  EXPECT_EQ(now.checkpoint, "SHARD_END");
  EXPECT_EQ(now.owner_switches, 0);
  EXPECT_EQ(now.children, std::vector<std::string>{"shardId-000000000004"});
  ASSERT_TRUE(store_->Release(&theirs).value());
  EXPECT_EQ(store_->List().value()[0].owner, "");
}

}  // namespace
}  // namespace fastpath
