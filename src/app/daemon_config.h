// The configuration of `fastpath run`: YAML, every key known (an unknown key is an error naming
// file, line and key, so a typo never silently disables a source), secrets only by reference
// (an environment variable or a file), never inline. Sources and alert outputs are read by their
// descriptors (src/sources/source.h, src/alerts/outputs.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alerts/outputs.h"
#include "app/aws_setup.h"
#include "core/fsync_policy.h"
#include "core/status.h"
#include "core/time_util.h"
#include "parse/vpcflow_parser.h"
#include "sources/source.h"

namespace fastpath {

struct DaemonSource {
  std::string name;
  const SourceDescriptor* type = nullptr;
  std::shared_ptr<const SourceSettings> settings;  // from type->read
};

// `lake:`: every unique event kept in the lake (src/lake), in the acknowledgement chain.
struct LakeSettings {
  std::string uri;                // a folder or s3://bucket/prefix
  std::string format = "events";  // events | ocsf
  size_t object_mib = 64;
  std::string max_age = "5m";
  std::string spool;  // default: <state_dir>/lake-spool
  bool fsync = false;
  int max_open_objects = 256;
  size_t part_mib = 8;  // S3 multipart part size
  int compression_level = 6;
};

// Liveness of the delivery paths and the re-audit after a tamper alert (docs/audit.md).
struct CoverageSettings {
  bool silence_alerts = true;
  TimeNs silence_floor_s3 = 15 * 60 * kNsPerSec;
  TimeNs silence_floor = 10 * 60 * kNsPerSec;
  TimeNs check_every = 30 * kNsPerSec;
  bool reaudit_on_tamper = false;
  std::string role_name = "fastpath-audit";
  std::string external_id;
  std::string central_bus;
  std::vector<std::string> data_events;
  std::vector<std::string> log_groups;
};

struct DaemonConfig {
  std::string path;  // of the file, for messages
  std::string state_dir = ".";
  int umask = 077;  // of what the daemon creates: files 0600, folders 0700
  AwsSettings aws;
  std::vector<std::string> rules;
  bool strict_rules = false;
  std::string events_output = "stdout";  // stdout | none | a file path (appended)
  std::string alerts_output = "stdout";
  std::string alert_claim_table;  // DynamoDB table for cross-process alert claims; empty: off
  std::string alert_claim_ttl = "24h";
  std::string outbox_path;                  // default: <state_dir>/alerts.sqlite
  std::vector<OutputConfig> alert_outputs;  // empty: alerts go to `alerts.output` only
  int workers = 0;
  std::string dedupe_window = "24h";
  size_t dedupe_memory_mib = 512;
  bool dedupe_persist = true;  // <state_dir>/dedupe.journal
  FsyncPolicy fsync = FsyncPolicy::kInterval;
  int64_t fsync_interval_ns = 1000000000;
  std::string http_host = "127.0.0.1";  // /healthz and /metrics
  int http_port = 9108;                 // 0: any free port; -1: off
  bool dashboard = false;               // the dashboard and /api/ on the same listener
  std::string dashboard_token;          // required when http_host is not loopback
  std::string audit_report;             // an audit JSON report the Coverage page shows
  std::vector<DaemonSource> sources;
  std::vector<ConfiguredVpcFlowFormat> vpc_flow_formats;  // for header-less CloudWatch Logs
  std::optional<LakeSettings> lake;
  CoverageSettings coverage;
};

// Reads and validates; relative paths are taken from the configuration file's folder.
// Problems are "file:line: message", all of them.
Result<DaemonConfig> LoadDaemonConfig(const std::string& path);
// The same from text; `path` names it in messages and anchors relative paths. With
// `check_files` (as when loading), the files it names are looked at too: TLS files readable,
// output folders writable.
Result<DaemonConfig> ParseDaemonConfig(const std::string& text, const std::string& path,
                                       bool check_files = false);

// The configuration reference in Markdown: the top-level keys, then every source and output type
// with its keys, generated from the descriptors (docs/configuration.md holds a copy, which a test
// compares).
std::string ConfigurationReference();

}  // namespace fastpath
