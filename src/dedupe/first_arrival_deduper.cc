#include "dedupe/first_arrival_deduper.h"

namespace fastpath {

size_t FirstArrivalDeduper::EntryCost(const std::string& key) {
  // Hash node (key, value, next pointer, cached hash), bucket slot, FIFO slot, key heap storage.
  return sizeof(std::string) + sizeof(Entry) + 3 * sizeof(void*) + sizeof(Slot) +
         (key.size() > 15 ? key.capacity() + 1 : 0);
}

void FirstArrivalDeduper::Evict(TimeNs now) {
  while (!fifo_.empty()) {
    const Slot& s = fifo_.front();
    const bool expired = s.inserted_at < now - options_.window;
    const bool over = memory_bytes_ > options_.max_memory_bytes;
    if (!expired && !over) break;
    auto it = map_.find(*s.key);
    memory_bytes_ -= EntryCost(it->first);
    map_.erase(it);
    fifo_.pop_front();
    if (expired) {
      ++evicted_window_;
    } else {
      ++evicted_memory_;
    }
  }
}

FirstArrivalDeduper::Arrival FirstArrivalDeduper::Observe(LogType type, std::string_view id,
                                                          DeliveryPath path, TimeNs received) {
  if (received > clock_) clock_ = received;
  scratch_.clear();
  scratch_.push_back(static_cast<char>('A' + static_cast<int>(type)));
  scratch_.append(id);
  Arrival a;
  auto [it, inserted] = map_.try_emplace(scratch_, Entry{received, path});
  if (inserted) {
    memory_bytes_ += EntryCost(it->first);
    fifo_.push_back(Slot{&it->first, clock_});
    Evict(clock_);
    return a;
  }
  Entry& e = it->second;
  a.first = false;
  if (received >= e.first_received) {
    a.first_path = e.first_path;
    a.later_path = path;
    a.lag = received - e.first_received;
  } else {
    // Processed later but received earlier: this copy is the true first arrival.
    a.out_of_order = true;
    a.first_path = path;
    a.later_path = e.first_path;
    a.lag = e.first_received - received;
    e.first_received = received;
    e.first_path = path;
  }
  return a;
}

}  // namespace fastpath
