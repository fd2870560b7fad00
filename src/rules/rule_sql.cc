#include "rules/rule_sql.h"

#include <cctype>
#include <optional>

#include "core/log_types.h"
#include "decode/envelope_encoder.h"
#include "rules/eventbridge_pattern.h"
#include "rules/rule.h"
#include "rules/sigma_rule.h"

namespace fastpath {

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

std::string SqlString(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string SqlLike(std::string_view expr, const std::vector<std::string>& pieces) {
  std::string pattern;
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (i > 0) pattern += '%';
    for (char c : pieces[i]) {
      if (c == '\\' || c == '%' || c == '_') pattern += '\\';
      pattern += c;
    }
  }
  if (pieces.size() == 1) {  // no wildcard at all: equality
    return std::string(expr) + " = " + SqlString(pieces[0]);
  }
  return std::string(expr) + " LIKE " + SqlString(pattern) + " ESCAPE '\\'";
}

std::string SqlAnyValue(const SqlField& f,
                        const std::function<std::string(const std::string& value)>& pred) {
  return "COALESCE(any_match(" + f.values + ", el -> " + pred("el") + "), FALSE)";
}

namespace {

// Calls `key` for each element of a dotted path, in order.
void ForEachKey(std::string_view dotted, const std::function<void(std::string_view)>& key) {
  size_t start = 0;
  while (start <= dotted.size()) {
    const size_t dot = dotted.find('.', start);
    key(dotted.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
}

// "key" with '"' and '\' escaped.
std::string Quoted(std::string_view key) {
  std::string out = "\"";
  for (char c : key) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string JsonPathOf(std::string_view dotted) {
  std::string out = "$";
  ForEachKey(dotted, [&out](std::string_view key) {
    bool plain = !key.empty() && !(key[0] >= '0' && key[0] <= '9');
    for (char c : key) {
      plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_');
    }
    out += plain ? "." + std::string(key) : "[" + Quoted(key) + "]";
  });
  return out;
}

std::string LaxJsonPathOf(std::string_view dotted) {
  std::string out = "lax $";
  ForEachKey(dotted, [&out](std::string_view key) { out += "." + Quoted(key); });
  return out;
}

namespace {

SqlField RecordField(std::string_view path) {
  const std::string p = SqlString(JsonPathOf(path));
  return {"json_extract_scalar(event, " + p + ")", "json_extract(event, " + p + ")",
          "transform(CAST(json_parse(json_query(event, " + SqlString(LaxJsonPathOf(path) + "[*]") +
              " WITH ARRAY WRAPPER)) AS ARRAY(JSON)), v -> json_extract_scalar(v, '$'))"};
}

std::string InList(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + SqlString(s);
  return out;
}

// EventBridge patterns see the EventBridge shape (rules/rule_engine.h): for CloudTrail records
// and the findings EventBridge carries as `detail`, the envelope is rebuilt; records no
// EventBridge event carries get an envelope of the same shape (source = the log type,
// detail-type = the product) and keep their fields at the top; whole EventBridge events are
// matched as they are.
// The envelope keys every shape computes alike from the canonical columns.
std::optional<SqlField> CommonEnvelopeKey(std::string_view path) {
  if (path == "account" || path == "region" || path == "id") {
    return SqlField{std::string(path), "NULL", ""};
  }
  if (path == "time") return SqlField{"\"time\"", "NULL", ""};
  if (path == "version") return SqlField{"'0'", "NULL", ""};
  return std::nullopt;
}

class EnvelopeFields {
 public:
  EnvelopeFields() {
    std::vector<std::string> ct, other;
    for (int i = 0; i < kNumLogTypes; ++i) {
      const LogTypeInfo& f = LogTypeFacts(static_cast<LogType>(i));
      if (!f.eventbridge_shaped) {
        if (f.type != LogType::kEventBridge && f.type != LogType::kUnknown) plain_.push_back(&f);
        continue;
      }
      const bool cloudtrail =
          f.type == LogType::kCloudTrail || f.type == LogType::kCloudTrailInsight;
      (cloudtrail ? ct : other).emplace_back(f.name);
      shaped_.push_back(&f);
    }
    // A record that is a whole envelope already (a Trusted Advisor refresh) is matched as is.
    view_ = "(log_type IN (" + InList(ct) + ") OR (log_type IN (" + InList(other) +
            ") AND json_extract(event, '$[\"detail-type\"]') IS NULL))";
  }
  // Whether a row is matched in its rebuilt EventBridge shape (the inner query's `eb`).
  const std::string& view_condition() const { return view_; }

  SqlField operator()(std::string_view path) const {
    const SqlField raw = RecordField(path);
    // Records no EventBridge event carries: detail.x is the record's x, the envelope's keys are
    // made up as the rule engine makes them, anything else is the record's own field.
    std::string plain_names;
    for (const LogTypeInfo* f : plain_)
      plain_names += (plain_names.empty() ? "" : ", ") + SqlString(f->name);
    SqlField plain = raw;
    if (path.starts_with("detail.")) {
      plain = RecordField(path.substr(7));
    } else if (path == "source") {
      plain = {"log_type", "NULL", ""};
    } else if (path == "detail-type") {
      std::string s = "CASE log_type";
      for (const LogTypeInfo* f : plain_) {
        s += " WHEN " + SqlString(f->name) + " THEN " + SqlString(f->product);
      }
      plain = {s + " END", "NULL", ""};
    } else if (auto common = CommonEnvelopeKey(path)) {
      plain = *common;
    } else if (path == "resources" || path == "detail") {
      plain = {"NULL", "NULL", "NULL"};
    }
    if (plain.values.empty()) plain.values = "ARRAY[" + plain.scalar + "]";
    const std::string is_plain = "log_type IN (" + plain_names + ")";
    auto wrap = [&](const std::string& view, const std::string& p, const std::string& r) {
      return "CASE WHEN eb THEN " + view + " WHEN " + is_plain + " THEN " + p + " ELSE " + r +
             " END";
    };
    SqlField view;
    if (path.starts_with("detail.")) {
      const std::string_view q = path.substr(7);
      std::string s = "CASE log_type", j = "CASE log_type", a = "CASE log_type";
      bool any = false;
      for (const LogTypeInfo* f : shaped_) {
        const std::string_view under = f->eventbridge_record_path;
        if (under.empty()) continue;
        any = true;
        const std::string when = " WHEN " + SqlString(f->name) + " THEN ";
        if (q.starts_with(under)) {
          const SqlField r = RecordField(q.substr(under.size()));
          s += when + r.scalar;
          j += when + r.json;
          a += when + r.values;
        } else {
          s += when + "NULL";
          j += when + "NULL";
          a += when + "NULL";
        }
      }
      const SqlField r = RecordField(q);
      view = any ? SqlField{s + " ELSE " + r.scalar + " END", j + " ELSE " + r.json + " END",
                            a + " ELSE " + r.values + " END"}
                 : r;
    } else if (path == "source") {
      std::string s = "CASE log_type";
      for (const LogTypeInfo* f : shaped_) {
        if (!f->eventbridge_source.empty()) {
          s += " WHEN " + SqlString(f->name) + " THEN " + SqlString(f->eventbridge_source);
        }
      }
      s += " ELSE 'aws.' || split_part(json_extract_scalar(event, '$.eventSource'), '.', 1) END";
      view = {s, "NULL", ""};
    } else if (path == "detail-type") {
      std::string ct = "CASE json_extract_scalar(event, '$.eventType')";
      for (const char* t : {"AwsApiCall", "AwsConsoleSignIn", "AwsServiceEvent",
                            "AwsCloudTrailInsight", "AwsConsoleAction"}) {
        ct += " WHEN " + SqlString(t) + " THEN " + SqlString(EventBridgeDetailType(t));
      }
      ct += " ELSE 'AWS API Call via CloudTrail' END";
      std::string s = "CASE log_type";
      for (const LogTypeInfo* f : shaped_) {
        if (f->type == LogType::kConfig) {
          s += " WHEN " + SqlString(f->name) +
               " THEN CASE json_extract_scalar(event, '$.messageType') WHEN "
               "'ComplianceChangeNotification' THEN 'Config Rules Compliance Change' ELSE "
               "'Config Configuration Item Change' END";
        } else if (!f->eventbridge_source.empty()) {
          s += " WHEN " + SqlString(f->name) + " THEN " + SqlString(f->eventbridge_detail_type);
        }
      }
      view = {s + " ELSE " + ct + " END", "NULL", ""};
    } else if (auto common = CommonEnvelopeKey(path)) {
      view = *common;
    } else {
      view = {"NULL", "NULL", "NULL"};  // "detail" itself is an object; "resources" is empty
    }
    // A value the view computes is the one leaf value there.
    if (view.values.empty()) view.values = "ARRAY[" + view.scalar + "]";
    return {wrap(view.scalar, plain.scalar, raw.scalar), wrap(view.json, plain.json, raw.json),
            wrap(view.values, plain.values, raw.values)};
  }

 private:
  std::vector<const LogTypeInfo*> shaped_;
  std::vector<const LogTypeInfo*> plain_;  // records no EventBridge event carries
  std::string view_;
};

std::string Day(TimeNs t) {
  return FormatRfc3339(t).substr(0, 10);
}

// Each field a rule reads becomes a pair of columns of the middle query (v1 the scalar, j1 the
// JSON value, ...), computed once per row however often the predicate reads it.
class FieldColumns {
 public:
  explicit FieldColumns(std::function<SqlField(std::string_view)> inner)
      : inner_(std::move(inner)) {}
  SqlField operator()(std::string_view path) {
    for (size_t i = 0; i < paths_.size(); ++i) {
      if (paths_[i] == path) return Names(i);
    }
    paths_.emplace_back(path);
    defs_.push_back(inner_(path));
    return Names(paths_.size() - 1);
  }
  // The columns `predicate` reads, each with its path as a comment.
  std::string Definitions(std::string_view predicate) const {
    auto used = [&](const std::string& name) {
      for (size_t at = predicate.find(name); at != std::string_view::npos;
           at = predicate.find(name, at + 1)) {
        const size_t end = at + name.size();
        const bool digit_after =
            end < predicate.size() && predicate[end] >= '0' && predicate[end] <= '9';
        const bool word_before =
            at > 0 && (std::isalnum(static_cast<unsigned char>(predicate[at - 1])) ||
                       predicate[at - 1] == '_');
        if (!digit_after && !word_before) return true;
      }
      return false;
    };
    std::string out;
    for (size_t i = 0; i < defs_.size(); ++i) {
      const SqlField n = Names(i);
      for (const auto& [def, name] :
           {std::pair{&defs_[i].scalar, &n.scalar}, std::pair{&defs_[i].json, &n.json},
            std::pair{&defs_[i].values, &n.values}}) {
        if (!used(*name)) continue;
        std::string note = paths_[i];
        for (size_t at = note.find("*/"); at != std::string::npos; at = note.find("*/", at)) {
          note.replace(at, 2, "* /");
        }
        out += ",\n         " + *def + " AS " + *name + "  /* " + note + " */";
      }
    }
    return out;
  }

 private:
  static SqlField Names(size_t i) {
    return {"v" + std::to_string(i + 1), "j" + std::to_string(i + 1), "a" + std::to_string(i + 1)};
  }
  std::function<SqlField(std::string_view)> inner_;
  std::vector<std::string> paths_;
  std::vector<SqlField> defs_;
};

}  // namespace

Result<std::string> RuleToSql(const Rule& rule, const RuleSqlOptions& o) {
  std::string match;
  const EnvelopeFields envelope;
  FieldColumns columns(rule.sigma ? std::function<SqlField(std::string_view)>(RecordField)
                                  : std::function<SqlField(std::string_view)>(envelope));
  auto field = [&columns](std::string_view p) { return columns(p); };
  if (rule.pattern) {
    if (Status st = rule.pattern->AppendSql(field, &match); !st.ok()) return st;
    for (const auto& s : rule.suppress) {
      std::string sup;
      if (Status st = s->AppendSql(field, &sup); !st.ok()) {
        return Status::Unsupported("suppress: " + st.message());
      }
      match = "(" + match + ")\n  AND NOT (" + sup + ")";
    }
  } else if (rule.sigma) {
    if (Status st = rule.sigma->AppendSql(field, &match); !st.ok()) return st;
  } else {
    return Status::Unsupported("the rule has no pattern and no Sigma detection");
  }
  std::vector<std::string> where;
  if (o.since) {
    where.push_back("dt >= " + SqlString(Day(*o.since)));
    where.push_back("from_iso8601_timestamp(\"time\") >= from_iso8601_timestamp(" +
                    SqlString(FormatRfc3339(*o.since)) + ")");
  }
  if (o.until) {
    where.push_back("dt <= " + SqlString(Day(*o.until)));
    where.push_back("from_iso8601_timestamp(\"time\") < from_iso8601_timestamp(" +
                    SqlString(FormatRfc3339(*o.until)) + ")");
  }
  if (!rule.log_types.empty()) {
    std::vector<std::string> names;
    for (LogType t : rule.log_types) names.emplace_back(LogTypeName(t));
    where.push_back("log_type IN (" + InList(names) + ")");
  }
  std::string sql = "-- " + rule.id + ": " + rule.title + " (" + rule.severity + ")\n";
  if (rule.threshold.count > 1 || rule.dedup.window > 0) {
    sql += "-- Every match; the rule's threshold and dedup decide which raise alerts.\n";
  }
  sql += "SELECT \"time\", log_type, account, region, path, id, event\nFROM (\n  SELECT *" +
         columns.Definitions(match) +
         "\n  FROM (\n    SELECT \"time\", log_type, account, region, path, " +
         "id, event,\n           " +
         (rule.sigma ? std::string("FALSE") : envelope.view_condition()) + " AS eb\n    FROM " +
         o.table;
  for (size_t i = 0; i < where.size(); ++i) sql += (i ? "\n      AND " : "\n    WHERE ") + where[i];
  sql += "\n  ) AS r\n) AS f\nWHERE " + match + "\nORDER BY \"time\", id;\n";
  return sql;
}

}  // namespace fastpath
