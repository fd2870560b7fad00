// The finding services fastpath forwards: GuardDuty (a detector enabled, exporting findings),
// Security Hub (enabled; the aggregation region aggregates), Inspector and Macie (enabled).
// One file: each is a status read or two.
#include "audit/audit_util.h"

namespace fastpath::audit {
namespace {

void CheckGuardDuty(AuditContext& ctx) {
  Reply r = ctx.Rest("guardduty", "GET", "/detector");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (!ctx.ParseJson(r, &parser, &doc, "guardduty:ListDetectors")) return;
  auto ids = JArr(doc, "detectorIds");
  const std::string where = " --region " + ctx.region();
  if (ids.empty()) {
    ctx.Gap("guardduty.no_detector", "", "GuardDuty is not enabled in " + ctx.region(),
            "Enable GuardDuty (from the delegated administrator for the whole organization).",
            "aws guardduty create-detector --enable" + where);
    return;
  }
  for (simdjson::dom::element el : ids) {
    std::string_view v;
    if (!JsonGet(el, v)) continue;
    const std::string id(v);
    Reply d = ctx.Rest("guardduty", "GET", "/detector/" + id);
    simdjson::dom::parser p2;
    simdjson::dom::element dd;
    if (!ctx.ParseJson(d, &p2, &dd, "guardduty:GetDetector")) return;
    if (JStr(dd, "status") != "ENABLED") {
      ctx.Gap("guardduty.disabled", id,
              "GuardDuty detector " + id + " is " + std::string(JStr(dd, "status")),
              "Enable the detector (and find out who suspended it).",
              "aws guardduty update-detector --detector-id " + id + " --enable" + where);
      continue;
    }
    Reply pd = ctx.Rest("guardduty", "GET", "/detector/" + id + "/publishingDestination");
    simdjson::dom::parser p3;
    simdjson::dom::element dst;
    if (!ctx.ParseJson(pd, &p3, &dst, "guardduty:ListPublishingDestinations")) return;
    bool exporting = false;
    for (simdjson::dom::element x : JArr(dst, "destinations")) {
      if (JStr(x, "status") == "PUBLISHING") exporting = true;
    }
    if (exporting) {
      ctx.Ok("guardduty.enabled", id, "detector " + id + " enabled, exporting findings to S3");
    } else {
      ctx.Gap("guardduty.no_export", id,
              "detector " + id + " exports no findings to S3 (the slow path's copy)",
              "Add an S3 publishing destination to the detector.",
              "aws guardduty create-publishing-destination --detector-id " + id +
                  " --destination-type S3 --destination-properties "
                  "DestinationArn=arn:aws:s3:::BUCKET,KmsKeyArn=KEY_ARN" +
                  where);
    }
  }
}

void CheckSecurityHub(AuditContext& ctx) {
  Reply r = ctx.Rest("securityhub", "GET", "/accounts");
  const std::string where = " --region " + ctx.region();
  if (!r.ok && r.error.code == "InvalidAccessException") {
    ctx.Gap("securityhub.disabled", "", "Security Hub is not enabled in " + ctx.region(),
            "Enable Security Hub (from the delegated administrator for the organization).",
            "aws securityhub enable-security-hub" + where);
    return;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (!ctx.ParseJson(r, &parser, &doc, "securityhub:DescribeHub")) return;
  ctx.Ok("securityhub.enabled", std::string(JStr(doc, "HubArn")), "Security Hub enabled");
  if (ctx.settings().securityhub_region == ctx.region()) {
    Reply a = ctx.Rest("securityhub", "GET", "/findingAggregator/list");
    simdjson::dom::parser p2;
    simdjson::dom::element ad;
    if (!ctx.ParseJson(a, &p2, &ad, "securityhub:ListFindingAggregators")) return;
    if (JArr(ad, "FindingAggregators").empty()) {
      ctx.Gap(
          "securityhub.no_aggregator", "",
          "no finding aggregator in " + ctx.region() + ", the aggregation region",
          "Create a finding aggregator linking all regions.",
          "aws securityhub create-finding-aggregator --region-linking-mode ALL_REGIONS" + where);
    } else {
      ctx.Ok("securityhub.aggregator", "", "findings of every region aggregated here");
    }
  }
}

void CheckInspector(AuditContext& ctx) {
  Reply r = ctx.Rest("inspector2", "POST", "/status/batch/get",
                     "{\"accountIds\":[\"" + ctx.account() + "\"]}");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (!ctx.ParseJson(r, &parser, &doc, "inspector2:BatchGetAccountStatus")) return;
  std::string status = "DISABLED";
  for (simdjson::dom::element a : JArr(doc, "accounts")) {
    simdjson::dom::element st;
    if (JStr(a, "accountId") == ctx.account() && JsonGet(a["state"], st)) {
      status = JStr(st, "status");
    }
  }
  if (status == "ENABLED") {
    ctx.Ok("inspector.enabled", "", "Inspector enabled");
  } else {
    ctx.Gap("inspector.disabled", "", "Inspector is " + status + " in " + ctx.region(),
            "Enable Inspector for EC2, ECR and Lambda.",
            "aws inspector2 enable --resource-types EC2 ECR LAMBDA --region " + ctx.region());
  }
}

void CheckMacie(AuditContext& ctx) {
  Reply r = ctx.Rest("macie2", "GET", "/macie");
  const std::string where = " --region " + ctx.region();
  // Macie answers a disabled account with 403 AccessDeniedException "Macie is not enabled".
  if (!r.ok && r.error.code == "AccessDeniedException" &&
      r.error.message.find("not enabled") != std::string::npos) {
    ctx.Gap("macie.disabled", "", "Macie is not enabled in " + ctx.region(),
            "Enable Macie where S3 holds sensitive data.", "aws macie2 enable-macie" + where);
    return;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (!ctx.ParseJson(r, &parser, &doc, "macie2:GetMacieSession")) return;
  if (JStr(doc, "status") == "ENABLED") {
    ctx.Ok("macie.enabled", "", "Macie enabled");
  } else {
    ctx.Gap("macie.paused", "", "Macie is " + std::string(JStr(doc, "status")), "Resume Macie.",
            "aws macie2 update-macie-session --status ENABLED" + where);
  }
}

}  // namespace

extern const ComponentDescriptor kGuardDutyComponent = {
    "guardduty",
    "GuardDuty",
    "Threat findings (EventBridge within minutes; the S3 export as the durable copy).",
    false,
    {"guardduty:ListDetectors", "guardduty:GetDetector", "guardduty:ListPublishingDestinations"},
    &CheckGuardDuty};

extern const ComponentDescriptor kSecurityHubComponent = {
    "securityhub",
    "Security Hub",
    "Findings of every AWS security service and partner, in one format.",
    false,
    {"securityhub:DescribeHub", "securityhub:ListFindingAggregators"},
    &CheckSecurityHub};

extern const ComponentDescriptor kInspectorComponent = {
    "inspector",
    "Inspector",
    "Vulnerability findings for EC2, ECR images and Lambda.",
    false,
    {"inspector2:BatchGetAccountStatus"},
    &CheckInspector};

extern const ComponentDescriptor kMacieComponent = {"macie",
                                                    "Macie",
                                                    "Sensitive data and S3 policy findings.",
                                                    false,
                                                    {"macie2:GetMacieSession"},
                                                    &CheckMacie};

}  // namespace fastpath::audit
