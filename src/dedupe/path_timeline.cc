#include "dedupe/path_timeline.h"

#include <algorithm>
#include <bit>
#include <cstdio>

#include "dedupe/source_liveness.h"

namespace fastpath {

int PathTimeline::BinOf(int64_t ms) {
  if (ms < 8) return static_cast<int>(std::max<int64_t>(ms, 0));
  const int e = std::bit_width(static_cast<uint64_t>(ms));  // >= 4
  const int sub = static_cast<int>((ms >> (e - 3)) & 3);    // the two bits after the leading one
  return std::min(255, 8 + 4 * (e - 4) + sub);
}

int64_t PathTimeline::BinUpper(int bin) {
  if (bin < 8) return bin;
  const int e = (bin - 8) / 4 + 4;
  const int sub = (bin - 8) % 4;
  return ((int64_t{5 + sub}) << (e - 3)) - 1;
}

void PathTimeline::Hist::Record(int64_t ms) {
  ms = std::max<int64_t>(ms, 0);
  const auto bin = static_cast<uint8_t>(BinOf(ms));
  auto it = std::lower_bound(
      bins.begin(), bins.end(), bin,
      [](const std::pair<uint8_t, uint32_t>& p, uint8_t b) { return p.first < b; });
  if (it != bins.end() && it->first == bin) {
    ++it->second;
  } else {
    bins.insert(it, {bin, 1});
  }
  ++count;
  max = std::max(max, ms);
}

int64_t PathTimeline::Hist::Quantile(double q) const {
  if (count == 0) return 0;
  const auto rank = static_cast<uint64_t>(q * static_cast<double>(count - 1)) + 1;
  uint64_t seen = 0;
  for (const auto& [bin, n] : bins) {
    seen += n;
    if (seen >= rank) return std::min(BinUpper(bin), max);
  }
  return max;
}

void PathTimeline::Observe(const Event& e, bool duplicate, TimeNs lag) {
  if (e.path == DeliveryPath::kFile) return;  // read from a file: not a live path
  const int64_t minute = e.received / (60 * kNsPerSec);
  Key key{std::string(LogTypeName(e.log_type)), e.account, e.region,
          std::string(DeliveryPathName(e.path))};
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keys_.find(key);
  if (it == keys_.end()) {
    if (keys_.size() >= options_.max_keys) {
      ++dropped_keys_;
      return;
    }
    it = keys_.emplace(std::move(key), std::deque<Minute>{}).first;
  }
  std::deque<Minute>& minutes = it->second;
  // Arrivals come mostly in order; a late one goes to its own minute if still kept.
  auto m = minutes.end();
  if (!minutes.empty() && minutes.back().minute == minute) {
    m = std::prev(minutes.end());
  } else if (minutes.empty() || minutes.back().minute < minute) {
    minutes.push_back(Minute{});
    minutes.back().minute = minute;
    m = std::prev(minutes.end());
    while (minutes.size() > 1 &&
           minutes.front().minute <= minute - static_cast<int64_t>(options_.max_minutes)) {
      minutes.pop_front();
    }
  } else {
    m = std::lower_bound(minutes.begin(), minutes.end(), minute,
                         [](const Minute& x, int64_t v) { return x.minute < v; });
    if (m == minutes.end() || m->minute != minute) {
      if (minute <= minutes.back().minute - static_cast<int64_t>(options_.max_minutes)) return;
      m = minutes.insert(m, Minute{});
      m->minute = minute;
    }
  }
  ++m->events;
  m->delay.Record((e.received - e.time) / kNsPerMs);
  if (duplicate) {
    ++m->duplicates;
    if (lag >= 0) m->lag.Record(lag / kNsPerMs);
  }
}

namespace {

void AppendSeconds(std::string* out, int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ms) / 1000.0);
  out->append(buf);
}

template <typename F>
void AppendSeries(std::string* out, const char* name,
                  const std::deque<PathTimeline::Minute>& minutes, F f) {
  out->append(",\"").append(name).append("\":[");
  bool first = true;
  for (const PathTimeline::Minute& m : minutes) {
    if (!first) out->push_back(',');
    first = false;
    f(out, m);
  }
  out->push_back(']');
}

}  // namespace

std::string PathTimeline::ToJson(const std::string& log_type, const std::string& account,
                                 const std::string& region) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out = "{\"keys\":[";
  bool first_key = true;
  for (const auto& [k, minutes] : keys_) {
    if ((!log_type.empty() && k.log_type != log_type) ||
        (!account.empty() && k.account != account) || (!region.empty() && k.region != region)) {
      continue;
    }
    uint64_t events = 0, duplicates = 0;
    for (const Minute& m : minutes) {
      events += m.events;
      duplicates += m.duplicates;
    }
    if (!first_key) out.push_back(',');
    first_key = false;
    out.push_back('{');
    AppendPathKeyFields(&out, k.log_type, k.account, k.region, k.path);
    out +=
        ",\"events\":" + std::to_string(events) + ",\"duplicates\":" + std::to_string(duplicates);
    AppendSeries(&out, "minutes", minutes,
                 [](std::string* o, const Minute& m) { o->append(std::to_string(m.minute * 60)); });
    AppendSeries(&out, "events_per_minute", minutes,
                 [](std::string* o, const Minute& m) { o->append(std::to_string(m.events)); });
    AppendSeries(&out, "duplicates_per_minute", minutes,
                 [](std::string* o, const Minute& m) { o->append(std::to_string(m.duplicates)); });
    AppendSeries(&out, "delay_p50_s", minutes,
                 [](std::string* o, const Minute& m) { AppendSeconds(o, m.delay.Quantile(0.5)); });
    AppendSeries(&out, "delay_p90_s", minutes,
                 [](std::string* o, const Minute& m) { AppendSeconds(o, m.delay.Quantile(0.9)); });
    AppendSeries(&out, "delay_max_s", minutes,
                 [](std::string* o, const Minute& m) { AppendSeconds(o, m.delay.max); });
    AppendSeries(&out, "lag_p50_s", minutes, [](std::string* o, const Minute& m) {
      if (m.lag.count == 0) {
        o->append("null");
      } else {
        AppendSeconds(o, m.lag.Quantile(0.5));
      }
    });
    AppendSeries(&out, "lag_max_s", minutes, [](std::string* o, const Minute& m) {
      if (m.lag.count == 0) {
        o->append("null");
      } else {
        AppendSeconds(o, m.lag.max);
      }
    });
    out.push_back('}');
  }
  out += "],\"dropped_keys\":" + std::to_string(dropped_keys_) + "}";
  return out;
}

size_t PathTimeline::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return keys_.size();
}

uint64_t PathTimeline::dropped_keys() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_keys_;
}

}  // namespace fastpath
