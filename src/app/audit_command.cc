#include "app/audit_command.h"

#include <unistd.h>

#include <fstream>

#include "audit/audit_report.h"
#include "audit/auditor.h"
#include "audit/coverage.h"

namespace fastpath {

int RunAudit(const AuditCommandOptions& o, std::FILE* out, std::FILE* err) {
  if (o.print_policy) {
    std::fputs(audit::AuditPolicyJson().c_str(), out);
    return 0;
  }
  for (const std::string& c : o.settings.components) {
    if (audit::FindComponent(c) == nullptr) {
      std::string known;
      for (const auto* d : audit::Components())
        known += std::string(known.empty() ? "" : ", ") + d->name;
      std::fprintf(err, "fastpath audit: unknown component '%s' (known: %s)\n", c.c_str(),
                   known.c_str());
      return 2;
    }
  }
  // The daemon's liveness state, read before any AWS call: a wrong folder is a usage error.
  SourceLiveness liveness;
  if (!o.state_dir.empty()) {
    const std::string path = o.state_dir + "/liveness.json";
    if (::access(path.c_str(), R_OK) != 0) {
      std::fprintf(err,
                   "fastpath audit: --state %s: no liveness.json there (the daemon's state_dir "
                   "holds it once a path has delivered)\n",
                   o.state_dir.c_str());
      return 2;
    }
    if (Status st = liveness.Load(path); !st.ok()) {
      std::fprintf(err, "fastpath audit: %s\n", st.message().c_str());
      return 2;
    }
  }
  auto caller = MakeAwsClient(o.aws);
  audit::AuditEnvironment env;
  env.caller = caller.get();
  env.caller_credentials = caller->credentials();
  env.client_options = caller->options();
  env.client_options.max_attempts = 5;
  env.client_options.backoff_base_seconds = 0.5;
  const bool tty = isatty(fileno(err)) != 0 && !o.no_progress;
  if (tty) {
    env.progress = [err](size_t done, size_t total) {
      std::fprintf(err, "\raudit: %zu/%zu account x region", done, total);
      if (done == total) std::fputs("\n", err);
      std::fflush(err);
    };
  }
  auto report = audit::RunAudit(o.settings, env);
  if (!report.ok()) {
    std::fprintf(err, "fastpath audit: %s\n", report.status().message().c_str());
    return 1;
  }
  if (!o.state_dir.empty()) audit::JoinLiveness(liveness, NowNs(), &report.value());
  std::string text;
  if (o.format == "json") {
    text = audit::ReportJson(report.value());
  } else if (o.format == "html") {
    text = audit::ReportHtml(report.value());
  } else {
    const bool colour =
        o.output.empty() && isatty(fileno(out)) != 0 && std::getenv("NO_COLOR") == nullptr;
    text = audit::ReportTable(report.value(), colour);
  }
  if (o.output.empty()) {
    std::fputs(text.c_str(), out);
  } else {
    std::ofstream f(o.output, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f.good()) {
      std::fprintf(err, "fastpath audit: cannot write %s\n", o.output.c_str());
      return 1;
    }
    std::fprintf(err, "audit: %zu cells, %zu gap, %zu unknown -> %s\n", report.value().cells.size(),
                 report.value().CountState(audit::CellState::kGap),
                 report.value().CountState(audit::CellState::kUnknown), o.output.c_str());
  }
  return report.value().AllWired() ? 0 : 3;
}

}  // namespace fastpath
