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

// REQUIRES: IsCloudTrailRecord(record). On failure returns false and fills *failure.
bool ParseCloudTrailRecord(simdjson::dom::object record, const RecordContext& ctx, Event* out,
                           ParseFailure* failure);
bool ParseCloudTrailDigest(simdjson::dom::object digest, const RecordContext& ctx, Event* out,
                           ParseFailure* failure);

// A stable id for a record that has none: the hex SHA-256 (first 128 bits) of its canonical JSON.
std::string ContentId(std::string_view canonical_json);

}  // namespace fastpath
