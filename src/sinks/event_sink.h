// EventSink: where the pipeline's events go after dedupe (and, later, detection). Called only
// from the pipeline's single ordered consumer thread, so implementations need no locking.
#pragma once

#include <cstdio>
#include <string>

#include "alerts/alert_policy.h"
#include "core/event.h"

namespace fastpath {

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Write(const Event& e) = 0;
  virtual void Flush() {}
};

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

// Where alerts go. `scan --output alerts` prints them; the alerting stage (outbox, outputs) will
// take them from here. Called from the ordered consumer only.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void Write(const Alert& a) = 0;
  // A later match merged into the alert `alert_id` by the rule's dedup window.
  virtual void Merged(const std::string& alert_id) { (void)alert_id; }
  virtual void Flush() {}
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
