// RecordParser: the parse stage. Receives native records from the EnvelopeDecoder, picks the
// parser for each by content, and emits canonical Events. Records no parser claims become
// `unknown` events (nothing is dropped silently); records a parser rejects are counted with the
// reason and reported.
//
// Not thread-safe: one per worker, next to its EnvelopeDecoder.
#pragma once

#include <functional>

#include "core/counters.h"
#include "core/event.h"
#include "decode/envelope_decoder.h"
#include "parse/cloudtrail_parser.h"
#include "parse/parse_outcome.h"
#include "parse/text_log_parser.h"

namespace fastpath {

class RecordParser final : public RecordSink {
 public:
  // Receives each event with, when the event's record is the JSON record the decoder parsed, that
  // parsed record (valid only during the call), so the next stage (detection) reads it without
  // parsing it again; null for text lines and for records that became several events.
  using EmitFn = std::function<void(Event&&, const simdjson::dom::element* record)>;
  // `vpc_formats`: flow log formats for header-less CloudWatch Logs messages (may be null).
  RecordParser(PipelineCounters* counters, ErrorLog* errors, EmitFn emit,
               std::shared_ptr<const std::vector<ConfiguredVpcFlowFormat>> vpc_formats = nullptr);

  void OnJsonRecord(simdjson::dom::element record, std::string_view raw, bool cloudtrail,
                    const RecordContext& ctx) override;
  void OnTextLine(std::string_view line, const RecordContext& ctx) override;

 private:
  void Fail(DropReason reason, const RecordContext& ctx, std::string_view what);
  // Hands the event on with where it came from.
  void Emit(Event&& e, const RecordContext& ctx, const simdjson::dom::element* record);
  std::shared_ptr<const std::string> source_;  // the last input's name, shared by its events

  PipelineCounters* const counters_;
  ErrorLog* const errors_;
  const EmitFn emit_;
  std::string minify_buf_;
  // Text formats whose header lines set the fields of the lines after them. One RecordParser
  // serves one input at a time, so this is that input's state.
  TextLogParser text_;
  std::vector<Event> service_events_;
  std::vector<ParseOutcome> service_failures_;
};

}  // namespace fastpath
