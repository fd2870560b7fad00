// FileSource: the inputs of `fastpath scan`: files, folders (recursively) and "-" for stdin.
// Each input carries its receive time: the file's modification time, since that is when the
// delivery wrote it, unless the user fixes one with --received-at.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/input.h"
#include "core/status.h"
#include "core/time_util.h"

namespace fastpath {

struct ListedInputs {
  std::vector<InputSpec> inputs;
  std::vector<std::string> problems;  // named paths that do not exist or cannot be listed
};

// Expands folders recursively. Files found in a folder are ordered by modification time, then
// name, so a replay of delivered files sees them in arrival order; named files keep their order.
ListedInputs ListInputs(const std::vector<std::string>& args);

}  // namespace fastpath
