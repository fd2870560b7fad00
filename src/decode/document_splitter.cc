#include "decode/document_splitter.h"

#include <cstring>

namespace fastpath {
namespace {

inline bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// Bytes that can end a bare scalar (number, true, false, null) inside a container.
inline bool EndsScalar(char c) {
  return c == ',' || c == ']' || c == '}' || IsSpace(c);
}

// Index of the first '"' or '\\' in [p, e), or e. Eight bytes at a time (SWAR): most of a JSON
// document is string bodies, and this is the splitter's inner loop.
inline size_t FindQuoteOrBackslash(const char* b, size_t p, size_t e) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  while (p + 8 <= e) {
    uint64_t w;
    std::memcpy(&w, b + p, 8);
    const uint64_t q = w ^ (kOnes * '"');
    const uint64_t s = w ^ (kOnes * '\\');
    const uint64_t hit = ((q - kOnes) & ~q & kHighs) | ((s - kOnes) & ~s & kHighs);
    if (hit != 0) return p + (__builtin_ctzll(hit) >> 3);
    p += 8;
  }
  while (p < e && b[p] != '"' && b[p] != '\\') ++p;
  return p;
}

}  // namespace

DocumentSplitter::DocumentSplitter(ByteReader* reader, Options options, std::vector<char>* storage)
    : reader_(reader), options_(options), buf_(storage != nullptr ? *storage : own_) {
  if (buf_.size() < options_.read_chunk * 2 + kPadding)
    buf_.resize(options_.read_chunk * 2 + kPadding);
}

namespace {

// The length of the first complete JSON object or array at the start of `s` (strings and
// escapes respected), or npos when it does not close within `s`.
size_t FirstValueEnd(std::string_view s) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

bool DocumentSplitter::Fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    const size_t shift = begin_;
    std::memmove(buf_.data(), buf_.data() + shift, end_ - shift);
    end_ -= shift;
    scan_pos_ = scan_pos_ >= shift ? scan_pos_ - shift : 0;
    value_start_ = value_start_ >= shift ? value_start_ - shift : 0;
    stream_base_ += shift;
    begin_ = 0;
  }
  if (buf_.size() - kPadding - end_ < options_.read_chunk) {
    buf_.resize(std::max(buf_.size() * 2, end_ + options_.read_chunk + kPadding));
  }
  auto r = reader_->Read(buf_.data() + end_, options_.read_chunk);
  if (!r.ok()) {
    read_error_ = r.status();
    eof_ = true;
    return false;
  }
  if (r.value() == 0) {
    eof_ = true;
    return false;
  }
  end_ += r.value();
  return true;
}

std::string_view DocumentSplitter::Peek(size_t n) {
  while (end_ - begin_ < n && Fill()) {
  }
  return std::string_view(buf_.data() + begin_, std::min(n, end_ - begin_));
}

bool DocumentSplitter::SkipWhitespace(bool* saw_newline) {
  for (;;) {
    while (begin_ < end_) {
      const char c = buf_[begin_];
      if (c == '\n') {
        *saw_newline = true;
      } else if (!IsSpace(c)) {
        // A UTF-8 byte order mark at the very start is not content.
        if (stream_base_ + begin_ == 0 && end_ - begin_ >= 3 &&
            std::memcmp(&buf_[begin_], "\xEF\xBB\xBF", 3) == 0) {
          begin_ += 3;
          continue;
        }
        return true;
      }
      ++begin_;
    }
    if (!Fill()) return false;
  }
}

int DocumentSplitter::MatchRecordsPrefix(size_t pos, size_t* array_start) {
  // {  "Records"  :  [
  static constexpr size_t kMaxLookahead = 4096;
  static constexpr std::string_view kKey = "\"Records\"";
  size_t p = pos + 1;
  auto skip = [&]() {
    while (p < end_ && IsSpace(buf_[p])) ++p;
  };
  skip();
  if (end_ - p < kKey.size()) return (eof_ || p - pos > kMaxLookahead) ? 0 : -1;
  if (std::string_view(&buf_[p], kKey.size()) != kKey) return 0;
  p += kKey.size();
  skip();
  if (p >= end_) return (eof_ || p - pos > kMaxLookahead) ? 0 : -1;
  if (buf_[p] != ':') return 0;
  ++p;
  skip();
  if (p >= end_) return (eof_ || p - pos > kMaxLookahead) ? 0 : -1;
  if (buf_[p] != '[') return 0;
  *array_start = p;
  return 1;
}

DocumentSplitter::Scan DocumentSplitter::ScanValue(size_t start, size_t* end) {
  value_start_ = start;
  begin_ = start;
  scan_pos_ = start;
  in_string_ = false;
  escape_ = false;
  skipping_ = false;
  const bool tail = mode_ == Mode::kRecordsTail;  // finishing the {"Records":[...] ...} object
  depth_ = tail ? 1 : 0;
  const char first = buf_[start];
  const bool scalar = !tail && first != '{' && first != '[' && first != '"';
  for (;;) {
    size_t p = scan_pos_;
    const size_t e = end_;
    const char* b = buf_.data();
    bool complete = false;
    if (scalar) {
      while (p < e && !EndsScalar(b[p])) ++p;
      complete = p < e;
    } else {
      while (p < e) {
        if (in_string_) {
          if (escape_) {  // a backslash ended the previous chunk: skip the escaped byte
            escape_ = false;
            ++p;
            continue;
          }
          // Fast skip over the body of a string.
          p = FindQuoteOrBackslash(b, p, e);
          if (p >= e) break;
          if (b[p] == '\\') {
            if (p + 1 >= e) {
              escape_ = true;
              ++p;
              break;
            }
            p += 2;
            continue;
          }
          in_string_ = false;
          ++p;
          if (depth_ == 0) {
            complete = true;
            break;
          }
          continue;
        }
        const char c = b[p++];
        if (c == '"') {
          in_string_ = true;
        } else if (c == '{' || c == '[') {
          ++depth_;
        } else if (c == '}' || c == ']') {
          if (--depth_ <= 0) {
            complete = true;
            break;
          }
        }
      }
    }
    scan_pos_ = p;
    if (complete) {
      *end = p;
      return skipping_ ? Scan::kOversize : Scan::kComplete;
    }
    if (!skipping_ && scan_pos_ - value_start_ > options_.max_document_bytes) {
      skipping_ = true;
      skipped_from_ = stream_base_ + value_start_;
    }
    if (skipping_) begin_ = value_start_ = scan_pos_;  // drop what was scanned
    if (!Fill()) {
      if (scalar && read_error_.ok()) {
        *end = end_;
        return skipping_ ? Scan::kOversize : Scan::kComplete;
      }
      return Scan::kTruncated;
    }
  }
}

DocumentSplitter::Scan DocumentSplitter::ScanLine(size_t start, size_t* end) {
  value_start_ = start;
  begin_ = start;
  scan_pos_ = start;
  skipping_ = false;
  for (;;) {
    const void* nl = std::memchr(buf_.data() + scan_pos_, '\n', end_ - scan_pos_);
    if (nl != nullptr) {
      *end = static_cast<const char*>(nl) - buf_.data();
      return skipping_ ? Scan::kOversize : Scan::kComplete;
    }
    scan_pos_ = end_;
    if (!skipping_ && scan_pos_ - value_start_ > options_.max_document_bytes) {
      skipping_ = true;
      skipped_from_ = stream_base_ + value_start_;
    }
    if (skipping_) begin_ = value_start_ = scan_pos_;
    if (!Fill()) {
      if (!read_error_.ok()) return Scan::kTruncated;
      *end = end_;
      return skipping_ ? Scan::kOversize : Scan::kComplete;
    }
  }
}

DocumentSplitter::Step DocumentSplitter::Oversize(size_t end, SplitProblem* problem) {
  begin_ = end;
  problem->reason = DropReason::kTooLarge;
  problem->offset = skipped_from_;
  problem->what = "document larger than the limit of " +
                  std::to_string(options_.max_document_bytes) + " bytes; skipped " +
                  std::to_string(stream_base_ + end - skipped_from_) + " bytes";
  return Step::kProblem;
}

DocumentSplitter::Step DocumentSplitter::EmitJson(size_t start, size_t end, bool in_records,
                                                  Document* doc) {
  doc->bytes = std::string_view(buf_.data() + start, end - start);
  doc->offset = stream_base_ + start;
  doc->kind = Document::Kind::kJson;
  doc->in_records = in_records;
  begin_ = end;
  return Step::kDocument;
}

namespace {
DropReason ReasonForReadError(const Status& s) {
  switch (s.code()) {
    case Status::Code::kTruncated:
      return DropReason::kTruncatedGzip;
    case Status::Code::kCorrupt:
      return DropReason::kCorruptGzip;
    default:
      return DropReason::kUnreadable;
  }
}
}  // namespace

DocumentSplitter::Step DocumentSplitter::Next(Document* doc, SplitProblem* problem) {
  auto end_of_stream = [&](std::string_view lost) -> Step {
    mode_ = Mode::kDone;
    if (!read_error_.ok()) {
      problem->reason = ReasonForReadError(read_error_);
      problem->offset = stream_base_ + end_;
      problem->what = read_error_.message() + " (compressed offset " +
                      std::to_string(reader_->raw_offset()) + ")";
      if (!lost.empty()) problem->what += std::string("; ") + std::string(lost);
      read_error_ = Status::Ok();
      return Step::kProblem;
    }
    if (!lost.empty()) {
      problem->reason = DropReason::kInvalidJson;
      problem->offset = stream_base_ + value_start_;
      problem->what = std::string(lost);
      return Step::kProblem;
    }
    return Step::kEnd;
  };

  for (;;) {
    switch (mode_) {
      case Mode::kDone:
        return Step::kEnd;

      case Mode::kTop: {
        bool newline = false;
        if (!SkipWhitespace(&newline)) return end_of_stream("");
        if (check_ndjson_ && newline) {
          mode_ = Mode::kNdjson;
          continue;
        }
        check_ndjson_ = false;
        saw_content_ = true;
        const char c = buf_[begin_];
        size_t end = 0;
        if (c == '{') {
          size_t array_start = 0;
          int m;
          while ((m = MatchRecordsPrefix(begin_, &array_start)) < 0) {
            if (!Fill()) break;
          }
          if (m == 1) {
            begin_ = array_start + 1;
            records_container_ = true;
            mode_ = Mode::kElementStart;
            continue;
          }
        } else if (c == '[') {
          ++begin_;
          records_container_ = false;
          mode_ = Mode::kElementStart;
          continue;
        } else {
          Scan s = ScanLine(begin_, &end);
          if (s == Scan::kTruncated) return end_of_stream("");
          if (s == Scan::kOversize) return Oversize(end, problem);
          doc->bytes = std::string_view(buf_.data() + value_start_, end - value_start_);
          while (!doc->bytes.empty() && IsSpace(doc->bytes.back())) doc->bytes.remove_suffix(1);
          doc->offset = stream_base_ + value_start_;
          doc->kind = Document::Kind::kTextLine;
          doc->in_records = false;
          begin_ = end;
          return Step::kDocument;
        }
        Scan s = ScanValue(begin_, &end);
        if (s == Scan::kTruncated)
          return end_of_stream("JSON value not closed before the end of input");
        if (s == Scan::kOversize) return Oversize(end, problem);
        check_ndjson_ =
            std::memchr(buf_.data() + value_start_, '\n', end - value_start_) == nullptr;
        return EmitJson(value_start_, end, false, doc);
      }

      case Mode::kNdjson: {
        bool newline = false;
        if (!SkipWhitespace(&newline)) return end_of_stream("");
        saw_content_ = true;
        size_t end = 0;
        Scan s = ScanLine(begin_, &end);
        if (s == Scan::kTruncated) return end_of_stream("");
        if (s == Scan::kOversize) return Oversize(end, problem);
        size_t e = end;
        while (e > value_start_ && IsSpace(buf_[e - 1])) --e;
        const char c = buf_[value_start_];
        if (c == '{' || c == '[') {
          // Firehose writes records to S3 back to back, so a "line" may hold several values
          // ({...}{...}): each is a document of its own.
          const std::string_view line(buf_.data() + value_start_, e - value_start_);
          if (line.find("}{") != std::string_view::npos) {
            const size_t first = FirstValueEnd(line);
            if (first != std::string_view::npos && first < line.size()) {
              EmitJson(value_start_, value_start_ + first, false, doc);
              begin_ = value_start_ + first;
              return Step::kDocument;
            }
          }
          EmitJson(value_start_, e, false, doc);
          begin_ = end;
          return Step::kDocument;
        }
        doc->bytes = std::string_view(buf_.data() + value_start_, e - value_start_);
        doc->offset = stream_base_ + value_start_;
        doc->kind = Document::Kind::kTextLine;
        doc->in_records = false;
        begin_ = end;
        return Step::kDocument;
      }

      case Mode::kElementStart: {
        bool newline = false;
        value_start_ = begin_;
        if (!SkipWhitespace(&newline))
          return end_of_stream("array not closed before the end of input");
        if (buf_[begin_] == ']') {
          ++begin_;
          mode_ = records_container_ ? Mode::kRecordsTail : Mode::kTop;
          continue;
        }
        size_t end = 0;
        Scan s = ScanValue(begin_, &end);
        if (s == Scan::kTruncated)
          return end_of_stream("array element not closed before the end of input");
        mode_ = Mode::kElementEnd;
        if (s == Scan::kOversize) return Oversize(end, problem);
        return EmitJson(value_start_, end, records_container_, doc);
      }

      case Mode::kElementEnd: {
        bool newline = false;
        value_start_ = begin_;
        if (!SkipWhitespace(&newline))
          return end_of_stream("array not closed before the end of input");
        const char c = buf_[begin_];
        if (c == ',') {
          ++begin_;
          mode_ = Mode::kElementStart;
          continue;
        }
        if (c == ']') {
          ++begin_;
          mode_ = records_container_ ? Mode::kRecordsTail : Mode::kTop;
          continue;
        }
        mode_ = Mode::kDone;
        problem->reason = DropReason::kInvalidJson;
        problem->offset = stream_base_ + begin_;
        problem->what = std::string("expected ',' or ']' after an array element, found '") + c +
                        "'; the rest of the input is not readable as JSON";
        return Step::kProblem;
      }

      case Mode::kRecordsTail: {
        // After the Records array: any further keys are not records; skip to the closing brace.
        size_t end = 0;
        Scan s = ScanValue(begin_, &end);
        if (s == Scan::kTruncated)
          return end_of_stream("object not closed before the end of input");
        begin_ = end;
        mode_ = Mode::kTop;
        continue;
      }
    }
  }
}

}  // namespace fastpath
