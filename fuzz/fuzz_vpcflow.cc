// Fuzzes the VPC flow log parser: the header detection and records in the default format and in
// a format the input's first line declares.
#include <cstddef>
#include <cstdint>
#include <string>

#include "parse/vpcflow_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  fastpath::RecordContext ctx;
  fastpath::Event e;
  (void)fastpath::LooksLikeDefaultVpcFlow(text);
  (void)fastpath::ParseVpcFlowLine(text, fastpath::DefaultVpcFlowFormat(), ctx, &e);
  const size_t nl = text.find('\n');
  fastpath::VpcFlowFormat f;
  if (nl != std::string::npos && fastpath::ParseVpcFlowHeader(text.substr(0, nl), &f)) {
    (void)fastpath::ParseVpcFlowLine(text.substr(nl + 1), f, ctx, &e);
  }
  return 0;
}
