// Input: the contract between the sources and the pipeline. A source hands the pipeline one
// InputSpec per unit it will acknowledge as a whole (a file, an S3 object, a Kinesis batch, an
// HTTP request body); the pipeline calls the input's `done` once every event of it is out.
//
// InputQueue is the pipeline as a source sees it: Submit may be called from any number of source
// threads at once and blocks while the pipeline is full (backpressure).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "core/time_util.h"

namespace fastpath {

class ByteReader;

// What became of one input, given to its `done` callback.
struct InputOutcome {
  bool unreadable = false;
  std::string error;    // why, when unreadable
  uint64_t events = 0;  // events that came out of it (first arrivals and duplicates)
  // False when a sink could not keep its events (the lake's spool could not be written): the
  // input must not be acknowledged, so that it comes again.
  bool stored = true;
};

struct InputSpec {
  std::string path;  // "-" for stdin; for other sources a name such as s3://bucket/key
  bool is_stdin = false;
  // When the input reached fastpath's side of its delivery path (a file's modification time, an
  // S3 object's LastModified, a Kinesis record's arrival, an HTTP request's arrival).
  TimeNs received_at = 0;
  uint64_t size = 0;
  // When set, opens the input instead of the file at `path` (S3 objects, request bodies).
  std::function<Result<std::unique_ptr<ByteReader>>()> open;
  // Called on the pipeline's consumer thread once every event of the input has been through
  // dedupe, detection and the sinks, and the sinks are flushed: where a source acknowledges the
  // input (SQS DeleteMessage, a receiver's response, a checkpoint).
  std::function<void(const InputOutcome&)> done;
};

class InputQueue {
 public:
  virtual ~InputQueue() = default;
  // Hands one input over; false when the pipeline no longer takes inputs (it is finishing), in
  // which case `done` is never called and the source must not acknowledge the input.
  virtual bool Submit(InputSpec spec) = 0;
};

}  // namespace fastpath
