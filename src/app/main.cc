// fastpath: the CLI. Parses arguments with CLI11 and hands off to the commands.
#include <filesystem>
#include <fstream>

#include <CLI/CLI.hpp>

#include "app/audit_command.h"
#include "app/cli_docs.h"
#include "app/daemon_config.h"
#include "app/lake_command.h"
#include "app/scan_command.h"

int main(int argc, char** argv) {
  CLI::App app{
      "fastpath: AWS security monitoring pipeline (CloudTrail and more, on every delivery path)",
      "fastpath"};
  app.set_version_flag("--version", std::string("fastpath ") + FASTPATH_VERSION);
  app.require_subcommand(1);

  // The event filters of the commands that select events; scan's --region is the AWS region (as
  // in the aws CLI), so there the filter is --event-region.
  auto add_filters = [](CLI::App* cmd, fastpath::LakeFilterOptions* f,
                        const char* region_flag = "--region") {
    cmd->add_option("--since", f->since,
                    "Events at or after: RFC 3339, YYYY-MM-DD or a duration ago (30d, 6h)");
    cmd->add_option("--until", f->until, "Events before: RFC 3339, YYYY-MM-DD or a duration ago");
    // Lists are comma-separated or the flag repeated; one value per flag, so the paths after it
    // stay inputs.
    cmd->add_option("--log-type", f->log_types,
                    "Only these log types (aws.cloudtrail, vpcflow...), comma-separated")
        ->delimiter(',')
        ->allow_extra_args(false);
    cmd->add_option("--account", f->accounts, "Only these accounts, comma-separated")
        ->delimiter(',')
        ->allow_extra_args(false);
    cmd->add_option(region_flag, f->regions, "Only these regions, comma-separated")
        ->delimiter(',')
        ->allow_extra_args(false);
  };

  fastpath::ScanCommandOptions scan;
  CLI::App* scan_cmd = app.add_subcommand("scan",
                                          "Read files, folders (recursively), s3://bucket/prefix "
                                          "or - (stdin); NDJSON events on stdout");
  scan_cmd->add_option("paths", scan.paths, "Files, folders, s3://bucket/prefix or - for stdin")
      ->required();
  scan_cmd
      ->add_option("--output", scan.output,
                   "events (NDJSON canonical events), alerts (none until rules are loaded) or "
                   "ocsf (each event as an OCSF 1.1.0 object, NDJSON)")
      ->check(CLI::IsMember({"events", "alerts", "ocsf"}));
  CLI::Option* scan_output = scan_cmd->get_option("--output");
  scan_cmd->add_option("--lake", scan.lake,
                       "Keep every unique event in this lake: a folder or s3://bucket/prefix "
                       "(events then go to standard output only when --output is given)");
  scan_cmd->add_option("--lake-format", scan.lake_format, "events (canonical, default) or ocsf")
      ->check(CLI::IsMember({"events", "ocsf"}));
  scan_cmd->add_option("--lake-spool", scan.lake_spool,
                       "Spool open lake objects to this folder, as the daemon does (default: "
                       "kept in memory; with --resume, LAKE/_spool or $TMPDIR/fastpath-lake-spool "
                       "for S3)");
  scan_cmd
      ->add_option("--lake-object-mib", scan.lake_object_mib,
                   "Lake objects close at this uncompressed size, MiB (default 64)")
      ->check(CLI::Range(1, 4096));
  scan_cmd
      ->add_option("--lake-level", scan.lake_level,
                   "gzip level of lake objects, 1 (fastest) to 12 (smallest); default 6")
      ->check(CLI::Range(1, 12));
  scan_cmd
      ->add_option("--lake-part-mib", scan.lake_part_mib,
                   "S3 lake objects larger than this go up as multipart uploads of parts this "
                   "size, MiB (default 8, at least 5)")
      ->check(CLI::Range(5, 4096));
  scan_cmd->add_flag("--stats", scan.stats,
                     "Print stage counters, drops by reason and per-path latency tables on stderr");
  scan_cmd->add_option("--received-at", scan.received_at,
                       "RFC 3339 receive time for every input (default: file modification time, or "
                       "the envelope's arrival time)");
  scan_cmd->add_option("--workers", scan.workers, "Worker threads (default: one per core)")
      ->check(CLI::Range(0, 256));
  scan_cmd
      ->add_option("--max-document-mib", scan.max_document_mib,
                   "Largest JSON document or line accepted, MiB")
      ->check(CLI::Range(1, 4096));
  scan_cmd->add_option("--dedupe-window", scan.dedupe_window,
                       "How long an event id is remembered (24h, 30m, ...)");
  scan_cmd
      ->add_option("--dedupe-memory-mib", scan.dedupe_memory_mib,
                   "Memory cap of the de-duplication table, MiB")
      ->check(CLI::Range(1, 1 << 20));
  scan_cmd
      ->add_option("--rules", scan.rules,
                   "Rule files or folders: fastpath rule YAML, EventBridge pattern JSON, Sigma "
                   "YAML; repeatable")
      ->allow_extra_args(false);  // one per occurrence: the paths after it are inputs
  scan_cmd->add_flag("--strict", scan.strict, "Refuse to scan when any rule fails to load");
  scan_cmd
      ->add_option("--vpc-flow-format", scan.vpc_flow_formats,
                   "LOG_GROUPS=FORMAT: the custom format of header-less flow logs in "
                   "CloudWatch Logs messages of these log groups (name, prefix* or *; "
                   "'*' also reads header-less lines of files that have as many fields), "
                   "e.g. '/aws/vpc/flowlogs=${version} ${interface-id} ${srcaddr}'; repeatable")
      ->allow_extra_args(false)  // one per occurrence: the paths after it are inputs
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  bool no_progress = false;
  scan_cmd->add_flag("--no-progress", no_progress, "Never draw the progress bar");
  scan_cmd->add_option("--errors", scan.errors_file,
                       "Write every bad-input message (input, offset, reason, error) to FILE as "
                       "NDJSON");
  add_filters(scan_cmd, &scan.filter, "--event-region");
  scan_cmd
      ->add_option("--where", scan.where,
                   "FIELD=VALUE: only events whose canonical column (account, id, ...) or "
                   "record path (userIdentity.arn) has this value ('*' matches any "
                   "characters); repeatable")
      ->allow_extra_args(false);
  scan_cmd->add_option(
      "--region", scan.aws.region,
      "AWS region for s3:// paths (default: AWS_REGION, the profile's, us-east-1)");
  scan_cmd->add_option("--profile", scan.aws.profile,
                       "Shared config/credentials profile (default: AWS_PROFILE or default)");
  scan_cmd->add_option("--endpoint-url", scan.aws.endpoint_url,
                       "Send AWS requests to this URL (a local S3-compatible server)");
  scan_cmd->add_option("--start-after", scan.start_after, "s3://: start listing after this key");
  scan_cmd->add_option("--resume", scan.resume_file,
                       "s3://: start after the key this file holds, and record there the last key "
                       "whose events were all handled");

  fastpath::DemoCommandOptions demo;
  CLI::App* demo_cmd = app.add_subcommand("demo",
                                          "Replay the bundled CloudTrail data over all three "
                                          "delivery paths and show what fastpath sees");
  demo_cmd->add_flag("--once", demo.once,
                     "Print the results and exit (without it, the dashboard is served after the "
                     "replay until Ctrl-C)");
  demo_cmd->add_option("--listen", demo.listen,
                       "HOST:PORT of the dashboard (default 127.0.0.1:8108; port 0: any free)");
  demo_cmd->add_option("--token-file", demo.token_file,
                       "File holding the dashboard's access token (or FASTPATH_DASHBOARD_TOKEN); "
                       "required when --listen is not loopback");
  demo_cmd->add_option("--data", demo.data_dir,
                       "Folder of CloudTrail data to replay (default: the bundled data/demo)");
  demo_cmd->add_option("--outbox", demo.outbox,
                       "Keep the alert outbox in this SQLite file, for fastpath alerts "
                       "(default: a temporary one)");
  demo_cmd->add_option("--keep", demo.keep_dir,
                       "Write the simulated deliveries to this folder and keep them");
  demo_cmd->add_option("--rules", demo.rules_dir,
                       "Rule files or folder to run (default: the bundled rule pack)");
  demo_cmd->add_option("--workers", demo.workers, "Worker threads (default: one per core)")
      ->check(CLI::Range(0, 256));

  std::string config_path;
  bool check_config = false;
  bool config_reference = false;
  CLI::App* run_cmd = app.add_subcommand(
      "run",
      "The daemon: S3 via SQS, Kinesis, Firehose and EventBridge receivers, rules and alerts, "
      "/healthz and /metrics; stops gracefully on SIGTERM");
  CLI::Option* config_opt =
      run_cmd->add_option("--config", config_path, "YAML configuration (see examples/)");
  run_cmd->add_flag("--check", check_config, "Validate the configuration and exit");
  run_cmd
      ->add_flag("--config-reference", config_reference,
                 "Print every configuration key of every source and output type (Markdown)")
      ->excludes(config_opt);

  fastpath::AlertsCommandOptions alerts_opts;
  CLI::App* alerts_cmd = app.add_subcommand("alerts", "The alert outbox of `fastpath run`");
  alerts_cmd->require_subcommand(1);
  alerts_cmd->add_option("--outbox", alerts_opts.outbox,
                         "Outbox file (default: alerts.sqlite; the daemon's is "
                         "<state_dir>/alerts.sqlite)");
  CLI::App* alerts_list = alerts_cmd->add_subcommand("list", "Alerts, newest first");
  CLI::App* alerts_show = alerts_cmd->add_subcommand("show", "One alert and its deliveries");
  CLI::App* alerts_retry = alerts_cmd->add_subcommand(
      "retry", "Queue dead (or pending) deliveries again: IDs, or every alert in --state dead");
  CLI::App* alerts_ack = alerts_cmd->add_subcommand("ack", "Acknowledge alerts");
  // `alerts list --outbox FILE` as well as `alerts --outbox FILE list`.
  for (CLI::App* sub : {alerts_list, alerts_show, alerts_retry, alerts_ack}) sub->fallthrough();
  for (CLI::App* sub : {alerts_list, alerts_retry}) {
    sub->add_option("--rule", alerts_opts.rule, "Only this rule id");
    sub->add_option("--severity", alerts_opts.severity, "Only this severity")
        ->check(CLI::IsMember({"info", "low", "medium", "high", "critical"}));
    sub->add_option("--state", alerts_opts.state, "pending, delivered, dead or acked")
        ->check(CLI::IsMember({"pending", "delivered", "dead", "acked"}));
  }
  alerts_list->add_option("--since", alerts_opts.since, "Raised after: 24h ago, or RFC 3339");
  alerts_list->add_option("--until", alerts_opts.until,
                          "Raised before: a duration ago, or RFC 3339");
  alerts_list->add_option("--limit", alerts_opts.limit, "At most this many (default 100)")
      ->check(CLI::Range(1, 1000000));
  alerts_list->add_flag("--json", alerts_opts.json, "The alert lines (NDJSON) instead of a table");
  alerts_show->add_option("ID", alerts_opts.ids, "Alert ids")->required();
  alerts_retry->add_option("ID", alerts_opts.ids, "Alert ids");
  alerts_ack->add_option("ID", alerts_opts.ids, "Alert ids")->required();
  alerts_ack->add_option("--note", alerts_opts.note,
                         "Why: kept with the acknowledgement (alerts show, the dashboard)");

  // The lake: search, table definitions, compaction.
  fastpath::SearchCommandOptions search;
  CLI::App* search_cmd = app.add_subcommand(
      "search",
      "Events (or alerts) from the lake, pruned by partition: LAKE is a folder or "
      "s3://bucket/prefix");
  search_cmd->add_option("LAKE", search.lake, "The lake's folder or s3://bucket/prefix")
      ->required();
  add_filters(search_cmd, &search.filter);
  search_cmd
      ->add_option("--rules", search.rules,
                   "Rule files or folders: events that match any (and their alerts); repeatable")
      ->allow_extra_args(false);
  search_cmd
      ->add_option("--pattern", search.patterns,
                   "An EventBridge pattern (JSON): events that match it; repeatable")
      ->allow_extra_args(false);
  search_cmd->add_option("--sigma", search.rules, "A Sigma rule file; repeatable")
      ->allow_extra_args(false);
  search_cmd
      ->add_option("--where", search.where,
                   "FIELD=VALUE: a canonical column (account, id, ...) or a dotted path in the "
                   "record (userIdentity.arn); '*' matches any characters; repeatable")
      ->allow_extra_args(false);
  search_cmd->add_option("--output", search.output, "events (default) or alerts")
      ->check(CLI::IsMember({"events", "alerts"}));
  search_cmd->add_option("--workers", search.workers, "Reader threads (default: one per core)")
      ->check(CLI::Range(0, 256));
  bool search_no_progress = false;
  search_cmd->add_flag("--no-progress", search_no_progress, "Never draw the progress bar");
  search_cmd->add_option("--profile", search.aws.profile, "AWS profile for s3:// lakes");
  search_cmd->add_option("--endpoint-url", search.aws.endpoint_url,
                         "Send AWS requests to this URL (a local S3-compatible server)");
  search_cmd->add_option("--aws-region", search.aws.region, "AWS region of an s3:// lake");

  CLI::App* lake_cmd = app.add_subcommand("lake", "The lake's table definitions and compaction");
  lake_cmd->require_subcommand(1);
  fastpath::LakeDdlOptions ddl;
  CLI::App* lake_ddl = lake_cmd->add_subcommand(
      "ddl",
      "The lake's Athena table (partition projection, no crawler): SQL DDL or an "
      "AWS::Glue::Table resource");
  lake_ddl->add_option("LAKE", ddl.lake, "s3://bucket/prefix (or a folder, to read its accounts)")
      ->required();
  lake_ddl->add_option("--database", ddl.database, "Glue database (default fastpath)");
  lake_ddl->add_option("--table", ddl.table, "Table name (default events)");
  lake_ddl->add_option("--format", ddl.format, "athena (SQL DDL) or cloudformation")
      ->check(CLI::IsMember({"athena", "cloudformation"}));
  lake_ddl->add_option("--lake-format", ddl.lake_format, "What the lake holds: events or ocsf")
      ->check(CLI::IsMember({"events", "ocsf"}));
  lake_ddl->add_option("--accounts", ddl.accounts,
                       "The account partition's values (default: read from the lake; none "
                       "found: injected, so queries must name the account)");
  lake_ddl->add_option("--first-day", ddl.since, "First day the dt projection covers");
  lake_ddl->add_option("--endpoint-url", ddl.aws.endpoint_url, "Local S3-compatible server");
  fastpath::LakeCompactOptions compact;
  CLI::App* lake_compact = lake_cmd->add_subcommand(
      "compact", "Merge each partition's small objects into large ones and drop duplicate ids");
  lake_compact->add_option("LAKE", compact.lake, "The lake's folder or s3://bucket/prefix")
      ->required();
  add_filters(lake_compact, &compact.filter);
  lake_compact
      ->add_option("--target-mib", compact.target_mib,
                   "Uncompressed size of a merged object, MiB (default 256)")
      ->check(CLI::Range(1, 4096));
  lake_compact->add_option("--min-age", compact.min_age,
                           "Leave objects younger than this to their writers (default 10m)");
  lake_compact->add_flag("--dry-run", compact.dry_run, "Say what would be merged, change nothing");
  lake_compact->add_option("--endpoint-url", compact.aws.endpoint_url,
                           "Local S3-compatible server");

  CLI::App* pattern_cmd = app.add_subcommand("pattern", "EventBridge event patterns");
  pattern_cmd->require_subcommand(1);
  std::string pattern_text, event_text;
  CLI::App* pattern_test =
      pattern_cmd->add_subcommand("test",
                                  "Match an event against a pattern, as EventBridge's "
                                  "TestEventPattern does: exit 0 match, 1 no match, 2 invalid");
  pattern_test->add_option("PATTERN", pattern_text, "Pattern JSON text, or @file")->required();
  pattern_test->add_option("EVENT", event_text, "Event JSON text, or @file")->required();

  CLI::App* rules_cmd = app.add_subcommand("rules", "Detection rules");
  rules_cmd->require_subcommand(1);
  std::vector<std::string> rule_paths;
  CLI::App* rules_check = rules_cmd->add_subcommand(
      "check", "Load rules and report every problem as file:line: reason");
  rules_check->add_option("PATH", rule_paths, "Rule files or folders")->required();
  CLI::App* rules_test = rules_cmd->add_subcommand(
      "test", "Run each rule's embedded tests through every envelope the event could arrive in");
  rules_test->add_option("PATH", rule_paths, "Rule files or folders")->required();
  std::string coverage_check;
  CLI::App* rules_coverage = rules_cmd->add_subcommand(
      "coverage",
      "MITRE ATT&CK techniques the rules are tagged with, their rules and tests, and the cloud "
      "techniques no rule covers (Markdown)");
  rules_coverage->add_option("PATH", rule_paths, "Rule files or folders")->required();
  rules_coverage->add_option("--check", coverage_check,
                             "Compare with this file instead of printing: exit 1 if it differs");
  fastpath::RulesSqlOptions rules_sql;
  CLI::App* rules_sql_cmd = rules_cmd->add_subcommand(
      "sql", "Each rule as Athena (Trino) SQL over the lake's table (`lake ddl`)");
  rules_sql_cmd->add_option("RULE", rules_sql.rules, "Rule files or folders")->required();
  rules_sql_cmd->add_option("--since", rules_sql.since,
                            "Events at or after: RFC 3339, YYYY-MM-DD or a duration ago");
  rules_sql_cmd->add_option("--until", rules_sql.until, "Events before");
  rules_sql_cmd->add_option("--database", rules_sql.database, "Glue database (default fastpath)");
  rules_sql_cmd->add_option("--table", rules_sql.table, "Table (default events)");
  fastpath::BacktestOptions backtest;
  CLI::App* rules_backtest = rules_cmd->add_subcommand(
      "backtest",
      "What rules would have raised over the lake: matches and alerts per day, top "
      "principals and source IPs");
  rules_backtest->add_option("RULE", backtest.search.rules, "Rule files or folders")->required();
  rules_backtest
      ->add_option("--lake", backtest.search.lake, "The lake's folder or s3://bucket/prefix")
      ->required();
  add_filters(rules_backtest, &backtest.search.filter);
  rules_backtest->add_flag("--json", backtest.json, "One JSON object per rule");
  rules_backtest->add_option("--top", backtest.top, "How many principals and IPs (default 5)")
      ->check(CLI::Range(1, 1000));
  rules_backtest->add_option("--workers", backtest.search.workers, "Reader threads")
      ->check(CLI::Range(0, 256));
  rules_backtest->add_option("--endpoint-url", backtest.search.aws.endpoint_url,
                             "Local S3-compatible server");

  // The coverage audit.
  fastpath::AuditCommandOptions audit;
  CLI::App* audit_cmd = app.add_subcommand(
      "audit",
      "Is every account and region wired (trails, rules, subscriptions, flow logs, detectors)? "
      "Exit 0 all wired, 3 gaps found");
  audit_cmd->add_flag("--organization", audit.settings.organization,
                      "Every active account of the organization (from the management or a "
                      "delegated administrator account)");
  audit_cmd->add_option("--role-name", audit.settings.role_name,
                        "Role assumed in each account but the caller's (default fastpath-audit)");
  audit_cmd->add_option("--external-id", audit.settings.external_id, "External id for AssumeRole");
  audit_cmd->add_option("--accounts", audit.settings.accounts, "Only these account ids")
      ->delimiter(',');
  audit_cmd
      ->add_option("--regions", audit.settings.regions,
                   "Only these regions (default: every region enabled for the account)")
      ->delimiter(',');
  audit_cmd
      ->add_option("--components", audit.settings.components,
                   "Only these components (default: all; see docs/audit.md)")
      ->delimiter(',');
  audit_cmd->add_option("--central-bus", audit.settings.central_bus_arn,
                        "ARN of the central event bus the forwarding rules target");
  audit_cmd
      ->add_option("--data-events", audit.settings.data_events,
                   "Resource types the trail must record data events of "
                   "(AWS::S3::Object, AWS::Lambda::Function, ...)")
      ->delimiter(',');
  audit_cmd->add_flag("--cloudtrail-via-logs", audit.settings.cloudtrail_via_logs,
                      "CloudTrail is read from CloudWatch Logs: the trail must deliver there");
  audit_cmd->add_option("--log-group", audit.settings.log_groups,
                        "A source log group that must be subscribed (NAME or PREFIX*)");
  audit_cmd
      ->add_option("--flow-log-fields", audit.settings.flow_log_fields,
                   "Fields every flow log format must hold (default srcaddr,dstaddr,"
                   "srcport,dstport,protocol,action,start,end)")
      ->delimiter(',');
  audit_cmd
      ->add_option("--s3-bucket", audit.settings.s3_buckets,
                   "A bucket the s3_sqs source reads: it must announce new objects")
      ->delimiter(',');
  audit_cmd->add_option("--securityhub-region", audit.settings.securityhub_region,
                        "The Security Hub aggregation region (checked for an aggregator)");
  audit_cmd
      ->add_option("--concurrency", audit.settings.concurrency,
                   "Account x region audits in flight (default 64)")
      ->check(CLI::Range(1, 256));
  audit_cmd
      ->add_option("--per-account", audit.settings.per_account,
                   "At most this many of one account at once (default 4)")
      ->check(CLI::Range(1, 64));
  audit_cmd->add_option("--format", audit.format, "table (default), json or html")
      ->check(CLI::IsMember({"table", "json", "html"}));
  audit_cmd->add_option("--output,-o", audit.output, "Write the report to FILE");
  audit_cmd->add_option("--state", audit.state_dir,
                        "The daemon's state_dir: paths it found silent are marked `silent`");
  audit_cmd->add_flag("--print-policy", audit.print_policy,
                      "Print the read-only IAM policy the audit role needs, and exit");
  audit_cmd->add_flag("--no-progress", audit.no_progress, "Never draw the progress line");
  audit_cmd->add_option("--profile", audit.aws.profile, "AWS profile of the caller");
  audit_cmd->add_option("--aws-region", audit.aws.region,
                        "Home region for STS, Organizations and the region list");
  audit_cmd->add_option("--endpoint-url", audit.aws.endpoint_url,
                        "Send every AWS request to this URL (a stand-in server)");

  // Documentation from this very definition: man pages and shell completion.
  std::string shell;
  CLI::App* completion_cmd = app.add_subcommand(
      "completion", "Print a shell completion script (bash or zsh) made from this command line");
  completion_cmd->add_option("SHELL", shell, "bash or zsh")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh"}));
  std::string man_dir;
  CLI::App* man_cmd = app.add_subcommand(
      "man", "Write one man page per command (fastpath.1, fastpath-scan.1, ...)");
  man_cmd->add_option("--out", man_dir, "Folder for the pages")->required();

  // A misspelt command is named, with the commands there are (CLI11 would only say that a
  // subcommand is required).
  if (argc > 1 && argv[1][0] != '-') {
    std::string names;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands({})) {
      names += (names.empty() ? "" : ", ") + sub->get_name();
      known = known || sub->get_name() == argv[1];
    }
    if (!known) {
      std::fprintf(stderr, "fastpath: unknown command '%s' (commands: %s; see --help)\n", argv[1],
                   names.c_str());
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (*scan_cmd) {
    scan.progress = !no_progress;
    scan.output_given = scan_output->count() > 0;
    return fastpath::RunScan(scan, stdout, stderr);
  }
  if (*alerts_cmd) {
    alerts_opts.action = *alerts_list    ? "list"
                         : *alerts_show  ? "show"
                         : *alerts_retry ? "retry"
                                         : "ack";
    return fastpath::RunAlertsCommand(alerts_opts, stdout, stderr);
  }
  if (*search_cmd) {
    search.progress = !search_no_progress;
    return fastpath::RunSearch(search, stdout, stderr);
  }
  if (*lake_ddl) return fastpath::RunLakeDdl(ddl, stdout, stderr);
  if (*audit_cmd) return fastpath::RunAudit(audit, stdout, stderr);
  if (*lake_compact) return fastpath::RunLakeCompact(compact, stdout, stderr);
  if (*run_cmd && config_reference) {
    std::fputs(fastpath::ConfigurationReference().c_str(), stdout);
    return 0;
  }
  if (*run_cmd && config_path.empty()) {
    std::fprintf(stderr, "fastpath run: --config FILE is required\n");
    return 2;
  }
  if (*run_cmd) return fastpath::RunDaemon(config_path, check_config, stdout, stderr);
  if (*demo_cmd) return fastpath::RunDemo(demo, stdout, stderr);
  if (*rules_check) return fastpath::RunRulesCheck(rule_paths, stdout, stderr);
  if (*rules_test) return fastpath::RunRulesTest(rule_paths, stdout, stderr);
  if (*rules_coverage)
    return fastpath::RunRulesCoverage(rule_paths, coverage_check, stdout, stderr);
  if (*rules_sql_cmd) return fastpath::RunRulesSql(rules_sql, stdout, stderr);
  if (*rules_backtest) {
    backtest.search.progress = false;
    return fastpath::RunRulesBacktest(backtest, stdout, stderr);
  }
  if (*pattern_test) return fastpath::RunPatternTest(pattern_text, event_text, stdout, stderr);
  if (*completion_cmd) {
    std::fputs(fastpath::CompletionScript(app, shell).c_str(), stdout);
    return 0;
  }
  if (*man_cmd) {
    std::error_code ec;
    std::filesystem::create_directories(man_dir, ec);
    for (const auto& [name, text] : fastpath::ManPages(app, FASTPATH_VERSION)) {
      std::ofstream f(std::filesystem::path(man_dir) / name, std::ios::binary);
      f << text;
      if (!f) {
        std::fprintf(stderr, "fastpath man: cannot write %s in %s\n", name.c_str(),
                     man_dir.c_str());
        return 1;
      }
    }
    return 0;
  }
  return 2;
}
