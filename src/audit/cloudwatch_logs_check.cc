// CloudWatch Logs: every source log group the configuration names has a subscription filter (or
// an account-level subscription policy covers it), and a Kinesis destination in the account
// exists.
#include "audit/audit_util.h"

namespace fastpath::audit {
namespace {

constexpr const char* kPrefix = "Logs_20140328";

void Check(AuditContext& ctx) {
  // Account-level subscription policies cover every log group but those they exclude.
  Reply pol = ctx.Json("logs", kPrefix, "DescribeAccountPolicies",
                       "{\"policyType\":\"SUBSCRIPTION_FILTER_POLICY\"}");
  simdjson::dom::parser pp;
  simdjson::dom::element pd;
  if (!ctx.ParseJson(pol, &pp, &pd, "logs:DescribeAccountPolicies")) return;
  std::vector<std::pair<std::string, std::string>> policies;  // name, selection criteria
  for (simdjson::dom::element p : JArr(pd, "accountPolicies")) {
    policies.emplace_back(std::string(JStr(p, "policyName")),
                          std::string(JStr(p, "selectionCriteria")));
    ctx.Note("account subscription policy " + policies.back().first +
             (policies.back().second.empty() ? "" : " (" + policies.back().second + ")"));
  }
  if (ctx.settings().log_groups.empty()) {
    ctx.Note("no source log groups configured (--log-group): only account policies listed");
    return;
  }
  for (const std::string& want : ctx.settings().log_groups) {
    const bool prefix = !want.empty() && want.back() == '*';
    const std::string stem = prefix ? want.substr(0, want.size() - 1) : want;
    std::vector<std::string> groups;
    std::string token;
    do {
      std::string body = "{" + aws::JsonField("logGroupNamePrefix", stem);
      if (!token.empty()) body += "," + aws::JsonField("nextToken", token);
      body += "}";
      Reply r = ctx.Json("logs", kPrefix, "DescribeLogGroups", body);
      simdjson::dom::parser parser;
      simdjson::dom::element doc;
      if (!ctx.ParseJson(r, &parser, &doc, "logs:DescribeLogGroups")) return;
      for (simdjson::dom::element g : JArr(doc, "logGroups")) {
        std::string name(JStr(g, "logGroupName"));
        if (prefix || name == want) groups.push_back(std::move(name));
      }
      token = std::string(JStr(doc, "nextToken"));
    } while (!token.empty());
    if (groups.empty()) {
      ctx.Note("no log group " + want + " here");
      continue;
    }
    for (const std::string& g : groups) {
      Reply r = ctx.Json("logs", kPrefix, "DescribeSubscriptionFilters",
                         "{" + aws::JsonField("logGroupName", g) + "}");
      simdjson::dom::parser parser;
      simdjson::dom::element doc;
      if (!ctx.ParseJson(r, &parser, &doc, "logs:DescribeSubscriptionFilters")) return;
      auto filters = JArr(doc, "subscriptionFilters");
      bool by_policy = false;
      for (const auto& [name, criteria] : policies) {
        if (criteria.find("\"" + g + "\"") == std::string::npos) by_policy = true;
      }
      if (filters.empty() && !by_policy) {
        ctx.Gap("cloudwatch_logs.no_subscription", g,
                "log group " + g + " has no subscription filter: its events never reach fastpath",
                "Subscribe the log group to fastpath's stream (or add an account-level "
                "subscription policy).",
                "aws logs put-subscription-filter --log-group-name " + ShellQuote(g) +
                    " --filter-name fastpath --filter-pattern '' --destination-arn "
                    "DESTINATION_ARN --region " +
                    ctx.region());
        continue;
      }
      for (simdjson::dom::element f : filters) {
        const std::string dest(JStr(f, "destinationArn"));
        // A stream of this account and region can be checked here; cross-account destinations
        // are the destination account's to check.
        if (dest.find(":kinesis:") != std::string::npos && ArnAccount(dest) == ctx.account() &&
            ArnRegion(dest) == ctx.region()) {
          Reply s = ctx.Json("kinesis", "Kinesis_20131202", "DescribeStreamSummary",
                             "{" + aws::JsonField("StreamARN", dest) + "}");
          if (!s.ok && s.error.code == "ResourceNotFoundException") {
            ctx.Gap("cloudwatch_logs.missing_destination", g,
                    "log group " + g + " is subscribed to " + dest + ", which does not exist",
                    "Point the subscription at fastpath's stream.",
                    "aws logs put-subscription-filter --log-group-name " + ShellQuote(g) +
                        " --filter-name " + ShellQuote(JStr(f, "filterName")) +
                        " --filter-pattern '' --destination-arn STREAM_ARN --role-arn ROLE_ARN "
                        "--region " +
                        ctx.region());
            continue;
          }
          if (!ctx.Need(s, "kinesis:DescribeStreamSummary")) continue;
        }
        ctx.Ok("cloudwatch_logs.subscribed", g,
               "log group " + g + " -> " + (dest.empty() ? "?" : dest));
      }
      if (filters.empty())
        ctx.Ok("cloudwatch_logs.subscribed", g, "log group " + g + " covered by an account policy");
    }
  }
}

}  // namespace

extern const ComponentDescriptor kCloudWatchLogsComponent = {
    "cloudwatch_logs",
    "CloudWatch Logs",
    "Log groups (CloudTrail, flow logs, Route 53, Lambda, ...) subscribed to fastpath's stream.",
    false,
    {"logs:DescribeAccountPolicies", "logs:DescribeLogGroups", "logs:DescribeSubscriptionFilters",
     "kinesis:DescribeStreamSummary"},
    &Check};

}  // namespace fastpath::audit
