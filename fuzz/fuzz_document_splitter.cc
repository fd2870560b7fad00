// Fuzzes the streaming document splitter with tiny read chunks, so every state meets a chunk
// boundary, and checks its invariants: documents lie inside the input, in order.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "decode/document_splitter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fastpath;
  if (size < 1) return 0;
  const size_t chunk = 1 + data[0] % 16;
  const std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  MemoryReader reader(input);
  DocumentSplitter::Options o;
  o.read_chunk = chunk;
  o.max_document_bytes = 256;
  DocumentSplitter splitter(&reader, o);
  Document doc;
  SplitProblem problem;
  uint64_t last_end = 0;
  for (;;) {
    auto step = splitter.Next(&doc, &problem);
    if (step == DocumentSplitter::Step::kEnd) break;
    if (step == DocumentSplitter::Step::kProblem) continue;
    if (doc.offset < last_end || doc.offset + doc.bytes.size() > input.size()) std::abort();
    if (input.compare(doc.offset, doc.bytes.size(), doc.bytes) != 0) std::abort();
    last_end = doc.offset + doc.bytes.size();
  }
  return 0;
}
