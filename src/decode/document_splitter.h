// DocumentSplitter: cuts a decoded byte stream into the documents the parse stage handles, in
// bounded memory whatever the size of the stream.
//
// It recognises, by content only:
//   - a CloudTrail log file or any other {"Records":[...]} object: each array element is one
//     document, streamed, so a multi-GB file never sits in memory whole;
//   - a top-level JSON array ([{...},{...}]): each element is one document;
//   - NDJSON and concatenated or pretty-printed JSON values: each top-level value is a document
//     (once the stream shows itself to be NDJSON, a bad line costs only that line);
//   - text lines (anything that does not start like JSON): one document per line, kind kTextLine.
// It does not validate JSON; it only tracks strings and nesting to find where values end. A value
// longer than max_document_bytes is skipped and reported, and the stream continues after it.
//
// Not thread-safe. Document views point into the splitter's buffer and are valid until the next
// call to Next(); at least kPadding readable bytes follow each view, as simdjson requires.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/counters.h"
#include "decode/byte_reader.h"

namespace fastpath {

struct Document {
  enum class Kind {
    kJson,      // a JSON value (not validated yet)
    kTextLine,  // a line that is not JSON
  };
  std::string_view bytes;  // see the class comment for lifetime
  uint64_t offset = 0;     // of the first byte, in the decoded stream
  Kind kind = Kind::kJson;
  bool in_records = false;  // an element of a {"Records":[...]} array
};

struct SplitProblem {
  DropReason reason = DropReason::kInvalidJson;
  uint64_t offset = 0;
  std::string what;
};

class DocumentSplitter {
 public:
  static constexpr size_t kPadding = 64;  // >= SIMDJSON_PADDING
  struct Options {
    size_t max_document_bytes = 64u << 20;
    size_t read_chunk = 1u << 20;
  };
  enum class Step {
    kDocument,  // *doc is filled
    kProblem,   // *problem is filled; call Next again to go on
    kEnd,       // the stream is finished (after a read error too)
  };

  // `storage`, when given, is a buffer to reuse from one splitter to the next (it keeps its
  // capacity, so a worker does not allocate and zero a new one per input). It must outlive the
  // splitter and not be shared with another live splitter.
  DocumentSplitter(ByteReader* reader, Options options, std::vector<char>* storage = nullptr);
  Step Next(Document* doc, SplitProblem* problem);

  // The first bytes of the stream (up to n, fewer at its end), for format sniffing.
  // REQUIRES: Next() has not been called yet. The view is valid until Next() is called.
  std::string_view Peek(size_t n);

  // Total decoded bytes read so far, and whether any non-whitespace byte was seen.
  uint64_t bytes_read() const { return stream_base_ + end_; }
  bool saw_content() const { return saw_content_; }

 private:
  enum class Mode { kTop, kNdjson, kElementStart, kElementEnd, kRecordsTail, kDone };
  enum class Scan { kComplete, kOversize, kTruncated };

  bool Fill();  // compacts, reads more; false at end of stream or on a read error
  bool SkipWhitespace(bool* saw_newline);                   // false at end of stream
  int MatchRecordsPrefix(size_t pos, size_t* array_start);  // 1 match, 0 no, -1 need more
  Scan ScanValue(size_t start, size_t* end);
  Scan ScanLine(size_t start, size_t* end);
  Step Oversize(size_t start, SplitProblem* problem);
  Step EmitJson(size_t start, size_t end, bool in_records, Document* doc);

  // Constant after construction.
  ByteReader* const reader_;
  const Options options_;

  std::vector<char> own_;
  std::vector<char>& buf_;    // own_ or the caller's storage
  size_t begin_ = 0;          // first unconsumed byte
  size_t end_ = 0;            // one past the last valid byte
  uint64_t stream_base_ = 0;  // stream offset of buf_[0]
  bool eof_ = false;
  bool saw_content_ = false;
  Mode mode_ = Mode::kTop;
  bool records_container_ = false;  // the container being split is {"Records":[...]}
  bool check_ndjson_ = false;       // the last top-level value was single-line
  // Resumable value-scan state (positions relative to buf_).
  size_t scan_pos_ = 0;
  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  size_t value_start_ = 0;
  uint64_t skipped_from_ = 0;
  bool skipping_ = false;
  Status read_error_;
};

}  // namespace fastpath
