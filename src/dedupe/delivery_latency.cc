#include "dedupe/delivery_latency.h"

#include <cstdio>

namespace fastpath {

void DeliveryLatency::RecordDelay(const Event& e) {
  TimeNs d = e.received - e.time;
  if (d < 0) {
    ++negative_;
    d = 0;
  }
  if (last_ == nullptr || std::get<0>(*last_key_) != e.log_type ||
      std::get<3>(*last_key_) != e.path || std::get<1>(*last_key_) != e.account ||
      std::get<2>(*last_key_) != e.region) {
    auto it = delays_.try_emplace(DelayKey{e.log_type, e.account, e.region, e.path}).first;
    last_key_ = &it->first;
    last_ = &it->second;
  }
  last_->Record(d / kNsPerMs);
}

void DeliveryLatency::RecordLag(LogType type, DeliveryPath first, DeliveryPath later, TimeNs lag) {
  lags_[LagKey{type, first, later}].Record(lag / kNsPerMs);
}

namespace {
void AppendRow(std::string* out, const char* fmt, const std::string& a, const std::string& b,
               const std::string& c, const std::string& d, const LatencyHistogram& h) {
  char line[512];
  std::snprintf(line, sizeof line, fmt, a.c_str(), b.c_str(), c.c_str(), d.c_str(),
                static_cast<unsigned long long>(h.count()),
                FormatDurationMs(h.Quantile(0.5)).c_str(),
                FormatDurationMs(h.Quantile(0.9)).c_str(),
                FormatDurationMs(h.Quantile(0.99)).c_str(), FormatDurationMs(h.max()).c_str());
  out->append(line);
}
}  // namespace

std::string DeliveryLatency::FormatTables() const {
  std::string out;
  static const char* kDelayFmt = "  %-24s %-14s %-16s %-16s %10llu %9s %9s %9s %9s\n";
  out.append(
      "delivery delay (receive time - event time), per log type, account, region and path\n");
  char head[512];
  std::snprintf(head, sizeof head, "  %-24s %-14s %-16s %-16s %10s %9s %9s %9s %9s\n", "log_type",
                "account", "region", "path", "events", "p50", "p90", "p99", "max");
  out.append(head);
  for (const auto& [k, h] : delays_) {
    AppendRow(&out, kDelayFmt, std::string(LogTypeName(std::get<0>(k))),
              std::get<1>(k).empty() ? "-" : std::get<1>(k),
              std::get<2>(k).empty() ? "-" : std::get<2>(k),
              std::string(DeliveryPathName(std::get<3>(k))), h);
  }
  if (delays_.empty()) out.append("  (no events)\n");
  if (negative_ > 0) {
    out.append("  " + std::to_string(negative_) +
               " arrivals were received before their event time (clock skew); counted as 0\n");
  }
  out.append("\nlater arrivals of the same event, lag behind the first arrival\n");
  std::snprintf(head, sizeof head, "  %-24s %-16s %-16s %-1s%10s %9s %9s %9s %9s\n", "log_type",
                "first_path", "later_path", "", "events", "p50", "p90", "p99", "max");
  out.append(head);
  static const char* kLagFmt = "  %-24s %-16s %-16s %-1s%10llu %9s %9s %9s %9s\n";
  for (const auto& [k, h] : lags_) {
    AppendRow(&out, kLagFmt, std::string(LogTypeName(std::get<0>(k))),
              std::string(DeliveryPathName(std::get<1>(k))),
              std::string(DeliveryPathName(std::get<2>(k))), "", h);
  }
  if (lags_.empty()) out.append("  (no event arrived twice)\n");
  return out;
}

}  // namespace fastpath
