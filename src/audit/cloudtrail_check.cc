// CloudTrail: a trail records this region (multi-region, organization, or single-region here),
// logs, covers read and write management events and the data events the configuration asks for,
// validates and encrypts its files, and delivers without errors to a bucket that exists and is
// not public; CloudTrail Lake stores listed.
#include <algorithm>

#include "audit/audit_util.h"

namespace fastpath::audit {
namespace {

constexpr const char* kPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101";

struct Selectors {
  bool management_read = false;
  bool management_write = false;
  std::vector<std::string> data_types;
};

// What a trail's basic or advanced event selectors cover.
Selectors ReadSelectors(simdjson::dom::element doc) {
  Selectors s;
  for (simdjson::dom::element sel : JArr(doc, "EventSelectors")) {
    if (JBool(sel, "IncludeManagementEvents", true)) {
      std::string_view rw = JStr(sel, "ReadWriteType");
      if (rw.empty() || rw == "All" || rw == "ReadOnly") s.management_read = true;
      if (rw.empty() || rw == "All" || rw == "WriteOnly") s.management_write = true;
    }
    for (simdjson::dom::element dr : JArr(sel, "DataResources")) {
      s.data_types.emplace_back(JStr(dr, "Type"));
    }
  }
  for (simdjson::dom::element sel : JArr(doc, "AdvancedEventSelectors")) {
    std::string category;
    std::string read_only;  // "", "true" or "false"
    std::vector<std::string> types;
    for (simdjson::dom::element f : JArr(sel, "FieldSelectors")) {
      std::string_view field = JStr(f, "Field");
      for (simdjson::dom::element v : JArr(f, "Equals")) {
        std::string_view value;
        if (!JsonGet(v, value)) continue;
        if (field == "eventCategory") category = value;
        if (field == "readOnly") read_only = value;
        if (field == "resources.type") types.emplace_back(value);
      }
    }
    if (category == "Management") {
      if (read_only != "false") s.management_read = true;
      if (read_only != "true") s.management_write = true;
    } else if (category == "Data") {
      s.data_types.insert(s.data_types.end(), types.begin(), types.end());
    }
  }
  return s;
}

// The S3 error code of a failed reply ("" when it succeeded or said nothing).
std::string_view ErrorCode(const Reply& r) {
  return r.ok ? std::string_view() : r.error.code;
}

// The trail's bucket: there, and not public by its policy. Checked by the trail's own account in
// the trail's home region (once, not in every region the trail covers).
void CheckBucket(AuditContext& ctx, const std::string& name, const std::string& bucket) {
  Reply loc = ctx.RestIn("us-east-1", "s3", "GET", "/" + bucket + "?location");
  if (ErrorCode(loc) == "NoSuchBucket") {
    ctx.Gap("cloudtrail.bucket_missing", bucket,
            "trail " + name + " delivers to bucket " + bucket + ", which does not exist",
            "Create the bucket with a policy that lets CloudTrail write to it (or point the "
            "trail at the bucket fastpath reads).",
            "aws s3api create-bucket --bucket " + ShellQuote(bucket) + " --region " + ctx.region());
    return;
  }
  pugi::xml_document ld;
  if (!ctx.ParseXml(loc, &ld, "s3:GetBucketLocation")) return;
  std::string region = ld.child("LocationConstraint").text().as_string();
  if (region.empty()) region = "us-east-1";
  if (region == "EU") region = "eu-west-1";
  Reply ps = ctx.RestIn(region, "s3", "GET", "/" + bucket + "?policyStatus");
  if (ErrorCode(ps) == "NoSuchBucketPolicy") {
    ctx.Note("bucket " + bucket + " has no bucket policy");
    return;
  }
  pugi::xml_document pd;
  if (!ctx.ParseXml(ps, &pd, "s3:GetBucketPolicyStatus")) return;
  if (std::string_view(pd.child("PolicyStatus").child("IsPublic").text().as_string()) == "true") {
    ctx.Gap("cloudtrail.bucket_public", bucket,
            "trail " + name + "'s bucket " + bucket + " is public by its bucket policy",
            "Remove the public statements from the bucket policy and block public access.",
            "aws s3api put-public-access-block --bucket " + ShellQuote(bucket) +
                " --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,"
                "BlockPublicPolicy=true,RestrictPublicBuckets=true --region " +
                region);
  } else {
    ctx.Ok("cloudtrail.bucket", bucket, "bucket " + bucket + " exists and is not public");
  }
}

void CheckTrail(AuditContext& ctx, simdjson::dom::element trail, const Reply& status) {
  const std::string arn(JStr(trail, "TrailARN"));
  const std::string name(JStr(trail, "Name"));
  const std::string home(JStr(trail, "HomeRegion"));
  const std::string q = ShellQuote(arn);
  const std::string where = " --region " + (home.empty() ? ctx.region() : home);

  simdjson::dom::parser p1;
  simdjson::dom::element st;
  if (ctx.ParseJson(status, &p1, &st, "cloudtrail:GetTrailStatus")) {
    if (!JBool(st, "IsLogging")) {
      ctx.Gap("cloudtrail.not_logging", arn, "trail " + name + " is not logging",
              "Start logging on the trail (and find out who stopped it).",
              "aws cloudtrail start-logging --name " + q + where);
    } else {
      ctx.Ok("cloudtrail.logging", arn, "trail " + name + " is logging");
    }
    std::string_view err = JStr(st, "LatestDeliveryError");
    if (!err.empty()) {
      ctx.Gap("cloudtrail.delivery_error", arn,
              "trail " + name + " fails to deliver to S3: " + std::string(err),
              "Let CloudTrail write to the bucket (bucket policy, KMS key policy) or point the "
              "trail at a bucket that exists.",
              "aws cloudtrail update-trail --name " + q + " --s3-bucket-name BUCKET" + where);
    }
    std::string_view lerr = JStr(st, "LatestCloudWatchLogsDeliveryError");
    if (!lerr.empty()) {
      ctx.Gap("cloudtrail.logs_delivery_error", arn,
              "trail " + name + " fails to deliver to CloudWatch Logs: " + std::string(lerr),
              "Give the trail's CloudWatch Logs role logs:CreateLogStream and logs:PutLogEvents "
              "on the log group.",
              "aws cloudtrail update-trail --name " + q +
                  " --cloud-watch-logs-log-group-arn LOG_GROUP_ARN --cloud-watch-logs-role-arn "
                  "ROLE_ARN" +
                  where);
    }
  }

  Reply sel = ctx.Json("cloudtrail", kPrefix, "GetEventSelectors",
                       "{" + aws::JsonField("TrailName", arn) + "}");
  simdjson::dom::parser p2;
  simdjson::dom::element sd;
  if (ctx.ParseJson(sel, &p2, &sd, "cloudtrail:GetEventSelectors")) {
    Selectors s = ReadSelectors(sd);
    if (!s.management_read || !s.management_write) {
      std::string seen = !s.management_read && !s.management_write
                             ? "no management events"
                             : (s.management_write ? "write-only management events"
                                                   : "read-only management events");
      ctx.Gap("cloudtrail.management_events", arn, "trail " + name + " records " + seen,
              "Record read and write management events.",
              "aws cloudtrail put-event-selectors --trail-name " + q +
                  " --event-selectors '[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":"
                  "true}]'" +
                  where);
    } else {
      ctx.Ok("cloudtrail.management_events", arn, "read and write management events recorded");
    }
    for (const std::string& want : ctx.settings().data_events) {
      if (std::find(s.data_types.begin(), s.data_types.end(), want) == s.data_types.end()) {
        ctx.Gap("cloudtrail.data_events", arn,
                "trail " + name + " records no data events of " + want,
                "Add a data event selector for " + want + ".",
                "aws cloudtrail put-event-selectors --trail-name " + q +
                    " --advanced-event-selectors '[{\"Name\":\"" + want +
                    "\",\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Data\"]},"
                    "{\"Field\":\"resources.type\",\"Equals\":[\"" +
                    want + "\"]}]}]'" + where);
      }
    }
  }

  if (!JBool(trail, "LogFileValidationEnabled")) {
    ctx.Gap("cloudtrail.no_validation", arn, "trail " + name + " does not validate its log files",
            "Turn on log file validation, so a deleted or altered log file can be proven.",
            "aws cloudtrail update-trail --name " + q + " --enable-log-file-validation" + where);
  }
  if (JStr(trail, "KmsKeyId").empty()) {
    ctx.Gap("cloudtrail.no_kms", arn, "trail " + name + " does not encrypt its files with KMS",
            "Encrypt the trail's files with a KMS key whose policy lets CloudTrail use it.",
            "aws cloudtrail update-trail --name " + q + " --kms-key-id KEY_ARN" + where);
  }
  if (ctx.settings().cloudtrail_via_logs && JStr(trail, "CloudWatchLogsLogGroupArn").empty()) {
    ctx.Gap("cloudtrail.no_logs_delivery", arn,
            "trail " + name + " does not deliver to CloudWatch Logs, which fastpath reads",
            "Send the trail to a CloudWatch Logs log group with a subscription to fastpath.",
            "aws cloudtrail update-trail --name " + q +
                " --cloud-watch-logs-log-group-arn LOG_GROUP_ARN --cloud-watch-logs-role-arn "
                "ROLE_ARN" +
                where);
  }
  const std::string bucket(JStr(trail, "S3BucketName"));
  if (!bucket.empty() && ArnAccount(arn) == ctx.account() && home == ctx.region()) {
    CheckBucket(ctx, name, bucket);
  }
}

void Check(AuditContext& ctx) {
  Reply r = ctx.Json("cloudtrail", kPrefix, "DescribeTrails", "{\"includeShadowTrails\":true}");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (!ctx.ParseJson(r, &parser, &doc, "cloudtrail:DescribeTrails")) return;
  // The trails that record this region, and whether each is logging.
  std::vector<simdjson::dom::element> covering;
  std::vector<Reply> statuses;
  std::vector<int> logging;  // 1 logging, 0 stopped, -1 not known
  for (simdjson::dom::element trail : JArr(doc, "trailList")) {
    const bool multi = JBool(trail, "IsMultiRegionTrail");
    const bool here = JStr(trail, "HomeRegion") == ctx.region();
    if (!multi && !here) continue;
    ctx.Note(std::string("trail ") + std::string(JStr(trail, "Name")) +
             (JBool(trail, "IsOrganizationTrail") ? " (organization)" : "") +
             (multi ? " (multi-region, home " + std::string(JStr(trail, "HomeRegion")) + ")"
                    : " (this region only)") +
             " -> s3://" + std::string(JStr(trail, "S3BucketName")));
    covering.push_back(trail);
    statuses.push_back(ctx.Json("cloudtrail", kPrefix, "GetTrailStatus",
                                "{" + aws::JsonField("Name", JStr(trail, "TrailARN")) + "}"));
    simdjson::dom::parser sp;
    simdjson::dom::element sd;
    logging.push_back(statuses.back().ok &&
                              sp.parse(statuses.back().body).get(sd) == simdjson::SUCCESS
                          ? (JBool(sd, "IsLogging") ? 1 : 0)
                          : -1);
  }
  const bool some_logging = std::find(logging.begin(), logging.end(), 1) != logging.end();
  for (size_t i = 0; i < covering.size(); ++i) {
    if (logging[i] == 0 && some_logging) {
      // Stopped, while another trail records the region: not a blind spot.
      ctx.Note("trail " + std::string(JStr(covering[i], "Name")) +
               " is not logging; another trail records the region");
      continue;
    }
    CheckTrail(ctx, covering[i], statuses[i]);
  }
  if (covering.empty()) {
    ctx.Gap("cloudtrail.no_trail", "", "no trail records API activity in " + ctx.region(),
            "Create a multi-region trail (or an organization trail from the management account) "
            "that records read and write management events.",
            "aws cloudtrail create-trail --name fastpath --s3-bucket-name BUCKET "
            "--is-multi-region-trail --enable-log-file-validation --kms-key-id KEY_ARN && aws "
            "cloudtrail start-logging --name fastpath");
  }

  // CloudTrail Lake: listed for the record; a refusal here does not make the cell unknown.
  Reply stores = ctx.Json("cloudtrail", kPrefix, "ListEventDataStores", "{}");
  simdjson::dom::parser p3;
  simdjson::dom::element sd;
  if (stores.ok && p3.parse(stores.body).get(sd) == simdjson::SUCCESS) {
    for (simdjson::dom::element s : JArr(sd, "EventDataStores")) {
      ctx.Note("CloudTrail Lake event data store " + std::string(JStr(s, "Name")) + " (" +
               std::string(JStr(s, "Status")) + ")");
    }
  } else if (!stores.ok) {
    ctx.Note("CloudTrail Lake event data stores not listed: " + stores.error.code);
  }
}

}  // namespace

extern const ComponentDescriptor kCloudTrailComponent = {
    "cloudtrail",
    "CloudTrail",
    "Every API call of the account: the record fastpath's detections read first.",
    false,
    {"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors",
     "cloudtrail:ListEventDataStores", "s3:GetBucketLocation", "s3:GetBucketPolicyStatus"},
    &Check};

}  // namespace fastpath::audit
