#include "core/counters.h"

#include "core/event.h"

#include <cstdio>

namespace fastpath {

std::string_view StageName(Stage s) {
  switch (s) {
    case Stage::kSource:
      return "source";
    case Stage::kDecode:
      return "decode";
    case Stage::kParse:
      return "parse";
    case Stage::kDedupe:
      return "dedupe";
    case Stage::kDetect:
      return "detect";
    case Stage::kSink:
      return "sink";
  }
  return "?";
}

std::string_view DropReasonName(DropReason r) {
  switch (r) {
    case DropReason::kUnreadable:
      return "unreadable_input";
    case DropReason::kEmptyInput:
      return "empty_input";
    case DropReason::kCorruptGzip:
      return "corrupt_gzip";
    case DropReason::kTruncatedGzip:
      return "truncated_gzip";
    case DropReason::kInvalidJson:
      return "invalid_json";
    case DropReason::kInvalidUtf8:
      return "invalid_utf8";
    case DropReason::kTooDeep:
      return "too_deep";
    case DropReason::kTooLarge:
      return "too_large";
    case DropReason::kNotAnObject:
      return "not_an_object";
    case DropReason::kBadBase64:
      return "bad_base64";
    case DropReason::kEnvelopeTooDeep:
      return "envelope_too_deep";
    case DropReason::kMissingField:
      return "missing_field";
    case DropReason::kBadTimestamp:
      return "bad_timestamp";
    case DropReason::kControlMessage:
      return "cwl_control_message";
    case DropReason::kS3TestEvent:
      return "s3_test_event";
    case DropReason::kS3Notification:
      return "s3_notification";
    case DropReason::kDuplicate:
      return "duplicate";
    case DropReason::kUnsupportedFormat:
      return "unsupported_format";
    case DropReason::kHeaderLine:
      return "header_line";
    case DropReason::kMalformedLine:
      return "malformed_line";
    case DropReason::kNotStored:
      return "not_stored";
    case DropReason::kFilteredOut:
      return "filtered_out";
  }
  return "?";
}

bool DropIsExpected(DropReason r) {
  return r == DropReason::kControlMessage || r == DropReason::kS3TestEvent ||
         r == DropReason::kFilteredOut || r == DropReason::kS3Notification ||
         r == DropReason::kDuplicate || r == DropReason::kHeaderLine;
}

uint64_t PipelineCounters::unexpected_drops() const {
  uint64_t n = 0;
  for (int i = 0; i < kNumDropReasons; ++i) {
    if (!DropIsExpected(static_cast<DropReason>(i))) n += drops_[i].load(std::memory_order_relaxed);
  }
  return n;
}

void ErrorLog::SetNdjsonFile(std::FILE* f) {
  std::lock_guard<std::mutex> l(mu_);
  ndjson_ = f;
}

void ErrorLog::SetSinkForTest(std::function<void(const std::string&)> sink) {
  std::lock_guard<std::mutex> l(mu_);
  sink_ = std::move(sink);
}

void ErrorLog::SetStructuredSink(StructuredSink sink) {
  std::lock_guard<std::mutex> l(mu_);
  structured_ = std::move(sink);
}

void ErrorLog::Report(DropReason reason, std::string_view where, uint64_t offset,
                      std::string_view what) {
  std::string line = "fastpath: ";
  line.append(where);
  if (offset != kWholeInput) {
    line.append(": offset ");
    line.append(std::to_string(offset));
  }
  line.append(": ");
  line.append(what);
  line.append(" [");
  line.append(DropReasonName(reason));
  line.append("]");
  std::lock_guard<std::mutex> l(mu_);
  if (ndjson_ != nullptr) {
    std::string j = "{\"input\":";
    AppendJsonString(&j, where);
    j.append(",\"offset\":")
        .append(offset == kWholeInput ? "null" : std::to_string(offset))
        .append(",\"reason\":");
    AppendJsonString(&j, DropReasonName(reason));
    j.append(",\"error\":");
    AppendJsonString(&j, what);
    j.append("}\n");
    std::fwrite(j.data(), 1, j.size(), ndjson_);
  }
  if (structured_) {
    structured_(reason, where, offset, what);
    return;
  }
  if (sink_) {
    sink_(line);
    return;
  }
  int& printed = printed_[static_cast<int>(reason)];
  if (printed >= max_per_reason_) {
    suppressed_.fetch_add(1);
    return;
  }
  ++printed;
  std::fprintf(stderr, "%s\n", line.c_str());
  if (printed == max_per_reason_) {
    std::fprintf(stderr, "fastpath: further %s messages are counted, not printed\n",
                 std::string(DropReasonName(reason)).c_str());
  }
}

}  // namespace fastpath
