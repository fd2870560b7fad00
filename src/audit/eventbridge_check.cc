// EventBridge: rules on the default bus forward the CloudTrail detail-types and the findings to
// fastpath (the central bus, Kinesis, Firehose or an API destination), enabled, with a
// dead-letter queue, and the central bus admits the account. "Forwards" is decided by matching
// each rule's pattern with fastpath's own engine against a sample event of each detail-type.
#include <map>

#include "audit/audit_util.h"
#include "rules/eventbridge_pattern.h"

namespace fastpath::audit {
namespace {

struct Sample {
  const char* kind;  // resource name in findings
  const char* detail_type;
  const char* source;
  const char* detail;  // the detail object
};

// One event of each kind fastpath needs on the fast path. Sources vary so that a rule limited
// to one service does not pass for all API calls.
constexpr Sample kSamples[] = {
    {"API calls (EC2)", "AWS API Call via CloudTrail", "aws.ec2",
     R"({"eventVersion":"1.09","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","eventType":"AwsApiCall","readOnly":false,"managementEvent":true,"eventCategory":"Management","userIdentity":{"type":"AssumedRole"}})"},
    {"API calls (IAM)", "AWS API Call via CloudTrail", "aws.iam",
     R"({"eventVersion":"1.09","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","eventType":"AwsApiCall","readOnly":false,"managementEvent":true,"eventCategory":"Management","userIdentity":{"type":"IAMUser"}})"},
    {"API calls (CloudTrail)", "AWS API Call via CloudTrail", "aws.cloudtrail",
     R"({"eventVersion":"1.09","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","eventType":"AwsApiCall","readOnly":false,"managementEvent":true,"eventCategory":"Management","userIdentity":{"type":"Root"}})"},
    {"console sign-in", "AWS Console Sign In via CloudTrail", "aws.signin",
     R"({"eventVersion":"1.09","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn","responseElements":{"ConsoleLogin":"Success"},"userIdentity":{"type":"Root"}})"},
    {"service events", "AWS Service Event via CloudTrail", "aws.kms",
     R"({"eventVersion":"1.09","eventSource":"kms.amazonaws.com","eventName":"DeleteKey","eventType":"AwsServiceEvent","managementEvent":true,"eventCategory":"Management"})"},
    {"GuardDuty findings", "GuardDuty Finding", "aws.guardduty",
     R"({"schemaVersion":"2.0","type":"Recon:EC2/PortProbeUnprotectedPort","severity":5,"id":"sample"})"},
    {"Security Hub findings", "Security Hub Findings - Imported", "aws.securityhub",
     R"({"findings":[{"SchemaVersion":"2018-10-08","Id":"sample","ProductArn":"arn:aws:securityhub:::product/aws/securityhub","Severity":{"Label":"HIGH"}}]})"},
};

std::string SampleEvent(const Sample& s, const std::string& account, const std::string& region) {
  return std::string("{\"version\":\"0\",\"id\":\"00000000-0000-0000-0000-000000000000\",") +
         "\"detail-type\":\"" + s.detail_type + "\",\"source\":\"" + s.source +
         "\",\"account\":\"" + account + "\",\"time\":\"2026-01-01T00:00:00Z\",\"region\":\"" +
         region + "\",\"resources\":[],\"detail\":" + s.detail + "}";
}

bool IsForwardingTarget(std::string_view arn) {
  return arn.find(":event-bus/") != std::string_view::npos ||
         arn.find(":api-destination/") != std::string_view::npos ||
         arn.rfind("arn:aws:kinesis:", 0) == 0 || arn.rfind("arn:aws:firehose:", 0) == 0 ||
         arn.find(":kinesis:") != std::string_view::npos ||
         arn.find(":firehose:") != std::string_view::npos;
}

struct Rule {
  std::string name;
  std::string arn;
  std::string state;
  std::shared_ptr<const EventBridgePattern> pattern;
  std::vector<std::pair<std::string, std::string>> targets;  // arn, dead-letter arn
  bool enabled() const {
    return state == "ENABLED" || state == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";
  }
  bool forwards() const {
    for (const auto& t : targets) {
      if (IsForwardingTarget(t.first)) return true;
    }
    return false;
  }
};

void Check(AuditContext& ctx) {
  std::vector<Rule> rules;
  std::string token;
  do {
    std::string body = "{\"EventBusName\":\"default\"";
    if (!token.empty()) body += "," + aws::JsonField("NextToken", token);
    body += "}";
    Reply r = ctx.Json("events", "AWSEvents", "ListRules", body);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (!ctx.ParseJson(r, &parser, &doc, "events:ListRules")) return;
    for (simdjson::dom::element el : JArr(doc, "Rules")) {
      std::string_view pattern = JStr(el, "EventPattern");
      if (pattern.empty()) continue;  // scheduled rules
      Rule rule{std::string(JStr(el, "Name")),
                std::string(JStr(el, "Arn")),
                std::string(JStr(el, "State")),
                nullptr,
                {}};
      auto compiled = EventBridgePattern::Compile(pattern);
      if (!compiled.ok()) {
        ctx.Note("rule " + rule.name + ": pattern not understood: " + compiled.status().message());
        continue;
      }
      rule.pattern = compiled.value();
      rules.push_back(std::move(rule));
    }
    token = std::string(JStr(doc, "NextToken"));
  } while (!token.empty());

  // The samples, parsed once.
  constexpr size_t kN = sizeof(kSamples) / sizeof(kSamples[0]);
  std::vector<std::string> texts;
  std::vector<simdjson::dom::parser> parsers(kN);
  std::vector<simdjson::dom::element> events(kN);
  for (size_t i = 0; i < kN; ++i) {
    texts.push_back(SampleEvent(kSamples[i], ctx.account(), ctx.region()));
    if (parsers[i].parse(texts[i]).get(events[i]) != simdjson::SUCCESS) return;  // cannot happen
  }

  // Targets of the rules that match any sample.
  std::vector<bool> relevant(rules.size(), false);
  for (size_t r = 0; r < rules.size(); ++r) {
    for (size_t i = 0; i < kN && !relevant[r]; ++i) {
      relevant[r] = rules[r].pattern->Matches(JsonPatternEvent(events[i]));
    }
    if (!relevant[r]) continue;
    Reply t =
        ctx.Json("events", "AWSEvents", "ListTargetsByRule",
                 "{" + aws::JsonField("Rule", rules[r].name) + ",\"EventBusName\":\"default\"}");
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (!ctx.ParseJson(t, &parser, &doc, "events:ListTargetsByRule")) return;
    for (simdjson::dom::element el : JArr(doc, "Targets")) {
      std::string dlq;
      simdjson::dom::element d;
      if (JsonGet(el["DeadLetterConfig"], d)) dlq = JStr(d, "Arn");
      rules[r].targets.emplace_back(std::string(JStr(el, "Arn")), dlq);
    }
  }

  // Each kind of event: forwarded by an enabled rule with a forwarding target? The kinds are
  // then reported together per rule and outcome (one finding per broken rule, not per kind).
  enum Outcome { kForwarded, kDisabled, kNoTarget, kMissing };
  std::map<std::pair<Outcome, const Rule*>, std::vector<const Sample*>> outcomes;
  for (size_t i = 0; i < kN; ++i) {
    const Rule* good = nullptr;
    const Rule* disabled = nullptr;
    const Rule* no_target = nullptr;
    for (size_t r = 0; r < rules.size(); ++r) {
      if (!rules[r].pattern->Matches(JsonPatternEvent(events[i]))) continue;
      if (!rules[r].enabled()) {
        disabled = &rules[r];
      } else if (!rules[r].forwards()) {
        no_target = &rules[r];
      } else {
        good = &rules[r];
        break;
      }
    }
    if (good != nullptr) {
      outcomes[{kForwarded, good}].push_back(&kSamples[i]);
    } else if (disabled != nullptr) {
      outcomes[{kDisabled, disabled}].push_back(&kSamples[i]);
    } else if (no_target != nullptr) {
      outcomes[{kNoTarget, no_target}].push_back(&kSamples[i]);
    } else {
      outcomes[{kMissing, nullptr}].push_back(&kSamples[i]);
    }
  }
  const std::string where = " --region " + ctx.region();
  for (const auto& [key, samples] : outcomes) {
    const Rule* rule = key.second;
    std::string kinds;
    for (const Sample* s : samples) kinds += std::string(kinds.empty() ? "" : ", ") + s->kind;
    switch (key.first) {
      case kForwarded: {
        std::string msg = "rule " + rule->name + " forwards " + kinds;
        if (rule->state == "ENABLED") {
          msg +=
              " (state ENABLED: read-only management events are not delivered; "
              "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS delivers them)";
        }
        ctx.Ok("eventbridge.forwarded", rule->name, msg);
        break;
      }
      case kDisabled:
        ctx.Gap("eventbridge.rule_disabled", rule->name,
                "rule " + rule->name + " would forward " + kinds + " but is " + rule->state,
                "Enable the rule (and find out who disabled it).",
                "aws events enable-rule --name " + ShellQuote(rule->name) + where);
        break;
      case kNoTarget:
        ctx.Gap("eventbridge.no_target", rule->name,
                "rule " + rule->name + " matches " + kinds +
                    " but targets neither an event bus, Kinesis, Firehose nor an API destination",
                "Add the central event bus (or fastpath's stream) as a target of the rule.",
                "aws events put-targets --rule " + ShellQuote(rule->name) +
                    " --targets Id=fastpath,Arn=BUS_OR_STREAM_ARN,RoleArn=ROLE_ARN" + where);
        break;
      case kMissing: {
        std::string detail;
        for (const Sample* s : samples) {
          detail += std::string(detail.empty() ? "" : "; ") + s->detail_type + " from " + s->source;
        }
        ctx.Gap("eventbridge.not_forwarded", "",
                "no rule on the default bus forwards " + kinds + " (" + detail + ")",
                "Create a rule matching the CloudTrail detail-types and the findings, targeting "
                "the central bus.",
                "aws events put-rule --name fastpath-forward --event-pattern "
                "'{\"detail-type\":[{\"wildcard\":\"AWS * via CloudTrail\"},\"GuardDuty "
                "Finding\",\"Security Hub Findings - Imported\"]}' --state "
                "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" +
                    where);
        break;
      }
    }
  }

  // Dead-letter queues, and the central bus's policy, for the rules that forward.
  const std::string& central = ctx.settings().central_bus_arn;
  for (size_t r = 0; r < rules.size(); ++r) {
    if (!relevant[r] || !rules[r].enabled()) continue;
    for (const auto& [arn, dlq] : rules[r].targets) {
      if (!IsForwardingTarget(arn)) continue;
      if (dlq.empty()) {
        ctx.Gap("eventbridge.no_dlq", rules[r].name + " -> " + arn,
                "rule " + rules[r].name + " has no dead-letter queue for target " + arn +
                    ": events it fails to deliver are lost",
                "Give the target an SQS dead-letter queue.",
                "aws events put-targets --rule " + ShellQuote(rules[r].name) +
                    " --targets Id=ID,Arn=" + arn + ",DeadLetterConfig={Arn=QUEUE_ARN} --region " +
                    ctx.region());
      }
      if (!central.empty() && arn == central && ArnAccount(central) != ctx.account()) {
        const std::optional<std::string>* policy = ctx.CentralBusPolicy();
        if (policy == nullptr || !policy->has_value()) {
          ctx.Note("central bus policy not read: the audit could not describe " + central);
        } else if ((*policy)->find(ctx.account()) == std::string::npos &&
                   (*policy)->find("aws:PrincipalOrgID") == std::string::npos) {
          ctx.Gap("eventbridge.bus_policy", central,
                  "the central bus's policy does not admit account " + ctx.account() +
                      ": its events are refused",
                  "Allow events:PutEvents from the account (or the organization) on the "
                  "central bus.",
                  "aws events put-permission --event-bus-name " + ArnName(central) +
                      " --action events:PutEvents --principal " + ctx.account() +
                      " --statement-id " + ctx.account() + " --region " + ArnRegion(central));
        }
      }
    }
  }
}

}  // namespace

extern const ComponentDescriptor kEventBridgeComponent = {
    "eventbridge",
    "EventBridge",
    "The fast path: CloudTrail calls, sign-ins and findings forwarded within seconds.",
    false,
    {"events:ListRules", "events:ListTargetsByRule", "events:DescribeEventBus"},
    &Check};

}  // namespace fastpath::audit
