// Rules as SQL: a rule's matches as one Trino query (Athena engine 3) over the lake's table
// (`fastpath lake ddl`), for lakes that outgrow one machine.
//
// Each field of a pattern or Sigma detection becomes a JSON extraction from the `event` column
// (the native record); EventBridge patterns see the EventBridge shape of CloudTrail records and
// findings as the rule engine does (source, detail-type, account, region and time computed from
// the record and the canonical columns). Every operator with an SQL equivalent is translated;
// the rest (cidr, Sigma keywords) are refused with the operator named. Where SQL and the engine
// can differ, the difference is documented (docs/lake.md): an array is searched for exact values
// only, and a number and a string with the same text compare equal.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time_util.h"

namespace fastpath {

struct Rule;

// SQL expressions for the values of one field of a lake row.
struct SqlField {
  std::string scalar;  // VARCHAR: the value when it is a string, number or boolean; else NULL
  std::string json;    // JSON: the value whatever it is (NULL when absent)
  // ARRAY(VARCHAR): every leaf value at the path, through arrays at any level (lax SQL/JSON
  // path), as EventBridge and Sigma collect them; NULL elements for objects.
  std::string values;
};
using SqlFieldFn = std::function<SqlField(std::string_view path)>;

// ASCII letters lowered (as SQL's lower() does them).
std::string LowerAscii(std::string_view s);
// 'text' with quotes doubled.
std::string SqlString(std::string_view s);
// A LIKE pattern literal: each piece escaped (\ % _), joined by '%'; with ESCAPE '\'.
std::string SqlLike(std::string_view expr, const std::vector<std::string>& pieces);
// A leaf predicate on a field: true when it holds for any of its leaf values; two-valued.
std::string SqlAnyValue(const SqlField& f,
                        const std::function<std::string(const std::string& value)>& pred);
// '$.a.b', with ["key"] for keys that are not plain identifiers (json_extract's path).
std::string JsonPathOf(std::string_view dotted);
// 'lax $.a."b-c"' (SQL/JSON path, for json_query).
std::string LaxJsonPathOf(std::string_view dotted);

struct RuleSqlOptions {
  std::string table = "\"fastpath\".\"events\"";
  std::optional<TimeNs> since, until;
};

// The rule as one SELECT over the lake table; kUnsupported naming the operator SQL cannot say.
Result<std::string> RuleToSql(const Rule& rule, const RuleSqlOptions& options);

}  // namespace fastpath
