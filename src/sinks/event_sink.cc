#include "sinks/event_sink.h"

#include "alerts/alert_policy.h"
#include "ocsf/ocsf_mapper.h"

namespace fastpath {

void NdjsonSink::Write(const Event& e) {
  const size_t before = buf_.size();
  if (shape_ == Shape::kOcsf) {
    AppendOcsfJsonLine(e, &buf_);
  } else {
    AppendEventJsonLine(e, &buf_);
  }
  bytes_ += buf_.size() - before;
  if (buf_.size() >= (1u << 20)) Flush();
}

void NdjsonSink::Flush() {
  if (!buf_.empty()) {
    std::fwrite(buf_.data(), 1, buf_.size(), out_);
    buf_.clear();
  }
  std::fflush(out_);
}

void NdjsonAlertSink::Write(const Alert& a) {
  AppendAlertJsonLine(a, &buf_);
  if (buf_.size() >= (1u << 16)) Flush();
}

void NdjsonAlertSink::Flush() {
  if (!buf_.empty()) {
    std::fwrite(buf_.data(), 1, buf_.size(), out_);
    buf_.clear();
  }
  std::fflush(out_);
}

}  // namespace fastpath
