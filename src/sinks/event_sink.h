// The sinks: NDJSON writers for events (canonical or OCSF) and alerts, and a sink that discards.
// They implement the EventSink and AlertSink contracts of src/core; like every sink they are
// called from the pipeline's ordered consumer thread only.
#pragma once

#include <cstdio>
#include <string>

#include "core/alert.h"
#include "core/event.h"
#include "core/event_sink.h"

namespace fastpath {

// One JSON object per line (`scan --output events`), buffered, to a stdio stream it does not own.
class NdjsonSink final : public EventSink {
 public:
  enum class Shape { kEvents, kOcsf };  // `scan --output events` or `--output ocsf`
  explicit NdjsonSink(std::FILE* out, Shape shape = Shape::kEvents) : out_(out), shape_(shape) {}
  ~NdjsonSink() override { Flush(); }
  void Write(const Event& e) override;
  void Flush() override;
  uint64_t bytes_written() const { return bytes_; }

 private:
  std::FILE* out_;
  const Shape shape_;
  std::string buf_;
  uint64_t bytes_ = 0;
};

// Discards events (`--output alerts` with no rules, benchmarks).
class NullSink final : public EventSink {
 public:
  void Write(const Event&) override {}
};

class NdjsonAlertSink final : public AlertSink {
 public:
  explicit NdjsonAlertSink(std::FILE* out) : out_(out) {}
  ~NdjsonAlertSink() override { Flush(); }
  void Write(const Alert& a) override;
  void Flush() override;

 private:
  std::FILE* out_;
  std::string buf_;
};

}  // namespace fastpath
