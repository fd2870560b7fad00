// CloudFront standard logs (W3C): a #Fields header, or the 33 default fields.
#include "parse/text_formats.h"

#include <algorithm>
#include <cstring>

#include "parse/text_format_support.h"

namespace fastpath::text {
namespace {

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

Kind CloudFrontKind(std::string_view name) {
  for (const Field& f : kCloudFrontTyped) {
    if (f.name == name) return f.kind;
  }
  return Kind::kString;
}

}  // namespace

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

}  // namespace fastpath::text

namespace fastpath {

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
    kinds.push_back(static_cast<uint8_t>(text::CloudFrontKind(fields[k])));
    if (fields[k] == "date") date = k;
    if (fields[k] == "time") time = k;
  }
}

}  // namespace fastpath
