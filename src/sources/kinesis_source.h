// KinesisSource: the fast path. A polling consumer of one Kinesis data stream that shares the
// stream's shards with every other fastpath process of the same application through a lease
// table in the KCL's format (DynamoDB), or keeps its leases and checkpoints in SQLite when it is
// the only consumer.
//
//   Coordinator (one thread): renews held leases every failover/3; every failover/2 lists the
//   leases, notes whose counters moved (expiry is judged by this observer's own clock, never by
//   timestamps), takes expired or unowned leases up to its fair share ceil(shards / workers),
//   else steals one from the most loaded worker; every shard_sync syncs leases with ListShards
//   (children of a resharded shard start at TRIM_HORIZON).
//   Shard readers (one thread per held shard): wait until the shard's parents reached SHARD_END,
//   then GetRecords from the checkpoint within the service limits (at most five calls a second,
//   back-off on ProvisionedThroughputExceeded, a fresh iterator when one expires), de-aggregate
//   KPL records (dropping sub-records outside the shard's hash range) and hand each batch to the
//   pipeline as one input. A batch's checkpoint is written only after its events were handled
//   (at-least-once; de-duplication makes alerts exactly-once). At the end of a closed shard the
//   reader checkpoints SHARD_END with the children's ids.
//   A lease lost (renew or checkpoint refused) stops its reader at once; a graceful stop finishes
//   what is in flight, checkpoints and releases the leases so other workers take them at once.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "aws/dynamodb.h"
#include "aws/kinesis.h"
#include "core/input.h"
#include "core/latency_histogram.h"
#include "sources/kinesis_leases.h"
#include "sources/source.h"

namespace fastpath {

struct KinesisSourceOptions {
  std::string name;  // for logs and metrics
  std::string stream;
  std::string worker_id;                          // empty: host:pid:random
  std::string initial_position = "TRIM_HORIZON";  // TRIM_HORIZON | LATEST | AT_TIMESTAMP
  TimeNs initial_timestamp = 0;
  int failover_ms = 10000;    // a lease not renewed for this long is expired
  int poll_ms = 250;          // GetRecords interval per shard when idle (>= 200: 5 calls/s)
  int max_records = 10000;    // per GetRecords
  int shard_sync_ms = 10000;  // ListShards interval
  int max_leases_to_steal = 1;
  // 0: the checkpoint is written as soon as a batch's events are out, in step with the dedupe
  // state (a process taking the shard over does not read again what this one emitted, but for
  // a batch whose checkpoint a crash interrupted); more: at most once per this interval.
  int checkpoint_ms = 0;
  std::string region;  // for the stream ARN in envelopes
};

struct KinesisSourceStats {
  std::atomic<uint64_t> get_records{0};
  std::atomic<uint64_t> records{0};
  std::atomic<uint64_t> user_records{0};
  std::atomic<uint64_t> out_of_range{0};
  std::atomic<uint64_t> bad_aggregates{0};
  std::atomic<uint64_t> throttled{0};
  std::atomic<uint64_t> expired_iterators{0};
  std::atomic<uint64_t> leases_taken{0};
  std::atomic<uint64_t> leases_stolen{0};
  std::atomic<uint64_t> leases_lost{0};
  std::atomic<uint64_t> checkpoints{0};
  std::atomic<uint64_t> shards_ended{0};
  std::atomic<uint64_t> api_errors{0};
};

// The `kinesis` source type's settings (SourceDescriptor::read).
struct KinesisSourceSettings final : SourceSettings {
  KinesisSourceOptions options;
  std::string application;               // the lease table (DynamoDB) name
  std::string lease_store = "dynamodb";  // dynamodb | sqlite
  std::string lease_file;                // sqlite
};

class KinesisSource final : public Source {
 public:
  // What a source built from the configuration owns (the clients and lease store it reads with).
  struct Owned {
    std::unique_ptr<aws::KinesisClient> kinesis;
    std::unique_ptr<aws::DynamoDbClient> dynamodb;
    std::unique_ptr<LeaseStore> leases;
  };
  // `warn` gets problems; `info` (optional) lease movements and shard ends.
  KinesisSource(const aws::KinesisClient* kinesis, LeaseStore* leases, KinesisSourceOptions options,
                InputQueue* pipeline, std::function<void(const std::string&)> warn,
                std::function<void(const std::string&)> info = nullptr);
  ~KinesisSource() override;
  // Keeps what the source reads with alive as long as the source.
  void Own(std::unique_ptr<Owned> owned) { owned_ = std::move(owned); }

  // Runs the coordinator on a thread of its own until Stop, which stops gracefully (see above).
  Status Start() override;
  void RequestStop() override { stop_ = true; }
  // Where undecodable records are told (a problem of the record, not of the source); default:
  // the source's log.
  void set_input_problem_log(std::function<void(const std::string&)> f) {
    input_problem_ = std::move(f);
  }
  void Stop() override;
  void WriteMetrics(MetricsWriter* w) const override;
  std::vector<std::pair<std::string, std::string>> Describe() const override;
  const std::string& worker_id() const { return options_.worker_id; }
  const KinesisSourceStats& stats() const { return stats_; }
  std::vector<std::string> HeldShards() const;
  // Time from a GetRecords response to the moment every event of that batch was handled
  // (decoded, matched, deduped, written): what the pipeline adds to the poll interval. In
  // microseconds.
  LatencyHistogram BatchLatencyMicros() const;

 private:
  struct Reader;
  void Run(const std::atomic<bool>& stop);
  void SyncShards();
  void RenewAll();
  void TakeLeases();
  void StartReader(const Lease& lease);
  void ReadShard(const std::shared_ptr<Reader>& r);
  bool ParentsDone(const Lease& lease);
  void WriteCheckpoint(Reader* r, bool force);
  void StopReaders(bool release);

  const aws::KinesisClient* kinesis_;
  LeaseStore* leases_;
  KinesisSourceOptions options_;
  InputQueue* pipeline_;
  std::function<void(const std::string&)> log_;
  std::function<void(const std::string&)> input_problem_;
  std::function<void(const std::string&)> info_;
  KinesisSourceStats stats_;
  mutable std::mutex latency_mu_;
  LatencyHistogram batch_latency_us_;  // guarded by latency_mu_

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Reader>> readers_;  // by shard; guarded by mu_
  std::map<std::string, Lease> snapshot_;                   // last listed leases; guarded by mu_
  // Observer clock: when each lease's counter last changed, as this worker saw it.
  std::map<std::string, std::pair<int64_t, int64_t>> seen_;  // key -> (counter, steady ns)
  std::map<std::string, aws::KinesisShard> shards_;          // from the last ListShards
  std::unique_ptr<Owned> owned_;
  std::atomic<bool> stop_{false};
  std::thread coordinator_;
};

}  // namespace fastpath
