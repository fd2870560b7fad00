#include "core/status.h"

namespace fastpath {

std::string Status::ToString() const {
  const char* name = "ok";
  switch (code_) {
    case Code::kOk:
      return "ok";
    case Code::kInvalidArgument:
      name = "invalid argument";
      break;
    case Code::kNotFound:
      name = "not found";
      break;
    case Code::kIoError:
      name = "I/O error";
      break;
    case Code::kCorrupt:
      name = "corrupt input";
      break;
    case Code::kTruncated:
      name = "truncated input";
      break;
    case Code::kTooLarge:
      name = "too large";
      break;
    case Code::kUnsupported:
      name = "unsupported";
      break;
  }
  return std::string(name) + ": " + message_;
}

}  // namespace fastpath
