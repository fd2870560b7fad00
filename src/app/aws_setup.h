// The AWS settings the CLI and the daemon share: region, profile and endpoint overrides, turned
// into a client with the default credential chain.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "aws/aws_client.h"

namespace fastpath {

struct AwsSettings {
  std::string region;        // empty: AWS_REGION, AWS_DEFAULT_REGION, the profile's, us-east-1
  std::string profile;       // empty: AWS_PROFILE or default
  std::string endpoint_url;  // every service (a local server); empty: AWS
  std::map<std::string, std::string> endpoints;  // per service, over endpoint_url
};

std::unique_ptr<aws::AwsClient> MakeAwsClient(const AwsSettings& settings);

}  // namespace fastpath
