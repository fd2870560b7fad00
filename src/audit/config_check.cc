// AWS Config: a configuration recorder records, without failures, and a delivery channel writes
// the history fastpath reads.
#include "audit/audit_util.h"

namespace fastpath::audit {
namespace {

constexpr const char* kPrefix = "StarlingDoveService";

void Check(AuditContext& ctx) {
  const std::string where = " --region " + ctx.region();
  Reply r = ctx.Json("config", kPrefix, "DescribeConfigurationRecorders", "{}");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (!ctx.ParseJson(r, &parser, &doc, "config:DescribeConfigurationRecorders")) return;
  if (JArr(doc, "ConfigurationRecorders").empty()) {
    ctx.Gap("config.no_recorder", "", "no AWS Config recorder in " + ctx.region(),
            "Create a configuration recorder of all resources and start it.",
            "aws configservice put-configuration-recorder --configuration-recorder "
            "name=default,roleARN=ROLE_ARN --recording-group allSupported=true && aws "
            "configservice start-configuration-recorder --configuration-recorder-name default" +
                where);
    return;
  }
  Reply s = ctx.Json("config", kPrefix, "DescribeConfigurationRecorderStatus", "{}");
  simdjson::dom::parser p2;
  simdjson::dom::element sd;
  if (!ctx.ParseJson(s, &p2, &sd, "config:DescribeConfigurationRecorderStatus")) return;
  for (simdjson::dom::element st : JArr(sd, "ConfigurationRecordersStatus")) {
    const std::string name(JStr(st, "name"));
    if (!JBool(st, "recording")) {
      ctx.Gap("config.not_recording", name, "Config recorder " + name + " is stopped",
              "Start the recorder (and find out who stopped it).",
              "aws configservice start-configuration-recorder --configuration-recorder-name " +
                  ShellQuote(name) + where);
    } else if (JStr(st, "lastStatus") == "Failure") {
      ctx.Gap("config.recorder_failing", name,
              "Config recorder " + name + " fails: " + std::string(JStr(st, "lastErrorMessage")),
              "Fix the recorder's role or delivery channel.",
              "aws configservice describe-configuration-recorder-status" + where);
    } else {
      ctx.Ok("config.recording", name, "recorder " + name + " recording");
    }
  }
  Reply c = ctx.Json("config", kPrefix, "DescribeDeliveryChannels", "{}");
  simdjson::dom::parser p3;
  simdjson::dom::element cd;
  if (!ctx.ParseJson(c, &p3, &cd, "config:DescribeDeliveryChannels")) return;
  auto channels = JArr(cd, "DeliveryChannels");
  if (channels.empty()) {
    ctx.Gap("config.no_delivery_channel", "", "the Config recorder has no delivery channel",
            "Add a delivery channel to the bucket fastpath reads.",
            "aws configservice put-delivery-channel --delivery-channel "
            "name=default,s3BucketName=BUCKET" +
                where);
  }
  for (simdjson::dom::element ch : channels) {
    ctx.Note("delivery channel " + std::string(JStr(ch, "name")) + " -> s3://" +
             std::string(JStr(ch, "s3BucketName")));
  }
}

}  // namespace

extern const ComponentDescriptor kConfigComponent = {
    "config",
    "AWS Config",
    "Configuration history and compliance changes of every resource.",
    false,
    {"config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus",
     "config:DescribeDeliveryChannels"},
    &Check};

}  // namespace fastpath::audit
