#include "alerts/outputs/output_support.h"

namespace fastpath {
namespace outputs {
namespace {

class TeamsOutput final : public AlertOutput {
 public:
  explicit TeamsOutput(std::string url) : url_(std::move(url)) {}
  SendResult Send(const StoredAlert& a) override {
    auto fact = [](const char* k, const std::string& v) {
      return "{\"title\":" + Json(k) + ",\"value\":" + Json(v) + "}";
    };
    std::string card =
        "{\"$schema\":\"http://adaptivecards.io/schemas/adaptive-card.json\",\"type\":"
        "\"AdaptiveCard\",\"version\":\"1.4\",\"body\":[{\"type\":\"TextBlock\",\"size\":"
        "\"Medium\",\"weight\":\"Bolder\",\"wrap\":true,\"text\":" +
        Json("[" + Upper(a.severity) + "] " + a.title) + "},{\"type\":\"FactSet\",\"facts\":[" +
        fact("Severity", a.severity) + "," + fact("Rule", a.rule_id) + "," +
        fact("Account / region", Where(a)) + "," + fact("Event", Or(a.event_name, "-")) + "," +
        fact("Principal", Or(a.principal, "-")) + "," + fact("Source IP", Or(a.source_ip, "-")) +
        "," + fact("Alert id", a.id) + "]}";
    if (!a.runbook.empty()) {
      card +=
          ",{\"type\":\"TextBlock\",\"wrap\":true,\"text\":" + Json("Runbook: " + a.runbook) + "}";
    }
    card += "]}";
    const std::string body =
        "{\"type\":\"message\",\"attachments\":[{\"contentType\":\"application/"
        "vnd.microsoft.card.adaptive\",\"contentUrl\":null,\"content\":" +
        card + "}]}";
    return PostJson(url_, body, {});
  }

 private:
  const std::string url_;
};

Result<std::unique_ptr<AlertOutput>> BuildTeams(const OutputConfig& c, const aws::AwsClient*) {
  if (Status s = Need(c, "url"); !s.ok()) return s;
  return std::unique_ptr<AlertOutput>(new TeamsOutput(Get(c, "url")));
}

}  // namespace
}  // namespace outputs

extern const OutputDescriptor kTeamsOutputType = {
    "teams",
    "a Microsoft Teams incoming webhook: an Adaptive Card",
    {{"url", "the incoming webhook URL (required)", ConfigValue::kSecretOrText}},
    /*needs_aws=*/false,
    outputs::BuildTeams};

}  // namespace fastpath
