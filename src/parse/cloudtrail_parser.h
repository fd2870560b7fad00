// CloudTrail: turns a CloudTrail record (management, data, Insights, console sign-in, service
// event) or a digest file into the canonical Event, the same whichever path delivered it.
// Pure functions, thread-safe.
#pragma once

#include <initializer_list>

#include <simdjson.h>

#include "core/counters.h"
#include "core/event.h"
#include "decode/envelope_decoder.h"
#include "parse/parse_outcome.h"

namespace fastpath {

// True when the object has the shape of a CloudTrail record (eventVersion plus eventTime or
// eventID, and an eventSource that is a service endpoint, not a Lambda trigger).
bool IsCloudTrailRecord(simdjson::dom::object obj);
bool IsCloudTrailDigest(simdjson::dom::object obj);

// REQUIRES: IsCloudTrailRecord(record). `raw` is the record's JSON text when the caller has it
// (then it is minified as is, much faster than serializing the parsed tree), else empty.
// An event (in *out) or a malformed record (no or a bad eventTime).
ParseOutcome ParseCloudTrailRecord(simdjson::dom::object record, std::string_view raw,
                                   const RecordContext& ctx, Event* out);

// Copies validated JSON text into *out as one line: as is when it has no line breaks, else
// minified. False if simdjson refuses it.
bool MinifyInto(std::string_view raw, std::string* out);

// The record as compact JSON: `raw` minified when given, else the parsed tree serialized.
template <typename Json>  // simdjson::dom::element or simdjson::dom::object
void CompactJson(Json record, std::string_view raw, std::string* out) {
  if (!raw.empty() && MinifyInto(raw, out)) return;
  *out = simdjson::to_string(record);
}
ParseOutcome ParseCloudTrailDigest(simdjson::dom::object digest, const RecordContext& ctx,
                                   Event* out);

// A stable id for a record that has none: the hex SHA-256 (first 128 bits) of its canonical JSON
// (simdjson's serialization of the parsed record, which does not depend on the sender's spacing
// or escapes).
std::string ContentId(std::string_view canonical_json);

// The id of a text log record: a digest of its parts (the log type's name and the line as AWS
// wrote it, and for free-form lines where the line was). A line travels unchanged by every path,
// so the id is the same whichever delivered it. The digest is XXH3-128: text logs come by the
// million and SHA-256 alone would cost half of a line's parse time. Two distinct lines collide
// only by constructing them on purpose, and lines an outsider can shape (a URL, a user agent)
// also hold values they cannot choose or foresee (times to the microsecond, trace ids), so a
// crafted line cannot pass for another one.
std::string TextRecordId(std::initializer_list<std::string_view> parts);

// The last component of a path or object key ("a/b/c.log" -> "c.log"): where a line was, the
// same wherever the file is kept.
std::string_view BaseName(std::string_view path);

}  // namespace fastpath
