#include "aws/sts.h"

#include "core/time_util.h"

namespace fastpath::aws {

Result<std::string> CallerAccount(const AwsClient& client, AwsError* error) {
  auto xml = client.CallQuery("sts", "GetCallerIdentity", "2011-06-15", {}, error);
  if (!xml.ok()) return xml.status();
  std::string account = XmlText(xml.value(), "Account");
  if (account.empty()) return Status::Corrupt("GetCallerIdentity: the response names no Account");
  return account;
}

Result<Credentials> AssumeRole(const AwsClient& client, const std::string& role_arn,
                               const std::string& session_name, const std::string& external_id,
                               int seconds, AwsError* error) {
  std::vector<std::pair<std::string, std::string>> params = {
      {"RoleArn", role_arn},
      {"RoleSessionName", session_name},
      {"DurationSeconds", std::to_string(seconds)}};
  if (!external_id.empty()) params.emplace_back("ExternalId", external_id);
  auto xml = client.CallQuery("sts", "AssumeRole", "2011-06-15", params, error);
  if (!xml.ok()) return xml.status();
  Credentials c;
  c.access_key_id = XmlText(xml.value(), "AccessKeyId");
  c.secret_access_key = XmlText(xml.value(), "SecretAccessKey");
  c.session_token = XmlText(xml.value(), "SessionToken");
  if (auto t = ParseRfc3339(XmlText(xml.value(), "Expiration"))) c.expiration = *t;
  c.source = "AssumeRole " + role_arn;
  if (c.empty())
    return Status::Corrupt("AssumeRole " + role_arn + ": the response holds no credentials");
  return c;
}

}  // namespace fastpath::aws
