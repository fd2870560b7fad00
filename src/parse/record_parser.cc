#include "parse/record_parser.h"

#include "parse/cloudtrail_parser.h"

#include "core/json_get.h"

namespace fastpath {

using simdjson::dom::element;
using simdjson::dom::object;

RecordParser::RecordParser(PipelineCounters* counters, ErrorLog* errors, EmitFn emit)
    : counters_(counters), errors_(errors), emit_(std::move(emit)) {}

void RecordParser::Fail(DropReason reason, const RecordContext& ctx, std::string_view what) {
  counters_->Drop(reason);
  errors_->Report(reason, ctx.source, ctx.offset, what);
}

void RecordParser::OnTextLine(std::string_view line, const RecordContext& ctx) {
  PipelineCounters::Add(counters_->stage(Stage::kParse).records_in, 1);
  PipelineCounters::Add(counters_->stage(Stage::kParse).bytes_in, line.size());
  std::string what = "text line has no parser: '";
  what.append(line.substr(0, 60));
  what.append(line.size() > 60 ? "...'" : "'");
  Fail(DropReason::kTextLine, ctx, what);
}

void RecordParser::OnJsonRecord(element record, const RecordContext& ctx) {
  StageCounter& parse = counters_->stage(Stage::kParse);
  PipelineCounters::Add(parse.records_in, 1);
  object obj;
  if (record.get_object().get(obj) != simdjson::SUCCESS) {
    Fail(DropReason::kNotAnObject, ctx, "record is not a JSON object");
    return;
  }
  Event ev;
  ParseFailure failure{DropReason::kInvalidJson, ""};
  bool ok = true;
  if (IsCloudTrailRecord(obj)) {
    ok = ParseCloudTrailRecord(obj, ctx, &ev, &failure);
  } else if (IsCloudTrailDigest(obj)) {
    ok = ParseCloudTrailDigest(obj, ctx, &ev, &failure);
  } else if (obj["detail-type"].error() == simdjson::SUCCESS && obj["source"].error() == simdjson::SUCCESS) {
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
    ev.json = simdjson::to_string(record);
    ev.id = id.empty() ? ContentId(ev.json) : std::string(id);
  } else {
    ev.log_type = LogType::kUnknown;
    ev.path = ctx.path;
    ev.time = ctx.received;
    ev.received = ctx.received;
    ev.account = ctx.account_hint;
    ev.region = ctx.region_hint;
    ev.json = simdjson::to_string(record);
    ev.id = ContentId(ev.json);
  }
  if (!ok) {
    Fail(failure.reason, ctx, failure.what);
    return;
  }
  ev.source = std::string(ctx.source) + ":" + std::to_string(ctx.offset);
  PipelineCounters::Add(parse.records_out, 1);
  PipelineCounters::Add(parse.bytes_out, ev.json.size());
  emit_(std::move(ev));
}

}  // namespace fastpath
