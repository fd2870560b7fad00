// Per-stage counters (records and bytes in/out) and drops by reason, shared by every worker.
//
// Thread-safe: all fields are relaxed atomics. Workers add per batch or per document, not per
// byte, so contention stays low. `--stats` prints them; a metrics endpoint can read them live.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace fastpath {

enum class Stage : uint8_t { kSource = 0, kDecode, kParse, kDedupe, kDetect, kSink };
constexpr int kNumStages = 6;
std::string_view StageName(Stage s);

// Why a record (or a whole input) did not become an event. Each value is one line of `--stats`.
enum class DropReason : uint8_t {
  kUnreadable = 0,     // the input could not be opened or read
  kEmptyInput,         // the input held no bytes (or only whitespace)
  kCorruptGzip,        // the gzip/zlib stream is damaged
  kTruncatedGzip,      // the gzip stream ends before its trailer
  kInvalidJson,        // a document is not valid JSON
  kInvalidUtf8,        // a document has bytes that are not UTF-8
  kTooDeep,            // JSON nesting deeper than the parser's limit
  kTooLarge,           // a document larger than max_document_bytes
  kNotAnObject,        // a record that is a string, number, array... where an object belongs
  kBadBase64,          // a base64 payload (Kinesis, Firehose, awslogs) does not decode
  kEnvelopeTooDeep,    // envelopes nested beyond the limit (a decompression/nesting bomb)
  kMissingField,       // a recognised record lacks a field it must have (eventTime, ...)
  kBadTimestamp,       // a time field that is not RFC 3339
  kControlMessage,     // CloudWatch Logs CONTROL_MESSAGE (expected, not an error)
  kS3TestEvent,        // s3:TestEvent notification (expected, not an error)
  kS3Notification,     // an S3 object announcement: the S3 sources fetch the object
  kDuplicate,          // a later arrival of an event already seen on some path
  kUnsupportedFormat,  // binary input in no format fastpath reads (zip, tar, ...)
  kHeaderLine,         // a text log's header line (it names the fields; not an event)
  kMalformedLine,      // a text record whose fields do not fit its format
  kNotStored,          // a sink could not keep an input's events; the input is not acknowledged
  kFilteredOut,        // not selected by the command's filters (--since, --where, ...)
};
constexpr int kNumDropReasons = 22;
std::string_view DropReasonName(DropReason r);
// True for drops that are normal operation rather than bad input.
bool DropIsExpected(DropReason r);

struct StageCounter {
  std::atomic<uint64_t> records_in{0};
  std::atomic<uint64_t> records_out{0};
  std::atomic<uint64_t> bytes_in{0};
  std::atomic<uint64_t> bytes_out{0};
};

class PipelineCounters {
 public:
  StageCounter& stage(Stage s) { return stages_[static_cast<int>(s)]; }
  const StageCounter& stage(Stage s) const { return stages_[static_cast<int>(s)]; }
  void Drop(DropReason r, uint64_t n = 1) {
    drops_[static_cast<int>(r)].fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t drops(DropReason r) const {
    return drops_[static_cast<int>(r)].load(std::memory_order_relaxed);
  }
  uint64_t unexpected_drops() const;
  static void Add(std::atomic<uint64_t>& c, uint64_t n) {
    c.fetch_add(n, std::memory_order_relaxed);
  }

 private:
  std::array<StageCounter, kNumStages> stages_;
  std::array<std::atomic<uint64_t>, kNumDropReasons> drops_{};
};

// Receives the bad-input messages ("file: offset N: reason"). The default prints the first few of
// each reason to stderr and then only counts. Thread-safe.
class ErrorLog {
 public:
  // The offset of a problem with an input as a whole (unreadable, an archive, not stored): the
  // message names no offset, and --errors writes "offset":null.
  static constexpr uint64_t kWholeInput = ~uint64_t{0};
  explicit ErrorLog(int max_per_reason = 10) : max_per_reason_(max_per_reason) {}
  // Replaces stderr output, e.g. to collect messages in a test.
  void SetSinkForTest(std::function<void(const std::string&)> sink);
  // Every report goes to `sink` instead of stderr (the daemon writes them as JSON log lines).
  using StructuredSink = std::function<void(DropReason reason, std::string_view where,
                                            uint64_t offset, std::string_view what)>;
  void SetStructuredSink(StructuredSink sink);
  void Report(DropReason reason, std::string_view where, uint64_t offset, std::string_view what);
  // Also writes every report, printed or not, as one JSON line {"input","offset","reason",
  // "error"} to `f` (not owned; flushed by the caller), for `scan --errors FILE`.
  void SetNdjsonFile(std::FILE* f);
  uint64_t suppressed() const { return suppressed_.load(); }

 private:
  const int max_per_reason_;
  std::mutex mu_;
  std::array<int, kNumDropReasons> printed_{};    // guarded by mu_
  std::function<void(const std::string&)> sink_;  // guarded by mu_
  StructuredSink structured_;                     // guarded by mu_
  std::FILE* ndjson_ = nullptr;                   // guarded by mu_
  std::atomic<uint64_t> suppressed_{0};
};

}  // namespace fastpath
