// Shard leases in the KCL's own format, so operators read them with the tools they know.
//
// One item per shard, hash key `leaseKey` (the shard id), with `leaseOwner`, `leaseCounter`,
// `checkpoint` (a sequence number or TRIM_HORIZON / LATEST / AT_TIMESTAMP / SHARD_END),
// `checkpointSubSequenceNumber`, `ownerSwitchesSinceCheckpoint`, `parentShardId` and
// `childShardIds` (string sets), `startingHashKey` and `endingHashKey`. Every change is a
// conditional write on `leaseCounter` (the fencing token) and increments it, as the KCL does:
// renew and checkpoint also require `leaseOwner` to be the caller.
//
// Two stores: DynamoDB (several processes share a stream) and SQLite (one process, no AWS
// resources besides the stream).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "aws/dynamodb.h"
#include "core/status.h"
#include "storage/sqlite_db.h"

namespace fastpath {

struct Lease {
  std::string key;  // shard id
  std::string owner;
  int64_t counter = 0;
  std::string checkpoint;
  int64_t checkpoint_sub = 0;
  int64_t owner_switches = 0;
  std::vector<std::string> parents;
  std::vector<std::string> children;
  std::string starting_hash_key, ending_hash_key;
};

class LeaseStore {
 public:
  virtual ~LeaseStore() = default;
  virtual Status Init() = 0;
  virtual Result<std::vector<Lease>> List() = 0;
  // false: a lease for that shard exists already.
  virtual Result<bool> Create(const Lease& lease) = 0;
  // Each returns false when the condition failed (someone else changed the lease); on success the
  // lease's fields, counter included, are what the store now holds.
  virtual Result<bool> Renew(Lease* lease) = 0;
  virtual Result<bool> Take(Lease* lease, const std::string& owner) = 0;
  virtual Result<bool> Checkpoint(Lease* lease, const std::string& checkpoint, int64_t sub,
                                  const std::vector<std::string>& children) = 0;
  virtual Result<bool> Release(Lease* lease) = 0;
  // Whether `owner` still holds the lease of `key` as the store says now (a strongly consistent
  // read): a reader asks before it hands a batch on, so a lease taken by another process is not
  // read twice.
  virtual Result<bool> Held(const std::string& key, const std::string& owner) = 0;
  virtual std::string Describe() const = 0;
};

class DynamoDbLeaseStore final : public LeaseStore {
 public:
  DynamoDbLeaseStore(const aws::DynamoDbClient* db, std::string table)
      : db_(db), table_(std::move(table)) {}
  Status Init() override;
  Result<std::vector<Lease>> List() override;
  Result<bool> Create(const Lease& lease) override;
  Result<bool> Renew(Lease* lease) override;
  Result<bool> Take(Lease* lease, const std::string& owner) override;
  Result<bool> Checkpoint(Lease* lease, const std::string& checkpoint, int64_t sub,
                          const std::vector<std::string>& children) override;
  Result<bool> Release(Lease* lease) override;
  Result<bool> Held(const std::string& key, const std::string& owner) override;
  std::string Describe() const override { return "DynamoDB table " + table_; }

 private:
  // A failed condition after a retried request may be our own earlier success: re-read.
  Result<bool> Confirm(Lease* lease, int64_t expected_counter, const std::string& owner);
  const aws::DynamoDbClient* db_;
  const std::string table_;
};

class SqliteLeaseStore final : public LeaseStore {
 public:
  explicit SqliteLeaseStore(std::string path);
  ~SqliteLeaseStore() override;
  Status Init() override;
  Result<std::vector<Lease>> List() override;
  Result<bool> Create(const Lease& lease) override;
  Result<bool> Renew(Lease* lease) override;
  Result<bool> Take(Lease* lease, const std::string& owner) override;
  Result<bool> Checkpoint(Lease* lease, const std::string& checkpoint, int64_t sub,
                          const std::vector<std::string>& children) override;
  Result<bool> Release(Lease* lease) override;
  Result<bool> Held(const std::string& key, const std::string& owner) override;
  std::string Describe() const override { return "SQLite file " + db_.path(); }

 private:
  Result<bool> Exec(const std::string& sql, const std::vector<std::string>& args);
  std::mutex mu_;
  SqliteDb db_;  // guarded by mu_
};

// Lease <-> DynamoDB item, in the KCL's attribute names.
aws::Item LeaseToItem(const Lease& lease);
Lease LeaseFromItem(const aws::Item& item);

}  // namespace fastpath
