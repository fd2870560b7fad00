#include "parse/text_log_parser.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <span>

#include "parse/cloudtrail_parser.h"

namespace fastpath {
namespace {

// ---- Field formats --------------------------------------------------------------------------

enum class Kind : uint8_t { kString, kInt, kNumber };

struct Field {
  std::string_view name;
  Kind kind = Kind::kString;
};

enum class TimeForm : uint8_t { kIso, kClf };

// A space-separated format with "quoted" and [bracketed] values.
struct SpacedFormat {
  LogType type;
  std::string_view label;  // for messages
  std::span<const Field> fields;
  size_t min_fields;  // older records stop earlier; AWS appends new fields at the end
  int time_field;
  TimeForm time_form;
  bool arn_hints = false;  // the record's ARNs (target group, certificate) are its own account's
};

constexpr Kind S = Kind::kString;
constexpr Kind I = Kind::kInt;
constexpr Kind N = Kind::kNumber;

constexpr Field kS3AccessFields[] = {{"bucket_owner", S},
                                     {"bucket", S},
                                     {"time", S},
                                     {"remote_ip", S},
                                     {"requester", S},
                                     {"request_id", S},
                                     {"operation", S},
                                     {"key", S},
                                     {"request_uri", S},
                                     {"http_status", I},
                                     {"error_code", S},
                                     {"bytes_sent", I},
                                     {"object_size", I},
                                     {"total_time", I},
                                     {"turn_around_time", I},
                                     {"referer", S},
                                     {"user_agent", S},
                                     {"version_id", S},
                                     {"host_id", S},
                                     {"signature_version", S},
                                     {"cipher_suite", S},
                                     {"authentication_type", S},
                                     {"host_header", S},
                                     {"tls_version", S},
                                     {"access_point_arn", S},
                                     {"acl_required", S}};

constexpr Field kElbFields[] = {{"time", S},
                                {"elb", S},
                                {"client:port", S},
                                {"backend:port", S},
                                {"request_processing_time", N},
                                {"backend_processing_time", N},
                                {"response_processing_time", N},
                                {"elb_status_code", I},
                                {"backend_status_code", I},
                                {"received_bytes", I},
                                {"sent_bytes", I},
                                {"request", S},
                                {"user_agent", S},
                                {"ssl_cipher", S},
                                {"ssl_protocol", S}};

constexpr Field kAlbFields[] = {{"type", S},
                                {"time", S},
                                {"elb", S},
                                {"client:port", S},
                                {"target:port", S},
                                {"request_processing_time", N},
                                {"target_processing_time", N},
                                {"response_processing_time", N},
                                {"elb_status_code", I},
                                {"target_status_code", I},
                                {"received_bytes", I},
                                {"sent_bytes", I},
                                {"request", S},
                                {"user_agent", S},
                                {"ssl_cipher", S},
                                {"ssl_protocol", S},
                                {"target_group_arn", S},
                                {"trace_id", S},
                                {"domain_name", S},
                                {"chosen_cert_arn", S},
                                {"matched_rule_priority", I},
                                {"request_creation_time", S},
                                {"actions_executed", S},
                                {"redirect_url", S},
                                {"error_reason", S},
                                {"target:port_list", S},
                                {"target_status_code_list", S},
                                {"classification", S},
                                {"classification_reason", S},
                                {"conn_trace_id", S},
                                {"transformed_host", S},
                                {"transformed_uri", S},
                                {"request_transform_status", S}};

constexpr Field kAlbConnectionFields[] = {{"time", S},
                                          {"client_ip", S},
                                          {"client_port", I},
                                          {"listener_port", I},
                                          {"tls_protocol", S},
                                          {"tls_cipher", S},
                                          {"tls_handshake_latency", N},
                                          {"leaf_client_cert_subject", S},
                                          {"leaf_client_cert_validity", S},
                                          {"leaf_client_cert_serial_number", S},
                                          {"tls_verify_status", S},
                                          {"conn_trace_id", S}};

constexpr Field kNlbFields[] = {{"type", S},
                                {"version", S},
                                {"time", S},
                                {"elb", S},
                                {"listener", S},
                                {"client:port", S},
                                {"destination:port", S},
                                {"connection_time", I},
                                {"tls_handshake_time", I},
                                {"received_bytes", I},
                                {"sent_bytes", I},
                                {"incoming_tls_alert", S},
                                {"chosen_cert_arn", S},
                                {"chosen_cert_serial", S},
                                {"tls_cipher", S},
                                {"tls_protocol_version", S},
                                {"tls_named_group", S},
                                {"domain_name", S},
                                {"alpn_fe_protocol", S},
                                {"alpn_be_protocol", S},
                                {"alpn_client_preference_list", S},
                                {"tls_connection_creation_time", S}};

constexpr Field kRoute53Fields[] = {
    {"version", S},     {"query_timestamp", S},   {"hosted_zone_id", S}, {"query_name", S},
    {"query_type", S},  {"response_code", S},     {"protocol", S},       {"edge_location", S},
    {"resolver_ip", S}, {"edns_client_subnet", S}};

// API Gateway's Common Log Format access-log template ($context variables).
constexpr Field kApiGatewayClfFields[] = {{"sourceIp", S},       {"caller", S},   {"user", S},
                                          {"requestTime", S},    {"request", S},  {"status", I},
                                          {"responseLength", I}, {"requestId", S}};

const SpacedFormat kS3Access{LogType::kS3Access, "S3 server access log", kS3AccessFields, 18, 2,
                             TimeForm::kClf};
const SpacedFormat kElb{LogType::kElb, "Classic Load Balancer access log", kElbFields, 15, 0,
                        TimeForm::kIso};
const SpacedFormat kAlb{
    LogType::kAlb, "Application Load Balancer access log", kAlbFields, 17, 1, TimeForm::kIso, true};
const SpacedFormat kAlbConnection{
    LogType::kAlb, "Application Load Balancer connection log", kAlbConnectionFields, 11, 0,
    TimeForm::kIso};
const SpacedFormat kNlb{
    LogType::kNlb, "Network Load Balancer access log", kNlbFields, 18, 2, TimeForm::kIso, true};
const SpacedFormat kRoute53{LogType::kRoute53, "Route 53 query log", kRoute53Fields, 10, 1,
                            TimeForm::kIso};
const SpacedFormat kApiGatewayClf{
    LogType::kApiGateway, "API Gateway access log (CLF)", kApiGatewayClfFields, 8, 3,
    TimeForm::kClf};

// CloudFront's standard log fields, typed; other names from a #Fields header are strings.
constexpr Field kCloudFrontTyped[] = {
    {"sc-bytes", I},       {"sc-status", I},    {"cs-bytes", I},
    {"time-taken", N},     {"c-port", I},       {"sc-content-len", I},
    {"sc-range-start", I}, {"sc-range-end", I}, {"time-to-first-byte", N}};
constexpr std::string_view kCloudFrontDefault =
    "date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status "
    "cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id "
    "x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher "
    "x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port "
    "time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len "
    "sc-range-start sc-range-end";

// ---- Small scanners -------------------------------------------------------------------------

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsInt(std::string_view v) {
  if (!v.empty() && v[0] == '-') v.remove_prefix(1);
  if (v.empty() || v.size() > 18) return false;
  for (char c : v) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// A JSON number as AWS writes these fields: -1, 0.000073, 12.
bool IsNumber(std::string_view v) {
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
bool LooksLikeIsoTime(std::string_view v) {
  return v.size() >= 19 && IsDigit(v[0]) && IsDigit(v[3]) && v[4] == '-' && v[7] == '-' &&
         v[10] == 'T' && v[13] == ':' && v[16] == ':';
}

std::string_view Token(std::string_view line, size_t n) {
  size_t start = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t sp = line.find(' ', start);
    if (sp == std::string_view::npos) return {};
    start = sp + 1;
  }
  const size_t end = line.find(' ', start);
  return line.substr(start, end == std::string_view::npos ? line.size() - start : end - start);
}

std::string_view TrimEnd(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// ---- Event building -------------------------------------------------------------------------

void StartEvent(LogType type, const RecordContext& ctx, Event* out) {
  out->log_type = type;
  out->path = ctx.path;
  out->received = ctx.received;
  out->account = ctx.account_hint;
  out->region = ctx.region_hint;
  out->time = 0;
  out->json.clear();
  out->json.push_back('{');
}

void Key(std::string& j, std::string_view name) {
  if (j.size() > 1) j.push_back(',');
  j.push_back('"');
  j.append(name);
  j.append("\":");
}

// Appends a typed value; false when a number field holds something else.
bool Value(std::string& j, std::string_view v, Kind kind) {
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

void StringField(std::string& j, std::string_view name, std::string_view v) {
  Key(j, name);
  AppendJsonString(&j, v);
}

// What a record's id covers. kLine: the line alone, for formats AWS delivers by more than one path
// (S3 objects and CloudWatch Logs) whose lines are unique by their content. kStream: also where
// the line was, for free-form lines (Lambda, RDS, API Gateway execution logs) that repeat
// verbatim: the log group, stream and event time of a CloudWatch Logs message, or the file name and
// offset in a file.
enum class IdScope { kLine, kStream };

void FinishEvent(const RecordContext& ctx, TimeNs fallback, std::string_view line, IdScope scope,
                 Event* out) {
  out->json.push_back('}');
  if (out->time == 0) {
    out->time = fallback != 0               ? fallback
                : ctx.log_timestamp_ms >= 0 ? ctx.log_timestamp_ms * kNsPerMs
                                            : ctx.received;
  }
  const std::string_view type = LogTypeName(out->log_type);
  out->id = scope == IdScope::kLine ? TextRecordId({type, line}) : PlacedLineId(type, ctx, line);
}

// The formats' keys as written, `"name":` with the comma before all but the first, made once.
struct FormatKeys {
  std::vector<std::string> keys;
  size_t bytes = 0;  // all of them together
};

const FormatKeys& KeysOf(const SpacedFormat& f) {
  static const auto* const kKeys = [] {
    auto* m = new std::map<const SpacedFormat*, FormatKeys>();
    for (const SpacedFormat* g :
         {&kS3Access, &kElb, &kAlb, &kAlbConnection, &kNlb, &kRoute53, &kApiGatewayClf}) {
      FormatKeys& fk = (*m)[g];
      for (size_t i = 0; i < g->fields.size(); ++i) {
        fk.keys.push_back(std::string(i == 0 ? "\"" : ",\"") + std::string(g->fields[i].name) +
                          "\":");
        fk.bytes += fk.keys.back().size();
      }
    }
    return m;
  }();
  return kKeys->at(&f);
}

// Writes into a buffer sized beforehand (no capacity checks per byte).
struct RawWriter {
  char* p;
  void Put(std::string_view v) {
    std::memcpy(p, v.data(), v.size());
    p += v.size();
  }
  void Quoted(std::string_view v) {
    *p++ = '"';
    Put(v);
    *p++ = '"';
  }
};

// Tokenizes and writes in one pass. With `raw`, string values are copied without escaping: the
// caller checked that the line holds no backslash or control character, and *quotes counts the
// quotes of the line's values (two per quoted value when no value holds one). Fills *values with
// the fields after the known ones (for "extra_fields"), *time_value and *arn.
bool WriteSpaced(std::string_view line, const SpacedFormat& f, bool raw, std::string& j,
                 size_t* fields, size_t* quotes, std::string_view* time_value,
                 std::string_view* arn, std::vector<std::string_view>* extra, std::string* error) {
  const FormatKeys& fk = KeysOf(f);
  size_t i = 0;
  size_t k = 0;
  const size_t n = line.size();
  *quotes = 0;
  extra->clear();
  // Unescaped values fit in: the keys, the line, and per field two quotes or "null" for "-".
  const size_t base = j.size();
  RawWriter w{nullptr};
  if (raw) {
    j.resize(base + fk.bytes + n + 6 * f.fields.size() + 8);
    w.p = j.data() + base;
  }
  while (i < n) {
    if (line[i] == ' ') {
      ++i;
      continue;
    }
    std::string_view v;
    if (line[i] == '"') {
      size_t e = i + 1;
      while (true) {
        e = line.find('"', e);
        if (e == std::string_view::npos) {
          *error = std::string(f.label) + ": a quoted value opened at column " +
                   std::to_string(i + 1) + " is not closed";
          return false;
        }
        if ((e + 1 == n || line[e + 1] == ' ') && line[e - 1] != '\\') break;
        ++e;
      }
      v = line.substr(i + 1, e - i - 1);
      *quotes += 2;
      i = e + 1;
    } else if (line[i] == '[') {
      const size_t e = line.find(']', i);
      if (e == std::string_view::npos) {
        *error = std::string(f.label) + ": a [bracketed] value opened at column " +
                 std::to_string(i + 1) + " is not closed";
        return false;
      }
      v = line.substr(i + 1, e - i - 1);
      i = e + 1;
    } else {
      const size_t e = FindSpace(line, i);
      v = line.substr(i, e - i);
      i = e;
    }
    if (k >= f.fields.size()) {
      extra->push_back(v);
      ++k;
      continue;
    }
    const Kind kind = f.fields[k].kind;
    bool ok = true;
    if (raw) {
      w.Put(fk.keys[k]);
      if ((v.size() == 1 && v[0] == '-') || (kind != Kind::kString && v.empty())) {
        w.Put("null");
      } else if (kind == Kind::kString) {
        w.Quoted(v);
      } else if (kind == Kind::kInt ? IsInt(v) : IsNumber(v)) {
        w.Put(v);
      } else {
        ok = false;
      }
    } else {
      j.append(fk.keys[k]);
      ok = Value(j, v, kind);
    }
    if (!ok) {
      *error = std::string(f.label) + " field " + std::string(f.fields[k].name) +
               " is not a number: '" + std::string(v.substr(0, 40)) + "'";
      return false;
    }
    if (static_cast<int>(k) == f.time_field) *time_value = v;
    if (arn->empty() && v.starts_with("arn:")) *arn = v;
    ++k;
  }
  if (raw) j.resize(static_cast<size_t>(w.p - j.data()));
  *fields = k;
  return true;
}

bool ParseSpaced(std::string_view line, const SpacedFormat& f, const RecordContext& ctx, Event* out,
                 std::string* error) {
  StartEvent(f.type, ctx, out);
  std::string& j = out->json;
  j.reserve(line.size() + f.fields.size() * 28 + 32);
  // Most lines hold no backslash, control character or quote inside a value: their values are
  // copied as they are. A line that turns out otherwise is written again, escaping each value.
  size_t line_quotes = 0;
  bool raw = JsonSafeButQuotes(line, &line_quotes);
  size_t fields = 0, quotes = 0;
  std::string_view time_value, arn;
  thread_local std::vector<std::string_view> extra;
  if (!WriteSpaced(line, f, raw, j, &fields, &quotes, &time_value, &arn, &extra, error)) {
    return false;
  }
  if (raw && quotes != line_quotes) {
    raw = false;
    j.resize(1);  // back to "{"
    time_value = arn = {};
    if (!WriteSpaced(line, f, false, j, &fields, &quotes, &time_value, &arn, &extra, error)) {
      return false;
    }
  }
  if (fields < f.min_fields) {
    *error = std::string(f.label) + " record has " + std::to_string(fields) + " fields, at least " +
             std::to_string(f.min_fields) + " expected";
    return false;
  }
  // AWS adds fields at the end over time and asks readers to expect them: keep them in order.
  if (!extra.empty()) {
    j.append(",\"extra_fields\":[");
    for (size_t i = 0; i < extra.size(); ++i) {
      if (i) j.push_back(',');
      AppendJsonString(&j, extra[i]);
    }
    j.push_back(']');
  }
  auto t = f.time_form == TimeForm::kClf ? ParseClfTime(time_value) : ParseIsoUtc(time_value);
  if (!t) {
    *error = std::string(f.label) + " field " +
             std::string(f.fields[static_cast<size_t>(f.time_field)].name) + " is not a time: '" +
             std::string(time_value.substr(0, 40)) + "'";
    return false;
  }
  out->time = *t;
  // Records that name an ARN of their own account fill what the delivery path did not.
  if (f.arn_hints && (out->account.empty() || out->region.empty()) && !arn.empty()) {
    HintsFromArn(arn, &out->account, &out->region);
  }
  FinishEvent(ctx, 0, line, IdScope::kLine, out);
  return true;
}

// ---- Which spaced format a line has ---------------------------------------------------------

const SpacedFormat* SpacedFormatOf(std::string_view line) {
  if (line.size() < 20) return nullptr;
  const std::string_view first = Token(line, 0);
  // S3 server access: hex canonical id of the bucket owner (64 digits), bucket, [time].
  if (first.size() >= 32 && first.size() <= 128 && std::all_of(first.begin(), first.end(), IsHex)) {
    const std::string_view third = Token(line, 2);
    if (third.size() == 21 && third[0] == '[') return &kS3Access;
  }
  if (first == "http" || first == "https" || first == "h2" || first == "grpcs" || first == "ws" ||
      first == "wss") {
    return LooksLikeIsoTime(Token(line, 1)) ? &kAlb : nullptr;
  }
  if (first == "tls") return LooksLikeIsoTime(Token(line, 2)) ? &kNlb : nullptr;
  if (first == "1.0" && LooksLikeIsoTime(Token(line, 1)) && Token(line, 2).size() > 1 &&
      Token(line, 2)[0] == 'Z') {
    return &kRoute53;
  }
  if (LooksLikeIsoTime(first)) {
    const std::string_view second = Token(line, 1);
    const std::string_view third = Token(line, 2);
    if (third.find(':') != std::string_view::npos || third == "-") return &kElb;
    if (!third.empty() && IsInt(third) && !second.empty() &&
        (IsDigit(second[0]) || second.find(':') != std::string_view::npos)) {
      return &kAlbConnection;
    }
    return nullptr;
  }
  // API Gateway CLF access log: ip caller user [time] "request" status length request-id.
  if (!first.empty() && (IsDigit(first[0]) || first.find(':') != std::string_view::npos)) {
    const size_t b = line.find(" [");
    if (b != std::string_view::npos && b > first.size() && line.size() > b + 30 &&
        line[b + 28] == ']' && line.find(" \"", b) == b + 29) {
      return &kApiGatewayClf;
    }
  }
  return nullptr;
}

// ---- CloudFront (W3C) -----------------------------------------------------------------------

Kind CloudFrontKind(std::string_view name) {
  for (const Field& f : kCloudFrontTyped) {
    if (f.name == name) return f.kind;
  }
  return Kind::kString;
}

}  // namespace

void W3cFormat::Set(std::string_view names) {
  fields.clear();
  keys.clear();
  kinds.clear();
  date = time = static_cast<size_t>(-1);
  size_t i = 0;
  while (i < names.size()) {
    while (i < names.size() && names[i] == ' ') ++i;
    size_t j = i;
    while (j < names.size() && names[j] != ' ') ++j;
    if (j > i) fields.emplace_back(names.substr(i, j - i));
    i = j;
  }
  for (size_t k = 0; k < fields.size(); ++k) {
    keys.push_back((k == 0 ? "\"" : ",\"") + fields[k] + "\":");
    kinds.push_back(static_cast<uint8_t>(CloudFrontKind(fields[k])));
    if (fields[k] == "date") date = k;
    if (fields[k] == "time") time = k;
  }
}

namespace {

const W3cFormat& DefaultCloudFrontFormat() {
  static const W3cFormat kFormat = [] {
    W3cFormat f;
    f.Set(kCloudFrontDefault);
    return f;
  }();
  return kFormat;
}

bool ParseCloudFront(std::string_view line, const W3cFormat& f, const RecordContext& ctx,
                     Event* out, std::string* error) {
  StartEvent(LogType::kCloudFront, ctx, out);
  std::string& j = out->json;
  j.reserve(line.size() + f.fields.size() * 24 + 16);
  std::string_view date, time;
  size_t start = 0;
  size_t k = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    const std::string_view v =
        line.substr(start, tab == std::string_view::npos ? line.size() - start : tab - start);
    if (k < f.fields.size()) {
      j.append(f.keys[k]);
      if (!Value(j, v, static_cast<Kind>(f.kinds[k]))) {
        *error = "CloudFront log field " + f.fields[k] + " is not a number: '" +
                 std::string(v.substr(0, 40)) + "'";
        return false;
      }
      if (k == f.date) date = v;
      if (k == f.time) time = v;
    }
    ++k;
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  if (k != f.fields.size()) {
    *error = "CloudFront log record has " + std::to_string(k) +
             " tab-separated fields, its #Fields header names " + std::to_string(f.fields.size());
    return false;
  }
  if (date.size() == 10 && time.size() >= 8) {
    char buf[40];
    const size_t tn = std::min<size_t>(time.size(), 18);
    std::memcpy(buf, date.data(), 10);
    buf[10] = 'T';
    std::memcpy(buf + 11, time.data(), tn);
    buf[11 + tn] = 'Z';
    if (auto t = ParseRfc3339(std::string_view(buf, 12 + tn))) out->time = *t;
  }
  if (out->time == 0) {
    *error = "CloudFront log record has no valid date and time fields";
    return false;
  }
  FinishEvent(ctx, 0, line, IdScope::kLine, out);
  return true;
}

// ---- Lambda ---------------------------------------------------------------------------------

bool StartsWithUuidLike(std::string_view v) {
  // Request ids: 36 characters of hex and dashes (documentation examples use "xmpl" too).
  if (v.size() < 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    const char c = v[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!IsHex(c) && !(c >= 'a' && c <= 'z')) {
      return false;
    }
  }
  return true;
}

// Splits on tabs, or on runs of two or more spaces (how some renderings show the tabs).
void SplitColumns(std::string_view line, size_t max, std::vector<std::string_view>* out) {
  out->clear();
  size_t i = 0;
  while (i < line.size() && out->size() + 1 < max) {
    size_t tab = line.find('\t', i);
    size_t dbl = line.find("  ", i);
    size_t cut = std::min(tab, dbl);
    if (cut == std::string_view::npos) break;
    out->push_back(line.substr(i, cut - i));
    i = cut;
    while (i < line.size() && (line[i] == '\t' || line[i] == ' ')) ++i;
  }
  out->push_back(line.substr(i));
}

// "Duration: 2.34 ms" -> 2.34 under `key`.
void ReportMetric(std::string& j, std::string_view part, std::string_view label,
                  std::string_view key) {
  if (!part.starts_with(label)) return;
  std::string_view v = part.substr(label.size());
  const size_t sp = v.find(' ');
  if (sp != std::string_view::npos) v = v.substr(0, sp);
  if (!IsNumber(v)) return;
  Key(j, key);
  j.append(v);
}

// The function name out of "/aws/lambda/<name>".
void LambdaContext(const RecordContext& ctx, std::string& j) {
  if (ctx.log_group.empty()) return;
  StringField(j, "logGroup", ctx.log_group);
  StringField(j, "logStream", ctx.log_stream);
}

bool IsLambdaPlatformLine(std::string_view line) {
  return line.starts_with("START RequestId: ") || line.starts_with("END RequestId: ") ||
         line.starts_with("REPORT RequestId: ") || line.starts_with("INIT_START ") ||
         line.starts_with("INIT_REPORT ") || line.starts_with("RESTORE_START ") ||
         line.starts_with("RESTORE_REPORT ") || line.starts_with("EXTENSION\t") ||
         line.starts_with("TELEMETRY\t");
}

// Node.js "<time>\t<request id>\t<LEVEL>\t<message>" or Python "[LEVEL]\t<time>\t<request
// id>\t<message>".
bool IsLambdaRuntimeLine(std::string_view line) {
  if (line.size() > 30 && line[0] == '[') {
    const size_t close = line.find(']');
    if (close != std::string_view::npos && close < 12 && close + 2 < line.size()) {
      std::string_view rest = line.substr(close + 1);
      while (!rest.empty() && (rest[0] == '\t' || rest[0] == ' ')) rest.remove_prefix(1);
      return LooksLikeIsoTime(rest);
    }
    return false;
  }
  if (!LooksLikeIsoTime(line)) return false;
  const size_t tab = line.find('\t');
  return tab != std::string_view::npos && StartsWithUuidLike(line.substr(tab + 1));
}

void ParseLambda(std::string_view line, const RecordContext& ctx, TimeNs fallback, Event* out) {
  StartEvent(LogType::kLambda, ctx, out);
  std::string& j = out->json;
  LambdaContext(ctx, j);
  thread_local std::vector<std::string_view> cols;
  if (IsLambdaPlatformLine(line)) {
    const size_t sp = line.find(' ');
    const std::string_view type = line.substr(0, std::min(sp, line.find('\t')));
    StringField(j, "type", type);
    SplitColumns(line, 16, &cols);
    const std::string_view rid_label = "RequestId: ";
    const size_t rid = line.find(rid_label);
    if (rid != std::string_view::npos) {
      std::string_view v = line.substr(rid + rid_label.size());
      v = v.substr(0, std::min(v.find(' '), v.find('\t')));
      StringField(j, "requestId", v);
    }
    const size_t ver = line.find(" Version: ");
    if (type == "START" && ver != std::string_view::npos) {
      StringField(j, "version", TrimEnd(line.substr(ver + 10)));
    }
    for (std::string_view c : cols) {
      ReportMetric(j, c, "Duration: ", "durationMs");
      ReportMetric(j, c, "Billed Duration: ", "billedDurationMs");
      ReportMetric(j, c, "Memory Size: ", "memorySizeMB");
      ReportMetric(j, c, "Max Memory Used: ", "maxMemoryUsedMB");
      ReportMetric(j, c, "Init Duration: ", "initDurationMs");
      ReportMetric(j, c, "Restore Duration: ", "restoreDurationMs");
      if (c.starts_with("XRAY TraceId: ")) StringField(j, "xray", c.substr(5));
      if (c.starts_with("Runtime Version ARN: ")) StringField(j, "runtimeVersionArn", c.substr(21));
      if (c.starts_with("INIT_START Runtime Version: "))
        StringField(j, "runtimeVersion", c.substr(28));
      if (c.starts_with("Status: ")) StringField(j, "status", c.substr(8));
    }
    StringField(j, "message", line);
  } else if (IsLambdaRuntimeLine(line)) {
    SplitColumns(line, 4, &cols);
    std::string_view ts, rid, level, msg;
    if (line[0] == '[' && cols.size() >= 3) {
      level = cols[0].substr(1, cols[0].find(']') - 1);
      ts = cols[1];
      rid = cols[2];
      msg = cols.size() > 3 ? cols[3] : std::string_view();
    } else if (cols.size() >= 3) {
      ts = cols[0];
      rid = cols[1];
      level = cols[2];
      msg = cols.size() > 3 ? cols[3] : std::string_view();
    } else {
      msg = line;
    }
    if (!ts.empty()) StringField(j, "timestamp", ts);
    if (!rid.empty()) StringField(j, "requestId", rid);
    if (!level.empty()) StringField(j, "level", level);
    StringField(j, "message", msg);
    if (auto t = ParseRfc3339(ts)) out->time = *t;
  } else {
    StringField(j, "message", line);
  }
  FinishEvent(ctx, fallback, line, IdScope::kStream, out);
}

// ---- API Gateway execution logs -------------------------------------------------------------

// "(<request id>) <message>" as in API-Gateway-Execution-Logs_<api id>/<stage>.
bool IsApiGatewayExecutionLine(std::string_view line) {
  return line.size() > 3 && line[0] == '(' && line.find(") ") != std::string_view::npos &&
         line.find(") ") < 64;
}

// The Test Invoke rendering: "Thu Aug 31 01:07:25 UTC 2017 : <message>".
std::optional<TimeNs> TestInvokeTime(std::string_view line) {
  if (line.size() < 31 || line[3] != ' ' || line[7] != ' ' || line[19] != ' ' ||
      line.substr(20, 4) != "UTC " || line.substr(28, 3) != " : ") {
    return std::nullopt;
  }
  const int mon = MonthFromName(line.substr(4, 3));
  auto num = [&](size_t pos, size_t n) {
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (!IsDigit(line[i]) && line[i] != ' ') return -1;
      v = v * 10 + (line[i] == ' ' ? 0 : line[i] - '0');
    }
    return v;
  };
  if (mon == 0 || line[13] != ':' || line[16] != ':') return std::nullopt;
  return TimeFromCivil(num(24, 4), mon, num(8, 2), num(11, 2), num(14, 2), num(17, 2));
}

void ParseApiGatewayExecution(std::string_view line, const RecordContext& ctx, Event* out) {
  StartEvent(LogType::kApiGateway, ctx, out);
  std::string& j = out->json;
  // API-Gateway-Execution-Logs_<api id>/<stage>
  constexpr std::string_view kPrefix = "API-Gateway-Execution-Logs_";
  if (ctx.log_group.starts_with(kPrefix)) {
    std::string_view rest = ctx.log_group.substr(kPrefix.size());
    const size_t slash = rest.find('/');
    StringField(j, "apiId", rest.substr(0, slash));
    if (slash != std::string_view::npos) StringField(j, "stage", rest.substr(slash + 1));
  }
  if (IsApiGatewayExecutionLine(line)) {
    const size_t close = line.find(") ");
    StringField(j, "requestId", line.substr(1, close - 1));
    StringField(j, "message", line.substr(close + 2));
  } else if (auto t = TestInvokeTime(line)) {
    out->time = *t;
    StringField(j, "message", line.substr(31));
  } else {
    StringField(j, "message", line);
  }
  FinishEvent(ctx, 0, line, IdScope::kStream, out);
}

// ---- RDS ------------------------------------------------------------------------------------

// PostgreSQL with RDS's log_line_prefix "%t:%r:%u@%d:[%p]:":
// "2022-10-05 22:05:52 UTC:52.95.4.1(11335):postgres@labdb:[3639]:LOG: statement: ..."
bool ParsePostgres(std::string_view line, const RecordContext& ctx, Event* out) {
  if (line.size() < 30 || !IsDigit(line[0]) || line[4] != '-' || line[10] != ' ' ||
      line.substr(19, 5) != " UTC:") {
    return false;
  }
  auto t = ParseIsoUtc(line.substr(0, 23));
  if (!t) return false;
  std::string_view rest = line.substr(24);
  // connection_from: "host(port)" or empty or "[local]"; then user@db; then [pid]; then LEVEL.
  const size_t c1 = rest.find(':');
  if (c1 == std::string_view::npos) return false;
  const std::string_view from = rest.substr(0, c1);
  rest = rest.substr(c1 + 1);
  const size_t c2 = rest.find(":[");
  if (c2 == std::string_view::npos) return false;
  const std::string_view userdb = rest.substr(0, c2);
  rest = rest.substr(c2 + 2);
  const size_t c3 = rest.find("]:");
  if (c3 == std::string_view::npos) return false;
  const std::string_view pid = rest.substr(0, c3);
  rest = rest.substr(c3 + 2);
  const size_t c4 = rest.find(": ");
  const std::string_view level = c4 == std::string_view::npos ? rest : rest.substr(0, c4);
  const std::string_view message = c4 == std::string_view::npos ? "" : rest.substr(c4 + 2);
  StartEvent(LogType::kRds, ctx, out);
  std::string& j = out->json;
  if (!ctx.log_group.empty()) StringField(j, "logGroup", ctx.log_group);
  StringField(j, "log_time", line.substr(0, 23));
  const size_t paren = from.find('(');
  StringField(j, "remote_host", from.substr(0, paren));
  if (paren != std::string_view::npos && from.ends_with(")")) {
    Key(j, "remote_port");
    const std::string_view port = from.substr(paren + 1, from.size() - paren - 2);
    if (!Value(j, port, Kind::kInt)) AppendJsonString(&j, port);
  }
  const size_t at = userdb.find('@');
  StringField(j, "user_name", userdb.substr(0, at));
  if (at != std::string_view::npos) StringField(j, "database_name", userdb.substr(at + 1));
  Key(j, "process_id");
  if (!Value(j, pid, Kind::kInt)) AppendJsonString(&j, pid);
  StringField(j, "error_severity", level);
  StringField(j, "message", message);
  out->time = *t;
  FinishEvent(ctx, 0, line, IdScope::kStream, out);
  return true;
}

// MySQL / MariaDB audit plugin: "20230105 12:00:00,host,user,client,conn,query,OP,db,'obj',rc".
bool ParseMysqlAudit(std::string_view line, const RecordContext& ctx, Event* out) {
  if (line.size() < 20 || line[8] != ' ' || line[17] != ',' || line[11] != ':') return false;
  for (size_t i = 0; i < 8; ++i) {
    if (!IsDigit(line[i])) return false;
  }
  auto num = [&](size_t pos, size_t n) {
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (!IsDigit(line[i])) return -1;
      v = v * 10 + (line[i] - '0');
    }
    return v;
  };
  auto t = TimeFromCivil(num(0, 4), num(4, 2), num(6, 2), num(9, 2), num(12, 2), num(15, 2));
  if (!t) return false;
  static constexpr std::string_view kNames[] = {
      "timestamp", "serverhost", "username", "host",    "connectionid",   "queryid",
      "operation", "database",   "object",   "retcode", "connection_type"};
  std::vector<std::string_view> vals;
  size_t i = 0;
  while (i <= line.size() && vals.size() < std::size(kNames)) {
    if (i < line.size() && line[i] == '\'') {
      size_t k = i + 1;
      while (k < line.size() && !(line[k] == '\'' && line[k - 1] != '\\')) ++k;
      vals.push_back(line.substr(i + 1, k - i - 1));
      i = line.find(',', k);
    } else {
      const size_t k = line.find(',', i);
      vals.push_back(line.substr(i, k == std::string_view::npos ? line.size() - i : k - i));
      i = k;
    }
    if (i == std::string_view::npos) break;
    ++i;
  }
  if (vals.size() < 10) return false;
  StartEvent(LogType::kRds, ctx, out);
  std::string& j = out->json;
  if (!ctx.log_group.empty()) StringField(j, "logGroup", ctx.log_group);
  for (size_t k = 0; k < vals.size(); ++k) StringField(j, kNames[k], vals[k]);
  out->time = *t;
  FinishEvent(ctx, 0, line, IdScope::kStream, out);
  return true;
}

void ParseRdsMessage(std::string_view line, const RecordContext& ctx, TimeNs fallback, Event* out) {
  StartEvent(LogType::kRds, ctx, out);
  std::string& j = out->json;
  if (!ctx.log_group.empty()) StringField(j, "logGroup", ctx.log_group);
  StringField(j, "message", line);
  FinishEvent(ctx, fallback, line, IdScope::kStream, out);
}

}  // namespace

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
  // Flow logs in CloudWatch Logs have no header: the configuration names their format.
  if (vpc_formats_ != nullptr && !ctx.log_group.empty()) {
    for (const ConfiguredVpcFlowFormat& f : *vpc_formats_) {
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
