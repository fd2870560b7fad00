// FileSource: the inputs of `fastpath scan`: files, folders (recursively) and "-" for stdin.
// Each input carries its receive time: the file's modification time, since that is when the
// delivery wrote it, unless the user fixes one with --received-at.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time_util.h"

namespace fastpath {

class ByteReader;

// What became of one input, given to its `done` callback.
struct InputOutcome {
  bool unreadable = false;
  std::string error;    // why, when unreadable
  uint64_t events = 0;  // events that came out of it (first arrivals and duplicates)
};

struct InputSpec {
  std::string path;  // "-" for stdin; for other sources a name such as s3://bucket/key
  bool is_stdin = false;
  TimeNs mtime = 0;  // receive time
  uint64_t size = 0;
  // When set, opens the input instead of the file at `path` (S3 objects, request bodies).
  std::function<Result<std::unique_ptr<ByteReader>>()> open;
  // Called on the consumer thread once every event of the input has been through dedupe,
  // detection and the sinks, and the sinks are flushed: where a source acknowledges the input
  // (SQS DeleteMessage, a receiver's response, a checkpoint).
  std::function<void(const InputOutcome&)> done;
};

struct ListedInputs {
  std::vector<InputSpec> inputs;
  std::vector<std::string> problems;  // named paths that do not exist or cannot be listed
};

// Expands folders recursively. Files found in a folder are ordered by modification time, then
// name, so a replay of delivered files sees them in arrival order; named files keep their order.
ListedInputs ListInputs(const std::vector<std::string>& args);

}  // namespace fastpath
