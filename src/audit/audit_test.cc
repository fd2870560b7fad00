#include "audit/audit.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include "audit/audit_report.h"
#include "audit/audit_util.h"
#include "audit/coverage.h"
#include "aws/loopback_server_for_tests.h"
#include "rules/rule.h"

namespace fastpath::audit {
namespace {

aws::AwsClient Client(const std::string& url) {
  aws::AwsClientOptions o;
  o.region = "eu-west-1";
  o.endpoints = {{"*", url}};
  o.max_attempts = 2;
  o.backoff_base_seconds = 0.01;
  return aws::AwsClient(o, std::make_shared<aws::StaticCredentialProvider>(
                               aws::Credentials{"AKIDEXAMPLE", "secret", "", 0, "test"}));
}

Cell RunCheck(const char* component, const aws::AwsClient& client, AuditSettings settings = {}) {
  static const AccountInfo kAccount{"111122223333", "test", "ACTIVE"};
  Cell cell;
  cell.account = kAccount.id;
  cell.region = "eu-west-1";
  cell.component = component;
  AuditShared shared;
  AuditContext ctx(kAccount, "eu-west-1", &client, &settings, &shared, &cell);
  FindComponent(component)->check(ctx);
  return cell;
}

const Finding* Find(const Cell& c, std::string_view id) {
  for (const Finding& f : c.findings) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

TEST(AuditContext, AccessDeniedIsUnknownNamingThePermission) {
  aws::LoopbackServer svc;
  svc.server.Post("/", [](const httplib::Request&, httplib::Response& res) {
    res.status = 403;
    res.set_content(R"({"__type":"AccessDeniedException","message":"not authorized"})",
                    "application/x-amz-json-1.1");
  });
  svc.server.Get(R"(/.*)", [](const httplib::Request&, httplib::Response& res) {
    res.status = 403;
    res.set_header("x-amzn-ErrorType", "AccessDeniedException");
    res.set_content(R"({"message":"not authorized"})", "application/json");
  });
  svc.Start();
  const aws::AwsClient client = Client(svc.url());
  const Cell trail = RunCheck("cloudtrail", client);
  EXPECT_EQ(trail.state, CellState::kUnknown);
  const Finding* f = Find(trail, "cloudtrail.access_denied");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->permission, "cloudtrail:DescribeTrails");
  const Cell gd = RunCheck("guardduty", client);
  ASSERT_NE(Find(gd, "guardduty.access_denied"), nullptr);
  EXPECT_EQ(Find(gd, "guardduty.access_denied")->permission, "guardduty:ListDetectors");
}

TEST(AuditContext, ServerErrorsAreUnknownNotGaps) {
  aws::LoopbackServer svc;
  svc.server.Post("/", [](const httplib::Request&, httplib::Response& res) {
    res.status = 500;
    res.set_content(R"({"__type":"InternalFailure","message":"boom"})",
                    "application/x-amz-json-1.1");
  });
  svc.Start();
  const aws::AwsClient client = Client(svc.url());
  const Cell c = RunCheck("eventbridge", client);
  EXPECT_EQ(c.state, CellState::kUnknown);
  ASSERT_EQ(c.findings.size(), 1u);
  EXPECT_EQ(c.findings[0].id, "eventbridge.api_error");
}

// "Covers" means the rule's pattern really matches a sample of each detail-type: a rule limited
// to EC2 calls forwards EC2 calls and nothing else.
TEST(EventBridgeCheck, APatternLimitedToOneServiceCoversOnlyThatService) {
  aws::LoopbackServer svc;
  svc.server.Post("/", [](const httplib::Request& req, httplib::Response& res) {
    const std::string target = req.get_header_value("X-Amz-Target");
    if (target == "AWSEvents.ListRules") {
      res.set_content(
          R"({"Rules":[{"Name":"ec2-only","Arn":"arn:aws:events:eu-west-1:111122223333:rule/ec2-only","State":"ENABLED","EventBusName":"default","EventPattern":"{\"source\":[\"aws.ec2\"],\"detail-type\":[\"AWS API Call via CloudTrail\"]}"}]})",
          "application/x-amz-json-1.1");
    } else if (target == "AWSEvents.ListTargetsByRule") {
      res.set_content(
          R"({"Targets":[{"Id":"1","Arn":"arn:aws:kinesis:eu-west-1:111122223333:stream/fastpath","DeadLetterConfig":{"Arn":"arn:aws:sqs:eu-west-1:111122223333:dlq"}}]})",
          "application/x-amz-json-1.1");
    } else {
      res.status = 400;
      res.set_content(R"({"__type":"UnknownOperationException"})", "application/x-amz-json-1.1");
    }
  });
  svc.Start();
  const aws::AwsClient client = Client(svc.url());
  const Cell c = RunCheck("eventbridge", client);
  EXPECT_EQ(c.state, CellState::kGap);
  const Finding* ok = Find(c, "eventbridge.forwarded");
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->message.find("rule ec2-only forwards API calls (EC2) (state ENABLED"), 0u)
      << ok->message;
  const Finding* gap = Find(c, "eventbridge.not_forwarded");
  ASSERT_NE(gap, nullptr);
  for (const char* kind : {"API calls (IAM)", "console sign-in", "GuardDuty findings"}) {
    EXPECT_NE(gap->message.find(kind), std::string::npos) << gap->message;
  }
  EXPECT_EQ(gap->message.find("API calls (EC2)"), std::string::npos) << gap->message;
  EXPECT_EQ(gap->fix_cli.rfind("aws events put-rule", 0), 0u);
}

TEST(AuditUtil, ArnsAndShellQuoting) {
  EXPECT_EQ(ArnAccount("arn:aws:events:us-east-1:111122223333:event-bus/central"), "111122223333");
  EXPECT_EQ(ArnRegion("arn:aws:events:us-east-1:111122223333:event-bus/central"), "us-east-1");
  EXPECT_EQ(ArnName("arn:aws:events:us-east-1:111122223333:event-bus/central"), "central");
  EXPECT_EQ(ShellQuote("plain-name_1"), "plain-name_1");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
}

TEST(AuditPolicy, NamesEveryActionOfEveryComponentReadOnly) {
  const std::string policy = AuditPolicyJson();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(policy).get(doc), simdjson::SUCCESS) << policy;
  for (const ComponentDescriptor* c : Components()) {
    for (const char* a : c->permissions) {
      EXPECT_NE(policy.find(std::string("\"") + a + "\""), std::string::npos) << a;
      const std::string_view verb = std::string_view(a).substr(std::string_view(a).find(':') + 1);
      EXPECT_TRUE(verb.starts_with("List") || verb.starts_with("Describe") ||
                  verb.starts_with("Get") || verb.starts_with("BatchGet"))
          << a;
    }
  }
}

TEST(Coverage, TamperCallsMapToTheComponentTheyTouch) {
  EXPECT_STREQ(TamperComponent("cloudtrail.amazonaws.com", "StopLogging")->name, "cloudtrail");
  EXPECT_STREQ(TamperComponent("ec2.amazonaws.com", "DeleteFlowLogs")->name, "vpc_flow_logs");
  EXPECT_STREQ(TamperComponent("events.amazonaws.com", "DisableRule")->name, "eventbridge");
  EXPECT_STREQ(TamperComponent("logs.amazonaws.com", "DeleteSubscriptionFilter")->name,
               "cloudwatch_logs");
  EXPECT_EQ(TamperComponent("ec2.amazonaws.com", "RunInstances"), nullptr);
  EXPECT_EQ(TamperComponent("iam.amazonaws.com", "StopLogging"), nullptr);
  EXPECT_EQ(ComponentForPath("aws.cloudtrail", "eventbridge"), "eventbridge");
  EXPECT_EQ(ComponentForPath("aws.cloudtrail", "s3"), "cloudtrail");
  EXPECT_EQ(ComponentForPath("aws.vpcflow", "cloudwatch_logs"), "vpc_flow_logs");
  EXPECT_EQ(ComponentForPath("aws.lambda", "cloudwatch_logs"), "cloudwatch_logs");
  EXPECT_EQ(ComponentForPath("aws.s3access", "s3"), "");
}

TEST(Coverage, SilentPathsMarkTheirCells) {
  constexpr TimeNs kMin = 60 * kNsPerSec;
  SourceLiveness l;
  Event e;
  e.log_type = LogType::kVpcFlow;
  e.path = DeliveryPath::kS3;
  e.account = "111122223333";
  e.region = "eu-west-1";
  e.received = 100 * kMin;
  e.time = 95 * kMin;
  l.Observe(e);
  AuditReport r;
  r.cells.push_back({"111122223333", "eu-west-1", "vpc_flow_logs", CellState::kOk, {}, {}});
  r.cells.push_back({"111122223333", "eu-west-1", "cloudtrail", CellState::kOk, {}, {}});
  JoinLiveness(l, 110 * kMin, &r);  // within 15 minutes: not silent
  EXPECT_EQ(r.CountState(CellState::kSilent), 0u);
  JoinLiveness(l, 130 * kMin, &r);
  EXPECT_EQ(r.cells[0].state, CellState::kSilent);
  ASSERT_FALSE(r.cells[0].findings.empty());
  EXPECT_EQ(r.cells[0].findings[0].id, "vpc_flow_logs.silent");
  EXPECT_EQ(r.cells[1].state, CellState::kOk);
  EXPECT_FALSE(r.AllWired());

  const auto silences = l.Silent(130 * kMin);
  ASSERT_EQ(silences.size(), 1u);
  const Alert a = SilenceAlert(silences[0], 130 * kMin);
  EXPECT_EQ(a.rule->id, "fastpath-source-silent");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(a.event.json).get(doc), simdjson::SUCCESS) << a.event.json;
  EXPECT_EQ(JStr(doc, "component"), "vpc_flow_logs");
  int64_t secs = 0;
  ASSERT_EQ(doc["silent_for_seconds"].get(secs), simdjson::SUCCESS);
  EXPECT_EQ(secs, 30 * 60);
  // The cell's JSON is what a re-audit adds to an alert: valid JSON.
  ASSERT_EQ(parser.parse(CellJson(r.cells[0])).get(doc), simdjson::SUCCESS);
}

}  // namespace
}  // namespace fastpath::audit
