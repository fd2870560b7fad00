// FirstArrivalDeduper: cross-path de-duplication. The first arrival of an event id is the one
// processed; later arrivals (the same event on another path, or again on the same path) are
// counted per path, with their delay behind the first, and dropped.
//
// Exact: keyed by the full (log type, id), never a probabilistic filter that could drop a real
// event. Bounded: an id is remembered for `window` of stream time (the newest receive time seen),
// and the oldest ids are evicted first when `max_memory_bytes` is reached; both evictions are
// counted. Not thread-safe: the pipeline runs it on its single ordered consumer.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/event.h"
#include "core/latency_histogram.h"

namespace fastpath {

class FirstArrivalDeduper {
 public:
  struct Options {
    TimeNs window = 24LL * 3600 * kNsPerSec;
    size_t max_memory_bytes = 512u << 20;
  };
  struct Arrival {
    bool first = true;
    DeliveryPath first_path = DeliveryPath::kFile;  // by receive time, for a later arrival
    DeliveryPath later_path = DeliveryPath::kFile;  // the copy received after it
    TimeNs lag = 0;                                 // later_path's receive time behind first_path
    bool out_of_order = false;  // this copy was received earlier than the one processed first
  };

  explicit FirstArrivalDeduper(Options options);
  Arrival Observe(LogType type, std::string_view id, DeliveryPath path, TimeNs received);

  // Every remembered id, oldest first, with its first arrival (to persist the state).
  void ForEach(const std::function<void(LogType, std::string_view id, DeliveryPath first_path,
                                        TimeNs first_received)>& fn) const;
  // Forgets the `n` ids remembered last (the first arrivals of an input that could not be
  // stored: when it comes again its events are new again).
  void ForgetNewest(size_t n);

  size_t entries() const { return uuids_.size() + others_.size(); }
  size_t memory_bytes() const { return memory_bytes_; }
  uint64_t evicted_by_window() const { return evicted_window_; }
  uint64_t evicted_by_memory() const { return evicted_memory_; }

 private:
  struct Entry {
    TimeNs first_received;
    DeliveryPath first_path;
  };
  // A canonical lowercase UUID id (every CloudTrail eventID) packed into 16 bytes: the same
  // information, exactly (the packing is one-to-one), in a third of the memory of the string.
  struct UuidKey {
    uint64_t hi, lo;
    LogType type;
    bool operator==(const UuidKey& o) const { return hi == o.hi && lo == o.lo && type == o.type; }
  };
  struct UuidHash {
    size_t operator()(const UuidKey& k) const {
      return static_cast<size_t>((k.hi ^ (k.lo * 0x9E3779B97F4A7C15ULL)) +
                                 static_cast<uint64_t>(k.type));
    }
  };
  struct Slot {
    const void* key;  // a UuidKey or a std::string inside a map node (node keys never move)
    bool uuid;
    TimeNs inserted_at;  // stream time when inserted
  };
  static bool PackUuid(LogType type, std::string_view id, UuidKey* out);
  static size_t EntryCost(const std::string* key);
  Arrival Seen(Entry& e, DeliveryPath path, TimeNs received);
  void Evict(TimeNs now);
  void Drop(const Slot& s);

  const Options options_;
  std::unordered_map<UuidKey, Entry, UuidHash> uuids_;
  std::unordered_map<std::string, Entry> others_;  // ids that are not canonical UUIDs
  std::deque<Slot> fifo_;                          // insertion order
  std::string scratch_;
  size_t memory_bytes_ = 0;
  TimeNs clock_ = INT64_MIN;
  uint64_t evicted_window_ = 0;
  uint64_t evicted_memory_ = 0;
};

}  // namespace fastpath
