// Fuzzes what the lake reader takes from a lake it does not control: an object's bytes (gzip'd
// or not), each line as a canonical event, and key paths as partition folders. Nothing may
// crash; a line that parses must carry the columns it was read from.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "decode/byte_reader.h"
#include "lake/lake_layout.h"
#include "lake/lake_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fastpath;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  {
    // The first line as a key relative to the lake root.
    lake::Partition p;
    std::string_view object;
    const std::string_view key = in.substr(0, in.find('\n'));
    if (lake::ParsePartitionKey(key, &p, &object).ok()) {
      if (p.hour < 0 || p.hour > 23 || p.dt.size() != 10) std::abort();
      (void)p.Start();
    }
  }
  simdjson::dom::parser parser;
  auto bytes = std::make_shared<const std::string>(in);
  (void)lake::ReadLakeLines(
      std::make_unique<SharedStringReader>(bytes), "fuzz",
      [&](std::string_view line) {
        Event e;
        simdjson::dom::element record;
        if (lake::ParseLakeLine(parser, line, &e, &record).ok()) {
          if (line.find(e.id) == std::string_view::npos) std::abort();
        }
      },
      1u << 16);
  return 0;
}
