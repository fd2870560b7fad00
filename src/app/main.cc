// fastpath: the CLI. Parses arguments with CLI11 and hands off to the commands.
#include <CLI/CLI.hpp>

#include "app/daemon_config.h"
#include "app/scan_command.h"

int main(int argc, char** argv) {
  CLI::App app{
      "fastpath: AWS security monitoring pipeline (CloudTrail and more, on every delivery path)"};
  app.set_version_flag("--version", std::string("fastpath ") + FASTPATH_VERSION);
  app.require_subcommand(1);

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
  scan_cmd->add_option(
      "--rules", scan.rules,
      "Rule files or folders: fastpath rule YAML, EventBridge pattern JSON, Sigma YAML");
  scan_cmd->add_flag("--strict", scan.strict, "Refuse to scan when any rule fails to load");
  scan_cmd->add_option("--vpc-flow-format", scan.vpc_flow_formats,
                       "LOG_GROUPS=FORMAT: the custom format of header-less flow logs in "
                       "CloudWatch Logs messages of these log groups (name, prefix* or *), "
                       "e.g. '/aws/vpc/flowlogs=${version} ${interface-id} ${srcaddr}'");
  bool no_progress = false;
  scan_cmd->add_flag("--no-progress", no_progress, "Never draw the progress bar");
  scan_cmd->add_option("--errors", scan.errors_file,
                       "Write every bad-input message (input, offset, reason, error) to FILE as "
                       "NDJSON");
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
                     "Print the results and exit (the default until the dashboard lands)");
  demo_cmd->add_option("--data", demo.data_dir,
                       "Folder of CloudTrail data to replay (default: the bundled data/demo)");
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
    return fastpath::RunScan(scan, stdout, stderr);
  }
  if (*alerts_cmd) {
    alerts_opts.action = *alerts_list    ? "list"
                         : *alerts_show  ? "show"
                         : *alerts_retry ? "retry"
                                         : "ack";
    return fastpath::RunAlertsCommand(alerts_opts, stdout, stderr);
  }
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
  if (*pattern_test) return fastpath::RunPatternTest(pattern_text, event_text, stdout, stderr);
  return 2;
}
