// Fuzzes the text log parsers (load balancers, S3 access, CloudFront, Route 53, Lambda, API
// Gateway, RDS, flow logs) the way an input reaches them: line by line, the first at offset 0
// (headers), with and without a CloudWatch Logs log group, and renders what comes out as OCSF.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "ocsf/ocsf_mapper.h"
#include "parse/text_log_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto formats = std::make_shared<std::vector<fastpath::ConfiguredVpcFlowFormat>>();
  auto f = fastpath::ParseConfiguredVpcFlowFormat("/aws/vpc/*=version srcaddr dstaddr action");
  if (f.ok()) formats->push_back(std::move(f.value()));
  static const char* const kGroups[] = {"", "/aws/lambda/f", "/aws/rds/instance/db/postgresql",
                                        "API-Gateway-Execution-Logs_abc/prod", "/aws/vpc/flows"};
  for (const char* group : kGroups) {
    fastpath::TextLogParser parser(formats);
    fastpath::RecordContext ctx;
    ctx.log_group = group;
    ctx.log_stream = "s";
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      ctx.offset = start;
      fastpath::Event e;
      std::string ocsf;
      if (parser.Parse(std::string_view(text).substr(start, end - start), ctx, &e).is_event()) {
        fastpath::AppendOcsfJsonLine(e, &ocsf);
      }
      start = end + 1;
    }
  }
  return 0;
}
