// The lake's layout: where an event goes and what a key says about what it holds.
//
//   <root>/log_type=<name>/account=<id>/region=<name>/dt=YYYY-MM-DD/hour=HH/<writer>-<seq>.json.gz
//
// Hive partitions by event time (UTC), so Athena's partition projection, DuckDB's
// hive_partitioning and `fastpath search` all prune by folder name. Each object is gzip'd NDJSON,
// one event per line: the canonical columns (log_type, path, account, region, time, received,
// id) and `event`, the native record as a JSON object; or, in an OCSF lake, the OCSF object.
// Names that start with '_' or '.' are not data (the writer's spool, temporary files), as in
// Hive and Athena.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/event.h"
#include "core/status.h"

namespace fastpath::lake {

inline constexpr std::string_view kPartitionKeys[] = {"log_type", "account", "region", "dt",
                                                      "hour"};
inline constexpr int kPartitionDepth = 5;
inline constexpr std::string_view kObjectSuffix = ".json.gz";
// The value of an account or region the event does not name.
inline constexpr std::string_view kUnknownValue = "unknown";

struct Partition {
  std::string log_type, account, region;
  std::string dt;  // YYYY-MM-DD
  int hour = 0;
  // The first instant of the partition's hour.
  TimeNs Start() const;
};

// A partition value as it appears in a folder name: [A-Za-z0-9._-] kept, every other byte
// %XX (as Hive escapes), the empty value "unknown".
void AppendPartitionValue(std::string_view raw, std::string* out);

// "log_type=.../account=.../region=.../dt=.../hour=HH/" for an event.
void AppendPartitionPrefix(const Event& e, std::string* out);
std::string PartitionPrefix(const Partition& p);

// Reads folder `name` ("key=value") as level `depth` (0..4) of the layout into *p. The error
// says what is wrong with the name.
Status ParsePartitionFolder(std::string_view name, int depth, Partition* p);

// Every partition folder of `rel` (a key relative to the lake root); *object gets the rest.
Status ParsePartitionKey(std::string_view rel, Partition* p, std::string_view* object);

// "<writer>-<seq, 8 digits>.json.gz": unique per writer, the same for the same sequence number.
std::string ObjectName(std::string_view writer_id, uint64_t seq);

// Not data: the names Hive and Athena skip.
inline bool IsHidden(std::string_view name) {
  return !name.empty() && (name[0] == '_' || name[0] == '.');
}

// "s3://bucket/prefix" or a local folder.
struct LakeLocation {
  std::string uri;  // as given
  bool is_s3 = false;
  std::string dir;             // local
  std::string bucket, prefix;  // S3; prefix empty or ending in '/'
};
Result<LakeLocation> ParseLakeLocation(std::string_view uri);

}  // namespace fastpath::lake
