// Fuzzes the rule loaders: fastpath rule YAML, Sigma YAML (through the same entry point) and the
// Sigma condition parser, then runs whatever loaded against a CloudTrail record.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/rule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fastpath;
  const std::string text(reinterpret_cast<const char*>(data), size);
  RuleSet set;
  ParseRuleYaml(text, "fuzz.yml", &set);
  simdjson::dom::parser parser;
  auto record = parser.parse(std::string(
      R"({"eventVersion":"1.08","eventSource":"iam.amazonaws.com","eventName":"CreateUser","userIdentity":{"type":"Root","arn":"arn:aws:iam::1:root"},"requestParameters":{"userName":"x","list":[1,2]},"sourceIPAddress":"203.0.113.1"})"));
  for (const auto& r : set.rules) {
    if (r->sigma) (void)r->sigma->Matches(record.value());
    if (r->pattern) (void)r->pattern->Matches(JsonPatternEvent(record.value()));
  }
  return 0;
}
