#include "lake/event_filter.h"

#include <algorithm>

#include "lake/lake_layout.h"

namespace fastpath::lake {

namespace {

constexpr std::string_view kCanonicalColumns[] = {"log_type", "path",     "account", "region",
                                                  "time",     "received", "id",      "source"};

// '*' matches any run of characters (none included); everything else itself.
bool Glob(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Result<EventFilter::Clause> ParseWhere(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Status::InvalidArgument("--where '" + text + "' is not FIELD=VALUE");
  }
  EventFilter::Clause w;
  w.field = text.substr(0, eq);
  w.value = text.substr(eq + 1);
  std::string_view f = w.field;
  for (std::string_view c : kCanonicalColumns) w.canonical = w.canonical || f == c;
  if (w.canonical) return w;
  if (f.starts_with("event.")) f.remove_prefix(6);
  size_t start = 0;
  while (start <= f.size()) {
    const size_t dot = f.find('.', start);
    const std::string_view seg =
        f.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (seg.empty()) return Status::InvalidArgument("--where '" + text + "': empty field name");
    w.path.emplace_back(seg);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return w;
}

// The scalar text of a JSON value (strings unquoted), for comparison.
bool ScalarText(simdjson::dom::element v, std::string* out) {
  switch (v.type()) {
    case simdjson::dom::element_type::STRING:
      *out = std::string(v.get_string().value());
      return true;
    case simdjson::dom::element_type::INT64:
      *out = std::to_string(v.get_int64().value());
      return true;
    case simdjson::dom::element_type::UINT64:
      *out = std::to_string(v.get_uint64().value());
      return true;
    case simdjson::dom::element_type::DOUBLE:
    case simdjson::dom::element_type::BOOL:
      *out = simdjson::minify(v);
      return true;
    case simdjson::dom::element_type::NULL_VALUE:
      *out = "null";
      return true;
    default:
      return false;
  }
}

// True when the value at w.path[i..] (any element of an array on the way) matches.
bool MatchPath(simdjson::dom::element v, const EventFilter::Clause& w, size_t i,
               std::string* scratch) {
  simdjson::dom::array arr;
  if (!v.get_array().get(arr)) {
    for (simdjson::dom::element x : arr) {
      if (MatchPath(x, w, i, scratch)) return true;
    }
    return false;
  }
  if (i == w.path.size()) return ScalarText(v, scratch) && Glob(w.value, *scratch);
  simdjson::dom::object o;
  if (v.get_object().get(o)) return false;
  simdjson::dom::element child;
  if (o.at_key(w.path[i]).get(child)) return false;
  return MatchPath(child, w, i + 1, scratch);
}

bool MatchCanonical(const Event& e, const EventFilter::Clause& w) {
  const std::string& f = w.field;
  if (f == "log_type") return Glob(w.value, LogTypeName(e.log_type));
  if (f == "path") return Glob(w.value, DeliveryPathName(e.path));
  if (f == "account") return Glob(w.value, e.account);
  if (f == "region") return Glob(w.value, e.region);
  if (f == "time") return Glob(w.value, FormatRfc3339(e.time));
  if (f == "received") return Glob(w.value, FormatRfc3339(e.received));
  if (f == "source") return Glob(w.value, e.source ? std::string_view(*e.source) : "");
  return Glob(w.value, e.id);
}

bool InList(const std::vector<std::string>& values, std::string_view v) {
  return values.empty() || std::find(values.begin(), values.end(), v) != values.end();
}

}  // namespace

Result<EventFilter> EventFilter::Make(LakeFilter partitions,
                                      const std::vector<std::string>& where) {
  EventFilter f;
  f.partitions_ = std::move(partitions);
  for (const std::string& w : where) {
    auto c = ParseWhere(w);
    if (!c.ok()) return c.status();
    f.clauses_.push_back(std::move(c).value());
  }
  return f;
}

bool EventFilter::empty() const {
  const LakeFilter& p = partitions_;
  return clauses_.empty() && p.log_types.empty() && p.accounts.empty() && p.regions.empty() &&
         !p.since && !p.until;
}

bool EventFilter::needs_record() const {
  return std::any_of(clauses_.begin(), clauses_.end(),
                     [](const Clause& c) { return !c.canonical; });
}

bool EventFilter::MatchesCanonical(const Event& e) const {
  const LakeFilter& p = partitions_;
  // An event with no account or region is filed under "unknown", and found by that name.
  const std::string_view account = e.account.empty() ? kUnknownValue : std::string_view(e.account);
  const std::string_view region = e.region.empty() ? kUnknownValue : std::string_view(e.region);
  if (!InList(p.log_types, LogTypeName(e.log_type)) || !InList(p.accounts, account) ||
      !InList(p.regions, region) || !p.AllowsTime(e.time)) {
    return false;
  }
  for (const Clause& c : clauses_) {
    if (c.canonical && !MatchCanonical(e, c)) return false;
  }
  return true;
}

bool EventFilter::Matches(const Event& e, simdjson::dom::element record,
                          std::string* scratch) const {
  if (!MatchesCanonical(e)) return false;
  for (const Clause& c : clauses_) {
    if (!c.canonical && !MatchPath(record, c, 0, scratch)) return false;
  }
  return true;
}

}  // namespace fastpath::lake
