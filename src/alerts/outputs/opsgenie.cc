#include "alerts/outputs/output_support.h"

namespace fastpath {
namespace outputs {
namespace {

class OpsgenieOutput final : public AlertOutput {
 public:
  OpsgenieOutput(std::string url, std::string key) : url_(std::move(url)), key_(std::move(key)) {}
  SendResult Send(const StoredAlert& a) override {
    const std::string body =
        "{\"message\":" + Json(AlertSummary(a).substr(0, 130)) + ",\"alias\":" + Json(a.id) +
        ",\"description\":" +
        Json(a.title + "\n" + a.runbook + "\nprincipal: " + Or(a.principal, "-") +
             "\nsource IP: " + Or(a.source_ip, "-")) +
        ",\"priority\":" + Json(OpsgeniePriority(a.severity)) + ",\"source\":\"fastpath\"," +
        "\"entity\":" + Json(Where(a)) + ",\"tags\":[" + Json(a.rule_id) + "," + Json(a.severity) +
        "],\"details\":{\"alert_id\":" + Json(a.id) + ",\"rule_id\":" + Json(a.rule_id) +
        ",\"account\":" + Json(a.account) + ",\"region\":" + Json(a.region) +
        ",\"event_id\":" + Json(a.event_id) + "}}";
    return PostJson(url_, body, {{"Authorization", "GenieKey " + key_}});
  }

 private:
  const std::string url_, key_;
};

Result<std::unique_ptr<AlertOutput>> BuildOpsgenie(const OutputConfig& c, const aws::AwsClient*) {
  if (Status s = Need(c, "api_key"); !s.ok()) return s;
  return std::unique_ptr<AlertOutput>(
      new OpsgenieOutput(Get(c, "url", "https://api.opsgenie.com/v2/alerts"), Get(c, "api_key")));
}

}  // namespace
}  // namespace outputs

extern const OutputDescriptor kOpsgenieOutputType = {
    "opsgenie",
    "Opsgenie Alert API: an alert whose alias is the alert id, priority P1-P5",
    {{"url", "the Alert API URL (default https://api.opsgenie.com/v2/alerts)"},
     {"api_key", "the API integration key (required)", ConfigValue::kSecret}},
    /*needs_aws=*/false,
    outputs::BuildOpsgenie};

std::string OpsgeniePriority(std::string_view severity) {
  if (severity == "critical") return "P1";
  if (severity == "high") return "P2";
  if (severity == "medium") return "P3";
  if (severity == "low") return "P4";
  return "P5";
}

}  // namespace fastpath
