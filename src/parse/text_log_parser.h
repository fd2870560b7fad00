// Text logs: every line-oriented AWS log format, recognised by content line by line.
//
//   VPC / Transit Gateway flow logs  (parse/vpcflow_parser.h; header line or default format)
//   S3 server access logs             64-hex owner, bucket, [time]
//   Classic, Application and Network Load Balancer access logs, ALB connection logs
//   CloudFront standard logs          W3C: "#Version:" and "#Fields:" header lines, tab-separated
//   Route 53 public DNS query logs    "1.0 <time> <zone> ..."
//   Lambda                            START / END / REPORT / INIT_START lines, runtime lines
//   API Gateway                       execution log lines "(<request id>) ...", CLF access logs
//   RDS / Aurora                      PostgreSQL log_line_prefix lines, MySQL audit lines
//
// A record becomes a JSON object keyed by AWS's documented field names ("-" is null, counters
// and durations are numbers), so the same record gives the same object and the same id whichever
// path delivered it. Lines of a CloudWatch Logs message are also told apart by the log group
// (/aws/lambda/..., API-Gateway-Execution-Logs_..., /aws/rds/...); lines with no shape of their
// own that follow Lambda or RDS lines in the same input continue them (stack traces, multi-line
// SQL).
//
// One TextLogParser serves one input at a time: header lines set the format of the lines after
// them. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "decode/envelope_decoder.h"
#include "parse/parse_outcome.h"
#include "parse/vpcflow_parser.h"

namespace fastpath {

// The id of a free-form text line, which may repeat verbatim: the line and where it was (the log
// group, stream and event time of a CloudWatch Logs message, else the file or object name and the
// offset), so two identical lines are two events, the same wherever the file is kept.
std::string PlacedLineId(std::string_view log_type, const RecordContext& ctx,
                         std::string_view line);

// A CloudFront (W3C) format: the fields a "#Fields:" line names, decided once per header.
struct W3cFormat {
  std::vector<std::string> fields;
  std::vector<std::string> keys;  // `"name":`, with a comma before all but the first
  std::vector<uint8_t> kinds;     // string, integer or number, per field
  size_t date = static_cast<size_t>(-1), time = static_cast<size_t>(-1);
  void Set(std::string_view names);
};

class TextLogParser {
 public:
  TextLogParser() = default;
  // `vpc_formats`: flow log formats for header-less CloudWatch Logs messages, by log group
  // (the first that matches wins); may be null.
  explicit TextLogParser(std::shared_ptr<const std::vector<ConfiguredVpcFlowFormat>> vpc_formats)
      : vpc_formats_(std::move(vpc_formats)) {}

  // Forgets what earlier inputs' headers said. Called when an input starts (offset 0).
  void Reset();

  // An event in *out, a header line, a line no format claims (kNotMine), or a claimed line that
  // does not fit its format (kMalformed, reason kMalformedLine, `what` says which field).
  ParseOutcome Parse(std::string_view line, const RecordContext& ctx, Event* out);

 private:
  enum class Outcome { kEvent, kHeader, kUnclaimed, kMalformed };
  Outcome ParseLine(std::string_view line, const RecordContext& ctx, Event* out,
                    std::string* error);
  std::shared_ptr<const std::vector<ConfiguredVpcFlowFormat>> vpc_formats_;
  VpcFlowFormat vpc_format_;
  bool vpc_header_ = false;
  W3cFormat w3c_;  // CloudFront "#Fields:"
  bool w3c_header_ = false;
  // The type of the input's last claimed line, for continuation lines (Lambda, RDS only).
  LogType last_type_ = LogType::kUnknown;
  TimeNs last_time_ = 0;
};

}  // namespace fastpath
