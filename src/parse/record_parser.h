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
#include "parse/vpcflow_parser.h"
#include "rules/rule_engine.h"

namespace fastpath {

class RecordParser final : public RecordSink {
 public:
  using EmitFn = std::function<void(Event&&)>;
  // `matcher`, when given, runs the rules on each record while its parsed form is at hand.
  RecordParser(PipelineCounters* counters, ErrorLog* errors, EmitFn emit,
               RuleEngine::Matcher* matcher = nullptr);

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
  // Text formats whose header line (first line of an S3 object) sets the fields of the lines
  // after it. One parser serves one input, so this is that input's format.
  VpcFlowFormat vpc_format_;
  bool vpc_header_seen_ = false;
};

}  // namespace fastpath
