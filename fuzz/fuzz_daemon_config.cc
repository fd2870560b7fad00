// Fuzzes the `fastpath run` configuration loader (operator-written YAML).
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/daemon_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)fastpath::ParseDaemonConfig(text, "/fuzz/fastpath.yml");
  return 0;
}
