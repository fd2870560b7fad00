#include "audit/coverage.h"

#include <map>

#include "audit/audit_report.h"
#include "audit/audit_util.h"
#include "core/latency_histogram.h"
#include "rules/rule.h"

namespace fastpath::audit {
namespace {

LogType LogTypeFromName(std::string_view name) {
  for (int i = 0; i < kNumLogTypes; ++i) {
    if (LogTypeName(static_cast<LogType>(i)) == name) return static_cast<LogType>(i);
  }
  return LogType::kUnknown;
}

DeliveryPath PathFromName(std::string_view name) {
  for (int i = 0; i < kNumDeliveryPaths; ++i) {
    if (DeliveryPathName(static_cast<DeliveryPath>(i)) == name) return static_cast<DeliveryPath>(i);
  }
  return DeliveryPath::kFile;
}

std::string Seconds(TimeNs t) {
  return std::to_string(t / kNsPerSec);
}

// CloudTrail calls that take a component's collection down or change it, by event source.
struct TamperCall {
  const char* event_source;
  const char* event_name;
  const char* component;
};
constexpr TamperCall kTamperCalls[] = {
    {"cloudtrail.amazonaws.com", "StopLogging", "cloudtrail"},
    {"cloudtrail.amazonaws.com", "DeleteTrail", "cloudtrail"},
    {"cloudtrail.amazonaws.com", "UpdateTrail", "cloudtrail"},
    {"cloudtrail.amazonaws.com", "PutEventSelectors", "cloudtrail"},
    {"events.amazonaws.com", "DisableRule", "eventbridge"},
    {"events.amazonaws.com", "DeleteRule", "eventbridge"},
    {"events.amazonaws.com", "RemoveTargets", "eventbridge"},
    {"events.amazonaws.com", "PutRule", "eventbridge"},
    {"events.amazonaws.com", "RemovePermission", "eventbridge"},
    {"logs.amazonaws.com", "DeleteSubscriptionFilter", "cloudwatch_logs"},
    {"logs.amazonaws.com", "DeleteAccountPolicy", "cloudwatch_logs"},
    {"logs.amazonaws.com", "DeleteLogGroup", "cloudwatch_logs"},
    {"ec2.amazonaws.com", "DeleteFlowLogs", "vpc_flow_logs"},
    {"route53resolver.amazonaws.com", "DisassociateResolverQueryLogConfig", "resolver_query_logs"},
    {"route53resolver.amazonaws.com", "DeleteResolverQueryLogConfig", "resolver_query_logs"},
    {"elasticloadbalancing.amazonaws.com", "ModifyLoadBalancerAttributes", "load_balancer_logs"},
    {"wafv2.amazonaws.com", "DeleteLoggingConfiguration", "waf_logging"},
    {"network-firewall.amazonaws.com", "UpdateLoggingConfiguration", "network_firewall_logging"},
    {"guardduty.amazonaws.com", "DeleteDetector", "guardduty"},
    {"guardduty.amazonaws.com", "UpdateDetector", "guardduty"},
    {"guardduty.amazonaws.com", "DeletePublishingDestination", "guardduty"},
    {"guardduty.amazonaws.com", "DisassociateFromMasterAccount", "guardduty"},
    {"guardduty.amazonaws.com", "DisassociateFromAdministratorAccount", "guardduty"},
    {"securityhub.amazonaws.com", "DisableSecurityHub", "securityhub"},
    {"securityhub.amazonaws.com", "DeleteFindingAggregator", "securityhub"},
    {"config.amazonaws.com", "StopConfigurationRecorder", "config"},
    {"config.amazonaws.com", "DeleteConfigurationRecorder", "config"},
    {"config.amazonaws.com", "DeleteDeliveryChannel", "config"},
    {"inspector2.amazonaws.com", "Disable", "inspector"},
    {"macie2.amazonaws.com", "DisableMacie", "macie"},
    {"macie2.amazonaws.com", "UpdateMacieSession", "macie"},
    {"route53.amazonaws.com", "DeleteQueryLoggingConfig", "route53_query_logs"},
    {"cloudfront.amazonaws.com", "UpdateDistribution", "cloudfront_logging"},
};

}  // namespace

const Rule& SilenceRule() {
  static const Rule* rule = [] {
    auto* r = new Rule;
    r->id = "fastpath-source-silent";
    r->title = "A delivery path went silent";
    r->severity = "high";
    r->description =
        "A delivery path that was bringing events (log type, account, region, path) has "
        "delivered nothing for longer than three times its observed p99 delay or gap (at least "
        "15 minutes for S3, 10 for the others). Collection may be broken or switched off.";
    r->runbook =
        "Run `fastpath audit --accounts ACCOUNT --regions REGION` to see which part of the "
        "wiring is missing; look for StopLogging, DeleteFlowLogs, DeleteSubscriptionFilter or "
        "DisableRule calls in the account; check the daemon's source errors.";
    r->tags = {"attack.defense_evasion", "attack.t1562.008"};
    return r;
  }();
  return *rule;
}

Alert SilenceAlert(const SourceLiveness::Silence& s, TimeNs now) {
  Alert a;
  a.rule = &SilenceRule();
  Event& e = a.event;
  e.log_type = LogTypeFromName(s.key.log_type);
  e.path = PathFromName(s.key.path);
  e.account = s.key.account;
  e.region = s.key.region;
  e.time = now;
  e.received = now;
  // One alert per silence: the same path silent again after delivering is another one.
  e.id = "silence:" + s.key.log_type + ":" + s.key.account + ":" + s.key.region + ":" + s.key.path +
         ":" + std::to_string(s.last_received);
  std::string j = "{\"reason\":";
  AppendJsonString(&j, "no " + s.key.log_type + " events by " + s.key.path + " from " +
                           (s.key.account.empty() ? "an unknown account" : s.key.account) + " in " +
                           (s.key.region.empty() ? "an unknown region" : s.key.region) + " for " +
                           FormatDurationMs(s.silent_for / kNsPerMs) + " (expected within " +
                           FormatDurationMs(s.threshold / kNsPerMs) + ")");
  j += ",\"log_type\":";
  AppendJsonString(&j, s.key.log_type);
  j += ",\"account\":";
  AppendJsonString(&j, s.key.account);
  j += ",\"region\":";
  AppendJsonString(&j, s.key.region);
  j += ",\"path\":";
  AppendJsonString(&j, s.key.path);
  j += ",\"last_received\":";
  AppendJsonString(&j, FormatRfc3339(s.last_received));
  j += ",\"silent_for_seconds\":" + Seconds(s.silent_for) +
       ",\"threshold_seconds\":" + Seconds(s.threshold);
  const std::string_view component = ComponentForPath(s.key.log_type, s.key.path);
  if (!component.empty()) {
    j += ",\"component\":";
    AppendJsonString(&j, component);
  }
  j += "}";
  e.json = std::move(j);
  return a;
}

const ComponentDescriptor* TamperComponent(std::string_view event_source,
                                           std::string_view event_name) {
  for (const TamperCall& c : kTamperCalls) {
    if (event_source == c.event_source && event_name == c.event_name) {
      return FindComponent(c.component);
    }
  }
  return nullptr;
}

std::string_view ComponentForPath(std::string_view log_type, std::string_view path) {
  static const std::map<std::string_view, std::string_view> kByType = {
      {"aws.vpcflow", "vpc_flow_logs"},
      {"aws.route53resolver", "resolver_query_logs"},
      {"aws.route53", "route53_query_logs"},
      {"aws.elb", "load_balancer_logs"},
      {"aws.alb", "load_balancer_logs"},
      {"aws.nlb", "load_balancer_logs"},
      {"aws.waf", "waf_logging"},
      {"aws.networkfirewall", "network_firewall_logging"},
      {"aws.guardduty", "guardduty"},
      {"aws.securityhub", "securityhub"},
      {"aws.config", "config"},
      {"aws.inspector", "inspector"},
      {"aws.macie", "macie"},
      {"aws.cloudfront", "cloudfront_logging"},
  };
  if (log_type == "aws.cloudtrail" || log_type == "aws.cloudtrail.insight") {
    if (path == "eventbridge") return "eventbridge";
    if (path == "cloudwatch_logs") return "cloudwatch_logs";
    return "cloudtrail";
  }
  auto it = kByType.find(log_type);
  if (it != kByType.end()) return it->second;
  if (path == "cloudwatch_logs") return "cloudwatch_logs";  // Lambda, RDS, API Gateway logs
  return "";
}

void JoinLiveness(const SourceLiveness& liveness, TimeNs now, AuditReport* report) {
  for (const SourceLiveness::Silence& s : liveness.Silent(now)) {
    const std::string_view component = ComponentForPath(s.key.log_type, s.key.path);
    if (component.empty()) continue;
    const ComponentDescriptor* d = FindComponent(component);
    const std::string region = d != nullptr && d->global ? "global" : s.key.region;
    for (Cell& c : report->cells) {
      if (c.account != s.key.account || c.region != region || c.component != component) continue;
      Finding f;
      f.id = std::string(component) + ".silent";
      f.state = CellState::kSilent;
      f.resource = s.key.log_type + " by " + s.key.path;
      f.message = "no " + s.key.log_type + " events by " + s.key.path + " for " +
                  FormatDurationMs(s.silent_for / kNsPerMs) + " (last " +
                  FormatRfc3339(s.last_received) + "; expected within " +
                  FormatDurationMs(s.threshold / kNsPerMs) + ")";
      c.findings.insert(c.findings.begin(), std::move(f));
      c.state = Worse(c.state, CellState::kSilent);
    }
  }
}

void ReauditAlertSink::Write(const Alert& a) {
  const Event& e = a.event;
  if (e.log_type != LogType::kCloudTrail || e.json.empty() || e.account.empty()) {
    inner_->Write(a);
    return;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(e.json).get(doc) != simdjson::SUCCESS) {
    inner_->Write(a);
    return;
  }
  const ComponentDescriptor* component =
      TamperComponent(JStr(doc, "eventSource"), JStr(doc, "eventName"));
  if (component == nullptr) {
    inner_->Write(a);
    return;
  }
  ++reaudits_;
  const Cell cell = AuditOne(settings_, env_, *component, {e.account, "", "ACTIVE"},
                             e.region.empty() ? "us-east-1" : e.region);
  const char* verdict = cell.state == CellState::kGap  ? "gap_confirmed"
                        : cell.state == CellState::kOk ? "restored"
                                                       : "unknown";
  if (log_) {
    log_("re-audit of " + std::string(component->name) + " in " + e.account + " " + e.region +
         " after " + std::string(JStr(doc, "eventName")) + ": " + verdict);
  }
  Alert copy = a;
  copy.extra_json += std::string(",\"audit\":{\"verdict\":\"") + verdict + "\",\"audited\":" +
                     [&] {
                       std::string t;
                       AppendJsonString(&t, FormatRfc3339(NowNs()));
                       return t;
                     }() +
                     ",\"cell\":" + CellJson(cell) + "}";
  inner_->Write(copy);
}

}  // namespace fastpath::audit
