// Reading the lake: which objects a search needs (partition pruning by folder name), and the
// events in one object.
//
// Listing walks the partition folders level by level and descends only into those the filter
// allows, so a search for one account and one day lists that account's folders and that day's,
// not the lake. What does not belong (a file among the partition folders, a folder whose name is
// not the partition it should be, an object that is not .json.gz) is reported with its path and
// skipped; names starting with '_' or '.' are not data and are passed over silently.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <simdjson.h>

#include "core/event.h"
#include "lake/lake_store.h"

namespace fastpath::lake {

struct LakeFilter {
  // Partition values (as in the folder names; accounts and regions as given). Empty: all.
  std::vector<std::string> log_types, accounts, regions;
  std::optional<TimeNs> since, until;  // event time in [since, until)

  // Whether a folder at `depth` (0 log_type .. 4 hour) with the values read so far in `p` can
  // hold events the filter allows.
  bool Allows(int depth, const Partition& p) const;
  // The event itself (its time; the partition already matched).
  bool AllowsTime(TimeNs t) const { return (!since || t >= *since) && (!until || t < *until); }
};

struct LakeObjectRef {
  std::string key;  // relative to the lake root
  uint64_t size = 0;
  TimeNs modified = 0;
  Partition partition;
};

struct LakeProblem {
  std::string where;   // a path or s3:// URL
  std::string reason;  // what is wrong with it
};

struct LakeListing {
  std::vector<LakeObjectRef> objects;  // sorted by (dt, hour), then key: roughly time order
  std::vector<LakeProblem> problems;
  uint64_t bytes = 0;           // of the objects
  uint64_t folders_listed = 0;  // folders read (pruning keeps this small)
};

// An error only when the lake's root cannot be listed; everything else is a problem.
Status ListLake(const LakeStore& store, const LakeFilter& filter, LakeListing* out);

// Calls `line` for each line of the object (gzip'd or not), without the newline. Stops at the
// first error, which names the object and the offset; the lines before it have been seen.
Status ReadLakeObject(const LakeStore& store, const std::string& key,
                      const std::function<void(std::string_view line)>& line,
                      size_t max_line_bytes = 64u << 20);

// The same over a stream of an object's bytes; `name` names it in errors.
Status ReadLakeLines(std::unique_ptr<ByteReader> raw, const std::string& name,
                     const std::function<void(std::string_view line)>& line,
                     size_t max_line_bytes = 64u << 20);

// One line of a canonical lake (format: events) as an event: the canonical columns into *e
// (e->json is left empty), the native record into *record. The error names the field.
Status ParseLakeLine(simdjson::dom::parser& parser, std::string_view line, Event* e,
                     simdjson::dom::element* record);

// By name ("aws.cloudtrail", or without "aws."): the log type; kUnknown when none has it.
LogType LogTypeByName(std::string_view name);
// The canonical name a --log-type value stands for, or "" when it names no log type.
std::string CanonicalLogTypeName(std::string_view name);

}  // namespace fastpath::lake
