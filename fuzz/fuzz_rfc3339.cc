// Fuzzes the RFC 3339 parser and checks that what it accepts formats and parses back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/time_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fastpath;
  auto t = ParseRfc3339(std::string_view(reinterpret_cast<const char*>(data), size));
  if (t) {
    const TimeNs ms =
        *t - ((*t % kNsPerMs) + kNsPerMs) % kNsPerMs;  // formatting keeps milliseconds
    auto back = ParseRfc3339(FormatRfc3339(*t));
    if (!back || *back != ms) std::abort();
  }
  return 0;
}
