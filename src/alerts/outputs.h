// Alert outputs: where an alert goes once it is in the outbox. Each formats the stored alert as
// its receiver documents and sends it; the dispatcher retries and rate-limits around them. Each
// output type is one file under src/alerts/outputs/ with its OutputDescriptor, listed in
// OutputTypes(); the daemon's configuration, `run --check` and the configuration reference read
// the descriptors.
//
//   stdout, file        the alert line (NDJSON); files rotate by size
//   webhook             POST of the alert line; X-Fastpath-Alert-Id and Idempotency-Key carry the
//                       alert id; X-Fastpath-Signature: sha256=HMAC(secret, timestamp "." body)
//   slack, teams        incoming webhooks: a readable message (severity, rule, account and
//                       region, principal, source IP, runbook)
//   pagerduty           Events API v2 "trigger", dedup_key = alert id, severity mapped
//   opsgenie            Alert API, alias = alert id (Opsgenie de-duplicates on it), priority P1-P5
//   sns, sqs, kinesis, firehose, s3
//                       through fastpath's AWS client (Publish, SendMessage, PutRecord,
//                       PutRecordBatch, PutObject at <prefix>/YYYY/MM/DD/<alert id>.json)
//   syslog              RFC 5424 over UDP, TCP or TLS (octet-counted framing on streams)
//   email               SMTP (or SMTPS / STARTTLS) through libcurl
// Secrets (webhook URLs, keys, passwords) come from the configuration's *_env / *_file
// references and never reach a log line.
#pragma once

#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alerts/outbox.h"
#include "aws/aws_client.h"
#include "config/config_section.h"

namespace fastpath {

struct SendResult {
  bool ok = false;
  bool permanent = false;  // retrying cannot help (a 4xx other than 408/429, a bad config)
  std::string error;
  static SendResult Ok() { return {true, false, ""}; }
  static SendResult Retry(std::string e) { return {false, false, std::move(e)}; }
  static SendResult Permanent(std::string e) { return {false, true, std::move(e)}; }
};

class AlertOutput {
 public:
  virtual ~AlertOutput() = default;
  virtual SendResult Send(const StoredAlert& a) = 0;
};

struct OutputConfig {
  std::string name;
  std::string type;
  std::map<std::string, std::string> settings;  // url, key, topic_arn, host, port, ...
  std::map<std::string, std::string> headers;   // webhook
  std::vector<std::string> to;                  // email recipients
  double rate_per_second = 10;
  int burst = 10;
  TimeNs max_age = 24LL * 3600 * 1000000000;
  std::vector<std::string> severities;  // empty: every severity
};

struct OutputDescriptor {
  const char* type;     // `type:` in alerts.outputs
  const char* summary;  // one line, for the configuration reference
  // Keys the type takes besides the common ones (kCommonOutputKeys). Text values go to
  // OutputConfig::settings (paths made absolute), the list to `to`, the map to `headers`.
  std::vector<ConfigKeyDoc> keys;
  bool needs_aws;
  // Creates the output; AWS types use `aws` (must outlive it).
  Result<std::unique_ptr<AlertOutput>> (*build)(const OutputConfig& c, const aws::AwsClient* aws);
};

// Keys every output takes.
inline constexpr std::initializer_list<const char*> kCommonOutputKeys = {
    "name", "type", "rate_per_second", "burst", "max_age", "severities"};

// Every built-in output type, in the order the configuration reference lists them.
const std::vector<const OutputDescriptor*>& OutputTypes();
const OutputDescriptor* FindOutputType(std::string_view type);
// Reads an output's section (its keys checked against the descriptor) into *oc, whose name and
// type are set; problems go to the section's file.
void ReadOutputConfig(const ConfigSection& o, const OutputDescriptor& d, OutputConfig* oc);
// Creates the output of c.type; AWS types use `aws` (must outlive it).
Result<std::unique_ptr<AlertOutput>> MakeOutput(const OutputConfig& c, const aws::AwsClient* aws);

// Message texts shared by the human-facing outputs.
std::string AlertSummary(
    const StoredAlert& a);  // "[CRITICAL] title: event by principal in acct/region"
std::string PagerDutySeverity(std::string_view severity);
std::string OpsgeniePriority(std::string_view severity);
int SyslogSeverity(std::string_view severity);
// One RFC 5424 message (without transport framing).
std::string SyslogMessage(const StoredAlert& a, int facility, const std::string& hostname);
std::string WebhookSignature(const std::string& secret, const std::string& timestamp,
                             const std::string& body);

}  // namespace fastpath
