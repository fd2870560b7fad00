// EventSink: the contract of the last stage. The pipeline's events go there after dedupe and
// detection. Called only from the pipeline's single ordered consumer thread, so implementations
// need no locking.
#pragma once

#include "core/event.h"
#include "core/status.h"

namespace fastpath {

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Write(const Event& e) = 0;
  virtual void Flush() {}
  // Called before an input is acknowledged: everything written so far must be where it survives
  // the process (written to its file, its spool). An error means the input must not be
  // acknowledged: it will come again.
  virtual Status Commit() {
    Flush();
    return Status::Ok();
  }
};

}  // namespace fastpath
