#include "core/latency_histogram.h"

#include <algorithm>
#include <cstdio>

namespace fastpath {

int LatencyHistogram::BucketOf(int64_t v) {
  if (v < kLinear) return static_cast<int>(std::max<int64_t>(v, 0));
  const int e = 63 - __builtin_clzll(static_cast<uint64_t>(v));  // 2^e <= v < 2^(e+1), e >= 6
  const int sub = static_cast<int>((v >> (e - kSubBits)) & ((1 << kSubBits) - 1));
  const int b = kLinear + (e - 6) * (1 << kSubBits) + sub;
  return std::min(b, kBuckets - 1);
}

int64_t LatencyHistogram::UpperBound(int bucket) {
  if (bucket < kLinear) return bucket;
  const int i = bucket - kLinear;
  const int e = 6 + i / (1 << kSubBits);
  const int64_t sub = i % (1 << kSubBits);
  return ((int64_t{1} << e) + ((sub + 1) << (e - kSubBits))) - 1;
}

void LatencyHistogram::Record(int64_t ms) {
  if (ms < 0) ms = 0;
  ++buckets_[BucketOf(ms)];
  ++count_;
  max_ = std::max(max_, ms);
  sum_ += ms;
}

uint64_t LatencyHistogram::CountAtMost(int64_t ms) const {
  uint64_t n = 0;
  for (int b = 0; b < kBuckets && UpperBound(b) <= ms; ++b) n += buckets_[b];
  return n;
}

int64_t LatencyHistogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  const uint64_t rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(q * static_cast<double>(count_) + 0.5));
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += buckets_[b];
    if (seen >= rank) return std::min(UpperBound(b), max_);
  }
  return max_;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (int b = 0; b < kBuckets; ++b) buckets_[b] += other.buckets_[b];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

std::string FormatDurationMs(int64_t ms) {
  char buf[32];
  if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(ms));
  } else if (ms < 60'000) {
    std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
  } else if (ms < 3'600'000) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(ms / 60'000),
                  static_cast<long long>(ms / 1000 % 60));
  } else if (ms < 86'400'000) {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(ms / 3'600'000),
                  static_cast<long long>(ms / 60'000 % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lldd%02lldh", static_cast<long long>(ms / 86'400'000),
                  static_cast<long long>(ms / 3'600'000 % 24));
  }
  return buf;
}

}  // namespace fastpath
