// The one list of audited components. A new component is its file (check and descriptor) plus
// one line here.
#include <set>

#include "audit/audit.h"

namespace fastpath::audit {

extern const ComponentDescriptor kCloudTrailComponent;
extern const ComponentDescriptor kEventBridgeComponent;
extern const ComponentDescriptor kCloudWatchLogsComponent;
extern const ComponentDescriptor kVpcFlowLogsComponent;
extern const ComponentDescriptor kResolverQueryLogsComponent;
extern const ComponentDescriptor kLoadBalancerLogsComponent;
extern const ComponentDescriptor kWafLoggingComponent;
extern const ComponentDescriptor kNetworkFirewallLoggingComponent;
extern const ComponentDescriptor kGuardDutyComponent;
extern const ComponentDescriptor kSecurityHubComponent;
extern const ComponentDescriptor kConfigComponent;
extern const ComponentDescriptor kInspectorComponent;
extern const ComponentDescriptor kMacieComponent;
extern const ComponentDescriptor kRoute53QueryLogsComponent;
extern const ComponentDescriptor kCloudFrontLoggingComponent;
extern const ComponentDescriptor kS3NotificationsComponent;

const std::vector<const ComponentDescriptor*>& Components() {
  static const std::vector<const ComponentDescriptor*> kAll = {
      &kCloudTrailComponent,
      &kEventBridgeComponent,
      &kCloudWatchLogsComponent,
      &kVpcFlowLogsComponent,
      &kResolverQueryLogsComponent,
      &kLoadBalancerLogsComponent,
      &kWafLoggingComponent,
      &kNetworkFirewallLoggingComponent,
      &kGuardDutyComponent,
      &kSecurityHubComponent,
      &kConfigComponent,
      &kInspectorComponent,
      &kMacieComponent,
      &kRoute53QueryLogsComponent,
      &kCloudFrontLoggingComponent,
      &kS3NotificationsComponent,
  };
  return kAll;
}

const ComponentDescriptor* FindComponent(std::string_view name) {
  for (const ComponentDescriptor* c : Components()) {
    if (name == c->name) return c;
  }
  return nullptr;
}

std::string AuditPolicyJson() {
  std::set<std::string> actions = {"sts:GetCallerIdentity", "organizations:DescribeOrganization",
                                   "organizations:ListAccounts", "ec2:DescribeRegions"};
  for (const ComponentDescriptor* c : Components()) {
    for (const char* a : c->permissions) actions.insert(a);
  }
  std::string out =
      "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": "
      "\"FastpathAuditReadOnly\",\n      \"Effect\": \"Allow\",\n      \"Action\": [\n";
  size_t i = 0;
  for (const std::string& a : actions) {
    out += "        \"" + a + "\"" + (++i < actions.size() ? ",\n" : "\n");
  }
  out += "      ],\n      \"Resource\": \"*\"\n    }\n  ]\n}\n";
  return out;
}

}  // namespace fastpath::audit
