// Lambda log lines.
#include "parse/text_formats.h"

#include <vector>

#include "parse/text_format_support.h"

namespace fastpath::text {
namespace {

bool StartsWithUuidLike(std::string_view v) {
  // Request ids: 36 characters of hex and dashes (documentation examples use "xmpl" too).
  if (v.size() < 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    const char c = v[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!IsHex(c) && !(c >= 'a' && c <= 'z')) {
      return false;
    }
  }
  return true;
}

// Splits on tabs, or on runs of two or more spaces (how some renderings show the tabs).
void SplitColumns(std::string_view line, size_t max, std::vector<std::string_view>* out) {
  out->clear();
  size_t i = 0;
  while (i < line.size() && out->size() + 1 < max) {
    size_t tab = line.find('\t', i);
    size_t dbl = line.find("  ", i);
    size_t cut = std::min(tab, dbl);
    if (cut == std::string_view::npos) break;
    out->push_back(line.substr(i, cut - i));
    i = cut;
    while (i < line.size() && (line[i] == '\t' || line[i] == ' ')) ++i;
  }
  out->push_back(line.substr(i));
}

// "Duration: 2.34 ms" -> 2.34 under `key`.
void ReportMetric(std::string& j, std::string_view part, std::string_view label,
                  std::string_view key) {
  if (!part.starts_with(label)) return;
  std::string_view v = part.substr(label.size());
  const size_t sp = v.find(' ');
  if (sp != std::string_view::npos) v = v.substr(0, sp);
  if (!IsNumber(v)) return;
  Key(j, key);
  j.append(v);
}

// The function name out of "/aws/lambda/<name>".
void LambdaContext(const RecordContext& ctx, std::string& j) {
  if (ctx.log_group.empty()) return;
  StringField(j, "logGroup", ctx.log_group);
  StringField(j, "logStream", ctx.log_stream);
}

}  // namespace

bool IsLambdaPlatformLine(std::string_view line) {
  return line.starts_with("START RequestId: ") || line.starts_with("END RequestId: ") ||
         line.starts_with("REPORT RequestId: ") || line.starts_with("INIT_START ") ||
         line.starts_with("INIT_REPORT ") || line.starts_with("RESTORE_START ") ||
         line.starts_with("RESTORE_REPORT ") || line.starts_with("EXTENSION\t") ||
         line.starts_with("TELEMETRY\t");
}

// Node.js "<time>\t<request id>\t<LEVEL>\t<message>" or Python "[LEVEL]\t<time>\t<request
// id>\t<message>".
bool IsLambdaRuntimeLine(std::string_view line) {
  if (line.size() > 30 && line[0] == '[') {
    const size_t close = line.find(']');
    if (close != std::string_view::npos && close < 12 && close + 2 < line.size()) {
      std::string_view rest = line.substr(close + 1);
      while (!rest.empty() && (rest[0] == '\t' || rest[0] == ' ')) rest.remove_prefix(1);
      return LooksLikeIsoTime(rest);
    }
    return false;
  }
  if (!LooksLikeIsoTime(line)) return false;
  const size_t tab = line.find('\t');
  return tab != std::string_view::npos && StartsWithUuidLike(line.substr(tab + 1));
}

void ParseLambda(std::string_view line, const RecordContext& ctx, TimeNs fallback, Event* out) {
  StartEvent(LogType::kLambda, ctx, out);
  std::string& j = out->json;
  LambdaContext(ctx, j);
  thread_local std::vector<std::string_view> cols;
  if (IsLambdaPlatformLine(line)) {
    const size_t sp = line.find(' ');
    const std::string_view type = line.substr(0, std::min(sp, line.find('\t')));
    StringField(j, "type", type);
    SplitColumns(line, 16, &cols);
    const std::string_view rid_label = "RequestId: ";
    const size_t rid = line.find(rid_label);
    if (rid != std::string_view::npos) {
      std::string_view v = line.substr(rid + rid_label.size());
      v = v.substr(0, std::min(v.find(' '), v.find('\t')));
      StringField(j, "requestId", v);
    }
    const size_t ver = line.find(" Version: ");
    if (type == "START" && ver != std::string_view::npos) {
      StringField(j, "version", TrimEnd(line.substr(ver + 10)));
    }
    for (std::string_view c : cols) {
      ReportMetric(j, c, "Duration: ", "durationMs");
      ReportMetric(j, c, "Billed Duration: ", "billedDurationMs");
      ReportMetric(j, c, "Memory Size: ", "memorySizeMB");
      ReportMetric(j, c, "Max Memory Used: ", "maxMemoryUsedMB");
      ReportMetric(j, c, "Init Duration: ", "initDurationMs");
      ReportMetric(j, c, "Restore Duration: ", "restoreDurationMs");
      if (c.starts_with("XRAY TraceId: ")) StringField(j, "xray", c.substr(5));
      if (c.starts_with("Runtime Version ARN: ")) StringField(j, "runtimeVersionArn", c.substr(21));
      if (c.starts_with("INIT_START Runtime Version: "))
        StringField(j, "runtimeVersion", c.substr(28));
      if (c.starts_with("Status: ")) StringField(j, "status", c.substr(8));
    }
    StringField(j, "message", line);
  } else if (IsLambdaRuntimeLine(line)) {
    SplitColumns(line, 4, &cols);
    std::string_view ts, rid, level, msg;
    if (line[0] == '[' && cols.size() >= 3) {
      level = cols[0].substr(1, cols[0].find(']') - 1);
      ts = cols[1];
      rid = cols[2];
      msg = cols.size() > 3 ? cols[3] : std::string_view();
    } else if (cols.size() >= 3) {
      ts = cols[0];
      rid = cols[1];
      level = cols[2];
      msg = cols.size() > 3 ? cols[3] : std::string_view();
    } else {
      msg = line;
    }
    if (!ts.empty()) StringField(j, "timestamp", ts);
    if (!rid.empty()) StringField(j, "requestId", rid);
    if (!level.empty()) StringField(j, "level", level);
    StringField(j, "message", msg);
    if (auto t = ParseRfc3339(ts)) out->time = *t;
  } else {
    StringField(j, "message", line);
  }
  FinishEvent(ctx, fallback, line, IdScope::kStream, out);
}

}  // namespace fastpath::text
