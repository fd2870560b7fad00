// When written data is forced to stable storage (fdatasync): after every acknowledged input
// (always), at most once per interval (the default: a power loss can cost the last interval,
// a crash of the process costs nothing, as written data is in the kernel), or never.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string_view>

#include "core/time_util.h"

namespace fastpath {

enum class FsyncPolicy { kAlways, kInterval, kNever };

inline bool ParseFsyncPolicy(std::string_view s, FsyncPolicy* out) {
  if (s == "always") {
    *out = FsyncPolicy::kAlways;
  } else if (s == "interval") {
    *out = FsyncPolicy::kInterval;
  } else if (s == "never") {
    *out = FsyncPolicy::kNever;
  } else {
    return false;
  }
  return true;
}

// Decides, for one file, whether this commit syncs.
class FsyncSchedule {
 public:
  FsyncSchedule(FsyncPolicy policy = FsyncPolicy::kInterval, int64_t interval_ns = 1000000000)
      : policy_(policy), interval_ns_(interval_ns) {}
  bool Due() {
    if (policy_ == FsyncPolicy::kNever) return false;
    if (policy_ == FsyncPolicy::kAlways) return true;
    const int64_t now = SteadyNs();
    if (now - last_ns_ < interval_ns_) return false;
    last_ns_ = now;
    return true;
  }
  // fdatasync(fd) when due; false only when a due sync failed (errno says why). Files that
  // cannot be synced (pipes, terminals) count as synced.
  bool Sync(int fd) {
    if (!Due()) return true;
    return ::fdatasync(fd) == 0 || errno == EINVAL || errno == EROFS;
  }

 private:
  FsyncPolicy policy_;
  int64_t interval_ns_;
  int64_t last_ns_ = 0;
};

}  // namespace fastpath
