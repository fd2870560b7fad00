// EventSink: the contract of the last stage. The pipeline's events go there after dedupe and
// detection. Called only from the pipeline's single ordered consumer thread, so implementations
// need no locking.
#pragma once

#include "core/event.h"

namespace fastpath {

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Write(const Event& e) = 0;
  virtual void Flush() {}
};

}  // namespace fastpath
