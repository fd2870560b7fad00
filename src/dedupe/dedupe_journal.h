// DedupeJournal: the first-arrival dedupe state on disk, so a restart (or a kill -9) does not
// emit again events it already emitted.
//
// Per acknowledged input: the ids it saw first (streamed as the input is consumed, so an object of
// millions of events needs no memory for them), then a mark, written after the input's events
// are committed to the outputs and before the source is told (SQS delete, Kinesis checkpoint, the
// receiver's 200), saying how far the events output file had got. Ids with no mark after them
// (the input was never acknowledged) are not read back. At start the journal
// is read back into the deduper, and the events output is cut back to the last record's length:
// what was written after it belongs to inputs that were never acknowledged, which their source
// delivers again. So every acknowledged event is in the output once, and a re-delivered input
// whose record made it is dropped as the duplicate it is.
//
// File: lines "<xxh3 hex> <json>\n"; a line that is torn or fails its checksum ends the journal
// (the tail a crash cut short). The file is rewritten compacted (the deduper's live ids only) at
// open and whenever it has grown past compact_bytes and twice its last compacted size.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/fsync_policy.h"
#include "core/status.h"
#include "dedupe/first_arrival_deduper.h"

namespace fastpath {

// Where an output file stood at a commit: its path and length.
struct FileMark {
  std::string file;
  int64_t offset = -1;
};
// The output files (events, alert lines) that a restart cuts back to the last commit.
using OutputMark = std::vector<FileMark>;

class DedupeJournal {
 public:
  struct Options {
    std::string path;
    FsyncPolicy fsync = FsyncPolicy::kInterval;
    int64_t fsync_interval_ns = 1000000000;
    uint64_t compact_bytes = 64u << 20;
  };
  // Reads the journal at options.path (absent: empty) into `deduper`, then rewrites it compacted.
  static Result<std::unique_ptr<DedupeJournal>> Open(Options options, FirstArrivalDeduper* deduper);
  ~DedupeJournal();

  // The last mark read at Open (empty when none).
  const OutputMark& recovered_mark() const { return recovered_mark_; }
  size_t recovered_ids() const { return recovered_ids_; }
  // Bytes of the file past the last intact record (a crash's torn tail), dropped at Open.
  uint64_t dropped_bytes() const { return dropped_bytes_; }

  // A first arrival of the input being consumed.
  Status Add(LogType type, DeliveryPath path, TimeNs received, std::string_view id);
  // The input is acknowledged: its ids count, and the events output stands at `mark`.
  Status Commit(const OutputMark& mark);
  // The input was not stored: its ids do not count.
  Status Abort();
  uint64_t records() const { return records_; }
  uint64_t bytes() const { return size_; }

 private:
  DedupeJournal(Options options, FirstArrivalDeduper* deduper)
      : options_(std::move(options)),
        deduper_(deduper),
        sync_(options_.fsync, options_.fsync_interval_ns) {}
  Status Load();
  // Rewrites the file as the deduper's ids and the last mark (temporary file, fsync, rename).
  Status Compact();
  Status Write(bool sync);
  void CloseIdsLine();  // ends the open line of ids in buf_, if any
  void AppendLine(std::string_view json);

  // The line of ids being filled, then the lines ready to be written.
  std::string ids_json_;
  size_t ids_in_line_ = 0;

  const Options options_;
  FirstArrivalDeduper* deduper_;
  FsyncSchedule sync_;
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t compacted_size_ = 0;
  uint64_t records_ = 0;
  OutputMark last_mark_;
  OutputMark recovered_mark_;
  size_t recovered_ids_ = 0;
  uint64_t dropped_bytes_ = 0;
  std::string buf_;
};

}  // namespace fastpath
