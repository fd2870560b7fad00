// Fuzzes what the dashboard reads from outside: the Cookie header of a request, and the metrics
// text it turns into JSON for the Health page (which must stay valid JSON whatever the text).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <simdjson.h>

#include "dashboard/dashboard.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fastpath;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string cookie = Dashboard::CookieFrom(text, "fastpath_session");
  if (cookie.size() > text.size()) std::abort();
  const std::string json = Dashboard::MetricsToJson(text);
  simdjson::dom::parser parser;
  if (parser.parse(json).error() != simdjson::SUCCESS) std::abort();
  return 0;
}
