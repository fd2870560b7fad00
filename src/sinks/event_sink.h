// The sinks: NDJSON writers for events (canonical or OCSF) and alerts, and a sink that discards.
// They implement the EventSink and AlertSink contracts of src/core; like every sink they are
// called from the pipeline's ordered consumer thread only.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "core/alert.h"
#include "core/event.h"
#include "core/event_sink.h"
#include "core/fsync_policy.h"

namespace fastpath {

// One JSON object per line (`scan --output events`), buffered, to a stdio stream it does not own.
class NdjsonSink final : public EventSink {
 public:
  enum class Shape { kEvents, kOcsf };  // `scan --output events` or `--output ocsf`
  explicit NdjsonSink(std::FILE* out, Shape shape = Shape::kEvents,
                      FsyncSchedule sync = FsyncSchedule(FsyncPolicy::kNever))
      : out_(out), shape_(shape), sync_(sync) {}
  ~NdjsonSink() override { Flush(); }
  void Write(const Event& e) override;
  void Flush() override;
  // Flushes, and syncs as the fsync policy says; an error when the lines could not be written.
  Status Commit() override;
  uint64_t bytes_written() const { return bytes_; }

 private:
  std::FILE* out_;
  const Shape shape_;
  FsyncSchedule sync_;
  std::string buf_;
  uint64_t bytes_ = 0;
};

// Discards events (`--output alerts` with no rules, benchmarks).
class NullSink final : public EventSink {
 public:
  void Write(const Event&) override {}
};

// Every event to each of several sinks (standard output and the lake).
class TeeSink final : public EventSink {
 public:
  explicit TeeSink(std::vector<EventSink*> sinks) : sinks_(std::move(sinks)) {}
  void Write(const Event& e) override {
    for (EventSink* s : sinks_) s->Write(e);
  }
  void Flush() override {
    for (EventSink* s : sinks_) s->Flush();
  }
  Status Commit() override {
    Status first;
    for (EventSink* s : sinks_) {
      Status st = s->Commit();
      if (!st.ok() && first.ok()) first = st;
    }
    return first;
  }

 private:
  std::vector<EventSink*> sinks_;
};

// The length of an output file once flushed (-1: not a regular file).
int64_t FileOutputLength(std::FILE* f);

class NdjsonAlertSink final : public AlertSink {
 public:
  explicit NdjsonAlertSink(std::FILE* out, FsyncSchedule sync = FsyncSchedule(FsyncPolicy::kNever))
      : out_(out), sync_(sync) {}
  ~NdjsonAlertSink() override { Flush(); }
  void Write(const Alert& a) override;
  void Flush() override;

 private:
  std::FILE* out_;
  FsyncSchedule sync_;
  std::string buf_;
};

// Lets alerts come from more than the pipeline's consumer (the daemon's silence alerts): every
// call is made under one lock.
class LockedAlertSink final : public AlertSink {
 public:
  explicit LockedAlertSink(AlertSink* inner) : inner_(inner) {}
  void Write(const Alert& a) override {
    std::lock_guard<std::mutex> lock(mu_);
    inner_->Write(a);
  }
  void Merged(const std::string& alert_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    inner_->Merged(alert_id);
  }
  void Flush() override {
    std::lock_guard<std::mutex> lock(mu_);
    inner_->Flush();
  }

 private:
  AlertSink* inner_;
  std::mutex mu_;
};

}  // namespace fastpath
