// The text formats' entry points, for the dispatch in text_log_parser.cc. Each returns true for
// an event in *out; false with *error saying why for a claimed line that does not fit. Internal to
// src/parse.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/record.h"
#include "parse/text_log_parser.h"

namespace fastpath::text {

struct SpacedFormat;

// spaced_text_formats.cc: S3 server access, Classic/Application/Network Load Balancer (and ALB
// connection) logs, Route 53 query logs, API Gateway CLF access logs.
const SpacedFormat* SpacedFormatOf(std::string_view line);
bool ParseSpaced(std::string_view line, const SpacedFormat& f, const RecordContext& ctx, Event* out,
                 std::string* error);
// Every field name the spaced formats of type `t` write (empty: none of them is of that type).
std::vector<std::string_view> SpacedFieldNames(LogType t);

// cloudfront_text_format.cc: standard logs, with a #Fields header or the 33 default fields.
const W3cFormat& DefaultCloudFrontFormat();
bool ParseCloudFront(std::string_view line, const W3cFormat& f, const RecordContext& ctx,
                     Event* out, std::string* error);

// lambda_text_format.cc: platform (START/END/REPORT/INIT_START) and runtime lines; others are
// {message}. `fallback`: the time of the line this one continues (0: none).
bool IsLambdaPlatformLine(std::string_view line);
bool IsLambdaRuntimeLine(std::string_view line);
void ParseLambda(std::string_view line, const RecordContext& ctx, TimeNs fallback, Event* out);

// api_gateway_text_format.cc: execution log lines "(<request id>) ...".
bool IsApiGatewayExecutionLine(std::string_view line);
std::optional<TimeNs> TestInvokeTime(std::string_view line);
void ParseApiGatewayExecution(std::string_view line, const RecordContext& ctx, Event* out);

// rds_text_formats.cc: PostgreSQL log_line_prefix lines, MySQL/MariaDB audit lines, other lines of
// an RDS log group.
bool ParsePostgres(std::string_view line, const RecordContext& ctx, Event* out);
bool ParseMysqlAudit(std::string_view line, const RecordContext& ctx, Event* out);
void ParseRdsMessage(std::string_view line, const RecordContext& ctx, TimeNs fallback, Event* out);

}  // namespace fastpath::text
