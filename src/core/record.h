// Record: the contract between the decode stage and the parse stage. The decoder unwraps every
// delivery envelope and hands what is left, a native record (a JSON object or a text line), to a
// RecordSink together with a RecordContext that says how it came.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "core/event.h"
#include "core/time_util.h"

namespace fastpath {

// What the envelopes said about a record.
struct RecordContext {
  std::string_view source;  // input name for messages ("AWSLogs/.../x.json.gz", "-")
  uint64_t offset = 0;      // of the outermost document in the input's decoded stream
  DeliveryPath path = DeliveryPath::kFile;  // the delivery mechanism the record came by
  TimeNs received = 0;
  bool received_fixed = false;  // --received-at: envelopes do not override `received`
  std::string account_hint;     // from an envelope or the S3 key layout, when the record lacks it
  std::string region_hint;
  int depth = 0;  // envelope nesting
  // Set for the log events of a CloudWatch Logs message (views into the decoder's parser).
  std::string_view log_group;
  std::string_view log_stream;
  int64_t log_timestamp_ms = -1;
  // The sequence number of the Kinesis record the record came in (its own name as a source).
  std::string_view kinesis_sequence;
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // A native JSON record. `record` points into a parser owned by the decoder; `raw` is the
  // record's own JSON text when it arrived as a whole document (empty when it was part of a larger
  // one, e.g. an EventBridge detail). Both are valid only during the call.
  // `cloudtrail` is true when the decoder already saw the shape of a CloudTrail record.
  virtual void OnJsonRecord(simdjson::dom::element record, std::string_view raw, bool cloudtrail,
                            const RecordContext& ctx) = 0;
  // A text line no envelope claimed (text formats get parsers of their own).
  virtual void OnTextLine(std::string_view line, const RecordContext& ctx) = 0;
};

}  // namespace fastpath
