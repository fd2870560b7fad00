// The top-level fields a log type's records can have, where the format fixes them: CloudTrail
// records, VPC and Transit Gateway flow logs, and the space-separated text logs (S3 access, load
// balancers, Route 53 public query logs). `rules check` warns about a pattern that
// reads a field none of its log types has (a typo such as `detail.eventname` never matches).
#pragma once

#include <string_view>
#include <vector>

#include "core/event.h"

namespace fastpath {

// The field names; empty when the type's records are open-ended (findings, JSON service logs,
// CloudFront's #Fields header, API Gateway access logs' $context fields, Lambda and RDS messages)
// and nothing can be said.
std::vector<std::string_view> RecordTopLevelFields(LogType t);

}  // namespace fastpath
