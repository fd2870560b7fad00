#include "alerts/outputs/output_support.h"

#include "core/hash.h"

namespace fastpath {
namespace outputs {
namespace {

class WebhookOutput final : public AlertOutput {
 public:
  WebhookOutput(std::string url, std::string secret, std::map<std::string, std::string> headers)
      : url_(std::move(url)), secret_(std::move(secret)), headers_(std::move(headers)) {}
  SendResult Send(const StoredAlert& a) override {
    aws::HeaderList h = {{"X-Fastpath-Alert-Id", a.id}, {"Idempotency-Key", a.id}};
    if (!secret_.empty()) {
      const std::string ts = std::to_string(NowNs() / 1000000000);
      h.emplace_back("X-Fastpath-Timestamp", ts);
      h.emplace_back("X-Fastpath-Signature", "sha256=" + WebhookSignature(secret_, ts, a.json));
    }
    for (const auto& [k, v] : headers_) h.emplace_back(k, v);
    return PostJson(url_, a.json, std::move(h));
  }

 private:
  const std::string url_, secret_;
  const std::map<std::string, std::string> headers_;
};

Result<std::unique_ptr<AlertOutput>> BuildWebhook(const OutputConfig& c, const aws::AwsClient*) {
  if (Status s = Need(c, "url"); !s.ok()) return s;
  return std::unique_ptr<AlertOutput>(
      new WebhookOutput(Get(c, "url"), Get(c, "secret"), c.headers));
}

}  // namespace
}  // namespace outputs

extern const OutputDescriptor kWebhookOutputType = {
    "webhook",
    "POST of the alert line, with the alert id as idempotency key and an optional HMAC-SHA256 "
    "signature",
    {{"url", "the endpoint (required)", ConfigValue::kSecretOrText},
     {"secret", "HMAC key for X-Fastpath-Signature", ConfigValue::kSecret},
     {"headers", "extra request headers", ConfigValue::kMap}},
    /*needs_aws=*/false,
    outputs::BuildWebhook};

std::string WebhookSignature(const std::string& secret, const std::string& timestamp,
                             const std::string& body) {
  return HexEncode(HmacSha256(secret, timestamp + "." + body));
}

}  // namespace fastpath
