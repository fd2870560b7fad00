// VPC Flow Logs (and Transit Gateway flow logs): space-separated text records whose fields are
// given by the flow log's format. S3 objects start with a header line naming the fields
// ("version account-id interface-id srcaddr ..."); CloudWatch Logs messages have no header, so
// without one the default version 2 format (14 fields, starting with "2") is recognised.
//
// A record becomes a JSON object keyed by the AWS field names ("-" is null; counters, ports and
// times are numbers), so the same flow gives the same object, and the same id, whichever path
// delivered it. NODATA and SKIPDATA records are kept (they say the interface was quiet or records
// were lost).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "decode/envelope_decoder.h"
#include "parse/parse_outcome.h"

namespace fastpath {

struct VpcFlowFormat {
  std::vector<std::string> fields;
  // Per field, decided once per format rather than per record: a number or not, the JSON key as
  // written (`"name":`, with a comma before all but the first), and the canonical field it feeds.
  enum Role : uint8_t { kNone, kStart, kEnd, kAccount, kRegion };
  std::vector<bool> numeric;
  std::vector<std::string> keys;
  std::vector<Role> roles;
  bool from_header = false;
};

// True when `line` is a flow log header: every token a known field name.
bool ParseVpcFlowHeader(std::string_view line, VpcFlowFormat* out);
// The default version 2 format.
const VpcFlowFormat& DefaultVpcFlowFormat();
// True when a header-less line looks like a default-format record.
bool LooksLikeDefaultVpcFlow(std::string_view line);

// A flow log format for header-less CloudWatch Logs messages (which carry no header line): the
// log groups it applies to ("name", "prefix*" or "*") and the format.
struct ConfiguredVpcFlowFormat {
  std::string log_groups;
  VpcFlowFormat format;
};
// "LOG_GROUPS=FIELDS", FIELDS as in the flow log's LogFormat ("${version} ${srcaddr} ...") or
// plain names. The error names the unknown field.
Result<ConfiguredVpcFlowFormat> ParseConfiguredVpcFlowFormat(std::string_view spec);
bool LogGroupMatches(std::string_view pattern, std::string_view log_group);

// Parses one record: an event, or malformed with `what` naming the field count or the field that
// is wrong.
ParseOutcome ParseVpcFlowLine(std::string_view line, const VpcFlowFormat& format,
                              const RecordContext& ctx, Event* out);

// Every field name of VPC (versions 2 to 8) and Transit Gateway flow logs.
std::vector<std::string_view> VpcFlowFieldNames();

}  // namespace fastpath
