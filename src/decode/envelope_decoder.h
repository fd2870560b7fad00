// EnvelopeDecoder: the decode stage. Takes the bytes of one input (a file, stdin, a payload) and
// unwraps every delivery envelope AWS puts around a record, detected by content:
//
//   gzip / zlib (streamed, multi-member)
//   CloudTrail log files and other {"Records":[...]} objects (streamed element by element)
//   NDJSON, JSON arrays, concatenated JSON
//   CloudWatch Logs subscription messages: DATA_MESSAGE -> one record per logEvent;
//     CONTROL_MESSAGE counted and dropped; also as Lambda's {"awslogs":{"data":...}}
//   Firehose HTTP endpoint request bodies ({"requestId","timestamp","records":[{"data"}]})
//   Kinesis, SQS and SNS records as Lambda receives them; SNS notifications; S3 event
//     notifications (direct, via SNS, via SQS): counted, since the objects they announce are
//     fetched by the S3 sources; s3:TestEvent ignored
//   EventBridge events: the "... via CloudTrail" detail-types unwrap to the CloudTrail record
//
// What is left, a native record, goes to a RecordSink with a RecordContext that says how it came.
// Bad input is reported to the ErrorLog with where and why, counted, and skipped; the rest of the
// input goes on. Not thread-safe: one decoder per worker (it owns simdjson parsers).
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "core/counters.h"
#include "core/event.h"
#include "decode/byte_reader.h"
#include "decode/document_splitter.h"

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

class EnvelopeDecoder {
 public:
  struct Limits {
    size_t max_document_bytes = 64u << 20;  // one JSON document, one line, one payload
    int max_envelope_depth = 6;             // envelopes within envelopes
  };
  EnvelopeDecoder(Limits limits, PipelineCounters* counters, ErrorLog* errors);

  // Decodes a whole stream. Counts the input's bytes and documents.
  void DecodeStream(std::unique_ptr<ByteReader> reader, const RecordContext& ctx, RecordSink* sink);
  // Decodes an in-memory payload (already base64-decoded), compressed or not.
  void DecodeBytes(std::string_view bytes, const RecordContext& ctx, RecordSink* sink);

 private:
  // `raw_size`: the input's size on disk when known (0: ask the reader).
  void DecodeDocuments(ByteReader* reader, const RecordContext& ctx, RecordSink* sink, bool top,
                       uint64_t raw_size);
  void HandleDocument(const Document& doc, const RecordContext& ctx, RecordSink* sink);
  // `raw` is el's JSON text when el is a whole document, else empty.
  void Route(simdjson::dom::element el, std::string_view raw, bool in_records,
             const RecordContext& ctx, RecordSink* sink);
  void DecodeEmbeddedJson(std::string_view text, const RecordContext& ctx, RecordSink* sink);
  void DecodeBase64Payload(std::string_view b64, const RecordContext& ctx, RecordSink* sink);
  // True (and reported) when the first decoded bytes show a binary format fastpath does not read.
  bool RejectBinary(std::string_view head, const RecordContext& ctx);
  void Problem(DropReason reason, const RecordContext& ctx, std::string_view what);
  simdjson::dom::parser& ParserAt(int depth);

  // Constant after construction.
  const Limits limits_;
  PipelineCounters* const counters_;
  ErrorLog* const errors_;

  std::vector<std::unique_ptr<simdjson::dom::parser>> parsers_;  // one per envelope depth
  std::string compressed_buf_;  // DecodeStream's whole-object buffers, reused between inputs
  std::string inflated_buf_;
  std::deque<std::vector<char>> split_buffers_;  // one per envelope depth (a deque: growing it
                                                 // must not move the buffers live splitters use)
};

// Reads "AWSLogs/<account>/<service>/<region>/..." (also with an org id, "AWSLogs/o-xxx/<account>")
// out of an object key or path. Leaves the outputs untouched when the layout is not there.
void HintsFromS3Key(std::string_view key, std::string* account, std::string* region);

// Account and region out of an ARN ("arn:partition:service:region:account:resource"), for records
// that name one of their own; fills only the outputs that are empty.
void HintsFromArn(std::string_view arn, std::string* account, std::string* region);

}  // namespace fastpath
