// What the text log formats share (one file per format family: spaced_text_formats.cc for the
// space-separated ones, cloudfront_text_format.cc, lambda_text_format.cc,
// api_gateway_text_format.cc, rds_text_formats.cc; flow logs in vpcflow_parser.cc): value kinds,
// small scanners, and building an event's JSON object and id. Internal to src/parse.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/event.h"
#include "core/record.h"
#include "core/time_util.h"

#include <algorithm>

namespace fastpath::text {

enum class Kind : uint8_t { kString, kInt, kNumber };

// Short names for the field tables.
constexpr Kind S = Kind::kString;
constexpr Kind I = Kind::kInt;
constexpr Kind N = Kind::kNumber;

struct Field {
  std::string_view name;
  Kind kind = Kind::kString;
};

// What a record's id covers. kLine: the line alone, for formats AWS delivers by more than one path
// (S3 objects and CloudWatch Logs) whose lines are unique by their content. kStream: also where
// the line was, for free-form lines (Lambda, RDS, API Gateway execution logs) that repeat
// verbatim: the log group, stream and event time of a CloudWatch Logs message, or the file name and
// offset in a file.
enum class IdScope { kLine, kStream };

// Small scanners and event building: inline, they run per field of every text line.
inline bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

inline bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

inline bool IsInt(std::string_view v) {
  if (!v.empty() && v[0] == '-') v.remove_prefix(1);
  if (v.empty() || v.size() > 18) return false;
  for (char c : v) {
    if (!IsDigit(c)) return false;
  }
  return true;
}
// A JSON number as AWS writes these fields: -1, 0.000073, 12.
inline bool IsNumber(std::string_view v) {
  if (!v.empty() && v[0] == '-') v.remove_prefix(1);
  if (v.empty() || v.size() > 40 || !IsDigit(v[0])) return false;
  size_t i = 0;
  while (i < v.size() && IsDigit(v[i])) ++i;
  if (i < v.size() && v[i] == '.') {
    ++i;
    if (i == v.size()) return false;
    while (i < v.size() && IsDigit(v[i])) ++i;
  }
  if (i != v.size()) return false;
  // JSON allows no leading zeros ("01"): keep such values as they are, but as strings.
  return !(v.size() > 1 && v[0] == '0' && IsDigit(v[1]));
}

// "2015-05-13T23:39:43.945958Z" (or without the Z, as NLB writes it).
inline bool LooksLikeIsoTime(std::string_view v) {
  return v.size() >= 19 && IsDigit(v[0]) && IsDigit(v[3]) && v[4] == '-' && v[7] == '-' &&
         v[10] == 'T' && v[13] == ':' && v[16] == ':';
}

inline std::string_view Token(std::string_view line, size_t n) {
  size_t start = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t sp = line.find(' ', start);
    if (sp == std::string_view::npos) return {};
    start = sp + 1;
  }
  const size_t end = line.find(' ', start);
  return line.substr(start, end == std::string_view::npos ? line.size() - start : end - start);
}

inline std::string_view TrimEnd(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

inline void StartEvent(LogType type, const RecordContext& ctx, Event* out) {
  out->log_type = type;
  out->path = ctx.path;
  out->received = ctx.received;
  out->account = ctx.account_hint;
  out->region = ctx.region_hint;
  out->time = 0;
  out->json.clear();
  out->json.push_back('{');
}

inline void Key(std::string& j, std::string_view name) {
  if (j.size() > 1) j.push_back(',');
  j.push_back('"');
  j.append(name);
  j.append("\":");
}

inline void StringField(std::string& j, std::string_view name, std::string_view v) {
  Key(j, name);
  AppendJsonString(&j, v);
}

// Appends a typed value; false when a number field holds something else.
inline bool Value(std::string& j, std::string_view v, Kind kind) {
  if ((v.size() == 1 && v[0] == '-') || (kind != Kind::kString && v.empty())) {
    j.append("null");
    return true;
  }
  if (kind == Kind::kString) {
    AppendJsonString(&j, v);
    return true;
  }
  if (kind == Kind::kInt ? IsInt(v) : IsNumber(v)) {
    j.append(v);
    return true;
  }
  return false;
}

void FinishEvent(const RecordContext& ctx, TimeNs fallback, std::string_view line, IdScope scope,
                 Event* out);

}  // namespace fastpath::text
