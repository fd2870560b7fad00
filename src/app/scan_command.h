// `fastpath scan` and `fastpath demo`: the CLI commands, as functions the tests can call.
// Exit codes: 0 done, 1 runtime failure, 2 usage or configuration error.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "app/aws_setup.h"
#include "app/lake_command.h"
#include "rules/rule.h"

#include "core/status.h"
#include "core/time_util.h"

namespace fastpath {

struct ScanCommandOptions {
  std::vector<std::string> paths;
  std::string output = "events";  // events | alerts | ocsf
  bool stats = false;
  std::string received_at;  // RFC 3339; empty: file modification times
  int workers = 0;
  size_t max_document_mib = 64;
  std::string dedupe_window = "24h";
  size_t dedupe_memory_mib = 512;
  bool progress = true;                       // only drawn when stderr is a terminal
  std::vector<std::string> rules;             // rule files and folders
  bool strict = false;                        // a bad rule stops the scan
  AwsSettings aws;                            // for s3:// paths
  std::string start_after;                    // s3://: list after this key
  std::string resume_file;                    // s3://: resume from and record the last key handled
  std::vector<std::string> vpc_flow_formats;  // "LOG_GROUPS=FIELDS"
  std::string errors_file;                    // every bad-input message as NDJSON
  LakeFilterOptions filter;                   // only these events (as `search` selects)
  std::vector<std::string> where;             // FIELD=VALUE clauses, as `search --where`
  bool output_given = false;  // --output was on the command line (with --lake it adds stdout)
  std::string lake;           // a folder or s3://bucket/prefix: every unique event kept there
  std::string lake_format = "events";  // events | ocsf
  std::string lake_spool;              // default: <lake>/_spool, or a temporary folder for S3
  size_t lake_object_mib = 64;
  size_t lake_part_mib = 8;  // S3 multipart part size
  int lake_level = 6;        // gzip level of lake objects (libdeflate, 1-12)
};

int RunScan(const ScanCommandOptions& options, std::FILE* out, std::FILE* err);

struct DemoCommandOptions {
  std::string data_dir;   // bundled CloudTrail data; empty: the installed copy (DefaultRulesDir)
  std::string keep_dir;   // write the simulated deliveries here and keep them
  std::string outbox;     // keep the alert outbox in this file (default: a temporary one)
  std::string rules_dir;  // rules to run; empty: the bundled rule pack
  bool once = false;      // print the results and exit; else serve the dashboard
  std::string listen = "127.0.0.1:8108";  // the dashboard's address
  std::string token_file;  // the dashboard's token (else FASTPATH_DASHBOARD_TOKEN); required
                           // when `listen` is not loopback
  int workers = 0;
};

int RunDemo(const DemoCommandOptions& options, std::FILE* out, std::FILE* err);

// `rules check PATH...`: exit 0 when every rule loads, 2 otherwise (file:line: reason on stderr).
void PrintRuleProblems(const RuleSet& set, std::FILE* err);
int RunRulesCheck(const std::vector<std::string>& paths, std::FILE* out, std::FILE* err);
// `rules test PATH...`: each rule's tests through every envelope; exit 0 all pass, 1 a failure,
// 2 a rule did not load.
int RunRulesTest(const std::vector<std::string>& paths, std::FILE* out, std::FILE* err);

// `fastpath rules coverage`: the ATT&CK coverage of the rules as Markdown; with `check` set, the
// file it compares with instead (exit 1 when it differs, 2 when the rules have problems).
int RunRulesCoverage(const std::vector<std::string>& paths, const std::string& check,
                     std::FILE* out, std::FILE* err);

// `run --config FILE`: the daemon, until SIGTERM/SIGINT. 0 after a graceful stop, 1 when a source
// cannot start, 2 for a bad configuration. `check_only` validates and exits.
int RunDaemon(const std::string& config_path, bool check_only, std::FILE* out, std::FILE* err);

// The rule pack fastpath ships: $FASTPATH_RULES, else <prefix>/share/fastpath/rules beside the
// binary, rules/ next to it, or the source tree's for a binary in its build tree; empty when none.
std::string DefaultRulesDir();

struct AlertsCommandOptions {
  std::string action;  // list | show | retry | ack
  std::string outbox = "alerts.sqlite";
  std::vector<std::string> ids;
  std::string rule, severity, state, since, until;
  std::string note;  // ack: why
  int limit = 100;
  bool json = false;
};
// `alerts list|show|retry|ack`: 0 done, 1 an id not found or the outbox unreadable, 2 usage.
int RunAlertsCommand(const AlertsCommandOptions& options, std::FILE* out, std::FILE* err);

// Prints true/false; exit 0 match, 1 no match, 2 invalid pattern or event (reason on stderr).
// PATTERN and EVENT are JSON text or @file.
int RunPatternTest(const std::string& pattern, const std::string& event, std::FILE* out,
                   std::FILE* err);

}  // namespace fastpath
