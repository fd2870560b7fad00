#include "app/aws_setup.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fastpath {
namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

// The region of `profile` in the shared config file, or "".
std::string ProfileRegion(const std::string& profile) {
  std::string path = EnvOr("AWS_CONFIG_FILE", EnvOr("HOME", "") + "/.aws/config");
  std::ifstream in(path);
  if (!in) return "";
  std::stringstream ss;
  ss << in.rdbuf();
  auto sections = aws::ParseProfileFile(ss.str(), true);
  auto it = sections.find(profile);
  if (it == sections.end()) return "";
  auto r = it->second.find("region");
  return r == it->second.end() ? "" : r->second;
}

}  // namespace

std::unique_ptr<aws::AwsClient> MakeAwsClient(const AwsSettings& s) {
  aws::ChainOptions chain;
  chain.profile = s.profile;
  const std::string profile = !s.profile.empty() ? s.profile : EnvOr("AWS_PROFILE", "default");
  aws::AwsClientOptions o;
  o.region = s.region;
  if (o.region.empty()) o.region = EnvOr("AWS_REGION", EnvOr("AWS_DEFAULT_REGION", ""));
  if (o.region.empty()) o.region = ProfileRegion(profile);
  if (o.region.empty()) o.region = "us-east-1";
  chain.region = o.region;
  for (const char* service :
       {"s3", "sqs", "sns", "sts", "kinesis", "dynamodb", "firehose", "logs", "events"}) {
    if (!s.endpoint_url.empty()) o.endpoints[service] = s.endpoint_url;
  }
  if (!s.endpoint_url.empty()) o.endpoints["*"] = s.endpoint_url;
  for (const auto& [k, v] : s.endpoints) o.endpoints[k] = v;
  if (o.endpoints.count("sts") != 0) chain.sts_endpoint = o.endpoints["sts"];
  return std::make_unique<aws::AwsClient>(
      o, std::make_shared<aws::DefaultCredentialChain>(std::move(chain)));
}

}  // namespace fastpath
