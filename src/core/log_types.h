// The log-type table: every fact about a log type that more than one stage needs, in one row per
// type. The stages read it instead of switching on LogType: the event's name (core), which
// EventBridge source and detail-type carry it (parse, and the envelope detection rebuilds for
// patterns), the Sigma logsource it answers to (rules), the OCSF mapping family and product name
// (ocsf). A new log type is its parser plus one row here (and, when no existing OCSF family fits,
// a mapping of its own).
//
// Immutable; safe from any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/event.h"

namespace fastpath {

// The OCSF mapping family that renders a log type (src/ocsf/).
enum class OcsfMapping : uint8_t {
  kBase,             // Base Event: no class fits
  kCloudTrail,       // API Activity / Authentication / Account Change; Insights: Detection Finding
  kVpcFlow,          // Network Activity
  kNlb,              // Network Activity
  kNetworkFirewall,  // Network Activity (flow, alert, TLS)
  kLoadBalancer,     // HTTP Activity (ALB, Classic ELB)
  kCloudFront,       // HTTP Activity
  kWaf,              // HTTP Activity
  kDns,              // DNS Activity (Route 53 public zones, Resolver)
  kS3Access,         // API Activity
  kGuardDuty,        // Detection Finding
  kMacie,            // Detection Finding
  kTrustedAdvisor,   // Compliance Finding
  kSecurityHub,      // Vulnerability / Compliance / Detection Finding by content; else Base Event
  kInspector,        // Vulnerability or Detection Finding; else Base Event
  kConfig,           // compliance changes: Compliance Finding; else Base Event
  kApiGateway,       // access logs: HTTP Activity; else Base Event
};

// How the parse stage recognises a record of the type (which parser claims it).
enum class Recogniser : uint8_t {
  kNone,         // never produced by a parser (unknown)
  kCloudTrail,   // CloudTrail record and digest keys (parse/cloudtrail_parser)
  kTextLine,     // a text format by its fields (parse/text_log_parser, one file per format)
  kJsonService,  // a service's JSON record by its keys (parse/service_parser)
  kEnvelope,     // an EventBridge event with no parser of its own: the envelope is the event
};

struct LogTypeInfo {
  LogType type;
  std::string_view name;     // "aws.guardduty": the `log_type` of events, the lake partition
  std::string_view product;  // "GuardDuty": the OCSF metadata.product.name
  Recogniser recogniser;
  // How the event id is made (docs/canonical-events.md has the details).
  std::string_view id_rule;
  // EventBridge: the `source` of the events that carry this type's records in their `detail`,
  // and the detail-type of such an event (empty: decided by the record, as for CloudTrail's
  // "... via CloudTrail" detail-types and Config's two kinds).
  std::string_view eventbridge_source;
  std::string_view eventbridge_detail_type;
  // The path under `detail` at which the record sits in the EventBridge event ("findings." for
  // Security Hub, whose event lists findings); patterns over `detail.x` read the record's `x`.
  std::string_view eventbridge_record_path;
  // Patterns see the EventBridge event this record would have arrived in (true), or the record
  // itself (false: text logs and records EventBridge never carries).
  bool eventbridge_shaped;
  // Sigma: the `logsource` service (product aws) that selects this type; and whether a rule
  // naming only `product: aws` applies to it.
  std::string_view sigma_service;
  bool sigma_product_wide;
  OcsfMapping ocsf;
};

// The row of `t`.
const LogTypeInfo& LogTypeFacts(LogType t);
// Every row, in LogType order.
const LogTypeInfo* LogTypeTable();
// The type whose records EventBridge events of `source` carry, or kUnknown.
LogType LogTypeForEventBridgeSource(std::string_view source);

}  // namespace fastpath
