#include "dedupe/source_liveness.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <simdjson.h>

namespace fastpath {
namespace {

constexpr MetricFamily kLastEventAge = {
    "fastpath_source_last_event_age_seconds", "gauge",
    "Seconds since the path last delivered, per log type, account, region and path."};
constexpr MetricFamily kSilenceThreshold = {
    "fastpath_source_silence_threshold_seconds", "gauge",
    "How long the path may stay quiet before it counts as silent (3 x its p99, at least the "
    "floor)."};
constexpr MetricFamily kSilent = {"fastpath_source_silent", "gauge",
                                  "1 while the path is silent for longer than its threshold."};

void Push(std::vector<int64_t>* ring, size_t* next, int64_t v) {
  if (ring->size() < SourceLiveness::kWindow) {
    ring->push_back(v);
    return;
  }
  (*ring)[*next] = v;
  *next = (*next + 1) % SourceLiveness::kWindow;
}

int64_t P99(std::vector<int64_t> v) {
  if (v.empty()) return 0;
  const size_t i =
      std::min(v.size() - 1, static_cast<size_t>(0.99 * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(i), v.end());
  return v[i];
}

}  // namespace

void AppendPathKeyFields(std::string* out, std::string_view log_type, std::string_view account,
                         std::string_view region, std::string_view path) {
  out->append("\"log_type\":");
  AppendJsonString(out, log_type);
  out->append(",\"account\":");
  AppendJsonString(out, account);
  out->append(",\"region\":");
  AppendJsonString(out, region);
  out->append(",\"path\":");
  AppendJsonString(out, path);
}

bool SourceLiveness::SameAsLast(const Event& e) const {
  return e.received == last_received_ && e.log_type == last_type_ && e.path == last_path_ &&
         e.account == last_account_ && e.region == last_region_;
}

void SourceLiveness::Observe(const Event& e) {
  if (e.path == DeliveryPath::kFile || SameAsLast(e)) return;
  last_type_ = e.log_type;
  last_path_ = e.path;
  last_account_ = e.account;
  last_region_ = e.region;
  last_received_ = e.received;
  Key key{std::string(LogTypeName(e.log_type)), e.account, e.region,
          std::string(DeliveryPathName(e.path))};
  std::lock_guard<std::mutex> lock(mu_);
  Entry& en = entries_[key];
  if (en.deliveries > 0 && e.received <= en.last_received) return;  // a late copy of the past
  if (en.deliveries > 0) {
    Push(&en.gaps_ms, &en.gap_next, (e.received - en.last_received) / kNsPerMs);
  }
  Push(&en.delays_ms, &en.delay_next, std::max<TimeNs>(0, e.received - e.time) / kNsPerMs);
  en.last_received = e.received;
  en.last_event_time = e.time;
  ++en.deliveries;
  en.alerted = false;
}

TimeNs SourceLiveness::Threshold(const Key& key, const Entry& e) const {
  const TimeNs floor = key.path == "s3" ? options_.floor_s3 : options_.floor_other;
  const int64_t p99 = std::max(P99(e.delays_ms), P99(e.gaps_ms));
  return std::max(floor,
                  static_cast<TimeNs>(options_.factor * static_cast<double>(p99)) * kNsPerMs);
}

std::vector<SourceLiveness::Silence> SourceLiveness::Silent(TimeNs now) const {
  std::vector<Silence> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [k, e] : entries_) {
    const TimeNs t = Threshold(k, e);
    if (now - e.last_received > t) out.push_back({k, e.last_received, now - e.last_received, t});
  }
  return out;
}

std::vector<SourceLiveness::Silence> SourceLiveness::NewSilences(TimeNs now) {
  std::vector<Silence> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [k, e] : entries_) {
    const TimeNs t = Threshold(k, e);
    if (!e.alerted && now - e.last_received > t) {
      e.alerted = true;
      out.push_back({k, e.last_received, now - e.last_received, t});
    }
  }
  return out;
}

void SourceLiveness::WriteMetrics(MetricsWriter* w, TimeNs now) const {
  w->Declare(kLastEventAge);
  w->Declare(kSilenceThreshold);
  w->Declare(kSilent);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [k, e] : entries_) {
    MetricsWriter::Labels labels = {
        {"log_type", k.log_type}, {"account", k.account}, {"region", k.region}, {"path", k.path}};
    const TimeNs t = Threshold(k, e);
    w->Add(kLastEventAge, labels, static_cast<double>(now - e.last_received) / 1e9);
    w->Add(kSilenceThreshold, labels, static_cast<double>(t) / 1e9);
    w->Add(kSilent, labels, uint64_t{now - e.last_received > t ? 1u : 0u});
  }
}

std::string SourceLiveness::StatusJson(TimeNs now) const {
  std::string out = "[";
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [k, e] : entries_) {
    if (out.size() > 1) out.push_back(',');
    out.push_back('{');
    AppendPathKeyFields(&out, k.log_type, k.account, k.region, k.path);
    out += ",\"last_received\":";
    AppendJsonString(&out, FormatRfc3339(e.last_received));
    const TimeNs t = Threshold(k, e);
    char nums[160];
    std::snprintf(nums, sizeof nums,
                  ",\"deliveries\":%llu,\"quiet_seconds\":%.3f,\"threshold_seconds\":%.3f,"
                  "\"silent\":%s}",
                  static_cast<unsigned long long>(e.deliveries),
                  static_cast<double>(now - e.last_received) / 1e9, static_cast<double>(t) / 1e9,
                  now - e.last_received > t ? "true" : "false");
    out += nums;
  }
  return out + "]";
}

size_t SourceLiveness::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

std::string SourceLiveness::ToJson() const {
  auto ring = [](const std::vector<int64_t>& v, size_t next) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) {  // oldest first
      s += (i ? "," : "") + std::to_string(v[(next + i) % v.size()]);
    }
    return s + "]";
  };
  std::string out = "{\"version\":1,\"saved\":";
  AppendJsonString(&out, FormatRfc3339(NowNs()));
  std::lock_guard<std::mutex> lock(mu_);
  char opts[160];
  std::snprintf(opts, sizeof opts,
                ",\"floor_s3_seconds\":%lld,\"floor_seconds\":%lld,\"factor\":%.3f",
                static_cast<long long>(options_.floor_s3 / kNsPerSec),
                static_cast<long long>(options_.floor_other / kNsPerSec), options_.factor);
  out += opts;
  out += ",\"paths\":[";
  bool first = true;
  for (const auto& [k, e] : entries_) {
    out += first ? "\n" : ",\n";
    first = false;
    out.push_back('{');
    AppendPathKeyFields(&out, k.log_type, k.account, k.region, k.path);
    out += ",\"last_received\":";
    AppendJsonString(&out, FormatRfc3339(e.last_received));
    out += ",\"last_event_time\":";
    AppendJsonString(&out, FormatRfc3339(e.last_event_time));
    out += ",\"deliveries\":" + std::to_string(e.deliveries);
    out += ",\"threshold_seconds\":" + std::to_string(Threshold(k, e) / kNsPerSec);
    out += ",\"delays_ms\":" + ring(e.delays_ms, e.delay_next);
    out += ",\"gaps_ms\":" + ring(e.gaps_ms, e.gap_next);
    out += std::string(",\"alerted\":") + (e.alerted ? "true" : "false") + "}";
  }
  out += "\n]}\n";
  return out;
}

Status SourceLiveness::FromJson(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(text.data(), text.size()).get(doc); err) {
    return Status::Corrupt(std::string("liveness state is not JSON: ") +
                           simdjson::error_message(err));
  }
  simdjson::dom::array paths;
  if (doc["paths"].get(paths) != simdjson::SUCCESS) {
    return Status::Corrupt("liveness state has no \"paths\" array");
  }
  // The thresholds the writer used (the daemon's configuration) hold for the reader too.
  LivenessOptions options = options_;
  int64_t secs = 0;
  double factor = 0;
  if (doc["floor_s3_seconds"].get(secs) == simdjson::SUCCESS) options.floor_s3 = secs * kNsPerSec;
  if (doc["floor_seconds"].get(secs) == simdjson::SUCCESS) options.floor_other = secs * kNsPerSec;
  if (doc["factor"].get(factor) == simdjson::SUCCESS && factor > 0) options.factor = factor;
  std::map<Key, Entry> loaded;
  size_t index = 0;
  for (simdjson::dom::element p : paths) {
    auto str = [&](const char* f) {
      std::string_view v;
      return p[f].get(v) == simdjson::SUCCESS ? std::string(v) : std::string();
    };
    Key k{str("log_type"), str("account"), str("region"), str("path")};
    auto last = ParseRfc3339(str("last_received"));
    if (k.log_type.empty() || k.path.empty() || !last) {
      return Status::Corrupt("liveness state: paths[" + std::to_string(index) +
                             "] lacks log_type, path or last_received");
    }
    Entry e;
    e.last_received = *last;
    e.last_event_time = ParseRfc3339(str("last_event_time")).value_or(*last);
    uint64_t n = 0;
    if (p["deliveries"].get(n) == simdjson::SUCCESS) e.deliveries = n;
    bool alerted = false;
    if (p["alerted"].get(alerted) == simdjson::SUCCESS) e.alerted = alerted;
    for (const char* f : {"delays_ms", "gaps_ms"}) {
      simdjson::dom::array a;
      if (p[f].get(a) != simdjson::SUCCESS) continue;
      auto& ring = std::string_view(f) == "delays_ms" ? e.delays_ms : e.gaps_ms;
      auto& next = std::string_view(f) == "delays_ms" ? e.delay_next : e.gap_next;
      for (simdjson::dom::element v : a) {
        int64_t ms = 0;
        if (v.get(ms) == simdjson::SUCCESS) Push(&ring, &next, ms);
      }
    }
    loaded[std::move(k)] = std::move(e);
    ++index;
  }
  std::lock_guard<std::mutex> lock(mu_);
  options_ = options;
  for (auto& [k, e] : loaded) {
    auto it = entries_.find(k);
    if (it == entries_.end() || it->second.last_received < e.last_received) entries_[k] = e;
  }
  return Status::Ok();
}

Status SourceLiveness::Save(const std::string& path) const {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << ToJson();
    f.flush();
    if (!f.good()) return Status::IoError("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::IoError("cannot rename " + tmp + " to " + path + ": " + ec.message());
  return Status::Ok();
}

Status SourceLiveness::Load(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Ok();
  std::stringstream ss;
  ss << f.rdbuf();
  Status st = FromJson(ss.str());
  if (!st.ok()) return Status::Corrupt(path + ": " + st.message());
  return Status::Ok();
}

}  // namespace fastpath
