// RDS and Aurora log lines: PostgreSQL, MySQL/MariaDB audit, others of an RDS log group.
#include "parse/text_formats.h"

#include "parse/text_format_support.h"

namespace fastpath::text {

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

}  // namespace fastpath::text
