// SigmaRule: a Sigma rule (specification v2) compiled for matching JSON records.
//
// Supported: detection maps (fields AND) and lists of maps (OR), value lists (OR, or AND with
// |all), keywords, wildcards * and ? with \ escapes, case-insensitive matching (|cased for exact
// case), null (field absent or JSON null), the modifiers contains, startswith, endswith, all, re
// (with i, m, s), cidr, base64, base64offset, utf16le/utf16be/utf16/wide, windash, exists,
// fieldref, neq, gt/gte/lt/lte, and conditions with and, or, not, parentheses, `1 of`, `all of`,
// `them`, condition lists. Field names are dotted paths into the record; arrays match on any
// element; a string match on an object-valued field is tried against every string inside it. Not
// supported, rejected with the rule and the construct named: the obsolete aggregations in
// conditions (`| count()`, `| near`), placeholders (|expand), time-part modifiers, correlation and
// filter documents.
//
// A compiled rule is immutable and safe to share between threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "core/event.h"
#include "core/status.h"

namespace YAML {
class Node;
}

namespace fastpath {

struct SqlField;

class SigmaRule {
 public:
  // Compiles one Sigma YAML document. `where` names it in errors ("file.yml"); errors carry the
  // line ("file.yml:14: rule 'Title': unsupported modifier 'expand'").
  static Result<std::shared_ptr<const SigmaRule>> FromYaml(const YAML::Node& doc,
                                                           const std::string& where);
  static Result<std::shared_ptr<const SigmaRule>> Parse(std::string_view yaml_text,
                                                        const std::string& where);

  // Matches the native record (a CloudTrail record for logsource aws/cloudtrail).
  bool Matches(simdjson::dom::element record) const;

  const std::string& id() const { return id_; }
  const std::string& title() const { return title_; }
  const std::string& level() const { return level_; }
  const std::string& description() const { return description_; }
  const std::vector<std::string>& tags() const { return tags_; }
  const std::vector<std::string>& references() const { return references_; }
  // The log types its logsource maps to (empty: any).
  const std::vector<LogType>& log_types() const { return log_types_; }
  // A field every match needs, with the values it must equal (lowercased: Sigma compares without
  // case), when the rule has one; for indexing. Empty field: none.
  struct Anchor {
    std::string field;
    std::vector<std::string> lowercase_values;
  };
  Anchor anchor() const;
  // The detection as an SQL boolean expression over the fields `field` names
  // (rules/rule_sql.h); kUnsupported naming what SQL cannot say here (keywords, cidr).
  Status AppendSql(const std::function<SqlField(std::string_view path)>& field,
                   std::string* out) const;

  struct Detection;
  struct Condition;
  ~SigmaRule();

 private:
  SigmaRule();
  std::string id_, title_, level_, description_;
  std::vector<std::string> tags_, references_;
  std::vector<LogType> log_types_;
  std::vector<std::unique_ptr<Detection>> detections_;
  std::vector<std::unique_ptr<Condition>> conditions_;  // OR-ed
};

// The log types a Sigma logsource (product, service, category) maps to; empty when it fits none.
std::vector<LogType> LogTypesForSigmaLogsource(std::string_view product, std::string_view service,
                                               std::string_view category);

}  // namespace fastpath
