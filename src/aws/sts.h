// STS calls made with a client's own credentials: who am I, and the credentials of a role in
// another account (the audit's way into each member account of an organization).
#pragma once

#include <string>

#include "aws/aws_client.h"
#include "aws/sigv4.h"
#include "core/status.h"

namespace fastpath::aws {

// GetCallerIdentity: the account id of the client's credentials.
Result<std::string> CallerAccount(const AwsClient& client, AwsError* error = nullptr);

// AssumeRole: temporary credentials for `role_arn` (session of `seconds`, 900..43200).
Result<Credentials> AssumeRole(const AwsClient& client, const std::string& role_arn,
                               const std::string& session_name, const std::string& external_id,
                               int seconds = 3600, AwsError* error = nullptr);

}  // namespace fastpath::aws
