// EventBridgePattern: an EventBridge event pattern, compiled once and matched with AWS's semantics
// (see docs/eventbridge-patterns.md): fields AND, values OR, arrays match on any element, nested
// objects and dotted keys, type-sensitive exact values (numbers compared numerically, IP literals
// by address), prefix, suffix, equals-ignore-case, anything-but (values, prefix, suffix,
// equals-ignore-case, wildcard, lists), numeric ranges, exists, cidr (IPv4 and IPv6), wildcard and
// $or. An invalid pattern is rejected with the reason AWS gives.
//
// A compiled pattern is immutable and safe to share between threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "core/status.h"

namespace fastpath {

struct SqlField;

// One leaf value of an event, as the matcher sees it.
struct PatternValue {
  enum class Type : uint8_t { kString, kNumber, kBool, kNull };
  Type type = Type::kNull;
  std::string_view str;  // kString; points into the event
  double num = 0;        // kNumber
  bool is_integer = false;
  int64_t integer = 0;  // kNumber when is_integer
  bool boolean = false;
};

// The event a pattern is matched against: gives every leaf value at a dotted path, descending
// through arrays (any element) and through keys that themselves contain dots.
class PatternEvent {
 public:
  virtual ~PatternEvent() = default;
  // Appends the leaf values (strings, numbers, booleans, nulls) at `path`; objects and empty
  // arrays contribute none.
  virtual void Collect(std::string_view path, std::vector<PatternValue>* out) const = 0;
};

// A JSON document (simdjson DOM) as a PatternEvent. The element must outlive this object.
class JsonPatternEvent final : public PatternEvent {
 public:
  explicit JsonPatternEvent(simdjson::dom::element root) : root_(root) {}
  void Collect(std::string_view path, std::vector<PatternValue>* out) const override;
  // Shared helper: the leaf values at `path` below `el`.
  static void CollectFrom(simdjson::dom::element el, std::string_view path,
                          std::vector<PatternValue>* out);

 private:
  simdjson::dom::element root_;
};

class EventBridgePattern {
 public:
  // Compiles pattern JSON text. On error, the Status message is AWS's reason, e.g.
  // "Empty arrays are not allowed" or "\"int\" must be an object or an array".
  static Result<std::shared_ptr<const EventBridgePattern>> Compile(std::string_view json);

  bool Matches(const PatternEvent& event) const;
  // The dotted paths the pattern reads (for indexing and diagnostics).
  std::vector<std::string> Paths() const;
  // Fields every match needs (outside any $or) whose matchers are all exact strings or prefixes:
  // an event can only match if its value at `path` is one of `values` or starts with one of
  // `prefixes`. Used to index rules.
  struct Anchor {
    std::string path;
    std::vector<std::string> values;    // exact strings
    std::vector<std::string> prefixes;  // case-sensitive prefixes
  };
  std::vector<Anchor> Anchors() const;
  // The pattern as an SQL boolean expression over the fields `field` names (rules/rule_sql.h);
  // kUnsupported naming an operator SQL cannot say here (cidr).
  Status AppendSql(const std::function<SqlField(std::string_view path)>& field,
                   std::string* out) const;

  struct Matcher;
  struct Field;
  struct Conjunction;
  ~EventBridgePattern();

 private:
  EventBridgePattern();
  std::unique_ptr<Conjunction> root_;
};

// Like EventBridge's TestEventPattern: compiles `pattern`, parses `event` (a JSON object) and
// matches. Errors: an invalid pattern (kInvalidArgument, AWS's reason) or event (kCorrupt).
Result<bool> TestEventPattern(std::string_view pattern, std::string_view event);

}  // namespace fastpath
