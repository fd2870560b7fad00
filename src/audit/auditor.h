// Runs the audit: finds the accounts (the caller's, or every active account of the
// organization, entered by sts:AssumeRole), their enabled regions, and runs every component's
// check per account x region on a bounded pool of threads, a few per account at a time.
#pragma once

#include <functional>
#include <memory>

#include "audit/audit.h"
#include "aws/credentials.h"

namespace fastpath::audit {

struct AuditEnvironment {
  // The caller's identity: a client in its home region (STS, Organizations, EC2 regions).
  const aws::AwsClient* caller = nullptr;
  std::shared_ptr<aws::CredentialProvider> caller_credentials;
  // Endpoints and retry settings every account x region client starts from.
  aws::AwsClientOptions client_options;
  // Told of each finished account x region ("done/total").
  std::function<void(size_t done, size_t total)> progress;
};

Result<AuditReport> RunAudit(const AuditSettings& settings, const AuditEnvironment& env);

// Audits one component of one account and region (the daemon's re-audit after a tamper alert).
Cell AuditOne(const AuditSettings& settings, const AuditEnvironment& env,
              const ComponentDescriptor& component, const AccountInfo& account,
              const std::string& region);

}  // namespace fastpath::audit
