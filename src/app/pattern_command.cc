// `fastpath pattern test PATTERN EVENT`: EventBridge's TestEventPattern, locally.
#include <fstream>
#include <sstream>

#include "app/scan_command.h"
#include "rules/eventbridge_pattern.h"

namespace fastpath {

namespace {
// "@path" reads the file; anything else is the JSON text itself.
Result<std::string> TextOrFile(const std::string& arg) {
  if (arg.empty() || arg[0] != '@') return arg;
  std::ifstream f(arg.substr(1), std::ios::binary);
  if (!f) return Status::NotFound(arg.substr(1) + ": cannot be read");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
}  // namespace

int RunPatternTest(const std::string& pattern_arg, const std::string& event_arg, std::FILE* out,
                   std::FILE* err) {
  auto pattern = TextOrFile(pattern_arg);
  auto event = TextOrFile(event_arg);
  if (!pattern.ok() || !event.ok()) {
    std::fprintf(err, "fastpath pattern test: %s\n",
                 (!pattern.ok() ? pattern.status() : event.status()).message().c_str());
    return 2;
  }
  auto r = TestEventPattern(pattern.value(), event.value());
  if (!r.ok()) {
    if (r.status().code() == Status::Code::kInvalidArgument) {
      std::fprintf(err, "Event pattern is not valid. Reason: %s\n", r.status().message().c_str());
    } else {
      std::fprintf(err, "%s\n", r.status().message().c_str());
    }
    return 2;
  }
  std::fprintf(out, "%s\n", r.value() ? "true" : "false");
  return r.value() ? 0 : 1;
}

}  // namespace fastpath
