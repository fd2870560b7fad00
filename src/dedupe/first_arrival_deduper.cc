#include "dedupe/first_arrival_deduper.h"

namespace fastpath {

FirstArrivalDeduper::FirstArrivalDeduper(Options options) : options_(options) {
  uuids_.reserve(1 << 16);
}

bool FirstArrivalDeduper::PackUuid(LogType type, std::string_view id, UuidKey* out) {
  // xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, lowercase hex only (anything else keeps its string).
  if (id.size() != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-')
    return false;
  uint64_t words[2] = {0, 0};
  int nibble = 0;
  for (size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    const char c = id[i];
    uint64_t v;
    if (c >= '0' && c <= '9') {
      v = static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v = static_cast<uint64_t>(c - 'a' + 10);
    } else {
      return false;
    }
    words[nibble / 16] = (words[nibble / 16] << 4) | v;
    ++nibble;
  }
  *out = UuidKey{words[0], words[1], type};
  return true;
}

size_t FirstArrivalDeduper::EntryCost(const std::string* key) {
  // Hash node (next pointer, key, value, cached hash, allocator header), bucket slot, FIFO slot,
  // and the key's heap bytes for a long string.
  constexpr size_t kNode = 2 * sizeof(void*) + sizeof(Entry) + sizeof(size_t) + 16;
  if (key == nullptr) return kNode + sizeof(UuidKey) + sizeof(void*) + sizeof(Slot);
  return kNode + sizeof(std::string) + sizeof(void*) + sizeof(Slot) +
         (key->size() > 15 ? key->capacity() + 1 : 0);
}

void FirstArrivalDeduper::Evict(TimeNs now) {
  while (!fifo_.empty()) {
    const Slot& s = fifo_.front();
    const bool expired = s.inserted_at < now - options_.window;
    const bool over = memory_bytes_ > options_.max_memory_bytes;
    if (!expired && !over) break;
    Drop(s);
    fifo_.pop_front();
    if (expired) {
      ++evicted_window_;
    } else {
      ++evicted_memory_;
    }
  }
}

void FirstArrivalDeduper::Drop(const Slot& s) {
  if (s.uuid) {
    memory_bytes_ -= EntryCost(nullptr);
    uuids_.erase(*static_cast<const UuidKey*>(s.key));
  } else {
    const std::string* key = static_cast<const std::string*>(s.key);
    memory_bytes_ -= EntryCost(key);
    others_.erase(others_.find(*key));
  }
}

void FirstArrivalDeduper::ForgetNewest(size_t n) {
  for (; n > 0 && !fifo_.empty(); --n) {
    Drop(fifo_.back());
    fifo_.pop_back();
  }
}

void FirstArrivalDeduper::ForEach(
    const std::function<void(LogType, std::string_view, DeliveryPath, TimeNs)>& fn) const {
  static constexpr char kHex[] = "0123456789abcdef";
  char uuid[36];
  for (const Slot& s : fifo_) {
    if (s.uuid) {
      const auto& k = *static_cast<const UuidKey*>(s.key);
      const Entry& e = uuids_.at(k);
      int nibble = 0;
      for (int i = 0; i < 36; ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
          uuid[i] = '-';
          continue;
        }
        const uint64_t word = nibble < 16 ? k.hi : k.lo;
        uuid[i] = kHex[(word >> (4 * (15 - nibble % 16))) & 0xF];
        ++nibble;
      }
      fn(k.type, std::string_view(uuid, 36), e.first_path, e.first_received);
    } else {
      const auto& key = *static_cast<const std::string*>(s.key);
      const Entry& e = others_.at(key);
      fn(static_cast<LogType>(key[0] - 'A'), std::string_view(key).substr(1), e.first_path,
         e.first_received);
    }
  }
}

FirstArrivalDeduper::Arrival FirstArrivalDeduper::Seen(Entry& e, DeliveryPath path,
                                                       TimeNs received) {
  Arrival a;
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

FirstArrivalDeduper::Arrival FirstArrivalDeduper::Observe(LogType type, std::string_view id,
                                                          DeliveryPath path, TimeNs received) {
  if (received > clock_) clock_ = received;
  UuidKey packed;
  if (PackUuid(type, id, &packed)) {
    auto [it, inserted] = uuids_.try_emplace(packed, Entry{received, path});
    if (!inserted) return Seen(it->second, path, received);
    memory_bytes_ += EntryCost(nullptr);
    fifo_.push_back(Slot{&it->first, true, clock_});
  } else {
    scratch_.clear();
    scratch_.push_back(static_cast<char>('A' + static_cast<int>(type)));
    scratch_.append(id);
    auto [it, inserted] = others_.try_emplace(scratch_, Entry{received, path});
    if (!inserted) return Seen(it->second, path, received);
    memory_bytes_ += EntryCost(&it->first);
    fifo_.push_back(Slot{&it->first, false, clock_});
  }
  Evict(clock_);
  return Arrival{};
}

}  // namespace fastpath
