// Event: the canonical form every record takes, whichever AWS delivery path brought it.
//
// An Event owns all its bytes (no views into decode buffers), so it can cross threads in a batch.
// Fields follow PRODUCT.md "Interfaces": log_type, path, account, region, time, id, event.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/time_util.h"

namespace fastpath {

// How the record reached fastpath.
enum class DeliveryPath : uint8_t {
  kFile = 0,            // a bare record with no delivery envelope: path unknown
  kS3 = 1,              // an S3 log object (CloudTrail {"Records":[...]} file, digest file)
  kCloudWatchLogs = 2,  // a CloudWatch Logs subscription message (via Kinesis, Firehose, Lambda)
  kEventBridge = 3,     // an EventBridge event (via Kinesis, Firehose, HTTP)
  kFirehose = 4,        // a record put straight into Firehose, no CloudWatch Logs/EventBridge
};
constexpr int kNumDeliveryPaths = 5;
std::string_view DeliveryPathName(DeliveryPath p);

enum class LogType : uint8_t {
  kUnknown = 0,
  kCloudTrail,
  kCloudTrailDigest,
  kCloudTrailInsight,
  kEventBridge,  // an EventBridge event that has no parser of its own yet
  kVpcFlow,      // VPC and Transit Gateway flow logs
  kConfig,
  kGuardDuty,
  kSecurityHub,
  kInspector,
  kMacie,
  kTrustedAdvisor,
  kS3Access,
  kElb,  // Classic Load Balancer
  kAlb,
  kNlb,
  kCloudFront,
  kApiGateway,
  kLambda,
  kRds,
  kRoute53,  // public hosted zone DNS query logs
  kRoute53Resolver,
  kWaf,
  kNetworkFirewall,
};
constexpr int kNumLogTypes = 24;
std::string_view LogTypeName(LogType t);

struct Event {
  LogType log_type = LogType::kUnknown;
  DeliveryPath path = DeliveryPath::kFile;
  std::string account;
  std::string region;
  TimeNs time = 0;      // when it happened (the record's own time)
  TimeNs received = 0;  // when it reached fastpath's side of the delivery path
  std::string id;       // stable across paths: CloudTrail eventID, or a hash of the record
  std::string json;     // the native record, minified, canonical serialization
  std::vector<uint32_t> matched_rules;  // indices of the rules it matched (when rules are loaded)
  // Where it came from: the input (a file path, s3://bucket/key, "<archive>!/<member>", a
  // receiver's request, or kinesis://stream/shard/sequence for one Kinesis record), shared by the
  // events of one input, and the offset of its document in the input's decoded bytes.
  std::shared_ptr<const std::string> source;
  uint64_t offset = kNoOffset;
  static constexpr uint64_t kNoOffset = ~uint64_t{0};  // the input names the record itself
};

using EventBatch = std::vector<Event>;

// Appends `s` to `out` as a JSON string literal (quotes included), escaping as RFC 8259 requires.
void AppendJsonString(std::string* out, std::string_view s);

// True when `s` holds no byte a JSON string must escape (control characters, '"', '\\'), so it
// can be written between quotes as it is. Checks eight bytes at a time.
bool JsonSafe(std::string_view s);
// The same, with '"' allowed and counted into *quotes: for text lines whose quotes delimit
// values.
bool JsonSafeButQuotes(std::string_view s, size_t* quotes);
// Index of the first ' ' at or after `from`, or s.size(). Eight bytes at a time.
size_t FindSpace(std::string_view s, size_t from);

// Appends "log_type":..,"path":..,"account":..,"region":..,"time":.. (no braces), the fields an
// event and an alert about it share.
void AppendEventCoreFields(const Event& e, std::string* out);

// Appends ,"source":{"input":..,"offset":..} when the event knows where it came from.
void AppendEventSource(const Event& e, std::string* out);

// Appends the event as one NDJSON line (with trailing '\n') in the `scan --output events` shape.
void AppendEventJsonLine(const Event& e, std::string* out);

}  // namespace fastpath
