#include "parse/vpcflow_parser.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "parse/cloudtrail_parser.h"

namespace fastpath {
namespace {

// Every field of VPC (versions 2 to 8) and Transit Gateway flow logs.
constexpr std::array<std::string_view, 54> kKnownFields = {"version",
                                                           "account-id",
                                                           "interface-id",
                                                           "srcaddr",
                                                           "dstaddr",
                                                           "srcport",
                                                           "dstport",
                                                           "protocol",
                                                           "packets",
                                                           "bytes",
                                                           "start",
                                                           "end",
                                                           "action",
                                                           "log-status",
                                                           "vpc-id",
                                                           "subnet-id",
                                                           "instance-id",
                                                           "tcp-flags",
                                                           "type",
                                                           "pkt-srcaddr",
                                                           "pkt-dstaddr",
                                                           "region",
                                                           "az-id",
                                                           "sublocation-type",
                                                           "sublocation-id",
                                                           "pkt-src-aws-service",
                                                           "pkt-dst-aws-service",
                                                           "flow-direction",
                                                           "traffic-path",
                                                           "ecs-cluster-arn",
                                                           "ecs-cluster-name",
                                                           "ecs-container-instance-arn",
                                                           "ecs-container-instance-id",
                                                           "ecs-container-id",
                                                           "ecs-second-container-id",
                                                           "ecs-service-name",
                                                           "ecs-task-definition-arn",
                                                           "ecs-task-arn",
                                                           "ecs-task-id",
                                                           "reject-reason",
                                                           "resource-type",
                                                           "tgw-id",
                                                           "tgw-attachment-id",
                                                           "tgw-src-vpc-account-id",
                                                           "tgw-dst-vpc-account-id",
                                                           "tgw-src-vpc-id",
                                                           "tgw-dst-vpc-id",
                                                           "tgw-src-subnet-id",
                                                           "tgw-dst-subnet-id",
                                                           "tgw-src-eni",
                                                           "tgw-dst-eni",
                                                           "tgw-pair-attachment-id",
                                                           "tgw-src-az-id",
                                                           "tgw-dst-az-id"};

constexpr std::array<std::string_view, 10> kNumericFields = {
    "version", "srcport", "dstport", "protocol",  "packets",
    "bytes",   "start",   "end",     "tcp-flags", "traffic-path"};

bool Known(std::string_view f) {
  return std::find(kKnownFields.begin(), kKnownFields.end(), f) != kKnownFields.end() ||
         f.starts_with("packets-lost-");
}

bool Numeric(std::string_view f) {
  return std::find(kNumericFields.begin(), kNumericFields.end(), f) != kNumericFields.end() ||
         f.starts_with("packets-lost-");
}

bool AllDigits(std::string_view v) {
  if (v.empty() || v.size() > 19) return false;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Splits on runs of spaces (AWS writes one; hand-edited files may have more).
void Split(std::string_view line, std::vector<std::string_view>* out) {
  out->clear();
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    if (i == line.size()) break;
    const size_t j = FindSpace(line, i);
    out->push_back(line.substr(i, j - i));
    i = j;
  }
}

VpcFlowFormat MakeFormat(std::vector<std::string> fields, bool from_header) {
  VpcFlowFormat f;
  f.fields = std::move(fields);
  f.numeric.reserve(f.fields.size());
  for (const std::string& name : f.fields) {
    f.numeric.push_back(Numeric(name));
    f.keys.push_back((f.keys.empty() ? "\"" : ",\"") + name + "\":");
    f.roles.push_back(name == "start"        ? VpcFlowFormat::kStart
                      : name == "end"        ? VpcFlowFormat::kEnd
                      : name == "account-id" ? VpcFlowFormat::kAccount
                      : name == "region"     ? VpcFlowFormat::kRegion
                                             : VpcFlowFormat::kNone);
  }
  f.from_header = from_header;
  return f;
}

}  // namespace

const VpcFlowFormat& DefaultVpcFlowFormat() {
  static const VpcFlowFormat kDefault = MakeFormat(
      {"version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
       "protocol", "packets", "bytes", "start", "end", "action", "log-status"},
      false);
  return kDefault;
}

bool ParseVpcFlowHeader(std::string_view line, VpcFlowFormat* out) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  std::vector<std::string_view> tokens;
  Split(line, &tokens);
  if (tokens.size() < 2) return false;
  for (std::string_view t : tokens) {
    if (!Known(t)) return false;
  }
  *out = MakeFormat(std::vector<std::string>(tokens.begin(), tokens.end()), true);
  return true;
}

Result<ConfiguredVpcFlowFormat> ParseConfiguredVpcFlowFormat(std::string_view spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return Status::InvalidArgument(
        "a flow log format is LOG_GROUPS=FIELDS, e.g. "
        "'/aws/vpc/flowlogs=${version} ${interface-id} ${srcaddr}', not '" +
        std::string(spec) + "'");
  }
  ConfiguredVpcFlowFormat out;
  out.log_groups = std::string(spec.substr(0, eq));
  std::string fields;
  for (char c : spec.substr(eq + 1)) {
    if (c != '$' && c != '{' && c != '}') fields.push_back(c == '\t' ? ' ' : c);
  }
  std::vector<std::string_view> tokens;
  Split(fields, &tokens);
  for (std::string_view t : tokens) {
    if (!Known(t)) {
      return Status::InvalidArgument("flow log format for '" + out.log_groups +
                                     "': unknown field '" + std::string(t) + "'");
    }
  }
  if (tokens.empty()) {
    return Status::InvalidArgument("flow log format for '" + out.log_groups + "' names no fields");
  }
  out.format = MakeFormat(std::vector<std::string>(tokens.begin(), tokens.end()), true);
  return out;
}

bool LogGroupMatches(std::string_view pattern, std::string_view log_group) {
  if (log_group.empty()) return false;
  if (pattern == "*") return true;
  if (pattern.ends_with("*")) return log_group.starts_with(pattern.substr(0, pattern.size() - 1));
  return pattern == log_group;
}

bool LooksLikeDefaultVpcFlow(std::string_view line) {
  if (!line.starts_with("2 ")) return false;
  size_t spaces = 0;
  for (char c : line) spaces += c == ' ';
  if (spaces != 13) return false;
  // The status is last: OK, NODATA or SKIPDATA.
  return line.ends_with(" OK") || line.ends_with(" NODATA") || line.ends_with(" SKIPDATA");
}

ParseOutcome ParseVpcFlowLine(std::string_view line, const VpcFlowFormat& format,
                              const RecordContext& ctx, Event* out) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  thread_local std::vector<std::string_view> values;
  Split(line, &values);
  if (values.size() != format.fields.size()) {
    return ParseOutcome::Malformed(
        DropReason::kMalformedLine,
        "VPC flow log record has " + std::to_string(values.size()) + " fields, its format " +
            (format.from_header ? "(from the header or configuration) " : "(default, version 2) ") +
            "has " + std::to_string(format.fields.size()));
  }
  out->log_type = LogType::kVpcFlow;
  out->path = ctx.path;
  out->received = ctx.received;
  out->account = ctx.account_hint;
  out->region = ctx.region_hint;
  out->time = 0;
  std::string& j = out->json;
  j.clear();
  j.reserve(line.size() * 2 + format.fields.size() * 20 + 16);
  j.push_back('{');
  // Flow log values hold no quotes or backslashes; a line that does is written the careful way.
  const bool safe = JsonSafe(line);
  TimeNs start = 0, end = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string_view v = values[i];
    j.append(format.keys[i]);
    if (v.size() == 1 && v[0] == '-') {
      j.append("null");
      continue;
    }
    if (format.numeric[i]) {
      if (!AllDigits(v)) {
        return ParseOutcome::Malformed(DropReason::kMalformedLine,
                                       "VPC flow log field " + format.fields[i] +
                                           " is not a number: '" + std::string(v.substr(0, 40)) +
                                           "'");
      }
      j.append(v);
      if (format.roles[i] == VpcFlowFormat::kStart || format.roles[i] == VpcFlowFormat::kEnd) {
        int64_t secs = 0;
        std::from_chars(v.data(), v.data() + v.size(), secs);
        if (auto t = EpochSecondsToNs(static_cast<double>(secs))) {
          (format.roles[i] == VpcFlowFormat::kStart ? start : end) = *t;
        }
      }
      continue;
    }
    if (format.roles[i] == VpcFlowFormat::kAccount) out->account.assign(v);
    if (format.roles[i] == VpcFlowFormat::kRegion) out->region.assign(v);
    if (safe) {
      j.push_back('"');
      j.append(v);
      j.push_back('"');
    } else {
      AppendJsonString(&j, v);
    }
  }
  out->time = start != 0 ? start : end;
  j.push_back('}');
  if (out->time == 0) {
    out->time = ctx.log_timestamp_ms >= 0 ? ctx.log_timestamp_ms * kNsPerMs : ctx.received;
  }
  out->id = TextRecordId({"aws.vpcflow", line});
  return ParseOutcome::Event();
}

std::vector<std::string_view> VpcFlowFieldNames() {
  std::vector<std::string_view> out(kKnownFields.begin(), kKnownFields.end());
  // Transit Gateway's packets-lost-* counters (Known() accepts the family).
  for (std::string_view f : {"packets-lost-no-route", "packets-lost-blackhole",
                             "packets-lost-mtu-exceeded", "packets-lost-ttl-expired"}) {
    out.push_back(f);
  }
  return out;
}

}  // namespace fastpath
