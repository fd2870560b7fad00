// Status and Result<T>: the error vocabulary of the data path.
//
// Malformed input from AWS is an expected event, not an exception: functions on the data path
// return a Status (or a Result<T> holding either a value or a Status) that names what was wrong
// and where. Both are plain values, safe to copy and move between threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace fastpath {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // the caller (CLI, config) asked for something that cannot be done
    kNotFound,         // a named input does not exist
    kIoError,          // the operating system refused a read or write
    kCorrupt,          // input bytes are not what they claim to be (bad gzip, bad JSON, ...)
    kTruncated,        // input ends before its format says it should
    kTooLarge,         // input exceeds a configured limit
    kUnsupported,      // well-formed input that fastpath has no decoder for
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status IoError(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  static Status Corrupt(std::string msg) { return Status(Code::kCorrupt, std::move(msg)); }
  static Status Truncated(std::string msg) { return Status(Code::kTruncated, std::move(msg)); }
  static Status TooLarge(std::string msg) { return Status(Code::kTooLarge, std::move(msg)); }
  static Status Unsupported(std::string msg) { return Status(Code::kUnsupported, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a T or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  T& operator*() { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace fastpath
