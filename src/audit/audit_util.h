// Small readers shared by the component checks: JSON members with defaults, XML children, the
// VPCs of a region (read once per account x region), and shell quoting for the fix commands.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>
#include <pugixml.hpp>

#include "audit/audit.h"
#include "core/json_get.h"

namespace fastpath::audit {

// The string member `key` of `el`, or "".
std::string_view JStr(simdjson::dom::element el, std::string_view key);
// The boolean member `key` of `el`, or `fallback`.
bool JBool(simdjson::dom::element el, std::string_view key, bool fallback = false);
// The array member `key` of `el` (empty when absent or not an array).
std::vector<simdjson::dom::element> JArr(simdjson::dom::element el, std::string_view key);

// The text of the first descendant element named `name`.
std::string XText(const pugi::xml_node& node, const char* name);

// `s` single-quoted for a POSIX shell when it needs it.
std::string ShellQuote(std::string_view s);

// The last ':' or '/' separated part of an ARN ("trail/name" -> "name").
std::string ArnName(std::string_view arn);
// The account id field of an ARN, or "".
std::string ArnAccount(std::string_view arn);
// The region field of an ARN, or "".
std::string ArnRegion(std::string_view arn);

// The VPC ids of the context's account and region (EC2 DescribeVpcs, every page), or nullopt
// when they could not be read (an unknown finding is recorded).
std::optional<std::vector<std::string>> ListVpcs(AuditContext& ctx);

}  // namespace fastpath::audit
