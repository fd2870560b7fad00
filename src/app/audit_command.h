// `fastpath audit`: is every account and region wired? Exit 0 when all is, 3 when a gap, a
// quiet path or an unreadable component was found, 1 when the audit itself could not run.
#pragma once

#include <cstdio>
#include <string>

#include "app/aws_setup.h"
#include "audit/audit.h"

namespace fastpath {

struct AuditCommandOptions {
  audit::AuditSettings settings;
  AwsSettings aws;
  std::string format = "table";  // table, json, html
  std::string output;            // file; empty: stdout
  std::string state_dir;         // the daemon's state: liveness joined in
  bool print_policy = false;
  bool no_progress = false;
};

int RunAudit(const AuditCommandOptions& options, std::FILE* out, std::FILE* err);

}  // namespace fastpath
