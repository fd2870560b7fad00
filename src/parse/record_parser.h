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
#include "parse/text_log_parser.h"
#include "rules/rule_engine.h"

namespace fastpath {

class RecordParser final : public RecordSink {
 public:
  using EmitFn = std::function<void(Event&&)>;
  // `matcher`, when given, runs the rules on each record while its parsed form is at hand.
  // `vpc_formats`: flow log formats for header-less CloudWatch Logs messages (may be null).
  RecordParser(PipelineCounters* counters, ErrorLog* errors, EmitFn emit,
               RuleEngine::Matcher* matcher = nullptr,
               std::shared_ptr<const std::vector<ConfiguredVpcFlowFormat>> vpc_formats = nullptr);

  void OnJsonRecord(simdjson::dom::element record, std::string_view raw, bool cloudtrail,
                    const RecordContext& ctx) override;
  void OnTextLine(std::string_view line, const RecordContext& ctx) override;

 private:
  void Fail(DropReason reason, const RecordContext& ctx, std::string_view what);

  PipelineCounters* const counters_;
  ErrorLog* const errors_;
  const EmitFn emit_;
  RuleEngine::Matcher* const matcher_;
  std::string minify_buf_;
  // Text formats whose header lines set the fields of the lines after them. One RecordParser
  // serves one input at a time, so this is that input's state.
  TextLogParser text_;
  std::vector<Event> service_events_;
  std::vector<ParseFailure> service_failures_;
  std::string text_error_;
};

}  // namespace fastpath
