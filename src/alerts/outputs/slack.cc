#include "alerts/outputs/output_support.h"

namespace fastpath {
namespace outputs {
namespace {

class SlackOutput final : public AlertOutput {
 public:
  explicit SlackOutput(std::string url) : url_(std::move(url)) {}
  SendResult Send(const StoredAlert& a) override {
    auto field = [](const char* k, const std::string& v) {
      return "{\"type\":\"mrkdwn\",\"text\":" + Json(std::string("*") + k + "*\n" + v) + "}";
    };
    std::string body = "{\"text\":" + Json(AlertSummary(a)) + ",\"blocks\":[";
    body += "{\"type\":\"header\",\"text\":{\"type\":\"plain_text\",\"text\":" +
            Json("[" + Upper(a.severity) + "] " + a.title) + "}},";
    body += "{\"type\":\"section\",\"fields\":[" + field("Severity", a.severity) + "," +
            field("Rule", a.rule_id) + "," + field("Account / region", Where(a)) + "," +
            field("Event", Or(a.event_name, "-")) + "," + field("Principal", Or(a.principal, "-")) +
            "," + field("Source IP", Or(a.source_ip, "-")) + "]}";
    if (!a.runbook.empty()) {
      body += ",{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":" +
              Json("*Runbook*: " + a.runbook) + "}}";
    }
    body += ",{\"type\":\"context\",\"elements\":[{\"type\":\"mrkdwn\",\"text\":" +
            Json("alert " + a.id + " · event " + a.event_id + " · " + FormatRfc3339(a.event_time)) +
            "}]}]}";
    return PostJson(url_, body, {});
  }

 private:
  const std::string url_;
};

Result<std::unique_ptr<AlertOutput>> BuildSlack(const OutputConfig& c, const aws::AwsClient*) {
  if (Status s = Need(c, "url"); !s.ok()) return s;
  return std::unique_ptr<AlertOutput>(new SlackOutput(Get(c, "url")));
}

}  // namespace
}  // namespace outputs

extern const OutputDescriptor kSlackOutputType = {
    "slack",
    "a Slack incoming webhook: a readable message (severity, rule, where, principal, runbook)",
    {{"url", "the incoming webhook URL (required)", ConfigValue::kSecretOrText}},
    /*needs_aws=*/false,
    outputs::BuildSlack};

}  // namespace fastpath
