// Fuzzes the JSON record parsers (GuardDuty, Security Hub, Config, Inspector, Macie, Trusted
// Advisor, WAF, Resolver, Network Firewall, API Gateway, Lambda, CloudFront) on any JSON object,
// and renders every event they make as OCSF.
#include <cstddef>
#include <cstdint>
#include <string>

#include <simdjson.h>

#include "ocsf/ocsf_mapper.h"
#include "parse/service_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(reinterpret_cast<const char*>(data), size).get(root) != simdjson::SUCCESS) {
    return 0;
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return 0;
  fastpath::RecordContext ctx;
  std::vector<fastpath::Event> events;
  std::vector<fastpath::ParseOutcome> failures;
  (void)fastpath::ParseServiceRecord(obj, ctx, &events, &failures);
  for (const fastpath::Event& e : events) {
    std::string out;
    fastpath::AppendOcsfJsonLine(e, &out);
  }
  (void)fastpath::ParseInspectorTime(
      std::string_view(reinterpret_cast<const char*>(data), size < 64 ? size : 64));
  return 0;
}
