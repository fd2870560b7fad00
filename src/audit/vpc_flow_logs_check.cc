// VPC flow logs: every VPC has an active flow log of all traffic, delivering, whose format holds
// the fields fastpath's rules read.
#include <map>

#include "audit/audit_util.h"

namespace fastpath::audit {
namespace {

constexpr const char* kDefaultFormat =
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
    "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";

struct FlowLog {
  std::string id, status, delivery, delivery_error, traffic, format, destination;
};

void Check(AuditContext& ctx) {
  auto vpcs = ListVpcs(ctx);
  if (!vpcs) return;
  std::multimap<std::string, FlowLog> by_resource;
  std::string token;
  do {
    std::vector<std::pair<std::string, std::string>> params;
    if (!token.empty()) params.emplace_back("NextToken", token);
    Reply r = ctx.Query("ec2", "DescribeFlowLogs", "2016-11-15", params);
    pugi::xml_document doc;
    if (!ctx.ParseXml(r, &doc, "ec2:DescribeFlowLogs")) return;
    for (pugi::xml_node item : doc.first_child().child("flowLogSet").children("item")) {
      FlowLog f{item.child("flowLogId").text().as_string(),
                item.child("flowLogStatus").text().as_string(),
                item.child("deliverLogsStatus").text().as_string(),
                item.child("deliverLogsErrorMessage").text().as_string(),
                item.child("trafficType").text().as_string(),
                item.child("logFormat").text().as_string(),
                item.child("logDestination").text().as_string()};
      if (f.destination.empty()) f.destination = item.child("logGroupName").text().as_string();
      by_resource.emplace(item.child("resourceId").text().as_string(), std::move(f));
    }
    token = doc.first_child().child("nextToken").text().as_string();
  } while (!token.empty());

  if (vpcs->empty()) ctx.Note("no VPCs in this region");
  for (const std::string& vpc : *vpcs) {
    auto [lo, hi] = by_resource.equal_range(vpc);
    const FlowLog* best = nullptr;
    for (auto it = lo; it != hi; ++it) {
      const FlowLog& f = it->second;
      if (f.status != "ACTIVE") continue;
      if (best == nullptr || (best->traffic != "ALL" && f.traffic == "ALL")) best = &f;
    }
    const std::string where = " --region " + ctx.region();
    if (best == nullptr) {
      ctx.Gap("vpc_flow_logs.missing", vpc, "VPC " + vpc + " has no active flow log",
              "Create a flow log of all traffic for the VPC, to the bucket or log group fastpath "
              "reads.",
              "aws ec2 create-flow-logs --resource-type VPC --resource-ids " + vpc +
                  " --traffic-type ALL --log-destination-type s3 --log-destination "
                  "arn:aws:s3:::BUCKET" +
                  where);
      continue;
    }
    bool fine = true;
    if (best->delivery == "FAILED") {
      fine = false;
      ctx.Gap("vpc_flow_logs.delivery_failed", vpc,
              "flow log " + best->id + " of " + vpc + " fails to deliver: " +
                  (best->delivery_error.empty() ? "FAILED" : best->delivery_error),
              "Fix the flow log's permissions to its destination, or recreate it.",
              "aws ec2 describe-flow-logs --flow-log-ids " + best->id + where);
    }
    if (best->traffic != "ALL") {
      fine = false;
      ctx.Gap("vpc_flow_logs.partial_traffic", vpc,
              "flow log " + best->id + " of " + vpc + " records only " + best->traffic + " traffic",
              "Record ALL traffic: accepted connections are what exfiltration looks like.",
              "aws ec2 create-flow-logs --resource-type VPC --resource-ids " + vpc +
                  " --traffic-type ALL --log-destination-type s3 --log-destination "
                  "arn:aws:s3:::BUCKET" +
                  where);
    }
    const std::string format = best->format.empty() ? kDefaultFormat : best->format;
    std::string missing;
    for (const std::string& field : ctx.settings().flow_log_fields) {
      if (format.find("${" + field + "}") == std::string::npos) {
        missing += (missing.empty() ? "" : " ") + field;
      }
    }
    if (!missing.empty()) {
      fine = false;
      ctx.Gap("vpc_flow_logs.format_fields", vpc,
              "flow log " + best->id + " of " + vpc + " lacks the fields " + missing,
              "Recreate the flow log with a format that includes " + missing + ".",
              "aws ec2 create-flow-logs --resource-type VPC --resource-ids " + vpc +
                  " --traffic-type ALL --log-format " + ShellQuote(std::string(kDefaultFormat)) +
                  " --log-destination-type s3 --log-destination arn:aws:s3:::BUCKET" + where);
    }
    if (fine)
      ctx.Ok("vpc_flow_logs.active", vpc, "flow log " + best->id + " -> " + best->destination);
  }
}

}  // namespace

extern const ComponentDescriptor kVpcFlowLogsComponent = {
    "vpc_flow_logs",
    "VPC flow logs",
    "Network connections of every VPC: scans, exfiltration, traffic to known-bad addresses.",
    false,
    {"ec2:DescribeVpcs", "ec2:DescribeFlowLogs"},
    &Check};

}  // namespace fastpath::audit
