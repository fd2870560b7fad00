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
//   CloudWatch Logs API output (filter-log-events, get-log-events): one record per event
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
#include "core/record.h"
#include "decode/byte_reader.h"
#include "decode/document_splitter.h"

namespace fastpath {

class ArchiveReader;

class EnvelopeDecoder {
 public:
  struct Shape;  // what a document's top-level keys say about it (envelope_decoder.cc)

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
  // The envelopes Route recognises, in the order it tries them (envelope_decoder.cc).
  using Unwrap = void (EnvelopeDecoder::*)(const Shape&, const RecordContext&, RecordSink*);
  struct Envelope {
    const char* name;
    bool (*recognise)(const Shape&);
    Unwrap unwrap;
  };
  static const Envelope kEnvelopes[];
  void EmitCloudTrail(const Shape& k, const RecordContext& ctx, RecordSink* sink);
  void UnwrapEventBridge(const Shape& k, const RecordContext& ctx, RecordSink* sink);
  void UnwrapCloudWatchLogs(const Shape& k, const RecordContext& ctx, RecordSink* sink);
  void UnwrapAwslogs(const Shape& k, const RecordContext& ctx, RecordSink* sink);
  void UnwrapFirehose(const Shape& k, const RecordContext& ctx, RecordSink* sink);
  void UnwrapRecordsArray(const Shape& k, const RecordContext& ctx, RecordSink* sink);
  void UnwrapLambdaRecord(const Shape& k, const RecordContext& ctx, RecordSink* sink);
  void UnwrapSnsNotification(const Shape& k, const RecordContext& ctx, RecordSink* sink);
  void DropS3TestEvent(const Shape& k, const RecordContext& ctx, RecordSink* sink);
  void UnwrapLookupEvents(const Shape& k, const RecordContext& ctx, RecordSink* sink);
  void UnwrapLogEventsApiOutput(const Shape& k, const RecordContext& ctx, RecordSink* sink);
  void DecodeLogMessage(std::string_view text, const RecordContext& rc, RecordSink* sink);
  void DecodeEmbeddedJson(std::string_view text, const RecordContext& ctx, RecordSink* sink);
  void DecodeBase64Payload(std::string_view b64, const RecordContext& ctx, RecordSink* sink);
  // True (and reported) when the first decoded bytes show a binary format fastpath does not read.
  bool RejectBinary(std::string_view head, const RecordContext& ctx, bool top);
  void DecodeStreamWith(std::unique_ptr<ByteReader> reader, const RecordContext& ctx,
                        RecordSink* sink, std::string* head_buf, std::string* inflated_buf);
  // Each regular file of a zip or tar archive, as an input named "<archive>!/<member>".
  void DecodeArchive(Result<std::unique_ptr<ArchiveReader>> opened, const RecordContext& ctx,
                     RecordSink* sink);
  void Problem(DropReason reason, const RecordContext& ctx, std::string_view what);
  simdjson::dom::parser& ParserAt(int depth);

  // Constant after construction.
  const Limits limits_;
  PipelineCounters* const counters_;
  uint64_t records_out_ = 0;  // handed to the parser since the top-level input began
  static constexpr int kMaxArchiveDepth = 4;  // archives within archives
  int archive_depth_ = 0;
  ErrorLog* const errors_;

  std::vector<std::unique_ptr<simdjson::dom::parser>> parsers_;  // one per envelope depth
  std::string compressed_buf_;  // DecodeStream's whole-object buffers, reused between inputs
  std::string inflated_buf_;
  std::deque<std::vector<char>> split_buffers_;  // one per envelope depth (a deque: growing it
                                                 // must not move the buffers live splitters use)
};

// Reads "AWSLogs/<account>/<service>/<region>/..." (also with an org id, "AWSLogs/o-xxx/<account>")
// out of an object key or path, or S3 server access logs' date-based partitioning
// "<account>/<region>/<bucket>/YYYY/MM/DD/<object>". Leaves the outputs untouched when neither
// layout is there.
void HintsFromS3Key(std::string_view key, std::string* account, std::string* region);

// Account and region out of an ARN ("arn:partition:service:region:account:resource"), for records
// that name one of their own; fills only the outputs that are empty.
void HintsFromArn(std::string_view arn, std::string* account, std::string* region);

}  // namespace fastpath
