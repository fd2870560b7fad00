// OCSF 1.1.0 rendering of canonical events (`scan --output ocsf`), one class per record:
//
//   CloudTrail       Authentication 3002 (sign-in), Account Change 3001 (IAM user and
//                    credential changes), API Activity 6003 (everything else)
//   VPC flow, NLB, Network Firewall      Network Activity 4001
//   ALB, CLB, CloudFront, WAF, API Gateway access logs   HTTP Activity 4002
//   Route 53 query logs, Resolver        DNS Activity 4003
//   S3 server access                     API Activity 6003
//   GuardDuty, Macie, Security Hub, Inspector   Detection 2004 / Vulnerability 2002 /
//                    Compliance 2003 Finding (Security Hub by the finding's content)
//   Config compliance changes, Trusted Advisor  Compliance Finding 2003
//   anything else (Lambda, RDS, API Gateway execution logs, Config items, digests, ...)
//                    Base Event 0, with a message
//
// docs/ocsf.md lists, per type, which attributes are filled from which fields.
// Pure functions, thread-safe.
#pragma once

#include <string>

#include "core/event.h"

namespace fastpath {

inline constexpr const char* kOcsfVersion = "1.1.0";

// Appends the event as one OCSF JSON object and a newline. The native record travels in
// `raw_data` so nothing is lost. Returns the class_uid used.
int AppendOcsfJsonLine(const Event& e, std::string* out);

}  // namespace fastpath
