#include "parse/record_parser.h"

#include "parse/cloudtrail_parser.h"
#include "parse/service_parser.h"

#include "core/json_get.h"

namespace fastpath {

using simdjson::dom::element;
using simdjson::dom::object;

RecordParser::RecordParser(PipelineCounters* counters, ErrorLog* errors, EmitFn emit,
                           std::shared_ptr<const std::vector<ConfiguredVpcFlowFormat>> vpc_formats)
    : counters_(counters), errors_(errors), emit_(std::move(emit)), text_(std::move(vpc_formats)) {}

void RecordParser::Emit(Event&& e, const RecordContext& ctx, const element* record) {
  // One shared name per input (or per Kinesis record, which names itself): most inputs hand over
  // many events in a row, so the name is made once.
  if (!ctx.kinesis_sequence.empty()) {
    std::string name(ctx.source);
    name.append("/").append(ctx.kinesis_sequence);
    if (!source_ || *source_ != name)
      source_ = std::make_shared<const std::string>(std::move(name));
    e.offset = Event::kNoOffset;
  } else {
    if (!source_ || *source_ != ctx.source) {
      source_ = std::make_shared<const std::string>(ctx.source);
    }
    e.offset = ctx.offset;
  }
  e.source = source_;
  emit_(std::move(e), record);
}

void RecordParser::Fail(DropReason reason, const RecordContext& ctx, std::string_view what) {
  counters_->Drop(reason);
  errors_->Report(reason, ctx.source, ctx.offset, what);
}

void RecordParser::OnTextLine(std::string_view line, const RecordContext& ctx) {
  StageCounter& parse = counters_->stage(Stage::kParse);
  PipelineCounters::Add(parse.records_in, 1);
  PipelineCounters::Add(parse.bytes_in, line.size());
  if (!simdjson::validate_utf8(line.data(), line.size())) {
    Fail(DropReason::kInvalidUtf8, ctx, "text line is not valid UTF-8");
    return;
  }
  Event ev;
  const ParseOutcome outcome = text_.Parse(line, ctx, &ev);
  switch (outcome.kind) {
    case ParseOutcome::Kind::kHeader:
      counters_->Drop(DropReason::kHeaderLine);
      return;
    case ParseOutcome::Kind::kMalformed:
      Fail(outcome.reason, ctx, outcome.what);
      return;
    case ParseOutcome::Kind::kEvent:
      PipelineCounters::Add(parse.records_out, 1);
      PipelineCounters::Add(parse.bytes_out, ev.json.size());
      Emit(std::move(ev), ctx, nullptr);
      return;
    case ParseOutcome::Kind::kNotMine:
      break;
  }
  // No text format claims the line: keep it as an `unknown` event rather than lose it.
  ev.log_type = LogType::kUnknown;
  ev.path = ctx.path;
  ev.received = ctx.received;
  ev.time = ctx.log_timestamp_ms >= 0 ? ctx.log_timestamp_ms * kNsPerMs : ctx.received;
  ev.account = ctx.account_hint;
  ev.region = ctx.region_hint;
  ev.json = "{";
  if (!ctx.log_group.empty()) {
    ev.json.append("\"logGroup\":");
    AppendJsonString(&ev.json, ctx.log_group);
    ev.json.append(",\"logStream\":");
    AppendJsonString(&ev.json, ctx.log_stream);
    ev.json.append(",");
  }
  ev.json.append("\"message\":");
  AppendJsonString(&ev.json, line);
  ev.json.append("}");
  // A line of unknown shape may repeat verbatim: where it was is part of what it is.
  ev.id = PlacedLineId("unknown", ctx, line);
  PipelineCounters::Add(parse.records_out, 1);
  PipelineCounters::Add(parse.bytes_out, ev.json.size());
  Emit(std::move(ev), ctx, nullptr);
}

void RecordParser::OnJsonRecord(element record, std::string_view raw, bool cloudtrail,
                                const RecordContext& ctx) {
  StageCounter& parse = counters_->stage(Stage::kParse);
  PipelineCounters::Add(parse.records_in, 1);
  object obj;
  if (record.get_object().get(obj) != simdjson::SUCCESS) {
    Fail(DropReason::kNotAnObject, ctx, "record is not a JSON object");
    return;
  }
  Event ev;
  ParseOutcome outcome = ParseOutcome::Event();
  if (cloudtrail || IsCloudTrailRecord(obj)) {
    outcome = ParseCloudTrailRecord(obj, raw, ctx, &ev);
  } else if (IsCloudTrailDigest(obj)) {
    outcome = ParseCloudTrailDigest(obj, ctx, &ev);
  } else if (ParseServiceRecord(obj, ctx, &service_events_, &service_failures_).kind !=
             ParseOutcome::Kind::kNotMine) {
    // Each unusable element was its own malformed outcome; the usable ones are events.
    for (const ParseOutcome& f : service_failures_) Fail(f.reason, ctx, f.what);
    service_failures_.clear();
    // One record may hold many events (a Security Hub findings list, a Config snapshot).
    for (Event& e : service_events_) {
      PipelineCounters::Add(parse.records_out, 1);
      PipelineCounters::Add(parse.bytes_out, e.json.size());
      Emit(std::move(e), ctx, nullptr);
    }
    service_events_.clear();
    return;
  } else if (obj["detail-type"].error() == simdjson::SUCCESS &&
             obj["source"].error() == simdjson::SUCCESS) {
    // An EventBridge event whose own parser has not arrived: keep the envelope.
    std::string_view id, time, account, region;
    JsonGet(obj["id"].get_string(), id);
    JsonGet(obj["time"].get_string(), time);
    JsonGet(obj["account"].get_string(), account);
    JsonGet(obj["region"].get_string(), region);
    auto t = ParseRfc3339(time);
    if (!t) {
      Fail(DropReason::kBadTimestamp, ctx, "EventBridge event without an RFC 3339 time");
      return;
    }
    ev.log_type = LogType::kEventBridge;
    ev.path = ctx.path;
    ev.time = *t;
    ev.received = ctx.received;
    ev.account.assign(account);
    ev.region.assign(region);
    CompactJson(record, raw, &ev.json);
    ev.id = id.empty() ? ContentId(simdjson::to_string(record)) : std::string(id);
  } else {
    ev.log_type = LogType::kUnknown;
    ev.path = ctx.path;
    ev.time = ctx.received;
    ev.received = ctx.received;
    ev.account = ctx.account_hint;
    ev.region = ctx.region_hint;
    CompactJson(record, raw, &ev.json);
    ev.id = ContentId(simdjson::to_string(record));  // canonical form: the same from every path
  }
  if (outcome.kind == ParseOutcome::Kind::kMalformed) {
    Fail(outcome.reason, ctx, outcome.what);
    return;
  }
  PipelineCounters::Add(parse.records_out, 1);
  PipelineCounters::Add(parse.bytes_out, ev.json.size());
  Emit(std::move(ev), ctx, &record);
}

}  // namespace fastpath
