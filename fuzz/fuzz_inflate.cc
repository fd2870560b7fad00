// Fuzzes the gzip/zlib stream reader (multi-member, truncation, corruption) and base64.
#include <cstddef>
#include <cstdint>
#include <string>

#include "decode/byte_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fastpath;
  const std::string input(reinterpret_cast<const char*>(data), size);
  InflateReader reader(std::make_unique<MemoryReader>(input), "");
  char buf[997];
  size_t total = 0;
  for (;;) {
    auto n = reader.Read(buf, sizeof buf);
    if (!n.ok() || n.value() == 0) break;
    total += n.value();
    if (total > (64u << 20)) break;
  }
  auto inflated = InflateBuffer(input, 1 << 20);
  auto decoded = Base64Decode(input);
  (void)inflated;
  (void)decoded;
  return 0;
}
