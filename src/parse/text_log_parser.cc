#include "parse/text_log_parser.h"

#include <algorithm>

#include "parse/cloudtrail_parser.h"
#include "parse/text_format_support.h"
#include "parse/text_formats.h"

namespace fastpath {

namespace {

// Fields of a line separated by single spaces, as flow log records are.
size_t SpacedFieldCount(std::string_view line) {
  if (line.empty()) return 0;
  size_t n = 1;
  for (size_t at = FindSpace(line, 0); at < line.size(); at = FindSpace(line, at + 1)) ++n;
  return n;
}

}  // namespace

using namespace text;  // NOLINT: the formats of this folder

std::string PlacedLineId(std::string_view log_type, const RecordContext& ctx,
                         std::string_view line) {
  if (!ctx.log_group.empty()) {
    return TextRecordId(
        {log_type, ctx.log_group, ctx.log_stream, std::to_string(ctx.log_timestamp_ms), line});
  }
  return TextRecordId({log_type, BaseName(ctx.source), std::to_string(ctx.offset), line});
}

void TextLogParser::Reset() {
  vpc_header_ = false;
  w3c_header_ = false;
  w3c_.Set({});
  last_type_ = LogType::kUnknown;
  last_time_ = 0;
}

ParseOutcome TextLogParser::Parse(std::string_view line, const RecordContext& ctx, Event* out) {
  std::string error;
  switch (ParseLine(line, ctx, out, &error)) {
    case Outcome::kEvent:
      return ParseOutcome::Event();
    case Outcome::kHeader:
      return ParseOutcome::Header();
    case Outcome::kUnclaimed:
      return ParseOutcome::NotMine();
    case Outcome::kMalformed:
      break;
  }
  return ParseOutcome::Malformed(DropReason::kMalformedLine, std::move(error));
}

TextLogParser::Outcome TextLogParser::ParseLine(std::string_view line, const RecordContext& ctx,
                                                Event* out, std::string* error) {
  if (ctx.offset == 0) Reset();
  line = TrimEnd(line);
  auto done = [&](bool ok) {
    if (!ok) return Outcome::kMalformed;
    last_type_ = out->log_type;
    last_time_ = out->time;
    return Outcome::kEvent;
  };

  // Headers: a flow log header on an input's first line; W3C directives anywhere.
  if (line.starts_with("#")) {
    if (line.starts_with("#Fields:")) {
      w3c_.Set(line.substr(8));
      w3c_header_ = !w3c_.fields.empty();
      return Outcome::kHeader;
    }
    if (line.starts_with("#Version:")) return Outcome::kHeader;
  }
  if (ctx.offset == 0) {
    VpcFlowFormat header;
    if (ParseVpcFlowHeader(line, &header)) {
      vpc_format_ = std::move(header);
      vpc_header_ = true;
      return Outcome::kHeader;
    }
  }
  if (vpc_header_) {
    ParseOutcome o = ParseVpcFlowLine(line, vpc_format_, ctx, out);
    if (!o.is_event()) *error = std::move(o.what);
    return done(o.is_event());
  }
  if (w3c_header_) return done(ParseCloudFront(line, w3c_, ctx, out, error));
  // Flow logs in CloudWatch Logs have no header: the configuration names their format. A format
  // for every log group ("*") also reads header-less lines of files (records copied out of
  // CloudWatch Logs), those with exactly its number of fields, so other text formats in the same
  // scan are left to their parsers.
  if (vpc_formats_ != nullptr) {
    for (const ConfiguredVpcFlowFormat& f : *vpc_formats_) {
      if (ctx.log_group.empty()) {
        if (f.log_groups != "*" || SpacedFieldCount(line) != f.format.fields.size()) continue;
        ParseOutcome o = ParseVpcFlowLine(line, f.format, ctx, out);
        if (!o.is_event()) *error = std::move(o.what);
        return done(o.is_event());
      }
      if (!LogGroupMatches(f.log_groups, ctx.log_group)) continue;
      ParseOutcome o = ParseVpcFlowLine(line, f.format, ctx, out);
      if (!o.is_event()) *error = o.what + " (log group " + std::string(ctx.log_group) + ")";
      return done(o.is_event());
    }
  }

  if (LooksLikeDefaultVpcFlow(line)) {
    ParseOutcome o = ParseVpcFlowLine(line, DefaultVpcFlowFormat(), ctx, out);
    if (!o.is_event()) *error = std::move(o.what);
    return done(o.is_event());
  }
  if (const SpacedFormat* f = SpacedFormatOf(line)) {
    return done(ParseSpaced(line, *f, ctx, out, error));
  }
  // A header-less CloudFront record (a CloudWatch Logs or Firehose delivery of the standard
  // fields): 33 tab-separated values starting with the date.
  if (line.size() > 20 && line[10] == '\t' && line[4] == '-' && IsDigit(line[0]) &&
      static_cast<size_t>(std::count(line.begin(), line.end(), '\t')) + 1 ==
          DefaultCloudFrontFormat().fields.size()) {
    return done(ParseCloudFront(line, DefaultCloudFrontFormat(), ctx, out, error));
  }

  const bool lambda_group = ctx.log_group.starts_with("/aws/lambda/");
  if (lambda_group || IsLambdaPlatformLine(line) || IsLambdaRuntimeLine(line)) {
    ParseLambda(line, ctx, last_type_ == LogType::kLambda ? last_time_ : 0, out);
    return done(true);
  }
  const bool apigw_group = ctx.log_group.starts_with("API-Gateway-Execution-Logs_");
  if (apigw_group || IsApiGatewayExecutionLine(line) || TestInvokeTime(line)) {
    ParseApiGatewayExecution(line, ctx, out);
    return done(true);
  }
  if (ParsePostgres(line, ctx, out) || ParseMysqlAudit(line, ctx, out)) return done(true);
  if (ctx.log_group.starts_with("/aws/rds/")) {
    ParseRdsMessage(line, ctx, last_type_ == LogType::kRds ? last_time_ : 0, out);
    return done(true);
  }
  // Lines without a shape of their own continue the Lambda or RDS record before them.
  if (last_type_ == LogType::kLambda) {
    ParseLambda(line, ctx, last_time_, out);
    return done(true);
  }
  if (last_type_ == LogType::kRds) {
    ParseRdsMessage(line, ctx, last_time_, out);
    return done(true);
  }
  return Outcome::kUnclaimed;
}

}  // namespace fastpath
