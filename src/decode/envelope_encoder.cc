#include "decode/envelope_encoder.h"

#include <cstdio>

#include <simdjson.h>

#include "core/hash.h"
#include "core/json_get.h"

#include "core/event.h"
#include "decode/byte_reader.h"

namespace fastpath {

std::string EncodeCloudTrailLogFile(const std::vector<std::string>& records) {
  std::string out = "{\"Records\":[";
  for (size_t i = 0; i < records.size(); ++i) {
    if (i) out.push_back(',');
    out.append(records[i]);
  }
  out.append("]}");
  return out;
}

std::string EncodeCwlDataMessage(std::string_view owner, std::string_view log_group,
                                 std::string_view log_stream,
                                 const std::vector<CwlLogEvent>& events) {
  std::string out = "{\"messageType\":\"DATA_MESSAGE\",\"owner\":";
  AppendJsonString(&out, owner);
  out.append(",\"logGroup\":");
  AppendJsonString(&out, log_group);
  out.append(",\"logStream\":");
  AppendJsonString(&out, log_stream);
  out.append(",\"subscriptionFilters\":[\"fastpath\"],\"logEvents\":[");
  for (size_t i = 0; i < events.size(); ++i) {
    if (i) out.push_back(',');
    out.append("{\"id\":");
    AppendJsonString(&out, events[i].id);
    out.append(",\"timestamp\":");
    out.append(std::to_string(events[i].timestamp_ms));
    out.append(",\"message\":");
    AppendJsonString(&out, events[i].message);
    out.push_back('}');
  }
  out.append("]}");
  return out;
}

std::string_view EventBridgeDetailType(std::string_view t) {
  if (t == "AwsApiCall") return "AWS API Call via CloudTrail";
  if (t == "AwsConsoleSignIn") return "AWS Console Sign In via CloudTrail";
  if (t == "AwsServiceEvent") return "AWS Service Event via CloudTrail";
  if (t == "AwsCloudTrailInsight") return "AWS Insight via CloudTrail";
  if (t == "AwsConsoleAction") return "AWS Console Action via CloudTrail";
  return {};
}

namespace {
std::string UuidFrom(std::string_view seed) {
  unsigned char md[kSha256Bytes];
  Sha256({seed}, md);
  char buf[40];
  std::snprintf(buf, sizeof buf,
                "%02x%02x%02x%02x-%02x%02x-4%01x%02x-%01x%02x%02x-%02x%02x%02x%02x%02x%02x", md[0],
                md[1], md[2], md[3], md[4], md[5], md[6] & 15, md[7], 8 | (md[8] & 3), md[9],
                md[10], md[11], md[12], md[13], md[14], md[15], md[16]);
  return buf;
}
}  // namespace

Result<std::string> EncodeEventBridgeForCloudTrail(std::string_view record_json) {
  simdjson::dom::parser parser;
  simdjson::dom::object rec;
  if (parser.parse(record_json.data(), record_json.size()).get_object().get(rec) !=
      simdjson::SUCCESS) {
    return Status::Corrupt("CloudTrail record is not a JSON object");
  }
  std::string_view event_type, event_source, account, time, region, event_id;
  JsonGet(rec["eventType"].get_string(), event_type);
  JsonGet(rec["eventSource"].get_string(), event_source);
  JsonGet(rec["recipientAccountId"].get_string(), account);
  JsonGet(rec["eventTime"].get_string(), time);
  JsonGet(rec["awsRegion"].get_string(), region);
  JsonGet(rec["eventID"].get_string(), event_id);
  std::string_view detail_type = EventBridgeDetailType(event_type);
  if (detail_type.empty()) detail_type = "AWS API Call via CloudTrail";
  std::string source = "aws.";
  source.append(event_source.substr(0, event_source.find('.')));
  std::string out = "{\"version\":\"0\",\"id\":\"";
  out.append(UuidFrom(std::string("eventbridge:") + std::string(event_id)));
  out.append("\",\"detail-type\":");
  AppendJsonString(&out, detail_type);
  out.append(",\"source\":");
  AppendJsonString(&out, source);
  out.append(",\"account\":");
  AppendJsonString(&out, account);
  out.append(",\"time\":");
  AppendJsonString(&out, time);
  out.append(",\"region\":");
  AppendJsonString(&out, region);
  out.append(",\"resources\":[],\"detail\":");
  out.append(simdjson::to_string(rec));
  out.push_back('}');
  return out;
}

std::string EncodeFirehoseHttpBody(std::string_view request_id, int64_t timestamp_ms,
                                   const std::vector<std::string>& payloads) {
  std::string out = "{\"requestId\":";
  AppendJsonString(&out, request_id);
  out.append(",\"timestamp\":");
  out.append(std::to_string(timestamp_ms));
  out.append(",\"records\":[");
  for (size_t i = 0; i < payloads.size(); ++i) {
    if (i) out.push_back(',');
    out.append("{\"data\":\"");
    out.append(Base64Encode(payloads[i]));
    out.append("\"}");
  }
  out.append("]}");
  return out;
}

std::string EncodeKinesisEvent(std::string_view stream_arn,
                               const std::vector<KinesisRecordOut>& records) {
  std::string out = "{\"Records\":[";
  char ts[64];
  for (size_t i = 0; i < records.size(); ++i) {
    const KinesisRecordOut& r = records[i];
    if (i) out.push_back(',');
    out.append("{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":");
    AppendJsonString(&out, r.partition_key);
    out.append(",\"sequenceNumber\":");
    AppendJsonString(&out, r.sequence_number);
    out.append(",\"data\":\"");
    out.append(Base64Encode(r.payload));
    std::snprintf(ts, sizeof ts, "%.3f", static_cast<double>(r.arrival) / 1e9);
    out.append("\",\"approximateArrivalTimestamp\":");
    out.append(ts);
    out.append(
        "},\"eventSource\":\"aws:kinesis\",\"eventVersion\":\"1.0\",\"eventName\":\"aws:kinesis:"
        "record\",\"eventSourceARN\":");
    AppendJsonString(&out, stream_arn);
    out.append("}");
  }
  out.append("]}");
  return out;
}

}  // namespace fastpath
