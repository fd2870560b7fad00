// The configuration of `fastpath run`: YAML, every key known (an unknown key is an error naming
// file, line and key, so a typo never silently disables a source), secrets only by reference
// (an environment variable or a file), never inline.
#pragma once

#include <string>
#include <vector>

#include "parse/vpcflow_parser.h"

#include "alerts/outputs.h"
#include "app/aws_setup.h"
#include "core/status.h"
#include "sources/http_receivers.h"
#include "sources/kinesis_source.h"
#include "sources/sqs_s3_source.h"

namespace fastpath {

struct DaemonSource {
  std::string name;
  std::string type;  // s3_sqs | firehose | eventbridge | kinesis
  SqsS3SourceOptions sqs;
  ReceiverOptions receiver;
  KinesisSourceOptions kinesis;
  std::string application;               // kinesis: the lease table (DynamoDB) name
  std::string lease_store = "dynamodb";  // kinesis: dynamodb | sqlite
  std::string lease_file;                // kinesis, sqlite
};

struct DaemonConfig {
  std::string path;  // of the file, for messages
  std::string state_dir = ".";
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
  std::string http_host = "127.0.0.1";  // /healthz and /metrics
  int http_port = 9108;                 // 0: any free port; -1: off
  std::vector<DaemonSource> sources;
  std::vector<ConfiguredVpcFlowFormat> vpc_flow_formats;  // for header-less CloudWatch Logs
};

// Reads and validates; relative paths are taken from the configuration file's folder.
// Problems are "file:line: message", all of them.
Result<DaemonConfig> LoadDaemonConfig(const std::string& path);
// The same from text; `path` names it in messages and anchors relative paths.
Result<DaemonConfig> ParseDaemonConfig(const std::string& text, const std::string& path);

}  // namespace fastpath
