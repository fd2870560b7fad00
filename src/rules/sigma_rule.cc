#include "rules/sigma_rule.h"

#include "rules/rule_sql.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include "core/json_get.h"
#include "core/log_types.h"
#include "decode/byte_reader.h"
#include "rules/match_text.h"
#include "rules/rule.h"

namespace fastpath {

using simdjson::dom::element;
using simdjson::dom::object;

namespace {

size_t FindFold(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return 0;
  if (hay.size() < needle.size()) return std::string_view::npos;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (AsciiLower(hay[i]) == AsciiLower(needle[0]) &&
        EqualsIgnoreAsciiCase(hay.substr(i, needle.size()), needle))
      return i;
  }
  return std::string_view::npos;
}

// One leaf of a record as Sigma sees it: text (numbers and booleans as their JSON text) or null.
struct Leaf {
  bool is_null = false;
  bool is_number = false;
  double number = 0;
  std::string_view text;  // strings: into the record
  std::string owned;      // numbers and booleans: their text (read through TextOf)
};

void PushLeaf(element el, std::vector<Leaf>* out) {
  Leaf l;
  switch (el.type()) {
    case simdjson::dom::element_type::STRING:
      l.text = el.get_string().value_unsafe();
      break;
    case simdjson::dom::element_type::INT64:
      l.is_number = true;
      l.number = static_cast<double>(el.get_int64().value_unsafe());
      l.owned = std::to_string(el.get_int64().value_unsafe());
      break;
    case simdjson::dom::element_type::UINT64:
      l.is_number = true;
      l.number = static_cast<double>(el.get_uint64().value_unsafe());
      l.owned = std::to_string(el.get_uint64().value_unsafe());
      break;
    case simdjson::dom::element_type::DOUBLE: {
      l.is_number = true;
      l.number = el.get_double().value_unsafe();
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, l.number);
      l.owned.assign(buf, r.ptr);
      break;
    }
    case simdjson::dom::element_type::BOOL:
      l.owned = el.get_bool().value_unsafe() ? "true" : "false";
      break;
    case simdjson::dom::element_type::NULL_VALUE:
      l.is_null = true;
      break;
    case simdjson::dom::element_type::OBJECT: {
      object obj;
      if (JsonGet(el.get_object(), obj)) {
        for (auto kv : obj) PushLeaf(kv.value, out);
      }
      return;
    }
    case simdjson::dom::element_type::ARRAY: {
      simdjson::dom::array arr;
      if (JsonGet(el.get_array(), arr)) {
        for (element e : arr) PushLeaf(e, out);
      }
      return;
    }
  }
  out->push_back(std::move(l));
}

// The leaves at a dotted path; *present says whether the path exists at all.
void Resolve(element el, std::string_view path, std::vector<Leaf>* out, bool* present) {
  simdjson::dom::array arr;
  if (!path.empty() && JsonGet(el.get_array(), arr)) {
    for (element e : arr) Resolve(e, path, out, present);
    return;
  }
  if (path.empty()) {
    *present = true;
    PushLeaf(el, out);
    return;
  }
  object obj;
  if (!JsonGet(el.get_object(), obj)) return;
  for (auto kv : obj) {
    const std::string_view k = kv.key;
    if (k.size() > path.size() || path.compare(0, k.size(), k) != 0) continue;
    if (k.size() == path.size()) {
      Resolve(kv.value, {}, out, present);
    } else if (path[k.size()] == '.') {
      Resolve(kv.value, path.substr(k.size() + 1), out, present);
    }
  }
}

std::string_view TextOf(const Leaf& l) {
  return l.owned.empty() ? l.text : std::string_view(l.owned);
}

}  // namespace

// A compiled value: how one value of a detection item is compared with a leaf.
struct ValueMatcher {
  enum class Kind {
    kEquals,
    kPrefix,
    kSuffix,
    kContains,
    kGlob,
    kRegex,
    kCidr,
    kNumeric,
    kExists,
    kNull,
    kFieldRef
  };
  Kind kind = Kind::kEquals;
  bool cased = false;
  std::string text;  // kEquals / kPrefix / kSuffix / kContains
  std::shared_ptr<RE2> re;
  IpRange net;
  std::string op;  // kNumeric: gt gte lt lte
  double number = 0;
  bool exists = true;
  std::string ref;     // kFieldRef: the other field
  std::string source;  // kGlob: the glob; kRegex: the expression with its (?flags), for SQL

  bool MatchText(std::string_view s) const {
    switch (kind) {
      case Kind::kEquals:
        return cased ? s == text : EqualsIgnoreAsciiCase(s, text);
      case Kind::kPrefix:
        return s.size() >= text.size() &&
               (cased ? s.substr(0, text.size()) == text
                      : EqualsIgnoreAsciiCase(s.substr(0, text.size()), text));
      case Kind::kSuffix:
        return s.size() >= text.size() &&
               (cased ? s.substr(s.size() - text.size()) == text
                      : EqualsIgnoreAsciiCase(s.substr(s.size() - text.size()), text));
      case Kind::kContains:
        return cased ? s.find(text) != std::string_view::npos
                     : FindFold(s, text) != std::string_view::npos;
      case Kind::kGlob:
        return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *re);
      case Kind::kRegex:
        return RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re);
      case Kind::kCidr:
        return net.Contains(s, false);
      default:
        return false;
    }
  }
  bool MatchLeaf(const Leaf& l) const {
    if (l.is_null) return false;
    if (kind == Kind::kNumeric) {
      double v = l.number;
      if (!l.is_number) {
        const std::string_view t = TextOf(l);
        auto r = std::from_chars(t.data(), t.data() + t.size(), v);
        if (r.ec != std::errc() || r.ptr != t.data() + t.size()) return false;
      }
      if (op == "gt") return v > number;
      if (op == "gte") return v >= number;
      if (op == "lt") return v < number;
      return v <= number;
    }
    return MatchText(TextOf(l));
  }
};

struct FieldItem {
  std::string field;  // empty: keywords (any string in the record)
  std::vector<ValueMatcher> values;
  bool all = false;
  bool neq = false;
};

struct SigmaRule::Detection {
  std::string name;
  std::vector<std::vector<FieldItem>> maps;  // OR of maps; each map is an AND of items
};

struct SigmaRule::Condition {
  enum class Op { kId, kAnd, kOr, kNot, kOneOf, kAllOf };
  Op op = Op::kId;
  std::vector<int> ids;  // kId: one; kOneOf/kAllOf: the detections the pattern names
  std::vector<std::unique_ptr<Condition>> kids;
};

SigmaRule::SigmaRule() = default;
SigmaRule::~SigmaRule() = default;

namespace {

struct Ctx {
  std::string where;
  std::string title;
  Status Error(const YAML::Node& n, const std::string& what) const {
    const int line = n.IsDefined() ? n.Mark().line + 1 : 0;
    return Status::InvalidArgument(where + (line > 0 ? ":" + std::to_string(line) : std::string()) +
                                   ": rule '" + title + "': " + what);
  }
};

// Sigma wildcards to an RE2 pattern: * any run, ? one character, \ escapes * ? and \.
std::string GlobToRegex(std::string_view v) {
  std::string re = "(?s)";
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (c == '\\' && i + 1 < v.size() && (v[i + 1] == '*' || v[i + 1] == '?' || v[i + 1] == '\\')) {
      re += RE2::QuoteMeta(std::string(1, v[++i]));
    } else if (c == '*') {
      re += ".*";
    } else if (c == '?') {
      re += ".";
    } else {
      re += RE2::QuoteMeta(std::string(1, c));
    }
  }
  return re;
}

bool HasWildcard(std::string_view v) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size() &&
        (v[i + 1] == '*' || v[i + 1] == '?' || v[i + 1] == '\\')) {
      ++i;
      continue;
    }
    if (v[i] == '*' || v[i] == '?') return true;
  }
  return false;
}

std::string Unescape(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size() &&
        (v[i + 1] == '*' || v[i + 1] == '?' || v[i + 1] == '\\'))
      ++i;
    out.push_back(v[i]);
  }
  return out;
}

std::string EscapeWildcards(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '*' || c == '?' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string Utf16(std::string_view s, bool big_endian, bool bom) {
  std::string out;
  if (bom) out += big_endian ? std::string("\xFE\xFF", 2) : std::string("\xFF\xFE", 2);
  for (unsigned char c : s) {  // ASCII text, as Sigma values are
    if (big_endian) {
      out.push_back('\0');
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(c));
      out.push_back('\0');
    }
  }
  return out;
}

// Compiles a glob (after string modifiers) into the cheapest matcher that is exact.
ValueMatcher CompileGlob(const std::string& v, bool cased) {
  ValueMatcher m;
  m.cased = cased;
  if (!HasWildcard(v)) {
    m.kind = ValueMatcher::Kind::kEquals;
    m.text = Unescape(v);
    return m;
  }
  const std::string_view inner = std::string_view(v).substr(1, v.size() >= 2 ? v.size() - 2 : 0);
  if (v.size() >= 2 && v.front() == '*' && v.back() == '*' && v[v.size() - 2] != '\\' &&
      !HasWildcard(inner)) {
    m.kind = ValueMatcher::Kind::kContains;
    m.text = Unescape(inner);
    return m;
  }
  if (v.back() == '*' && (v.size() < 2 || v[v.size() - 2] != '\\') &&
      !HasWildcard(std::string_view(v).substr(0, v.size() - 1))) {
    m.kind = ValueMatcher::Kind::kPrefix;
    m.text = Unescape(std::string_view(v).substr(0, v.size() - 1));
    return m;
  }
  if (v.front() == '*' && !HasWildcard(std::string_view(v).substr(1))) {
    m.kind = ValueMatcher::Kind::kSuffix;
    m.text = Unescape(std::string_view(v).substr(1));
    return m;
  }
  RE2::Options o;
  o.set_case_sensitive(cased);
  o.set_log_errors(false);
  m.kind = ValueMatcher::Kind::kGlob;
  m.re = std::make_shared<RE2>(GlobToRegex(v), o);
  m.source = v;
  return m;
}

Status CompileValues(const Ctx& ctx, const YAML::Node& key_node,
                     const std::vector<std::string>& mods, const YAML::Node& value,
                     FieldItem* item) {
  // Scalars and lists; null handled by the caller.
  std::vector<YAML::Node> raw;
  if (value.IsSequence()) {
    for (const auto& v : value) raw.push_back(v);
  } else {
    raw.push_back(value);
  }
  bool cased = false, re = false, re_i = false, re_m = false, re_s = false, cidr = false,
       exists = false, fieldref = false;
  std::string numeric;
  std::vector<std::string> transforms;
  for (const std::string& m : mods) {
    if (m == "contains" || m == "startswith" || m == "endswith" || m == "base64" ||
        m == "base64offset" || m == "windash" || m == "utf16le" || m == "utf16be" || m == "utf16" ||
        m == "wide") {
      transforms.push_back(m);
    } else if (m == "all") {
      item->all = true;
    } else if (m == "cased") {
      cased = true;
    } else if (m == "re") {
      re = true;
    } else if (m == "i" || m == "m" || m == "s") {
      if (!re) return ctx.Error(key_node, "modifier '" + m + "' is only valid after 're'");
      (m == "i" ? re_i : m == "m" ? re_m : re_s) = true;
    } else if (m == "cidr") {
      cidr = true;
    } else if (m == "exists") {
      exists = true;
    } else if (m == "fieldref") {
      fieldref = true;
    } else if (m == "neq") {
      item->neq = true;
    } else if (m == "gt" || m == "gte" || m == "lt" || m == "lte") {
      numeric = m;
    } else if (m == "expand") {
      return ctx.Error(
          key_node,
          "unsupported modifier 'expand' (placeholders need values fastpath does not have)");
    } else if (m == "minute" || m == "hour" || m == "day" || m == "week" || m == "month" ||
               m == "year") {
      return ctx.Error(key_node, "unsupported time modifier '" + m + "'");
    } else {
      return ctx.Error(key_node, "unknown modifier '" + m + "'");
    }
  }
  for (const YAML::Node& v : raw) {
    if (!v.IsScalar()) {
      if (v.IsNull()) return ctx.Error(v, "null cannot be in a value list");
      return ctx.Error(v, "a value must be a scalar");
    }
    const std::string text = v.Scalar();
    if (exists) {
      ValueMatcher m;
      m.kind = ValueMatcher::Kind::kExists;
      if (text != "true" && text != "false") return ctx.Error(v, "|exists takes true or false");
      m.exists = text == "true";
      item->values.push_back(std::move(m));
      continue;
    }
    if (fieldref) {
      if (!transforms.empty() || re || cidr || !numeric.empty()) {
        return ctx.Error(key_node, "unsupported: |fieldref combined with other modifiers");
      }
      ValueMatcher m;
      m.kind = ValueMatcher::Kind::kFieldRef;
      m.ref = text;
      m.cased = cased;
      item->values.push_back(std::move(m));
      continue;
    }
    if (!numeric.empty()) {
      ValueMatcher m;
      m.kind = ValueMatcher::Kind::kNumeric;
      m.op = numeric;
      auto r = std::from_chars(text.data(), text.data() + text.size(), m.number);
      if (r.ec != std::errc() || r.ptr != text.data() + text.size()) {
        return ctx.Error(v, "|" + numeric + " needs a number, not '" + text + "'");
      }
      item->values.push_back(std::move(m));
      continue;
    }
    if (re) {
      RE2::Options o;
      o.set_case_sensitive(!re_i);
      o.set_log_errors(false);
      o.set_dot_nl(re_s);
      o.set_posix_syntax(true);
      o.set_perl_classes(true);
      o.set_word_boundary(true);
      o.set_one_line(!re_m);
      ValueMatcher m;
      m.kind = ValueMatcher::Kind::kRegex;
      m.re = std::make_shared<RE2>(text, o);
      if (!m.re->ok()) return ctx.Error(v, "invalid regular expression: " + m.re->error());
      std::string flags = std::string(re_i ? "i" : "") + (re_m ? "m" : "") + (re_s ? "s" : "");
      m.source = (flags.empty() ? "" : "(?" + flags + ")") + text;
      item->values.push_back(std::move(m));
      continue;
    }
    if (cidr) {
      ValueMatcher m;
      m.kind = ValueMatcher::Kind::kCidr;
      const size_t slash = text.find('/');
      std::array<uint8_t, 16> base;
      int family = 0;
      int bits = -1;
      if (slash != std::string::npos) {
        auto r = std::from_chars(text.data() + slash + 1, text.data() + text.size(), bits);
        if (r.ec != std::errc() || r.ptr != text.data() + text.size()) bits = -1;
      }
      if (slash == std::string::npos || bits < 0 ||
          !ParseIpAddress(text.substr(0, slash), false, &family, &base) ||
          bits > (family == 4 ? 32 : 128)) {
        return ctx.Error(v, "invalid CIDR '" + text + "'");
      }
      m.net = CidrRange(family, base, bits);
      item->values.push_back(std::move(m));
      continue;
    }
    // String value through its transforms, left to right; each may yield several variants.
    std::vector<std::string> variants{text};
    for (const std::string& t : transforms) {
      std::vector<std::string> next;
      for (const std::string& s : variants) {
        if (t == "contains") {
          next.push_back((s.size() && s.front() == '*' ? "" : "*") + s +
                         (s.size() && s.back() == '*' && (s.size() < 2 || s[s.size() - 2] != '\\')
                              ? ""
                              : "*"));
        } else if (t == "startswith") {
          next.push_back(s + (s.size() && s.back() == '*' ? "" : "*"));
        } else if (t == "endswith") {
          next.push_back((s.size() && s.front() == '*' ? "" : "*") + s);
        } else if (t == "base64") {
          next.push_back(EscapeWildcards(Base64Encode(Unescape(s))));
        } else if (t == "base64offset") {
          // The three encodings of the value at each offset in a longer base64 text.
          const std::string plain = Unescape(s);
          static const size_t kStart[3] = {0, 2, 3};
          for (int off = 0; off < 3; ++off) {
            std::string enc = Base64Encode(std::string(static_cast<size_t>(off), ' ') + plain);
            const size_t keep_end = (off + plain.size()) % 3;
            size_t end = enc.size();
            if (keep_end == 1)
              end -= 3;
            else if (keep_end == 2)
              end -= 2;
            const size_t start = kStart[off];
            if (end > start) next.push_back(EscapeWildcards(enc.substr(start, end - start)));
          }
        } else if (t == "windash") {
          static const char* kDashes[] = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"};
          for (const char* d : kDashes) {
            std::string v2;
            for (char c : s) {
              if (c == '-' || c == '/') {
                v2 += d;
              } else {
                v2.push_back(c);
              }
            }
            if (std::find(next.begin(), next.end(), v2) == next.end()) next.push_back(v2);
          }
        } else if (t == "utf16le" || t == "wide") {
          next.push_back(Utf16(s, false, false));
        } else if (t == "utf16be") {
          next.push_back(Utf16(s, true, false));
        } else if (t == "utf16") {
          next.push_back(Utf16(s, false, true));
        }
      }
      variants = std::move(next);
    }
    for (const std::string& s : variants) {
      ValueMatcher m = CompileGlob(s, cased);
      if (m.re && !m.re->ok()) return ctx.Error(v, "value cannot be compiled: " + m.re->error());
      item->values.push_back(std::move(m));
    }
  }
  if (item->values.empty()) return ctx.Error(key_node, "no values");
  return Status::Ok();
}

Status CompileMap(const Ctx& ctx, const YAML::Node& map, std::vector<FieldItem>* out) {
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    FieldItem item;
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
      const size_t bar = key.find('|', start);
      parts.push_back(
          key.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    item.field = parts[0];
    std::vector<std::string> mods(parts.begin() + 1, parts.end());
    const YAML::Node& value = kv.second;
    if (value.IsNull()) {
      ValueMatcher m;
      m.kind = ValueMatcher::Kind::kNull;
      item.values.push_back(std::move(m));
    } else {
      Status st = CompileValues(ctx, kv.first, mods, value, &item);
      if (!st.ok()) return st;
    }
    out->push_back(std::move(item));
  }
  return Status::Ok();
}

bool ItemMatches(const FieldItem& item, element record) {
  std::vector<Leaf> leaves;
  bool present = false;
  if (item.field.empty()) {
    PushLeaf(record, &leaves);  // keywords: every value in the record
    present = true;
  } else {
    Resolve(record, item.field, &leaves, &present);
  }
  auto one = [&](const ValueMatcher& m) -> bool {
    switch (m.kind) {
      case ValueMatcher::Kind::kNull:
        if (!present) return true;
        return std::any_of(leaves.begin(), leaves.end(), [](const Leaf& l) { return l.is_null; });
      case ValueMatcher::Kind::kExists:
        return present == m.exists;
      case ValueMatcher::Kind::kFieldRef: {
        std::vector<Leaf> other;
        bool other_present = false;
        Resolve(record, m.ref, &other, &other_present);
        for (const Leaf& a : leaves) {
          for (const Leaf& b : other) {
            if (a.is_null || b.is_null) continue;
            const std::string_view x = TextOf(a), y = TextOf(b);
            if (m.cased ? x == y : EqualsIgnoreAsciiCase(x, y)) return true;
          }
        }
        return false;
      }
      default:
        return std::any_of(leaves.begin(), leaves.end(),
                           [&](const Leaf& l) { return m.MatchLeaf(l); });
    }
  };
  bool result;
  if (item.all) {
    result = std::all_of(item.values.begin(), item.values.end(), one);
  } else {
    result = std::any_of(item.values.begin(), item.values.end(), one);
  }
  return item.neq ? !result : result;
}

// Condition parsing.
class ConditionParser {
 public:
  ConditionParser(const std::string& text, const std::vector<std::string>& names) : names_(names) {
    std::string cur;
    for (char c : text) {
      if (c == '(' || c == ')') {
        if (!cur.empty()) tokens_.push_back(cur), cur.clear();
        tokens_.push_back(std::string(1, c));
      } else if (c == ' ' || c == '\t' || c == '\n') {
        if (!cur.empty()) tokens_.push_back(cur), cur.clear();
      } else {
        cur.push_back(c);
      }
    }
    if (!cur.empty()) tokens_.push_back(cur);
  }
  Result<std::unique_ptr<SigmaRule::Condition>> Parse() {
    for (const auto& t : tokens_) {
      if (t == "|" || t.find('|') != std::string::npos) {
        return Status::Unsupported(
            "aggregation in the condition ('|', the obsolete count()/near syntax)");
      }
      if (t == "near") return Status::Unsupported("'near' in the condition");
    }
    auto e = Or();
    if (!e.ok()) return e;
    if (pos_ != tokens_.size())
      return Status::InvalidArgument("unexpected '" + tokens_[pos_] + "' in the condition");
    return e;
  }

 private:
  using Node = std::unique_ptr<SigmaRule::Condition>;
  using Op = SigmaRule::Condition::Op;
  bool Peek(const char* t) const { return pos_ < tokens_.size() && tokens_[pos_] == t; }
  Result<Node> Or() {
    auto left = And();
    if (!left.ok()) return left;
    Node n = std::move(left.value());
    while (Peek("or")) {
      ++pos_;
      auto right = And();
      if (!right.ok()) return right;
      auto c = std::make_unique<SigmaRule::Condition>();
      c->op = Op::kOr;
      c->kids.push_back(std::move(n));
      c->kids.push_back(std::move(right.value()));
      n = std::move(c);
    }
    return n;
  }
  Result<Node> And() {
    auto left = Not();
    if (!left.ok()) return left;
    Node n = std::move(left.value());
    while (Peek("and")) {
      ++pos_;
      auto right = Not();
      if (!right.ok()) return right;
      auto c = std::make_unique<SigmaRule::Condition>();
      c->op = Op::kAnd;
      c->kids.push_back(std::move(n));
      c->kids.push_back(std::move(right.value()));
      n = std::move(c);
    }
    return n;
  }
  Result<Node> Not() {
    if (Peek("not")) {
      ++pos_;
      auto inner = Not();
      if (!inner.ok()) return inner;
      auto c = std::make_unique<SigmaRule::Condition>();
      c->op = Op::kNot;
      c->kids.push_back(std::move(inner.value()));
      return Node(std::move(c));
    }
    return Primary();
  }
  Result<Node> Primary() {
    if (pos_ >= tokens_.size()) return Status::InvalidArgument("the condition ends too early");
    const std::string t = tokens_[pos_++];
    if (t == "(") {
      auto e = Or();
      if (!e.ok()) return e;
      if (!Peek(")")) return Status::InvalidArgument("missing ')' in the condition");
      ++pos_;
      return e;
    }
    if ((t == "1" || t == "any" || t == "all") && Peek("of")) {
      ++pos_;
      if (pos_ >= tokens_.size())
        return Status::InvalidArgument("'of' without a target in the condition");
      const std::string target = tokens_[pos_++];
      auto c = std::make_unique<SigmaRule::Condition>();
      c->op = t == "all" ? Op::kAllOf : Op::kOneOf;
      for (size_t i = 0; i < names_.size(); ++i) {
        if (target == "them" ? names_[i][0] != '_'
                             : RE2::FullMatch(names_[i], GlobToRegex(target))) {
          c->ids.push_back(static_cast<int>(i));
        }
      }
      if (c->ids.empty())
        return Status::InvalidArgument("'" + target + "' names no search identifier");
      return Node(std::move(c));
    }
    auto it = std::find(names_.begin(), names_.end(), t);
    if (it == names_.end())
      return Status::InvalidArgument("unknown search identifier '" + t + "' in the condition");
    auto c = std::make_unique<SigmaRule::Condition>();
    c->op = Op::kId;
    c->ids.push_back(static_cast<int>(it - names_.begin()));
    return Node(std::move(c));
  }

  const std::vector<std::string>& names_;
  std::vector<std::string> tokens_;
  size_t pos_ = 0;
};

bool Evaluate(const SigmaRule::Condition& c, const std::function<bool(int)>& detection) {
  using Op = SigmaRule::Condition::Op;
  switch (c.op) {
    case Op::kId:
      return detection(c.ids[0]);
    case Op::kAnd:
      return Evaluate(*c.kids[0], detection) && Evaluate(*c.kids[1], detection);
    case Op::kOr:
      return Evaluate(*c.kids[0], detection) || Evaluate(*c.kids[1], detection);
    case Op::kNot:
      return !Evaluate(*c.kids[0], detection);
    case Op::kOneOf:
      return std::any_of(c.ids.begin(), c.ids.end(), detection);
    case Op::kAllOf:
      return std::all_of(c.ids.begin(), c.ids.end(), detection);
  }
  return false;
}

std::string Scalar(const YAML::Node& n, const char* key) {
  const YAML::Node v = n[key];
  return v && v.IsScalar() ? v.Scalar() : std::string();
}

}  // namespace

std::vector<LogType> LogTypesForSigmaLogsource(std::string_view product, std::string_view service,
                                               std::string_view category) {
  (void)category;
  std::vector<LogType> out;
  if (product != "aws") return out;
  for (int i = 0; i < kNumLogTypes; ++i) {
    const LogTypeInfo& row = LogTypeTable()[i];
    const bool selected = service.empty()
                              ? row.sigma_product_wide
                              : !row.sigma_service.empty() && row.sigma_service == service;
    if (selected) out.push_back(row.type);
  }
  return out;
}

Result<std::shared_ptr<const SigmaRule>> SigmaRule::FromYaml(const YAML::Node& doc,
                                                             const std::string& where) {
  Ctx ctx{where, Scalar(doc, "title")};
  try {
    if (!doc.IsMap()) return ctx.Error(doc, "a Sigma rule is a YAML mapping");
    if (doc["correlation"]) return ctx.Error(doc["correlation"], "unsupported: correlation rules");
    if (doc["filter"] && !doc["detection"])
      return ctx.Error(doc["filter"], "unsupported: Sigma filter documents");
    std::shared_ptr<SigmaRule> rule(new SigmaRule());
    rule->id_ = Scalar(doc, "id");
    rule->title_ = ctx.title;
    rule->level_ = Scalar(doc, "level");
    rule->description_ = Scalar(doc, "description");
    for (const char* list : {"tags", "references"}) {
      const YAML::Node n = doc[list];
      if (n && n.IsSequence()) {
        for (const auto& t : n) {
          (std::string(list) == "tags" ? rule->tags_ : rule->references_)
              .push_back(t.as<std::string>());
        }
      }
    }
    const YAML::Node logsource = doc["logsource"];
    if (!logsource || !logsource.IsMap()) return ctx.Error(doc, "no logsource");
    rule->log_types_ = LogTypesForSigmaLogsource(
        Scalar(logsource, "product"), Scalar(logsource, "service"), Scalar(logsource, "category"));
    if (rule->log_types_.empty()) {
      return ctx.Error(logsource, "logsource product '" + Scalar(logsource, "product") +
                                      "' service '" + Scalar(logsource, "service") +
                                      "' maps to no log type fastpath reads");
    }
    const YAML::Node detection = doc["detection"];
    if (!detection || !detection.IsMap()) return ctx.Error(doc, "no detection");
    std::vector<std::string> names;
    YAML::Node condition;
    for (const auto& kv : detection) {
      const std::string name = kv.first.as<std::string>();
      if (name == "condition") {
        condition = kv.second;
        continue;
      }
      if (name == "timeframe")
        return ctx.Error(kv.first, "unsupported: timeframe (aggregations are correlation rules)");
      auto d = std::make_unique<Detection>();
      d->name = name;
      const YAML::Node& body = kv.second;
      if (body.IsMap()) {
        d->maps.emplace_back();
        Status st = CompileMap(ctx, body, &d->maps.back());
        if (!st.ok()) return st;
      } else if (body.IsSequence()) {
        std::vector<std::string> keywords;
        for (const auto& e : body) {
          if (e.IsMap()) {
            d->maps.emplace_back();
            Status st = CompileMap(ctx, e, &d->maps.back());
            if (!st.ok()) return st;
          } else if (e.IsScalar()) {
            keywords.push_back(e.Scalar());
          } else {
            return ctx.Error(e, "a search identifier list holds maps or keyword strings");
          }
        }
        if (!keywords.empty()) {
          // Keywords: anywhere in the record, as substrings.
          FieldItem item;
          YAML::Node seq(YAML::NodeType::Sequence);
          for (const auto& k : keywords) seq.push_back(k);
          Status st = CompileValues(ctx, kv.first, {"contains"}, seq, &item);
          if (!st.ok()) return st;
          d->maps.push_back({std::move(item)});
        }
      } else {
        return ctx.Error(kv.first, "search identifier '" + name + "' must be a map or a list");
      }
      names.push_back(name);
      rule->detections_.push_back(std::move(d));
    }
    if (!condition) return ctx.Error(detection, "no condition");
    std::vector<std::string> conditions;
    if (condition.IsSequence()) {
      for (const auto& c : condition) conditions.push_back(c.as<std::string>());
    } else {
      conditions.push_back(condition.as<std::string>());
    }
    for (const std::string& text : conditions) {
      auto parsed = ConditionParser(text, names).Parse();
      if (!parsed.ok()) {
        return ctx.Error(
            condition,
            (parsed.status().code() == Status::Code::kUnsupported ? "unsupported: " : "") +
                parsed.status().message());
      }
      rule->conditions_.push_back(std::move(parsed.value()));
    }
    return std::shared_ptr<const SigmaRule>(std::move(rule));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(where + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

Result<std::shared_ptr<const SigmaRule>> SigmaRule::Parse(std::string_view yaml_text,
                                                          const std::string& where) {
  try {
    return FromYaml(YAML::Load(std::string(yaml_text)), where);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(where + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

namespace {
// Detections that must be true for the condition to be true.
std::vector<int> Required(const SigmaRule::Condition& c) {
  using Op = SigmaRule::Condition::Op;
  auto intersect = [](std::vector<int> a, std::vector<int> b) {
    std::vector<int> out;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
  };
  switch (c.op) {
    case Op::kId:
      return c.ids;
    case Op::kAllOf:
      return c.ids;
    case Op::kOneOf:
      return c.ids.size() == 1 ? c.ids : std::vector<int>{};
    case Op::kNot:
      return {};
    case Op::kAnd: {
      auto a = Required(*c.kids[0]);
      auto b = Required(*c.kids[1]);
      a.insert(a.end(), b.begin(), b.end());
      return a;
    }
    case Op::kOr:
      return intersect(Required(*c.kids[0]), Required(*c.kids[1]));
  }
  return {};
}
}  // namespace

SigmaRule::Anchor SigmaRule::anchor() const {
  std::vector<int> required;
  for (size_t i = 0; i < conditions_.size(); ++i) {
    auto r = Required(*conditions_[i]);
    if (i == 0) {
      required = r;
    } else {
      std::vector<int> both;
      std::sort(required.begin(), required.end());
      std::sort(r.begin(), r.end());
      std::set_intersection(required.begin(), required.end(), r.begin(), r.end(),
                            std::back_inserter(both));
      required = both;
    }
  }
  Anchor best;
  for (int id : required) {
    const Detection& d = *detections_[id];
    if (d.maps.size() != 1) continue;
    for (const FieldItem& item : d.maps[0]) {
      if (item.field.empty() || item.neq || (item.all && item.values.size() > 1)) continue;
      bool plain = !item.values.empty();
      Anchor a{item.field, {}};
      for (const ValueMatcher& m : item.values) {
        if (m.kind != ValueMatcher::Kind::kEquals || m.cased) {
          plain = false;
          break;
        }
        std::string lower = m.text;
        for (char& ch : lower) ch = AsciiLower(ch);
        a.lowercase_values.push_back(std::move(lower));
      }
      if (!plain) continue;
      // API names narrow the most; otherwise keep the first plain field.
      if (best.field.empty() || (a.field == "eventName" && best.field != "eventName"))
        best = std::move(a);
    }
  }
  return best;
}

namespace {

// The pieces of a Sigma glob between its '*', for SqlLike. A '?' (one character) is kept as the
// byte 0x01, which SqlLike does not escape; the caller turns it into LIKE's '_'.
std::vector<std::string> GlobPieces(std::string_view g) {
  std::vector<std::string> pieces(1);
  for (size_t i = 0; i < g.size(); ++i) {
    const char c = g[i];
    if (c == '\\' && i + 1 < g.size() && (g[i + 1] == '*' || g[i + 1] == '?' || g[i + 1] == '\\')) {
      pieces.back() += g[++i];
    } else if (c == '*') {
      pieces.emplace_back();
    } else if (c == '?') {
      pieces.back() += '\x01';
    } else {
      pieces.back() += c;
    }
  }
  return pieces;
}

Status ValueSql(const ValueMatcher& m, const SqlField& f,
                const std::function<SqlField(std::string_view)>& field, std::string* out) {
  auto lit = [&](const std::string& t) { return m.cased ? t : LowerAscii(t); };
  auto cased = [&](const std::string& v) { return m.cased ? v : "lower(" + v + ")"; };
  std::function<std::string(const std::string&)> pred;
  switch (m.kind) {
    case ValueMatcher::Kind::kEquals:
      pred = [&](const std::string& v) { return cased(v) + " = " + SqlString(lit(m.text)); };
      break;
    case ValueMatcher::Kind::kPrefix:
      pred = [&](const std::string& v) {
        return SqlLike(cased(v), std::vector<std::string>{lit(m.text), ""});
      };
      break;
    case ValueMatcher::Kind::kSuffix:
      pred = [&](const std::string& v) {
        return SqlLike(cased(v), std::vector<std::string>{"", lit(m.text)});
      };
      break;
    case ValueMatcher::Kind::kContains:
      pred = [&](const std::string& v) {
        return SqlLike(cased(v), std::vector<std::string>{"", lit(m.text), ""});
      };
      break;
    case ValueMatcher::Kind::kGlob:
      pred = [&](const std::string& v) {
        std::string e = SqlLike(cased(v), GlobPieces(lit(m.source)));
        for (char& c : e) {
          if (c == '\x01') c = '_';
        }
        return e;
      };
      break;
    case ValueMatcher::Kind::kRegex:
      pred = [&](const std::string& v) {
        return "regexp_like(" + v + ", " + SqlString(m.source) + ")";
      };
      break;
    case ValueMatcher::Kind::kCidr:
      return Status::Unsupported("the cidr modifier has no SQL translation here");
    case ValueMatcher::Kind::kNumeric: {
      const char* op = m.op == "gt" ? ">" : m.op == "gte" ? ">=" : m.op == "lt" ? "<" : "<=";
      char num[64];
      std::snprintf(num, sizeof num, "%.17g", m.number);
      const std::string tail = std::string(" ") + op + " " + num;
      pred = [tail](const std::string& v) { return "TRY_CAST(" + v + " AS DOUBLE)" + tail; };
      break;
    }
    case ValueMatcher::Kind::kExists: {
      const std::string any =
          "(" + f.json + " IS NOT NULL OR " +
          SqlAnyValue(f, [](const std::string& v) { return v + " IS NOT NULL"; }) + ")";
      *out += m.exists ? any : "NOT " + any;
      return Status::Ok();
    }
    case ValueMatcher::Kind::kNull:
      *out += "(" + f.json + " IS NULL OR COALESCE(json_format(" + f.json + ") = 'null', FALSE))";
      return Status::Ok();
    case ValueMatcher::Kind::kFieldRef: {
      const SqlField other = field(m.ref);
      *out += "COALESCE(" + cased(f.scalar) + " = " + cased(other.scalar) + ", FALSE)";
      return Status::Ok();
    }
  }
  *out += "(" + SqlAnyValue(f, pred) + ")";
  return Status::Ok();
}

std::string ConditionSql(const SigmaRule::Condition& c, const std::vector<std::string>& dets) {
  using Op = SigmaRule::Condition::Op;
  auto join = [&](const char* op) {
    std::string out;
    for (int id : c.ids) out += (out.empty() ? "" : op) + dets[static_cast<size_t>(id)];
    return "(" + out + ")";
  };
  switch (c.op) {
    case Op::kId:
      return dets[static_cast<size_t>(c.ids[0])];
    case Op::kAnd:
      return "(" + ConditionSql(*c.kids[0], dets) + "\n  AND " + ConditionSql(*c.kids[1], dets) +
             ")";
    case Op::kOr:
      return "(" + ConditionSql(*c.kids[0], dets) + "\n  OR " + ConditionSql(*c.kids[1], dets) +
             ")";
    case Op::kNot:
      return "NOT " + ConditionSql(*c.kids[0], dets);
    case Op::kOneOf:
      return join(" OR ");
    case Op::kAllOf:
      return join(" AND ");
  }
  return "FALSE";
}

}  // namespace

Status SigmaRule::AppendSql(const std::function<SqlField(std::string_view path)>& field,
                            std::string* out) const {
  std::vector<std::string> dets;
  for (const auto& d : detections_) {
    std::string any;
    for (const auto& map : d->maps) {
      std::string all;
      for (const FieldItem& item : map) {
        if (item.field.empty()) {
          return Status::Unsupported("detection '" + d->name +
                                     "': keywords (a value anywhere in the record) have no SQL "
                                     "translation here");
        }
        const SqlField f = field(item.field);
        std::string values;
        for (const ValueMatcher& m : item.values) {
          if (!values.empty()) values += item.all ? " AND " : " OR ";
          if (Status st = ValueSql(m, f, field, &values); !st.ok()) {
            return Status::Unsupported("detection '" + d->name + "', field " + item.field + ": " +
                                       st.message());
          }
        }
        if (values.empty()) values = "TRUE";
        const std::string term = item.neq ? "NOT (" + values + ")" : "(" + values + ")";
        all += (all.empty() ? "" : " AND ") + term;
      }
      any += (any.empty() ? "" : " OR ") + (all.empty() ? std::string("TRUE") : "(" + all + ")");
    }
    dets.push_back("(" + (any.empty() ? std::string("FALSE") : any) + ")");
  }
  std::string cond;
  for (const auto& c : conditions_) {
    cond += (cond.empty() ? "" : "\n  OR ") + ConditionSql(*c, dets);
  }
  *out += conditions_.size() == 1 ? cond : "(" + cond + ")";
  return Status::Ok();
}

bool SigmaRule::Matches(element record) const {
  std::vector<int8_t> memo(detections_.size(), -1);
  auto detection = [&](int i) -> bool {
    if (memo[i] < 0) {
      bool any_map = false;
      for (const auto& map : detections_[i]->maps) {
        bool all = true;
        for (const FieldItem& item : map) {
          if (!ItemMatches(item, record)) {
            all = false;
            break;
          }
        }
        if (all) {
          any_map = true;
          break;
        }
      }
      memo[i] = any_map ? 1 : 0;
    }
    return memo[i] == 1;
  };
  for (const auto& c : conditions_) {
    if (Evaluate(*c, detection)) return true;
  }
  return false;
}

}  // namespace fastpath
