#include "alerts/outputs/output_support.h"

namespace fastpath {
namespace outputs {
namespace {

class PagerDutyOutput final : public AlertOutput {
 public:
  PagerDutyOutput(std::string url, std::string routing_key)
      : url_(std::move(url)), key_(std::move(routing_key)) {}
  SendResult Send(const StoredAlert& a) override {
    const std::string body =
        "{\"routing_key\":" + Json(key_) +
        ",\"event_action\":\"trigger\",\"dedup_key\":" + Json(a.id) +
        ",\"payload\":{\"summary\":" + Json(AlertSummary(a).substr(0, 1024)) +
        ",\"source\":" + Json(Where(a)) + ",\"severity\":" + Json(PagerDutySeverity(a.severity)) +
        ",\"timestamp\":" + Json(FormatRfc3339(a.event_time)) +
        ",\"component\":" + Json(Or(a.event_name, "aws")) +
        ",\"group\":" + Json(Or(a.account, "aws")) + ",\"class\":" + Json(a.rule_id) +
        ",\"custom_details\":" + a.json + "},\"client\":\"fastpath\"}";
    return PostJson(url_, body, {});
  }

 private:
  const std::string url_, key_;
};

Result<std::unique_ptr<AlertOutput>> BuildPagerDuty(const OutputConfig& c, const aws::AwsClient*) {
  if (Status s = Need(c, "routing_key"); !s.ok()) return s;
  return std::unique_ptr<AlertOutput>(new PagerDutyOutput(
      Get(c, "url", "https://events.pagerduty.com/v2/enqueue"), Get(c, "routing_key")));
}

}  // namespace
}  // namespace outputs

extern const OutputDescriptor kPagerDutyOutputType = {
    "pagerduty",
    "PagerDuty Events API v2: a trigger whose dedup_key is the alert id",
    {{"url", "the Events API URL (default https://events.pagerduty.com/v2/enqueue)"},
     {"routing_key", "the integration's routing key (required)", ConfigValue::kSecret}},
    /*needs_aws=*/false,
    outputs::BuildPagerDuty};

std::string PagerDutySeverity(std::string_view severity) {
  if (severity == "critical") return "critical";
  if (severity == "high") return "error";
  if (severity == "medium") return "warning";
  return "info";
}

}  // namespace fastpath
