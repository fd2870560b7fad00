#include "rules/eventbridge_pattern.h"

#include "rules/rule_sql.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>

#include <re2/re2.h>

#include "core/json_get.h"
#include "rules/match_text.h"

namespace fastpath {

using simdjson::dom::element;
using simdjson::dom::object;

// ---------------------------------------------------------------------------------------------
// Event side

namespace {

void PushScalar(element el, std::vector<PatternValue>* out) {
  PatternValue v;
  switch (el.type()) {
    case simdjson::dom::element_type::STRING:
      v.type = PatternValue::Type::kString;
      v.str = el.get_string().value_unsafe();
      break;
    case simdjson::dom::element_type::INT64:
      v.type = PatternValue::Type::kNumber;
      v.is_integer = true;
      v.integer = el.get_int64().value_unsafe();
      v.num = static_cast<double>(v.integer);
      break;
    case simdjson::dom::element_type::UINT64:
      v.type = PatternValue::Type::kNumber;
      v.num = static_cast<double>(el.get_uint64().value_unsafe());
      break;
    case simdjson::dom::element_type::DOUBLE:
      v.type = PatternValue::Type::kNumber;
      v.num = el.get_double().value_unsafe();
      break;
    case simdjson::dom::element_type::BOOL:
      v.type = PatternValue::Type::kBool;
      v.boolean = el.get_bool().value_unsafe();
      break;
    case simdjson::dom::element_type::NULL_VALUE:
      v.type = PatternValue::Type::kNull;
      break;
    default:
      return;  // objects and arrays are not leaves
  }
  out->push_back(v);
}

}  // namespace

void JsonPatternEvent::CollectFrom(element el, std::string_view path,
                                   std::vector<PatternValue>* out) {
  simdjson::dom::array arr;
  if (JsonGet(el.get_array(), arr)) {
    // Arrays are crushed: every element is searched with the same path.
    for (element e : arr) CollectFrom(e, path, out);
    return;
  }
  if (path.empty()) {
    PushScalar(el, out);
    return;
  }
  object obj;
  if (!JsonGet(el.get_object(), obj)) return;
  for (auto field : obj) {
    const std::string_view k = field.key;
    if (k.size() > path.size()) continue;
    if (path.compare(0, k.size(), k) != 0) continue;
    if (k.size() == path.size()) {
      CollectFrom(field.value, {}, out);
    } else if (path[k.size()] == '.') {
      // "a.b" in a pattern reaches {"a":{"b":..}} and {"a.b":..} alike.
      CollectFrom(field.value, path.substr(k.size() + 1), out);
    }
  }
}

void JsonPatternEvent::Collect(std::string_view path, std::vector<PatternValue>* out) const {
  CollectFrom(root_, path, out);
}

// ---------------------------------------------------------------------------------------------
// Pattern side

namespace {

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Text compared without case as EventBridge compares it: code point by code point, each under
// Unicode's simple case folding ("É" and "é", "Σ", "σ" and "ς", "K" and the Kelvin sign), not
// ASCII only. ASCII on both sides is compared directly; anything else through RE2's case folding.
class Caseless {
 public:
  enum class Where { kWhole, kPrefix, kSuffix };
  Caseless(std::string_view text, Where where)
      : lower_(ToLower(text)), ascii_(IsAscii(text)), where_(where) {
    RE2::Options o;
    o.set_case_sensitive(false);
    o.set_log_errors(false);
    std::string re = RE2::QuoteMeta(text);
    if (where == Where::kSuffix) re += "\\z";
    re_ = std::make_shared<const RE2>(re, o);
  }

  bool Match(std::string_view v) const {
    if (ascii_ && IsAscii(v)) {
      if (v.size() < lower_.size()) return false;
      if (where_ == Where::kWhole && v.size() != lower_.size()) return false;
      const size_t at = where_ == Where::kSuffix ? v.size() - lower_.size() : 0;
      return EqualsIgnoreAsciiCase(v.substr(at, lower_.size()), lower_);
    }
    switch (where_) {
      case Where::kWhole:
        return RE2::FullMatch(v, *re_);
      case Where::kPrefix:
        return re_->Match(v, 0, v.size(), RE2::ANCHOR_START, nullptr, 0);
      case Where::kSuffix:
        return re_->Match(v, 0, v.size(), RE2::UNANCHORED, nullptr, 0);
    }
    return false;
  }

 private:
  std::string lower_;
  bool ascii_;
  Where where_;
  std::shared_ptr<const RE2> re_;
};

// Wildcard pattern compiled to literal pieces between '*'s.
struct Wildcard {
  std::vector<std::string> pieces;  // pieces[0] before the first '*', back() after the last
  bool Match(std::string_view s) const {
    if (pieces.size() == 1) return s == pieces[0];
    const std::string& first = pieces.front();
    const std::string& last = pieces.back();
    if (s.size() < first.size() + last.size()) return false;
    if (s.compare(0, first.size(), first) != 0) return false;
    if (s.compare(s.size() - last.size(), last.size(), last) != 0) return false;
    size_t pos = first.size();
    const size_t end = s.size() - last.size();
    for (size_t i = 1; i + 1 < pieces.size(); ++i) {
      const size_t at = s.substr(0, end).find(pieces[i], pos);
      if (at == std::string_view::npos) return false;
      pos = at + pieces[i].size();
    }
    return pos <= end;
  }
};

Result<Wildcard> CompileWildcard(std::string_view p) {
  Wildcard w;
  w.pieces.emplace_back();
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      if (i + 1 < p.size() && (p[i + 1] == '*' || p[i + 1] == '\\')) {
        w.pieces.back().push_back(p[++i]);
        continue;
      }
      return Status::InvalidArgument("Invalid escape character at pos " + std::to_string(i + 1));
    }
    if (c == '*') {
      if (i + 1 < p.size() && p[i + 1] == '*') {
        return Status::InvalidArgument("Consecutive wildcard characters at pos " +
                                       std::to_string(i + 1));
      }
      w.pieces.emplace_back();
      continue;
    }
    w.pieces.back().push_back(c);
  }
  return w;
}

Status Invalid(std::string reason) {
  return Status::InvalidArgument(std::move(reason));
}

}  // namespace

struct EventBridgePattern::Matcher {
  enum class Kind {
    kString,
    kNumber,
    kBool,
    kNull,
    kPrefix,
    kPrefixIgnoreCase,
    kSuffix,
    kSuffixIgnoreCase,
    kEqualsIgnoreCase,
    kWildcard,
    kNumeric,
    kExists,
    kCidr,
    kButStrings,
    kButNumbers,
    kButPrefix,
    kButSuffix,
    kButIgnoreCase,
    kButWildcard,
  };
  Kind kind = Kind::kNull;
  std::string str;                       // kString, prefix/suffix (lowered for *IgnoreCase)
  double num = 0;                        // kNumber
  bool boolean = false;                  // kBool, kExists
  bool ip = false;                       // kString that is an IP literal
  IpRange range;                         // kCidr, or the address of an IP kString
  double lo = -INFINITY, hi = INFINITY;  // kNumeric
  bool lo_open = false, hi_open = false;
  Wildcard wildcard;                 // kWildcard
  std::vector<std::string> strings;  // anything-but lists (lowered for kButIgnoreCase)
  std::vector<double> numbers;
  std::vector<Wildcard> wildcards;
  std::vector<Caseless> caseless;  // the *IgnoreCase kinds: one, or the anything-but list

  bool MatchesValue(const PatternValue& v) const;
};

bool EventBridgePattern::Matcher::MatchesValue(const PatternValue& v) const {
  const bool is_str = v.type == PatternValue::Type::kString;
  switch (kind) {
    case Kind::kString:
      if (!is_str) return false;
      if (v.str == str) return true;
      return ip && range.Contains(v.str, true);
    case Kind::kNumber:
      return v.type == PatternValue::Type::kNumber && v.num == num;
    case Kind::kBool:
      return v.type == PatternValue::Type::kBool && v.boolean == boolean;
    case Kind::kNull:
      return v.type == PatternValue::Type::kNull;
    case Kind::kPrefix:
      return is_str && v.str.substr(0, str.size()) == str;
    case Kind::kPrefixIgnoreCase:
    case Kind::kSuffixIgnoreCase:
    case Kind::kEqualsIgnoreCase:
      return is_str && caseless.front().Match(v.str);
    case Kind::kSuffix:
      return is_str && v.str.size() >= str.size() && v.str.substr(v.str.size() - str.size()) == str;
    case Kind::kWildcard:
      return is_str && wildcard.Match(v.str);
    case Kind::kNumeric: {
      if (v.type != PatternValue::Type::kNumber) return false;
      if (lo_open ? !(v.num > lo) : !(v.num >= lo)) return false;
      if (hi_open ? !(v.num < hi) : !(v.num <= hi)) return false;
      return true;
    }
    case Kind::kCidr:
      return is_str && range.Contains(v.str, true);
    case Kind::kExists:
      return true;  // handled per field
    case Kind::kButStrings:
      return !is_str || std::find(strings.begin(), strings.end(), v.str) == strings.end();
    case Kind::kButNumbers:
      return v.type != PatternValue::Type::kNumber ||
             std::find(numbers.begin(), numbers.end(), v.num) == numbers.end();
    case Kind::kButPrefix:
      if (!is_str) return true;
      for (const auto& p : strings) {
        if (v.str.substr(0, p.size()) == p) return false;
      }
      return true;
    case Kind::kButSuffix:
      if (!is_str) return true;
      for (const auto& s : strings) {
        if (v.str.size() >= s.size() && v.str.substr(v.str.size() - s.size()) == s) return false;
      }
      return true;
    case Kind::kButIgnoreCase:
      if (!is_str) return true;
      for (const Caseless& c : caseless) {
        if (c.Match(v.str)) return false;
      }
      return true;
    case Kind::kButWildcard:
      if (!is_str) return true;
      for (const auto& w : wildcards) {
        if (w.Match(v.str)) return false;
      }
      return true;
  }
  return false;
}

struct EventBridgePattern::Field {
  std::string path;
  std::vector<Matcher> any_of;
};

struct EventBridgePattern::Conjunction {
  std::vector<Field> fields;                           // all must match
  std::vector<std::vector<Conjunction>> disjunctions;  // each: at least one alternative matches
};

EventBridgePattern::EventBridgePattern() : root_(std::make_unique<Conjunction>()) {}
EventBridgePattern::~EventBridgePattern() = default;

namespace {

using Matcher = EventBridgePattern::Matcher;
using Kind = EventBridgePattern::Matcher::Kind;

Status CompileStringList(element v, const char* what, bool allow_empty_string,
                         std::vector<std::string>* out) {
  std::string_view s;
  simdjson::dom::array arr;
  if (JsonGet(v.get_string(), s)) {
    if (!allow_empty_string && s.empty()) return Invalid("Null prefix/suffix not allowed");
    out->emplace_back(s);
    return Status::Ok();
  }
  if (JsonGet(v.get_array(), arr)) {
    for (element e : arr) {
      if (!JsonGet(e.get_string(), s))
        return Invalid(std::string(what) + " match pattern must be a string");
      if (!allow_empty_string && s.empty()) return Invalid("Null prefix/suffix not allowed");
      out->emplace_back(s);
    }
    if (out->empty()) return Invalid("Empty arrays are not allowed");
    return Status::Ok();
  }
  return Invalid(std::string(what) + " match pattern must be a string");
}

Status CompileAnythingBut(element v, Matcher* m) {
  std::string_view s;
  double d;
  simdjson::dom::array arr;
  object obj;
  if (JsonGet(v.get_string(), s)) {
    m->kind = Kind::kButStrings;
    m->strings.emplace_back(s);
    return Status::Ok();
  }
  if (v.is_number() && JsonGet(v.get_double(), d)) {
    m->kind = Kind::kButNumbers;
    m->numbers.push_back(d);
    return Status::Ok();
  }
  if (JsonGet(v.get_array(), arr)) {
    bool strings = false, numbers = false;
    for (element e : arr) {
      if (e.is_string()) {
        strings = true;
        m->strings.emplace_back(e.get_string().value_unsafe());
      } else if (e.is_number()) {
        numbers = true;
        m->numbers.push_back(e.get_double().value_unsafe());
      } else {
        return Invalid("Inside anything but list, start|null|boolean is not supported.");
      }
    }
    if (strings && numbers) {
      return Invalid(
          "Inside anything but list, either all values are number or string, mixed type is not "
          "supported");
    }
    if (!strings && !numbers) return Invalid("Empty arrays are not allowed");
    m->kind = strings ? Kind::kButStrings : Kind::kButNumbers;
    return Status::Ok();
  }
  if (JsonGet(v.get_object(), obj)) {
    if (obj.size() != 1) return Invalid("Only one key allowed in match expression");
    auto kv = *obj.begin();
    const std::string_view op = kv.key;
    if (kv.value.is_object())
      return Invalid("Value of anything-but must be an array or single string/number value.");
    if (op == "prefix" || op == "suffix") {
      m->kind = op == "prefix" ? Kind::kButPrefix : Kind::kButSuffix;
      return CompileStringList(kv.value, op == "prefix" ? "prefix" : "suffix", false, &m->strings);
    }
    if (op == "equals-ignore-case") {
      m->kind = Kind::kButIgnoreCase;
      simdjson::dom::array list;
      if (JsonGet(kv.value.get_array(), list)) {
        for (element e : list) {
          if (!e.is_string()) {
            return Invalid(
                "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not "
                "supported.");
          }
        }
      } else if (!kv.value.is_string()) {
        return Invalid(
            "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not "
            "supported.");
      }
      Status st = CompileStringList(kv.value, "equals-ignore-case", true, &m->strings);
      for (const std::string& t : m->strings) m->caseless.emplace_back(t, Caseless::Where::kWhole);
      return st;
    }
    if (op == "wildcard") {
      m->kind = Kind::kButWildcard;
      std::vector<std::string> raw;
      Status st = CompileStringList(kv.value, "wildcard", true, &raw);
      if (!st.ok()) return st;
      for (const auto& r : raw) {
        auto w = CompileWildcard(r);
        if (!w.ok()) return w.status();
        m->wildcards.push_back(std::move(w.value()));
      }
      return Status::Ok();
    }
    return Invalid("Unsupported anything-but pattern: " + std::string(op));
  }
  return Invalid("Value of anything-but must be an array or single string/number value.");
}

Status CompileNumeric(element v, Matcher* m) {
  simdjson::dom::array arr;
  if (!JsonGet(v.get_array(), arr)) return Invalid("Value of numeric must be an array.");
  std::vector<element> items(arr.begin(), arr.end());
  m->kind = Kind::kNumeric;
  size_t i = 0;
  bool have_lower = false, have_upper = false, have_equal = false;
  while (i < items.size()) {
    std::string_view op;
    if (!JsonGet(items[i].get_string(), op)) return Invalid("Value of numeric must be an array.");
    if (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=") {
      return Invalid("Unrecognized numeric range operator: " + std::string(op));
    }
    if (have_equal || have_upper) return Invalid("Too many elements in numeric expression");
    if ((op == ">" || op == ">=") && have_lower)
      return Invalid("Bad numeric range operator: " + std::string(op));
    if (op == "=" && have_lower) return Invalid("Bad numeric range operator: =");
    if (i + 1 >= items.size() || !items[i + 1].is_number()) {
      return Invalid("Value of " + std::string(op) + " must be numeric");
    }
    const double n = items[i + 1].get_double().value_unsafe();
    if (!std::isfinite(n)) return Invalid("Value of " + std::string(op) + " must be numeric");
    if (op == "=") {
      m->lo = m->hi = n;
      have_equal = true;
    } else if (op == ">" || op == ">=") {
      m->lo = n;
      m->lo_open = op == ">";
      have_lower = true;
    } else {
      m->hi = n;
      m->hi_open = op == "<";
      have_upper = true;
    }
    i += 2;
  }
  if (items.empty()) return Invalid("Empty arrays are not allowed");
  if (have_lower && have_upper && !(m->lo < m->hi)) return Invalid("Bottom must be less than top");
  return Status::Ok();
}

Status CompileCidr(element v, Matcher* m) {
  std::string_view s;
  if (!JsonGet(v.get_string(), s)) return Invalid("prefix match pattern must be a string");
  const size_t slash = s.find('/');
  if (slash == std::string_view::npos || s.find('/', slash + 1) != std::string_view::npos) {
    return Invalid("Malformed CIDR, one '/' required");
  }
  const std::string_view addr = s.substr(0, slash), bits_text = s.substr(slash + 1);
  int bits = 0;
  if (bits_text.empty() || bits_text.size() > 3)
    return Invalid("Malformed CIDR, mask bits must be an integer");
  for (char c : bits_text) {
    if (c < '0' || c > '9') return Invalid("Malformed CIDR, mask bits must be an integer");
    bits = bits * 10 + (c - '0');
  }
  std::array<uint8_t, 16> base;
  int family;
  if (!ParseIpAddress(addr, true, &family, &base))
    return Invalid("Nonstandard IP address: " + std::string(addr));
  if (family == 4 && bits >= 32) return Invalid("IPv4 mask bits must be < 32");
  if (family == 6 && bits >= 128) return Invalid("IPv6 mask bits must be < 128");
  m->kind = Kind::kCidr;
  m->range = CidrRange(family, base, bits);
  return Status::Ok();
}

Status CompileOperator(object op_obj, Matcher* m) {
  if (op_obj.size() != 1) return Invalid("Only one key allowed in match expression");
  auto kv = *op_obj.begin();
  const std::string_view op = kv.key;
  const element v = kv.value;
  std::string_view s;
  if (op == "prefix" || op == "suffix") {
    const bool prefix = op == "prefix";
    object inner;
    if (JsonGet(v.get_object(), inner)) {
      std::string_view ic;
      if (inner.size() == 1 && (*inner.begin()).key == "equals-ignore-case" &&
          JsonGet((*inner.begin()).value.get_string(), ic)) {
        m->kind = prefix ? Kind::kPrefixIgnoreCase : Kind::kSuffixIgnoreCase;
        m->str = ToLower(ic);
        m->caseless.emplace_back(ic, prefix ? Caseless::Where::kPrefix : Caseless::Where::kSuffix);
        return Status::Ok();
      }
      return Invalid(std::string(op) + " match pattern must be a string");
    }
    if (!JsonGet(v.get_string(), s))
      return Invalid(std::string(op) + " match pattern must be a string");
    m->kind = prefix ? Kind::kPrefix : Kind::kSuffix;
    m->str = std::string(s);
    return Status::Ok();
  }
  if (op == "equals-ignore-case") {
    if (!JsonGet(v.get_string(), s))
      return Invalid("equals-ignore-case match pattern must be a string");
    m->kind = Kind::kEqualsIgnoreCase;
    m->str = std::string(s);
    m->caseless.emplace_back(s, Caseless::Where::kWhole);
    return Status::Ok();
  }
  if (op == "wildcard") {
    if (!JsonGet(v.get_string(), s)) return Invalid("wildcard match pattern must be a string");
    auto w = CompileWildcard(s);
    if (!w.ok()) return w.status();
    m->kind = Kind::kWildcard;
    m->wildcard = std::move(w.value());
    return Status::Ok();
  }
  if (op == "exists") {
    bool b;
    if (!JsonGet(v.get_bool(), b))
      return Invalid("exists match pattern must be either true or false.");
    m->kind = Kind::kExists;
    m->boolean = b;
    return Status::Ok();
  }
  if (op == "numeric") return CompileNumeric(v, m);
  if (op == "cidr") return CompileCidr(v, m);
  if (op == "anything-but") return CompileAnythingBut(v, m);
  return Invalid("Unrecognized match type " + std::string(op));
}

Status CompileLeaf(simdjson::dom::array arr, std::vector<Matcher>* out) {
  for (element e : arr) {
    Matcher m;
    switch (e.type()) {
      case simdjson::dom::element_type::STRING: {
        m.kind = Kind::kString;
        m.str = std::string(e.get_string().value_unsafe());
        std::array<uint8_t, 16> b;
        if (ParseIpAddress(m.str, true, &m.range.family, &b)) {
          m.ip = true;
          m.range.lo = m.range.hi = b;
        }
        break;
      }
      case simdjson::dom::element_type::INT64:
      case simdjson::dom::element_type::UINT64:
      case simdjson::dom::element_type::DOUBLE:
        m.kind = Kind::kNumber;
        m.num = e.get_double().value_unsafe();
        break;
      case simdjson::dom::element_type::BOOL:
        m.kind = Kind::kBool;
        m.boolean = e.get_bool().value_unsafe();
        break;
      case simdjson::dom::element_type::NULL_VALUE:
        m.kind = Kind::kNull;
        break;
      case simdjson::dom::element_type::OBJECT: {
        Status st = CompileOperator(e.get_object().value_unsafe(), &m);
        if (!st.ok()) return st;
        break;
      }
      default:
        return Invalid("Match value must be String, number, true, false, or null");
    }
    out->push_back(std::move(m));
  }
  if (out->empty()) return Invalid("Empty arrays are not allowed");
  return Status::Ok();
}

Status CompileObject(object obj, const std::string& prefix, EventBridgePattern::Conjunction* out,
                     size_t* combinations) {
  if (obj.size() == 0) return Invalid("Empty objects are not allowed");
  for (auto kv : obj) {
    const std::string key(kv.key);
    if (key == "$or") {
      simdjson::dom::array alts;
      if (!JsonGet(kv.value.get_array(), alts) || alts.size() < 2) {
        return Invalid("There must have at least 2 Objects in $or relationship.");
      }
      std::vector<EventBridgePattern::Conjunction> branches;
      size_t branch_total = 0;
      for (element alt : alts) {
        object alt_obj;
        if (!JsonGet(alt.get_object(), alt_obj))
          return Invalid("There must have at least 2 Objects in $or relationship.");
        EventBridgePattern::Conjunction c;
        size_t inner = 1;
        Status st = CompileObject(alt_obj, prefix, &c, &inner);
        if (!st.ok()) return st;
        branch_total += inner;
        branches.push_back(std::move(c));
      }
      *combinations *= branch_total;
      if (*combinations > 1000) {
        return Invalid("The use of $or results in over 1000 rule combinations");
      }
      out->disjunctions.push_back(std::move(branches));
      continue;
    }
    const std::string path = prefix + key;
    object child;
    simdjson::dom::array leaf;
    if (JsonGet(kv.value.get_object(), child)) {
      Status st = CompileObject(child, path + ".", out, combinations);
      if (!st.ok()) return st;
    } else if (JsonGet(kv.value.get_array(), leaf)) {
      EventBridgePattern::Field f;
      f.path = path;
      Status st = CompileLeaf(leaf, &f.any_of);
      if (!st.ok()) return st;
      // A key given twice: the last one counts, as in EventBridge.
      auto same = std::find_if(out->fields.begin(), out->fields.end(),
                               [&](const EventBridgePattern::Field& g) { return g.path == path; });
      if (same != out->fields.end()) {
        *same = std::move(f);
      } else {
        out->fields.push_back(std::move(f));
      }
    } else {
      return Invalid("\"" + key + "\" must be an object or an array");
    }
  }
  return Status::Ok();
}

bool FieldMatches(const EventBridgePattern::Field& f, const PatternEvent& event,
                  std::vector<PatternValue>* scratch) {
  scratch->clear();
  event.Collect(f.path, scratch);
  for (const Matcher& m : f.any_of) {
    if (m.kind == Kind::kExists) {
      if (m.boolean == !scratch->empty()) return true;
      continue;
    }
    for (const PatternValue& v : *scratch) {
      if (m.MatchesValue(v)) return true;
    }
  }
  return false;
}

bool ConjunctionMatches(const EventBridgePattern::Conjunction& c, const PatternEvent& event,
                        std::vector<PatternValue>* scratch) {
  for (const auto& f : c.fields) {
    if (!FieldMatches(f, event, scratch)) return false;
  }
  for (const auto& d : c.disjunctions) {
    bool any = false;
    for (const auto& alt : d) {
      if (ConjunctionMatches(alt, event, scratch)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

void CollectPaths(const EventBridgePattern::Conjunction& c, std::vector<std::string>* out) {
  for (const auto& f : c.fields) out->push_back(f.path);
  for (const auto& d : c.disjunctions) {
    for (const auto& alt : d) CollectPaths(alt, out);
  }
}

}  // namespace

namespace {

// The SQL of one matcher on a field; two-valued (never NULL).
Status MatcherSql(const Matcher& m, const SqlField& f, std::string* out) {
  auto num = [](double d) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", d);
    return std::string(buf);
  };
  auto list = [](const std::vector<std::string>& v, bool lower) {
    std::string l;
    for (const std::string& x : v) {
      l += (l.empty() ? "" : ", ") + SqlString(lower ? LowerAscii(x) : x);
    }
    return l;
  };
  auto none_like = [](const std::string& v, const std::vector<std::vector<std::string>>& ps) {
    std::string l;
    for (const auto& p : ps) l += (l.empty() ? "" : " OR ") + SqlLike(v, p);
    return "NOT (" + l + ")";
  };
  std::function<std::string(const std::string&)> pred;
  switch (m.kind) {
    case Kind::kString:
      pred = [&](const std::string& v) { return v + " = " + SqlString(m.str); };
      break;
    case Kind::kNumber:
      pred = [&](const std::string& v) { return "TRY_CAST(" + v + " AS DOUBLE) = " + num(m.num); };
      break;
    case Kind::kBool:
      pred = [&](const std::string& v) {
        return v + " = '" + (m.boolean ? "true" : "false") + "'";
      };
      break;
    case Kind::kNull:
      *out += "COALESCE(json_format(" + f.json + ") = 'null', FALSE)";
      return Status::Ok();
    case Kind::kPrefix:
      pred = [&](const std::string& v) { return SqlLike(v, {m.str, ""}); };
      break;
    case Kind::kPrefixIgnoreCase:
      pred = [&](const std::string& v) {
        return SqlLike("lower(" + v + ")", {LowerAscii(m.str), ""});
      };
      break;
    case Kind::kSuffix:
      pred = [&](const std::string& v) { return SqlLike(v, {"", m.str}); };
      break;
    case Kind::kSuffixIgnoreCase:
      pred = [&](const std::string& v) {
        return SqlLike("lower(" + v + ")", {"", LowerAscii(m.str)});
      };
      break;
    case Kind::kEqualsIgnoreCase:
      pred = [&](const std::string& v) {
        return "lower(" + v + ") = lower(" + SqlString(m.str) + ")";
      };
      break;
    case Kind::kWildcard:
      pred = [&](const std::string& v) { return SqlLike(v, m.wildcard.pieces); };
      break;
    case Kind::kNumeric:
      pred = [&](const std::string& v) {
        const std::string d = "TRY_CAST(" + v + " AS DOUBLE)";
        std::string e = d + " IS NOT NULL";
        if (m.lo != -INFINITY) e += " AND " + d + (m.lo_open ? " > " : " >= ") + num(m.lo);
        if (m.hi != INFINITY) e += " AND " + d + (m.hi_open ? " < " : " <= ") + num(m.hi);
        return e;
      };
      break;
    case Kind::kExists: {
      // Leaf values, as EventBridge's exists counts them (an object alone is not one).
      const std::string any =
          SqlAnyValue(f, [](const std::string& v) { return v + " IS NOT NULL"; });
      *out += m.boolean ? "(" + any + ")" : "NOT (" + any + ")";
      return Status::Ok();
    }
    case Kind::kCidr:
      return Status::Unsupported("the cidr operator has no SQL translation here");
    case Kind::kButStrings:
      pred = [&](const std::string& v) { return v + " NOT IN (" + list(m.strings, false) + ")"; };
      break;
    case Kind::kButNumbers: {
      std::string l;
      for (double d : m.numbers) l += (l.empty() ? "" : ", ") + num(d);
      pred = [l](const std::string& v) {
        const std::string d = "TRY_CAST(" + v + " AS DOUBLE)";
        return "(" + d + " IS NULL OR " + d + " NOT IN (" + l + "))";
      };
      break;
    }
    case Kind::kButPrefix: {
      std::vector<std::vector<std::string>> ps;
      for (const std::string& p : m.strings) ps.push_back({p, ""});
      pred = [ps, none_like](const std::string& v) { return none_like(v, ps); };
      break;
    }
    case Kind::kButSuffix: {
      std::vector<std::vector<std::string>> ps;
      for (const std::string& p : m.strings) ps.push_back({"", p});
      pred = [ps, none_like](const std::string& v) { return none_like(v, ps); };
      break;
    }
    case Kind::kButIgnoreCase:
      pred = [&](const std::string& v) {
        return "lower(" + v + ") NOT IN (" + list(m.strings, true) + ")";
      };
      break;
    case Kind::kButWildcard: {
      std::vector<std::vector<std::string>> ps;
      for (const Wildcard& w : m.wildcards) ps.push_back(w.pieces);
      pred = [ps, none_like](const std::string& v) { return none_like(v, ps); };
      break;
    }
  }
  *out += "(" + SqlAnyValue(f, pred) + ")";
  return Status::Ok();
}

Status ConjunctionSql(const EventBridgePattern::Conjunction& c,
                      const std::function<SqlField(std::string_view)>& field, std::string* out) {
  std::vector<std::string> terms;
  for (const auto& f : c.fields) {
    const SqlField sf = field(f.path);
    std::string any;
    for (const Matcher& m : f.any_of) {
      if (!any.empty()) any += " OR ";
      if (Status st = MatcherSql(m, sf, &any); !st.ok()) {
        return Status::Unsupported(f.path + ": " + st.message());
      }
    }
    terms.push_back(f.any_of.size() == 1 ? any : "(" + any + ")");
  }
  for (const auto& d : c.disjunctions) {
    std::string alts;
    for (const auto& alt : d) {
      std::string a;
      if (Status st = ConjunctionSql(alt, field, &a); !st.ok()) return st;
      alts += (alts.empty() ? "" : " OR ") + a;
    }
    terms.push_back("(" + alts + ")");
  }
  if (terms.empty()) {
    *out += "TRUE";
    return Status::Ok();
  }
  std::string all;
  for (const std::string& t : terms) all += (all.empty() ? "" : "\n  AND ") + t;
  *out += terms.size() == 1 ? all : "(" + all + ")";
  return Status::Ok();
}

}  // namespace

Status EventBridgePattern::AppendSql(const std::function<SqlField(std::string_view path)>& field,
                                     std::string* out) const {
  return ConjunctionSql(*root_, field, out);
}

Result<std::shared_ptr<const EventBridgePattern>> EventBridgePattern::Compile(
    std::string_view json) {
  simdjson::dom::parser parser;
  element root;
  const auto err = parser.parse(json.data(), json.size()).get(root);
  if (err != simdjson::SUCCESS) {
    return Status::InvalidArgument(std::string("pattern is not valid JSON: ") +
                                   simdjson::error_message(err));
  }
  object obj;
  if (!JsonGet(root.get_object(), obj)) return Status::InvalidArgument("Filter is not an object");
  std::shared_ptr<EventBridgePattern> p(new EventBridgePattern());
  size_t combinations = 1;
  Status st = CompileObject(obj, "", p->root_.get(), &combinations);
  if (!st.ok()) return st;
  return std::shared_ptr<const EventBridgePattern>(std::move(p));
}

bool EventBridgePattern::Matches(const PatternEvent& event) const {
  std::vector<PatternValue> scratch;
  return ConjunctionMatches(*root_, event, &scratch);
}

std::vector<std::string> EventBridgePattern::Paths() const {
  std::vector<std::string> out;
  CollectPaths(*root_, &out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

std::vector<EventBridgePattern::Anchor> AnchorsOf(const EventBridgePattern::Conjunction& c) {
  using Anchor = EventBridgePattern::Anchor;
  using Kind = EventBridgePattern::Matcher::Kind;
  std::vector<Anchor> out;
  for (const auto& f : c.fields) {
    Anchor a{f.path, {}, {}};
    bool plain = true;
    for (const auto& m : f.any_of) {
      if (m.kind == Kind::kString && !m.ip) {
        a.values.push_back(m.str);
      } else if (m.kind == Kind::kPrefix && !m.str.empty()) {
        a.prefixes.push_back(m.str);
      } else {
        plain = false;
        break;
      }
    }
    if (plain) out.push_back(std::move(a));
  }
  // A $or whose every alternative is anchored on the same path is anchored on the union.
  for (const auto& d : c.disjunctions) {
    std::vector<std::vector<Anchor>> per_alt;
    for (const auto& alt : d) per_alt.push_back(AnchorsOf(alt));
    for (const Anchor& first : per_alt[0]) {
      Anchor merged{first.path, {}, {}};
      bool everywhere = true;
      for (const auto& alt : per_alt) {
        auto it = std::find_if(alt.begin(), alt.end(),
                               [&](const Anchor& x) { return x.path == first.path; });
        if (it == alt.end()) {
          everywhere = false;
          break;
        }
        merged.values.insert(merged.values.end(), it->values.begin(), it->values.end());
        merged.prefixes.insert(merged.prefixes.end(), it->prefixes.begin(), it->prefixes.end());
      }
      if (everywhere) out.push_back(std::move(merged));
    }
  }
  return out;
}

}  // namespace

std::vector<EventBridgePattern::Anchor> EventBridgePattern::Anchors() const {
  return AnchorsOf(*root_);
}

Result<bool> TestEventPattern(std::string_view pattern, std::string_view event) {
  auto compiled = EventBridgePattern::Compile(pattern);
  if (!compiled.ok()) return compiled.status();
  simdjson::dom::parser parser;
  element root;
  if (parser.parse(event.data(), event.size()).get(root) != simdjson::SUCCESS ||
      !root.is_object()) {
    return Status::Corrupt("Parameter Event is not valid.");
  }
  return compiled.value()->Matches(JsonPatternEvent(root));
}

}  // namespace fastpath
