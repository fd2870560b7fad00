// Space-separated text formats: S3 server access, load balancers, Route 53, API Gateway CLF.
#include "parse/text_formats.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <span>
#include <vector>

#include "decode/envelope_decoder.h"
#include "parse/cloudtrail_parser.h"
#include "parse/text_format_support.h"

namespace fastpath::text {

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

namespace {

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

}  // namespace

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

std::vector<std::string_view> SpacedFieldNames(LogType t) {
  std::vector<std::string_view> out;
  for (const SpacedFormat* f :
       {&kS3Access, &kElb, &kAlb, &kAlbConnection, &kNlb, &kRoute53, &kApiGatewayClf}) {
    if (f->type != t) continue;
    for (const Field& field : f->fields) out.push_back(field.name);
  }
  return out;
}

const SpacedFormat* SpacedFormatOf(std::string_view line) {
  if (line.size() < 20) return nullptr;
  const std::string_view first = Token(line, 0);
  // These formats separate fields by spaces; a first field holding a tab is a tab-separated line
  // (a Lambda runtime line: time, request id, level, message).
  if (first.find('\t') != std::string_view::npos) return nullptr;
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

}  // namespace fastpath::text
