// S3 event notifications: every bucket the `s3_sqs` source reads (named with --s3-bucket)
// announces its new objects, to an SQS queue, an SNS topic (fanned out to the queue) or
// EventBridge. Checked once per account, for the named buckets the account owns.
#include <algorithm>

#include "audit/audit_util.h"

namespace fastpath::audit {
namespace {

// The bucket's region, from GetBucketLocation (empty: us-east-1; "EU": eu-west-1).
std::string BucketRegion(const pugi::xml_document& doc) {
  std::string region = doc.child("LocationConstraint").text().as_string();
  if (region.empty()) return "us-east-1";
  if (region == "EU") return "eu-west-1";
  return region;
}

void Check(AuditContext& ctx) {
  const std::vector<std::string>& wanted = ctx.settings().s3_buckets;
  if (wanted.empty()) {
    ctx.Note("no buckets named (--s3-bucket): nothing to check");
    return;
  }
  Reply list = ctx.Rest("s3", "GET", "/");
  pugi::xml_document ld;
  if (!ctx.ParseXml(list, &ld, "s3:ListAllMyBuckets")) return;
  std::vector<std::string> owned;
  for (pugi::xml_node b : ld.child("ListAllMyBucketsResult").child("Buckets").children("Bucket")) {
    const std::string name = b.child("Name").text().as_string();
    if (std::find(wanted.begin(), wanted.end(), name) != wanted.end()) owned.push_back(name);
  }
  if (owned.empty()) {
    ctx.Note("none of the named buckets is in this account");
    return;
  }
  for (const std::string& bucket : owned) {
    Reply loc = ctx.Rest("s3", "GET", "/" + bucket + "?location");
    pugi::xml_document locd;
    if (!ctx.ParseXml(loc, &locd, "s3:GetBucketLocation")) continue;
    const std::string region = BucketRegion(locd);
    Reply r = ctx.RestIn(region, "s3", "GET", "/" + bucket + "?notification");
    pugi::xml_document doc;
    if (!ctx.ParseXml(r, &doc, "s3:GetBucketNotification")) continue;
    pugi::xml_node root = doc.child("NotificationConfiguration");
    std::string target;
    bool all_created = false;
    for (const char* kind : {"QueueConfiguration", "TopicConfiguration"}) {
      for (pugi::xml_node c : root.children(kind)) {
        bool created = false;
        for (pugi::xml_node e : c.children("Event")) {
          const std::string_view ev = e.text().as_string();
          if (ev.starts_with("s3:ObjectCreated:")) created = true;
          if (ev == "s3:ObjectCreated:*") all_created = true;
        }
        if (created && target.empty()) {
          target = c.child(std::string_view(kind) == "QueueConfiguration" ? "Queue" : "Topic")
                       .text()
                       .as_string();
        }
      }
    }
    if (target.empty() && root.child("EventBridgeConfiguration")) {
      target = "EventBridge";
      all_created = true;
    }
    if (target.empty()) {
      ctx.Gap(
          "s3_notifications.missing", bucket,
          "bucket " + bucket + " announces no new objects: the s3_sqs source never hears of them",
          "Send s3:ObjectCreated:* notifications to the queue the s3_sqs source reads "
          "(directly or through an SNS topic).",
          "aws s3api put-bucket-notification-configuration --bucket " + ShellQuote(bucket) +
              " --notification-configuration '{\"QueueConfigurations\":[{\"QueueArn\":"
              "\"QUEUE_ARN\",\"Events\":[\"s3:ObjectCreated:*\"]}]}' --region " +
              region);
    } else {
      ctx.Ok("s3_notifications.configured", bucket,
             "bucket " + bucket + " announces new objects to " + target +
                 (all_created ? "" : " (some s3:ObjectCreated events only)"));
    }
  }
}

}  // namespace

extern const ComponentDescriptor kS3NotificationsComponent = {
    "s3_notifications",
    "S3 notifications",
    "New log objects announced to the queue the s3_sqs source reads (the slow path's trigger).",
    true,
    {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketNotification"},
    &Check};

}  // namespace fastpath::audit
