// LatencyHistogram: a log-linear histogram of durations in milliseconds, exact below 64 ms and
// within about 3% above, from 0 to about 35 years, in a fixed 9 KB. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace fastpath {

class LatencyHistogram {
 public:
  void Record(int64_t ms);
  uint64_t count() const { return count_; }
  int64_t max() const { return max_; }
  // The value at quantile q in [0, 1]: the upper bound of the bucket that holds it, capped by max.
  int64_t Quantile(double q) const;
  void Merge(const LatencyHistogram& other);
  // Values recorded whose bucket lies wholly at or below `ms`: exact below 64 ms, within the
  // bucket width (about 3%) above. For Prometheus histogram buckets.
  uint64_t CountAtMost(int64_t ms) const;
  int64_t sum() const { return sum_; }  // of the values recorded, in ms

 private:
  static constexpr int kSubBits = 5;  // 32 sub-buckets per power of two
  static constexpr int kLinear = 64;
  static constexpr int kBuckets = kLinear + (50 - 6) * (1 << kSubBits);
  static int BucketOf(int64_t v);
  static int64_t UpperBound(int bucket);
  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  int64_t max_ = 0;
  int64_t sum_ = 0;
};

// "850ms", "4.2s", "5m12s", "3h05m", "2d04h".
std::string FormatDurationMs(int64_t ms);

}  // namespace fastpath
