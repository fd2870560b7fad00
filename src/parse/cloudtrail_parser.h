// CloudTrail: turns a CloudTrail record (management, data, Insights, console sign-in, service
// event) or a digest file into the canonical Event, the same whichever path delivered it.
// Pure functions, thread-safe.
#pragma once

#include <simdjson.h>

#include "core/counters.h"
#include "core/event.h"
#include "decode/envelope_decoder.h"

namespace fastpath {

// True when the object has the shape of a CloudTrail record (eventVersion plus eventTime or
// eventID, and an eventSource that is a service endpoint, not a Lambda trigger).
bool IsCloudTrailRecord(simdjson::dom::object obj);
bool IsCloudTrailDigest(simdjson::dom::object obj);

struct ParseFailure {
  DropReason reason;
  std::string what;
};

// REQUIRES: IsCloudTrailRecord(record). `raw` is the record's JSON text when the caller has it
// (then it is minified as is, much faster than serializing the parsed tree), else empty.
// On failure returns false and fills *failure.
bool ParseCloudTrailRecord(simdjson::dom::object record, std::string_view raw,
                           const RecordContext& ctx, Event* out, ParseFailure* failure);

// Copies validated JSON text into *out as one line: as is when it has no line breaks, else
// minified. False if simdjson refuses it.
bool MinifyInto(std::string_view raw, std::string* out);

// The record as compact JSON: `raw` minified when given, else the parsed tree serialized.
template <typename Json>  // simdjson::dom::element or simdjson::dom::object
void CompactJson(Json record, std::string_view raw, std::string* out) {
  if (!raw.empty() && MinifyInto(raw, out)) return;
  *out = simdjson::to_string(record);
}
bool ParseCloudTrailDigest(simdjson::dom::object digest, const RecordContext& ctx, Event* out,
                           ParseFailure* failure);

// A stable id for a record that has none: the hex SHA-256 (first 128 bits) of its canonical JSON
// (simdjson's serialization of the parsed record, which does not depend on the sender's spacing
// or escapes).
std::string ContentId(std::string_view canonical_json);

}  // namespace fastpath
