// Route 53 Resolver query logging: every VPC is associated with a query logging configuration.
#include <set>

#include "audit/audit_util.h"

namespace fastpath::audit {
namespace {

void Check(AuditContext& ctx) {
  auto vpcs = ListVpcs(ctx);
  if (!vpcs) return;
  std::set<std::string> logged;
  std::string token;
  do {
    std::string body = "{\"MaxResults\":100";
    if (!token.empty()) body += "," + aws::JsonField("NextToken", token);
    body += "}";
    Reply r = ctx.Json("route53resolver", "Route53Resolver",
                       "ListResolverQueryLogConfigAssociations", body);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (!ctx.ParseJson(r, &parser, &doc,
                       "route53resolver:ListResolverQueryLogConfigAssociations")) {
      return;
    }
    for (simdjson::dom::element a : JArr(doc, "ResolverQueryLogConfigAssociations")) {
      if (JStr(a, "Status") == "ACTIVE" || JStr(a, "Status") == "CREATING") {
        logged.emplace(JStr(a, "ResourceId"));
      }
    }
    token = std::string(JStr(doc, "NextToken"));
  } while (!token.empty());
  if (vpcs->empty()) ctx.Note("no VPCs in this region");
  for (const std::string& vpc : *vpcs) {
    if (logged.count(vpc) != 0) {
      ctx.Ok("resolver_query_logs.associated", vpc, "VPC " + vpc + " logs its DNS queries");
    } else {
      ctx.Gap("resolver_query_logs.missing", vpc, "VPC " + vpc + " logs no Resolver DNS queries",
              "Associate the VPC with a Resolver query logging configuration.",
              "aws route53resolver associate-resolver-query-log-config "
              "--resolver-query-log-config-id CONFIG_ID --resource-id " +
                  vpc + " --region " + ctx.region());
    }
  }
}

}  // namespace

extern const ComponentDescriptor kResolverQueryLogsComponent = {
    "resolver_query_logs",
    "Resolver query logs",
    "DNS queries from inside every VPC: command and control, DNS exfiltration.",
    false,
    {"ec2:DescribeVpcs", "route53resolver:ListResolverQueryLogConfigAssociations"},
    &Check};

}  // namespace fastpath::audit
