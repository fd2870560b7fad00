#include "sources/kinesis_source.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <random>

#include "decode/byte_reader.h"
#include "decode/envelope_encoder.h"
#include "decode/kpl_aggregation.h"

namespace fastpath {
namespace {

bool IsSentinel(const std::string& checkpoint) {
  return checkpoint == "TRIM_HORIZON" || checkpoint == "LATEST" || checkpoint == "AT_TIMESTAMP" ||
         checkpoint == "SHARD_END" || checkpoint.empty();
}

std::string DefaultWorkerId() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  std::random_device rd;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", rd());
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + suffix;
}

}  // namespace

struct KinesisSource::Reader {
  std::mutex mu;  // guards lease, done_*, dirty, last_checkpoint
  Lease lease;
  HashKey start = 0;
  HashKey end = ~HashKey{0};
  std::atomic<bool> stop{false};
  std::atomic<bool> lost{false};
  std::atomic<bool> finished{false};
  std::thread thread;
  std::string done_seq;
  int64_t done_sub = 0;
  bool dirty = false;
  int64_t last_checkpoint = 0;
  int in_flight = 0;  // guarded by mu
  // A batch whose events a sink could not keep (the lake's spool): the checkpoint stays before
  // it from then on, so the next holder of the lease reads it again.
  bool unstored = false;  // guarded by mu
  std::condition_variable cv;
  std::atomic<int64_t> millis_behind{-1};  // the last GetRecords' MillisBehindLatest (-1: none)
};

KinesisSource::KinesisSource(const aws::KinesisClient* kinesis, LeaseStore* leases,
                             KinesisSourceOptions options, InputQueue* pipeline,
                             std::function<void(const std::string&)> warn,
                             std::function<void(const std::string&)> info)
    : kinesis_(kinesis),
      leases_(leases),
      options_(std::move(options)),
      pipeline_(pipeline),
      log_(std::move(warn)),
      info_(info ? std::move(info) : log_) {
  if (options_.worker_id.empty()) options_.worker_id = DefaultWorkerId();
  options_.poll_ms = std::max(options_.poll_ms, 200);
}

KinesisSource::~KinesisSource() {
  if (coordinator_.joinable()) Stop();
  StopReaders(false);
}

Status KinesisSource::Start() {
  coordinator_ = std::thread([this] { Run(stop_); });
  return Status::Ok();
}

void KinesisSource::Stop() {
  stop_ = true;
  if (coordinator_.joinable()) coordinator_.join();
}

std::vector<std::pair<std::string, std::string>> KinesisSource::Describe() const {
  return {{"stream", options_.stream},
          {"worker_id", options_.worker_id},
          {"leases", leases_->Describe()}};
}

std::vector<std::string> KinesisSource::HeldShards() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::string> out;
  for (const auto& [k, r] : readers_) {
    if (!r->finished && !r->lost) out.push_back(k);
  }
  return out;
}

void KinesisSource::Run(const std::atomic<bool>& stop) {
  for (;;) {
    Status st = leases_->Init();
    if (st.ok()) break;
    stats_.api_errors.fetch_add(1);
    log_("lease store " + leases_->Describe() + ": " + st.message() + "; retrying");
    for (int i = 0; i < 20 && !stop.load(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (stop.load()) return;
  }
  const int64_t renew_every = static_cast<int64_t>(options_.failover_ms) * 1000000 / 3;
  const int64_t take_every = static_cast<int64_t>(options_.failover_ms) * 1000000 / 2;
  const int64_t sync_every = static_cast<int64_t>(options_.shard_sync_ms) * 1000000;
  int64_t next_renew = 0, next_take = 0, next_sync = 0;
  while (!stop.load()) {
    const int64_t now = SteadyNs();
    if (now >= next_sync) {
      SyncShards();
      next_sync = now + sync_every;
    }
    if (now >= next_renew) {
      RenewAll();
      next_renew = now + renew_every;
    }
    if (now >= next_take) {
      TakeLeases();
      next_take = now + take_every;
    }
    // Reap readers that ended (shard end, lease lost).
    std::vector<std::shared_ptr<Reader>> done;
    {
      std::lock_guard<std::mutex> l(mu_);
      for (auto it = readers_.begin(); it != readers_.end();) {
        if (it->second->finished) {
          done.push_back(it->second);
          it = readers_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& r : done) r->thread.join();
    if (!done.empty()) next_take = 0;  // a shard ended: its children may be ready
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  StopReaders(true);
}

void KinesisSource::SyncShards() {
  auto shards = kinesis_->ListShards(options_.stream);
  if (!shards.ok()) {
    stats_.api_errors.fetch_add(1);
    log_("ListShards " + options_.stream + ": " + shards.status().message());
    return;
  }
  auto existing = leases_->List();
  if (!existing.ok()) {
    stats_.api_errors.fetch_add(1);
    log_("lease store: " + existing.status().message());
    return;
  }
  std::set<std::string> have;
  for (const Lease& l : existing.value()) have.insert(l.key);
  std::set<std::string> listed;
  for (const auto& s : shards.value()) listed.insert(s.shard_id);
  {
    std::lock_guard<std::mutex> l(mu_);
    shards_.clear();
    for (const auto& s : shards.value()) shards_[s.shard_id] = s;
  }
  for (const aws::KinesisShard& s : shards.value()) {
    if (have.count(s.shard_id) != 0) continue;
    Lease lease;
    lease.key = s.shard_id;
    lease.parents = s.parents;
    lease.starting_hash_key = s.starting_hash_key;
    lease.ending_hash_key = s.ending_hash_key;
    // A child of a shard we know of starts at its beginning, after the parent's last record.
    bool known_parent = false;
    for (const std::string& p : s.parents) {
      if (have.count(p) != 0 || listed.count(p) != 0) known_parent = true;
    }
    lease.checkpoint = known_parent ? "TRIM_HORIZON" : options_.initial_position;
    auto created = leases_->Create(lease);
    if (!created.ok()) {
      stats_.api_errors.fetch_add(1);
      log_("creating the lease of " + s.shard_id + ": " + created.status().message());
    }
  }
}

void KinesisSource::RenewAll() {
  std::vector<std::shared_ptr<Reader>> readers;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& [k, r] : readers_) readers.push_back(r);
  }
  for (auto& r : readers) {
    if (r->finished || r->lost) continue;
    std::lock_guard<std::mutex> l(r->mu);
    auto ok = leases_->Renew(&r->lease);
    if (!ok.ok()) {
      stats_.api_errors.fetch_add(1);
      log_("renewing the lease of " + r->lease.key + ": " + ok.status().message());
      continue;  // try again next time; expiry is the others' call
    }
    if (!ok.value()) {
      r->lost = true;
      stats_.leases_lost.fetch_add(1);
      log_("lost the lease of " + r->lease.key + " (taken by another worker)");
    }
  }
}

void KinesisSource::TakeLeases() {
  auto listed = leases_->List();
  if (!listed.ok()) {
    stats_.api_errors.fetch_add(1);
    log_("lease store: " + listed.status().message());
    return;
  }
  const int64_t now = SteadyNs();
  const int64_t failover = static_cast<int64_t>(options_.failover_ms) * 1000000;
  const std::string& me = options_.worker_id;
  std::vector<Lease> eligible;
  std::set<std::string> running;
  {
    std::lock_guard<std::mutex> l(mu_);
    snapshot_.clear();
    for (const Lease& lease : listed.value()) {
      snapshot_[lease.key] = lease;
      auto it = seen_.find(lease.key);
      if (it == seen_.end() || it->second.first != lease.counter) {
        seen_[lease.key] = {lease.counter, now};
      }
      if (lease.checkpoint != "SHARD_END") eligible.push_back(lease);
    }
    for (const auto& [k, r] : readers_) {
      if (!r->finished && !r->lost) running.insert(k);
    }
  }
  auto expired = [&](const Lease& l) {
    return l.owner.empty() || now - seen_[l.key].second > failover;
  };
  std::map<std::string, std::vector<Lease>> by_owner;
  std::vector<Lease> takeable;
  for (const Lease& l : eligible) {
    if (running.count(l.key) != 0) continue;
    if (expired(l) || l.owner == me) {
      takeable.push_back(l);  // ours but not running: a restart with the same worker id
    } else {
      by_owner[l.owner].push_back(l);
    }
  }
  const size_t workers = by_owner.size() + 1;
  const size_t target = eligible.empty() ? 0 : (eligible.size() + workers - 1) / workers;
  size_t need = target > running.size() ? target - running.size() : 0;
  if (need == 0) return;
  std::mt19937_64 rng(static_cast<uint64_t>(now));
  std::shuffle(takeable.begin(), takeable.end(), rng);
  // Leases unrenewed for three failover periods first.
  std::stable_partition(takeable.begin(), takeable.end(), [&](const Lease& l) {
    return l.owner.empty() || now - seen_[l.key].second > 3 * failover;
  });
  bool took = false;
  for (Lease& l : takeable) {
    if (need == 0) break;
    auto ok = leases_->Take(&l, me);
    if (ok.ok() && ok.value()) {
      stats_.leases_taken.fetch_add(1);
      info_("took the lease of " + l.key);
      StartReader(l);
      --need;
      took = true;
    }
  }
  if (took || need == 0 || by_owner.empty()) return;
  // Nothing free: steal from the most loaded worker.
  auto most = std::max_element(by_owner.begin(), by_owner.end(), [](const auto& a, const auto& b) {
    return a.second.size() < b.second.size();
  });
  size_t steal = 0;
  if (most->second.size() > target) {
    steal = std::min(
        {need, most->second.size() - target, static_cast<size_t>(options_.max_leases_to_steal)});
  } else if (most->second.size() == target && need > 1) {
    steal = 1;
  }
  std::shuffle(most->second.begin(), most->second.end(), rng);
  for (size_t i = 0; i < steal && i < most->second.size(); ++i) {
    Lease l = most->second[i];
    auto ok = leases_->Take(&l, me);
    if (ok.ok() && ok.value()) {
      stats_.leases_stolen.fetch_add(1);
      info_("stole the lease of " + l.key + " from " + most->first);
      StartReader(l);
    }
  }
}

void KinesisSource::StartReader(const Lease& lease) {
  auto r = std::make_shared<Reader>();
  r->lease = lease;
  if (auto s = ParseHashKey(lease.starting_hash_key)) r->start = *s;
  if (auto e = ParseHashKey(lease.ending_hash_key)) r->end = *e;
  std::lock_guard<std::mutex> l(mu_);
  readers_[lease.key] = r;
  r->thread = std::thread([this, r] { ReadShard(r); });
}

bool KinesisSource::ParentsDone(const Lease& lease) {
  std::lock_guard<std::mutex> l(mu_);
  for (const std::string& p : lease.parents) {
    auto it = snapshot_.find(p);
    if (it != snapshot_.end() && it->second.checkpoint != "SHARD_END") return false;
  }
  return true;
}

void KinesisSource::WriteCheckpoint(Reader* r, bool force) {
  std::lock_guard<std::mutex> l(r->mu);
  if (!r->dirty || r->lost) return;
  const int64_t now = SteadyNs();
  if (!force && now - r->last_checkpoint < static_cast<int64_t>(options_.checkpoint_ms) * 1000000)
    return;
  auto ok = leases_->Checkpoint(&r->lease, r->done_seq, r->done_sub, {});
  if (!ok.ok()) {
    stats_.api_errors.fetch_add(1);
    log_("checkpoint of " + r->lease.key + ": " + ok.status().message());
    return;
  }
  if (!ok.value()) {
    r->lost = true;
    stats_.leases_lost.fetch_add(1);
    log_("lost the lease of " + r->lease.key + " (checkpoint refused)");
    return;
  }
  r->dirty = false;
  r->last_checkpoint = now;
  stats_.checkpoints.fetch_add(1);
}

void KinesisSource::ReadShard(const std::shared_ptr<Reader>& r) {
  const std::string shard = r->lease.key;
  auto sleep_while_running = [&](int64_t ns) {
    const int64_t until = SteadyNs() + ns;
    while (!r->stop && !r->lost && SteadyNs() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  while (!r->stop && !r->lost && !ParentsDone(r->lease)) sleep_while_running(500000000);
  std::string checkpoint;
  {
    std::lock_guard<std::mutex> l(r->mu);
    checkpoint = r->lease.checkpoint;
  }
  if (checkpoint == "SHARD_END" || r->stop || r->lost) {
    r->finished = true;
    return;
  }
  std::string last_seq = IsSentinel(checkpoint) ? "" : checkpoint;
  auto get_iterator = [&]() -> std::string {
    while (!r->stop && !r->lost) {
      Result<std::string> it =
          !last_seq.empty() ? kinesis_->GetShardIterator(options_.stream, shard,
                                                         "AFTER_SEQUENCE_NUMBER", last_seq)
          : checkpoint == "AT_TIMESTAMP"
              ? kinesis_->GetShardIterator(options_.stream, shard, "AT_TIMESTAMP", "",
                                           options_.initial_timestamp)
              : kinesis_->GetShardIterator(options_.stream, shard,
                                           checkpoint.empty() ? "TRIM_HORIZON" : checkpoint);
      if (it.ok()) return it.value();
      stats_.api_errors.fetch_add(1);
      log_("GetShardIterator " + shard + ": " + it.status().message());
      sleep_while_running(1000000000);
    }
    return "";
  };
  std::string iterator = get_iterator();
  const std::string arn = "arn:aws:kinesis:" + options_.region + "::stream/" + options_.stream;
  int64_t backoff = static_cast<int64_t>(options_.poll_ms) * 1000000;
  int64_t next_call = 0;
  while (!r->stop && !r->lost && !iterator.empty()) {
    sleep_while_running(next_call - SteadyNs());
    if (r->stop || r->lost) break;
    const int64_t called = SteadyNs();
    next_call = called + 200000000;  // five calls a second per shard at most
    stats_.get_records.fetch_add(1);
    auto res = kinesis_->GetRecords(iterator, options_.max_records);
    if (!res.ok()) {
      if (aws::IsThroughputExceeded(res.status())) {
        stats_.throttled.fetch_add(1);
        backoff = std::min<int64_t>(backoff * 2, 5000000000);
        next_call = SteadyNs() + backoff;
      } else if (aws::IsExpiredIterator(res.status())) {
        stats_.expired_iterators.fetch_add(1);
        iterator = get_iterator();
      } else {
        stats_.api_errors.fetch_add(1);
        log_("GetRecords " + shard + ": " + res.status().message());
        sleep_while_running(1000000000);
        iterator = get_iterator();
      }
      continue;
    }
    backoff = static_cast<int64_t>(options_.poll_ms) * 1000000;
    aws::GetRecordsResult& batch = res.value();
    r->millis_behind = batch.millis_behind_latest;
    if (!batch.records.empty()) {
      std::vector<KinesisRecordOut> out;
      int64_t last_sub = 0;
      for (aws::KinesisRecord& rec : batch.records) {
        stats_.records.fetch_add(1);
        const bool aggregated = HasKplMagic(rec.data);
        auto users = Deaggregate(rec.data, rec.partition_key);
        if (!users.ok()) {
          stats_.bad_aggregates.fetch_add(1);
          (input_problem_ ? input_problem_ : log_)("record " + rec.sequence_number + " of " +
                                                   shard + ": " + users.status().message());
          continue;
        }
        for (UserRecord& u : users.value()) {
          if (aggregated && (u.hash_key < r->start || u.hash_key > r->end)) {
            stats_.out_of_range.fetch_add(1);
            continue;
          }
          stats_.user_records.fetch_add(1);
          last_sub = u.sub_sequence;
          out.push_back(KinesisRecordOut{std::move(u.data), std::move(u.partition_key),
                                         rec.sequence_number, rec.arrival});
        }
      }
      last_seq = batch.records.back().sequence_number;
      auto body = std::make_shared<const std::string>(EncodeKinesisEvent(arn, out));
      InputSpec spec;
      // Each record's events name it: kinesis://stream/shard/<its sequence number>.
      spec.path = "kinesis://" + options_.stream + "/" + shard;
      spec.received_at = batch.records.back().arrival;
      spec.size = body->size();
      spec.open = [body]() -> Result<std::unique_ptr<ByteReader>> {
        return std::unique_ptr<ByteReader>(std::make_unique<SharedStringReader>(body));
      };
      const std::string seq = last_seq;
      const int64_t fetched = SteadyNs();
      spec.done = [this, r, seq, last_sub, fetched](const InputOutcome& outcome) {
        {
          std::lock_guard<std::mutex> g(latency_mu_);
          batch_latency_us_.Record((SteadyNs() - fetched) / 1000);
        }
        bool checkpoint_now = false;
        {
          std::lock_guard<std::mutex> l(r->mu);
          if (!outcome.stored && !r->unstored) {
            r->unstored = true;
            log_("shard " + r->lease.key + ": events not stored (" + outcome.error +
                 "); its checkpoint stays where it is until the next start");
          }
          if (!r->unstored) {
            r->done_seq = seq;
            r->done_sub = last_sub;
            r->dirty = true;
            checkpoint_now = options_.checkpoint_ms == 0;
          }
        }
        // In step with the dedupe state the pipeline has just written for this batch.
        if (checkpoint_now) WriteCheckpoint(r.get(), true);
        std::lock_guard<std::mutex> l(r->mu);
        --r->in_flight;
        r->cv.notify_all();
      };
      // Still ours? Another process may have taken the lease since the last renewal: then the
      // batch is its to emit, not ours (asked of the store before every batch; a store that
      // cannot answer counts as lost too, and the lease is taken again from its checkpoint).
      std::string owner;
      {
        std::lock_guard<std::mutex> l(r->mu);
        owner = r->lease.owner;
      }
      auto held = leases_->Held(shard, owner);
      if (!held.ok() || !held.value()) {
        if (!held.ok()) {
          stats_.api_errors.fetch_add(1);
          log_("lease check of " + shard + ": " + held.status().message());
        } else {
          log_("shard " + shard + ": the lease was taken by another process; batch left to it");
        }
        stats_.leases_lost.fetch_add(1);
        r->lost = true;
        break;
      }
      {
        std::lock_guard<std::mutex> l(r->mu);
        ++r->in_flight;
      }
      if (!pipeline_->Submit(std::move(spec))) break;
    } else {
      next_call = called + static_cast<int64_t>(options_.poll_ms) * 1000000;
    }
    WriteCheckpoint(r.get(), false);
    iterator = batch.next_iterator;
    if (iterator.empty()) {
      // SHARD_END: everything read is handled and checkpointed, then the shard is closed.
      {
        std::unique_lock<std::mutex> l(r->mu);
        r->cv.wait(l, [&] { return r->in_flight == 0 || r->lost.load(); });
      }
      WriteCheckpoint(r.get(), true);
      std::vector<std::string> children = batch.child_shards;
      if (children.empty()) {
        // Not every endpoint returns ChildShards: ask ListShards which shards name this parent.
        auto listed = kinesis_->ListShards(options_.stream);
        if (listed.ok()) {
          for (const aws::KinesisShard& s : listed.value()) {
            if (std::find(s.parents.begin(), s.parents.end(), shard) != s.parents.end()) {
              children.push_back(s.shard_id);
            }
          }
        }
      }
      std::lock_guard<std::mutex> l(r->mu);
      if (r->lost || r->unstored) break;
      auto ok = leases_->Checkpoint(&r->lease, "SHARD_END", 0, children);
      if (ok.ok() && ok.value()) {
        stats_.shards_ended.fetch_add(1);
        info_("shard " + shard + " ended; children " +
              (children.empty()
                   ? std::string("(none)")
                   : children.front() + (children.size() > 1 ? ", " + children.back() : "")));
      } else if (ok.ok()) {
        r->lost = true;
        stats_.leases_lost.fetch_add(1);
      } else {
        stats_.api_errors.fetch_add(1);
        log_("SHARD_END checkpoint of " + shard + ": " + ok.status().message());
      }
      break;
    }
  }
  if (!r->lost) {
    // Graceful: what was handed to the pipeline finishes, then its checkpoint is written.
    std::unique_lock<std::mutex> l(r->mu);
    r->cv.wait_for(l, std::chrono::seconds(60), [&] { return r->in_flight == 0; });
    l.unlock();
    WriteCheckpoint(r.get(), true);
  }
  r->finished = true;
}

void KinesisSource::StopReaders(bool release) {
  std::vector<std::shared_ptr<Reader>> readers;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& [k, r] : readers_) readers.push_back(r);
    readers_.clear();
  }
  for (auto& r : readers) r->stop = true;
  for (auto& r : readers) {
    if (r->thread.joinable()) r->thread.join();
  }
  if (!release) return;
  for (auto& r : readers) {
    std::lock_guard<std::mutex> l(r->mu);
    if (r->lost || r->lease.checkpoint == "SHARD_END") continue;
    auto ok = leases_->Release(&r->lease);
    if (ok.ok() && ok.value()) info_("released the lease of " + r->lease.key);
  }
}

LatencyHistogram KinesisSource::BatchLatencyMicros() const {
  std::lock_guard<std::mutex> l(latency_mu_);
  return batch_latency_us_;
}

namespace {

constexpr MetricFamily kGetRecords = {"fastpath_kinesis_get_records_total", "counter",
                                      "Kinesis GetRecords calls."};
constexpr MetricFamily kRecords = {"fastpath_kinesis_records_total", "counter",
                                   "Kinesis records read, by kind."};
constexpr MetricFamily kThrottled = {"fastpath_kinesis_throttled_total", "counter",
                                     "GetRecords calls refused for throughput."};
constexpr MetricFamily kExpired = {"fastpath_kinesis_expired_iterators_total", "counter",
                                   "Shard iterators that expired and were renewed."};
constexpr MetricFamily kLeases = {"fastpath_kinesis_leases_total", "counter",
                                  "Lease changes of this worker, by event."};
constexpr MetricFamily kCheckpoints = {"fastpath_kinesis_checkpoints_total", "counter",
                                       "Checkpoints written."};
constexpr MetricFamily kShardsEnded = {"fastpath_kinesis_shards_ended_total", "counter",
                                       "Closed shards read to their end."};
constexpr MetricFamily kMillisBehind = {
    "fastpath_kinesis_millis_behind_latest", "gauge",
    "How far the reader of each held shard is behind the tip of the stream (GetRecords' "
    "MillisBehindLatest)."};
constexpr MetricFamily kLeasesHeld = {"fastpath_kinesis_leases_held", "gauge",
                                      "Shard leases this worker holds."};
constexpr MetricFamily kBatchSeconds = {
    "fastpath_kinesis_batch_pipeline_seconds", "summary",
    "Time from a GetRecords response to every event of its batch handled."};

}  // namespace

void KinesisSource::WriteMetrics(MetricsWriter* w) const {
  const std::string& n = options_.name;
  w->Add(kGetRecords, {{"source", n}}, stats_.get_records.load());
  w->Add(kRecords, {{"source", n}, {"kind", "kinesis"}}, stats_.records.load());
  w->Add(kRecords, {{"source", n}, {"kind", "user"}}, stats_.user_records.load());
  w->Add(kRecords, {{"source", n}, {"kind", "out_of_range"}}, stats_.out_of_range.load());
  w->Add(kRecords, {{"source", n}, {"kind", "bad_aggregate"}}, stats_.bad_aggregates.load());
  w->Add(kThrottled, {{"source", n}}, stats_.throttled.load());
  w->Add(kExpired, {{"source", n}}, stats_.expired_iterators.load());
  w->Add(kLeases, {{"source", n}, {"event", "taken"}}, stats_.leases_taken.load());
  w->Add(kLeases, {{"source", n}, {"event", "stolen"}}, stats_.leases_stolen.load());
  w->Add(kLeases, {{"source", n}, {"event", "lost"}}, stats_.leases_lost.load());
  w->Add(kCheckpoints, {{"source", n}}, stats_.checkpoints.load());
  w->Add(kShardsEnded, {{"source", n}}, stats_.shards_ended.load());
  w->Add(kLeasesHeld, {{"source", n}}, static_cast<uint64_t>(HeldShards().size()));
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& [shard, r] : readers_) {
      if (r->finished || r->lost || r->millis_behind.load() < 0) continue;
      w->Add(kMillisBehind, {{"source", n}, {"shard", shard}},
             static_cast<uint64_t>(r->millis_behind.load()));
    }
  }
  w->Add(kAwsApiErrors, {{"source", n}}, stats_.api_errors.load());
  const LatencyHistogram h = BatchLatencyMicros();
  for (const char* q : {"0.5", "0.99"}) {
    w->Add(kBatchSeconds, {{"source", n}, {"quantile", q}},
           static_cast<double>(h.Quantile(std::strtod(q, nullptr))) / 1e6);
  }
}

// The `kinesis` source type: leases in DynamoDB (the KCL's table) or, for one process, SQLite.
namespace {

std::unique_ptr<SourceSettings> ReadKinesis(const ConfigSection& s,
                                            const SourceConfigContext& ctx) {
  auto out = std::make_unique<KinesisSourceSettings>();
  KinesisSourceOptions& o = out->options;
  o.name = ctx.name;
  if (!s.Str("stream", &o.stream)) s.Problem(s.where() + " needs stream");
  out->application = "fastpath-" + o.stream;
  s.Str("application", &out->application);
  s.Str("lease_store", &out->lease_store);
  if (out->lease_store != "dynamodb" && out->lease_store != "sqlite") {
    s.Problem("lease_store", "lease_store must be dynamodb or sqlite");
  }
  out->lease_file = ctx.StatePath(ctx.name + ".leases.sqlite");
  s.Path("lease_file", &out->lease_file);
  s.Str("initial_position", &o.initial_position);
  if (o.initial_position != "TRIM_HORIZON" && o.initial_position != "LATEST" &&
      o.initial_position != "AT_TIMESTAMP") {
    s.Problem("initial_position", "initial_position must be TRIM_HORIZON, LATEST or AT_TIMESTAMP");
  }
  std::string ts;
  if (s.Str("initial_timestamp", &ts)) {
    auto t = ParseRfc3339(ts);
    if (!t) {
      s.Problem("initial_timestamp", "initial_timestamp must be an RFC 3339 time");
    } else {
      o.initial_timestamp = *t;
    }
  }
  if (o.initial_position == "AT_TIMESTAMP" && !s.Has("initial_timestamp")) {
    s.Problem(s.where() + ": AT_TIMESTAMP needs initial_timestamp");
  }
  s.Millis("failover_time", &o.failover_ms, 1000, 600000);
  s.Millis("poll_interval", &o.poll_ms, 200, 60000);
  s.Millis("checkpoint_interval", &o.checkpoint_ms, 0, 600000);
  s.Millis("shard_sync", &o.shard_sync_ms, 1000, 3600000);
  s.Int("max_records", &o.max_records, 1, 10000);
  s.Str("worker_id", &o.worker_id);
  o.region = ctx.region;
  return out;
}

Result<std::unique_ptr<Source>> BuildKinesis(const SourceSettings& settings,
                                             const SourceBuildContext& ctx) {
  const auto& k = static_cast<const KinesisSourceSettings&>(settings);
  const aws::AwsClient* aws = ctx.aws();
  auto owned = std::make_unique<KinesisSource::Owned>();
  owned->kinesis = std::make_unique<aws::KinesisClient>(aws);
  if (k.lease_store == "sqlite") {
    owned->leases = std::make_unique<SqliteLeaseStore>(k.lease_file);
  } else {
    owned->dynamodb = std::make_unique<aws::DynamoDbClient>(aws);
    owned->leases = std::make_unique<DynamoDbLeaseStore>(owned->dynamodb.get(), k.application);
  }
  KinesisSourceOptions o = k.options;
  o.region = aws->options().region;
  auto source = std::make_unique<KinesisSource>(owned->kinesis.get(), owned->leases.get(), o,
                                                ctx.inputs, ctx.warn, ctx.info);
  source->Own(std::move(owned));
  if (ctx.input_problem) source->set_input_problem_log(ctx.input_problem);
  return std::unique_ptr<Source>(std::move(source));
}

}  // namespace

extern const SourceDescriptor kKinesisSourceType = {
    "kinesis",
    "a Kinesis data stream (EventBridge events, CloudWatch Logs subscriptions, KPL records), "
    "shards shared with every process of the application through KCL-format leases",
    {
        {"stream", "the stream's name (required)"},
        {"application", "the lease table's name in DynamoDB (default fastpath-<stream>)"},
        {"lease_store", "dynamodb (shared by processes) or sqlite (one process)"},
        {"lease_file", "the SQLite lease file (default <state_dir>/<name>.leases.sqlite)",
         ConfigValue::kPath},
        {"initial_position", "where a new lease starts: TRIM_HORIZON, LATEST or AT_TIMESTAMP"},
        {"initial_timestamp", "RFC 3339 time, for AT_TIMESTAMP"},
        {"failover_time", "a lease not renewed for this long is taken over (default 10s)"},
        {"poll_interval", "GetRecords interval per idle shard, at least 200ms (default 250ms)"},
        {"checkpoint_interval",
         "0 (the default): a shard's checkpoint is written as soon as each batch's events are "
         "out, in step with the dedupe state; more: at most once per interval (fewer DynamoDB "
         "writes, but a process taking the shard over reads that much again)"},
        {"max_records", "records per GetRecords, 1 to 10000 (default 10000)"},
        {"shard_sync", "ListShards interval (default 10s)"},
        {"worker_id", "this process's lease owner name (default host:pid:random)"},
    },
    /*needs_aws=*/true,
    ReadKinesis,
    BuildKinesis,
};

}  // namespace fastpath
