// EnvelopeEncoder: the inverse of the decode stage. Wraps native CloudTrail records in the
// envelopes AWS delivers them in, byte for byte as AWS documents them: an S3 log file, a
// CloudWatch Logs subscription message, an EventBridge event, a Firehose HTTP endpoint request and
// a Kinesis record batch. The demo replays data through these, `rules test` runs each test
// event through every envelope, and tests and benchmarks build their inputs with them.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time_util.h"

namespace fastpath {

// {"Records":[r1,r2,...]}; records are JSON texts.
std::string EncodeCloudTrailLogFile(const std::vector<std::string>& records);

struct CwlLogEvent {
  std::string id;
  int64_t timestamp_ms = 0;
  std::string message;
};
// A DATA_MESSAGE as a subscription delivers it, before compression.
std::string EncodeCwlDataMessage(std::string_view owner, std::string_view log_group,
                                 std::string_view log_stream,
                                 const std::vector<CwlLogEvent>& events);

// The EventBridge event AWS builds for a CloudTrail record: version "0", an envelope id derived
// from the eventID, detail-type from eventType, source aws.<service>, account, time, region,
// resources [], detail = the record.
Result<std::string> EncodeEventBridgeForCloudTrail(std::string_view record_json);

// A Firehose HTTP endpoint delivery request body; each payload is base64'd into records[].data.
std::string EncodeFirehoseHttpBody(std::string_view request_id, int64_t timestamp_ms,
                                   const std::vector<std::string>& payloads);

struct KinesisRecordOut {
  std::string payload;
  std::string partition_key;
  std::string sequence_number;
  TimeNs arrival = 0;
};
// A batch of Kinesis records in the shape Lambda and `aws kinesis get-records` consumers see.
std::string EncodeKinesisEvent(std::string_view stream_arn,
                               const std::vector<KinesisRecordOut>& records);

// The EventBridge detail-type for a CloudTrail eventType ("AwsApiCall" -> "AWS API Call via
// CloudTrail"); empty for an unknown eventType.
std::string_view EventBridgeDetailType(std::string_view event_type);

}  // namespace fastpath
