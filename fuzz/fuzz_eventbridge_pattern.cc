// Fuzzes the EventBridge pattern compiler and matcher: the input is "PATTERN\nEVENT"; a pattern
// that compiles is matched against the event (when it parses) and against a fixed CloudTrail event.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/eventbridge_pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fastpath;
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string pattern = input.substr(0, nl);
  const std::string event = nl == std::string::npos ? std::string("{}") : input.substr(nl + 1);
  auto compiled = EventBridgePattern::Compile(pattern);
  if (!compiled.ok()) return 0;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(event).get(root) == simdjson::SUCCESS) {
    (void)compiled.value()->Matches(JsonPatternEvent(root));
  }
  simdjson::dom::parser p2;
  auto fixed = p2.parse(std::string(
      R"({"source":"aws.s3","detail":{"eventName":"PutObject","a":[1,"x",null,true,{"b":"10.0.0.1"}],"c.d":{"e":5.5}}})"));
  (void)compiled.value()->Matches(JsonPatternEvent(fixed.value()));
  (void)compiled.value()->Anchors();
  return 0;
}
