// Fuzzes the whole untrusted boundary of a file: decompression, document splitting, every
// envelope, and the record parsers, as `fastpath scan` runs them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "decode/envelope_decoder.h"
#include "parse/record_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fastpath;
  static PipelineCounters counters;
  static ErrorLog errors;
  static bool quiet = [] {
    errors.SetSinkForTest([](const std::string&) {});
    return true;
  }();
  (void)quiet;
  EnvelopeDecoder::Limits limits;
  limits.max_document_bytes = 1 << 20;
  EnvelopeDecoder decoder(limits, &counters, &errors);
  size_t events = 0;
  RecordParser parser(&counters, &errors, [&](Event&& e, const simdjson::dom::element*) {
    std::string line;
    AppendEventJsonLine(e, &line);
    events += line.size() > 0;
  });
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  RecordContext ctx;
  ctx.source = "fuzz";
  decoder.DecodeStream(std::make_unique<MemoryReader>(bytes), ctx, &parser);
  return 0;
}
