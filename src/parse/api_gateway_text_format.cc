// API Gateway execution log lines.
#include "parse/text_formats.h"

#include <optional>

#include "parse/text_format_support.h"

namespace fastpath::text {

// "(<request id>) <message>" as in API-Gateway-Execution-Logs_<api id>/<stage>.
bool IsApiGatewayExecutionLine(std::string_view line) {
  return line.size() > 3 && line[0] == '(' && line.find(") ") != std::string_view::npos &&
         line.find(") ") < 64;
}

// The Test Invoke rendering: "Thu Aug 31 01:07:25 UTC 2017 : <message>".
std::optional<TimeNs> TestInvokeTime(std::string_view line) {
  if (line.size() < 31 || line[3] != ' ' || line[7] != ' ' || line[19] != ' ' ||
      line.substr(20, 4) != "UTC " || line.substr(28, 3) != " : ") {
    return std::nullopt;
  }
  const int mon = MonthFromName(line.substr(4, 3));
  auto num = [&](size_t pos, size_t n) {
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (!IsDigit(line[i]) && line[i] != ' ') return -1;
      v = v * 10 + (line[i] == ' ' ? 0 : line[i] - '0');
    }
    return v;
  };
  if (mon == 0 || line[13] != ':' || line[16] != ':') return std::nullopt;
  return TimeFromCivil(num(24, 4), mon, num(8, 2), num(11, 2), num(14, 2), num(17, 2));
}

void ParseApiGatewayExecution(std::string_view line, const RecordContext& ctx, Event* out) {
  StartEvent(LogType::kApiGateway, ctx, out);
  std::string& j = out->json;
  // API-Gateway-Execution-Logs_<api id>/<stage>
  constexpr std::string_view kPrefix = "API-Gateway-Execution-Logs_";
  if (ctx.log_group.starts_with(kPrefix)) {
    std::string_view rest = ctx.log_group.substr(kPrefix.size());
    const size_t slash = rest.find('/');
    StringField(j, "apiId", rest.substr(0, slash));
    if (slash != std::string_view::npos) StringField(j, "stage", rest.substr(slash + 1));
  }
  if (IsApiGatewayExecutionLine(line)) {
    const size_t close = line.find(") ");
    StringField(j, "requestId", line.substr(1, close - 1));
    StringField(j, "message", line.substr(close + 2));
  } else if (auto t = TestInvokeTime(line)) {
    out->time = *t;
    StringField(j, "message", line.substr(31));
  } else {
    StringField(j, "message", line);
  }
  FinishEvent(ctx, 0, line, IdScope::kStream, out);
}

}  // namespace fastpath::text
