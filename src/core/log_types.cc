#include "core/log_types.h"

namespace fastpath {
namespace {

using O = OcsfMapping;
using R = Recogniser;

// One row per LogType, in enum order (checked by log_types_test).
constexpr LogTypeInfo kTable[kNumLogTypes] = {
    {LogType::kUnknown, "unknown", "unknown", R::kNone,
     "SHA-256 of the canonical JSON; a text line: XXH3-128 of where it was and the line", "", "",
     "", false, "", false, O::kBase},
    {LogType::kCloudTrail, "aws.cloudtrail", "CloudTrail", R::kCloudTrail, "eventID", "", "", "",
     true, "cloudtrail", true, O::kCloudTrail},
    {LogType::kCloudTrailDigest, "aws.cloudtrail.digest", "CloudTrail", R::kCloudTrail,
     "the digest's bucket/object", "", "", "", false, "", false, O::kBase},
    {LogType::kCloudTrailInsight, "aws.cloudtrail.insight", "CloudTrail", R::kCloudTrail, "eventID",
     "", "", "", true, "cloudtrail", true, O::kCloudTrail},
    {LogType::kEventBridge, "aws.eventbridge", "EventBridge", R::kEnvelope,
     "the event's id (else SHA-256 of the canonical JSON)", "", "", "", false, "", true, O::kBase},
    {LogType::kVpcFlow, "aws.vpcflow", "VPC Flow Logs", R::kTextLine, "XXH3-128 of the line", "",
     "", "", false, "vpcflow", false, O::kVpcFlow},
    {LogType::kConfig, "aws.config", "Config", R::kJsonService,
     "items: resourceType/resourceId/configurationStateId; compliance: "
     "rule/resourceType/resourceId@orderingTimestamp; others: SHA-256 of the canonical JSON",
     "aws.config", "", "", true, "config", false, O::kConfig},
    {LogType::kGuardDuty, "aws.guardduty", "GuardDuty", R::kJsonService, "id@updatedAt",
     "aws.guardduty", "GuardDuty Finding", "", true, "guardduty", false, O::kGuardDuty},
    {LogType::kSecurityHub, "aws.securityhub", "Security Hub", R::kJsonService, "Id@UpdatedAt",
     "aws.securityhub", "Security Hub Findings - Imported", "findings.", true, "securityhub", false,
     O::kSecurityHub},
    {LogType::kInspector, "aws.inspector", "Inspector", R::kJsonService, "findingArn@updatedAt",
     "aws.inspector2", "Inspector2 Finding", "", true, "inspector", false, O::kInspector},
    {LogType::kMacie, "aws.macie", "Macie", R::kJsonService, "id@updatedAt", "aws.macie",
     "Macie Finding", "", true, "macie", false, O::kMacie},
    {LogType::kTrustedAdvisor, "aws.trustedadvisor", "Trusted Advisor", R::kJsonService,
     "the envelope's id; API results: checkId@timestamp", "aws.trustedadvisor",
     "Trusted Advisor Check Item Refresh Notification", "", true, "trustedadvisor", false,
     O::kTrustedAdvisor},
    {LogType::kS3Access, "aws.s3access", "S3", R::kTextLine, "XXH3-128 of the line", "", "", "",
     false, "s3", false, O::kS3Access},
    {LogType::kElb, "aws.elb", "Elastic Load Balancing", R::kTextLine, "XXH3-128 of the line", "",
     "", "", false, "elb", false, O::kLoadBalancer},
    {LogType::kAlb, "aws.alb", "Elastic Load Balancing", R::kTextLine, "XXH3-128 of the line", "",
     "", "", false, "alb", false, O::kLoadBalancer},
    {LogType::kNlb, "aws.nlb", "Elastic Load Balancing", R::kTextLine, "XXH3-128 of the line", "",
     "", "", false, "nlb", false, O::kNlb},
    {LogType::kCloudFront, "aws.cloudfront", "CloudFront", R::kTextLine,
     "XXH3-128 of the line (JSON records: SHA-256 of the canonical JSON)", "", "", "", false,
     "cloudfront", false, O::kCloudFront},
    {LogType::kApiGateway, "aws.apigateway", "API Gateway", R::kTextLine,
     "JSON access logs: requestId@apiId; lines: XXH3-128 of the line", "", "", "", false,
     "apigateway", false, O::kApiGateway},
    {LogType::kLambda, "aws.lambda", "Lambda", R::kTextLine,
     "XXH3-128 of where the line was and the line", "", "", "", false, "lambda", false, O::kBase},
    {LogType::kRds, "aws.rds", "RDS", R::kTextLine, "XXH3-128 of where the line was and the line",
     "", "", "", false, "rds", false, O::kBase},
    {LogType::kRoute53, "aws.route53", "Route 53", R::kTextLine, "XXH3-128 of the line", "", "", "",
     false, "route53", false, O::kDns},
    {LogType::kRoute53Resolver, "aws.route53resolver", "Route 53", R::kJsonService,
     "SHA-256 of the canonical JSON", "", "", "", false, "route53resolver", false, O::kDns},
    {LogType::kWaf, "aws.waf", "WAF", R::kJsonService, "SHA-256 of the canonical JSON", "", "", "",
     false, "waf", false, O::kWaf},
    {LogType::kNetworkFirewall, "aws.networkfirewall", "Network Firewall", R::kJsonService,
     "SHA-256 of the canonical JSON", "", "", "", false, "networkfirewall", false,
     O::kNetworkFirewall},
};

}  // namespace

const LogTypeInfo& LogTypeFacts(LogType t) {
  const auto i = static_cast<size_t>(t);
  return i < static_cast<size_t>(kNumLogTypes) ? kTable[i] : kTable[0];
}

const LogTypeInfo* LogTypeTable() {
  return kTable;
}

LogType LogTypeForEventBridgeSource(std::string_view source) {
  if (source.empty()) return LogType::kUnknown;
  for (const LogTypeInfo& row : kTable) {
    if (row.eventbridge_source == source) return row.type;
  }
  return LogType::kUnknown;
}

}  // namespace fastpath
