#include "sinks/event_sink.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

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

Status NdjsonSink::Commit() {
  Flush();
  if (std::ferror(out_)) {
    std::clearerr(out_);
    return Status::IoError(std::string("events output: write failed: ") + std::strerror(errno));
  }
  if (!sync_.Sync(fileno(out_))) {
    return Status::IoError(std::string("events output: fsync: ") + std::strerror(errno));
  }
  return Status::Ok();
}

int64_t FileOutputLength(std::FILE* f) {
  struct stat sb {};
  if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) return -1;
  return static_cast<int64_t>(sb.st_size);  // appended to: its end is where the lines stop
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
  sync_.Sync(fileno(out_));
}

}  // namespace fastpath
