// Credentials and the provider chain AWS users expect, in the SDKs' order:
//   1. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
//   2. the shared config and credentials files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE,
//      profile from AWS_PROFILE or the configuration): static keys, role_arn with source_profile
//      or credential_source through STS AssumeRole, web_identity_token_file, credential_process
//   3. web identity from the environment (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, as EKS sets)
//   4. ECS container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI with
//      AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE])
//   5. EC2 instance metadata, IMDSv2 (session token first), unless AWS_EC2_METADATA_DISABLED
// Temporary credentials are cached and refreshed five minutes before they expire. Secrets are
// never logged: errors name the provider and the file or variable, not the values.
#pragma once

#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "aws/http_client.h"
#include "aws/sigv4.h"
#include "core/status.h"

namespace fastpath::aws {

class CredentialProvider {
 public:
  virtual ~CredentialProvider() = default;
  virtual Result<Credentials> Get() = 0;
};

// Fixed credentials (tests, or keys given in configuration).
class StaticCredentialProvider final : public CredentialProvider {
 public:
  explicit StaticCredentialProvider(Credentials c) : c_(std::move(c)) {}
  Result<Credentials> Get() override { return c_; }

 private:
  Credentials c_;
};

struct ChainOptions {
  std::string profile;  // empty: AWS_PROFILE, else "default"
  std::string
      region;  // for STS calls; empty: AWS_REGION / AWS_DEFAULT_REGION / profile / us-east-1
  std::string sts_endpoint;  // override (local servers); empty: https://sts.<region>.amazonaws.com
  // Reads an environment variable; tests substitute their own.
  std::function<const char*(const char*)> getenv = [](const char* n) { return std::getenv(n); };
};

// One section of a shared config or credentials file.
using ProfileSection = std::map<std::string, std::string>;
// Parses the INI format of ~/.aws/config ("[profile x]", "[default]") and ~/.aws/credentials
// ("[x]"); keys are lower-cased, "[profile x]" becomes "x".
std::map<std::string, ProfileSection> ParseProfileFile(std::string_view text, bool config_file);

// Builds the chain; Get() walks it on first use and whenever the cached credentials are within
// five minutes of expiring. Thread-safe.
class DefaultCredentialChain final : public CredentialProvider {
 public:
  explicit DefaultCredentialChain(ChainOptions options);
  Result<Credentials> Get() override;
  // Which providers were tried and why each declined, for the error message.
  Result<Credentials> Resolve();

 private:
  Result<Credentials> FromProfile(const std::string& name, int depth);
  Result<Credentials> AssumeRole(const Credentials& source, const ProfileSection& p,
                                 const std::string& profile);
  Result<Credentials> WebIdentity(const std::string& role_arn, const std::string& token_file,
                                  const std::string& session_name);
  Result<Credentials> Ecs();
  Result<Credentials> Imds();
  std::string Env(const char* name) const;
  // A query-protocol POST to STS (the regional endpoint, or the override).
  HttpRequest StsRequest(const std::string& region,
                         const std::vector<std::pair<std::string, std::string>>& params) const;
  std::string Region() const;

  ChainOptions options_;
  std::map<std::string, ProfileSection> config_, credentials_;
  std::mutex mu_;
  std::optional<Credentials> cached_;
};

// Parses a credential_process / ECS / IMDS JSON document.
Result<Credentials> ParseCredentialJson(std::string_view json, std::string_view source);

}  // namespace fastpath::aws
