// The guard every YAML text passes before yaml-cpp sees it: yaml-cpp 0.7 loops forever on some
// malformed input, so only text of the shapes configuration and rule files use reaches it.
#pragma once

#include <string_view>

#include "core/status.h"

namespace fastpath {

// Refuses text that is not UTF-8, holds control characters, directives, tab indentation or a
// document that starts with ','.
Status CheckYamlText(std::string_view text);

}  // namespace fastpath
