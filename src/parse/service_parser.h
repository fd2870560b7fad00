// JSON records of AWS's security services and JSON logs, recognised by content:
//
//   GuardDuty findings        EventBridge "GuardDuty Finding", S3 export lines, GetFindings
//   Security Hub (ASFF)       EventBridge "Security Hub Findings - Imported" / "- Custom Action"
//                             (each finding of the list is one event), GetFindings, bare ASFF
//   AWS Config                configuration item change / oversized / compliance change /
//                             delivery notifications (EventBridge, SNS), snapshot and history
//                             files (one event per item), custom-rule invocation events
//   Inspector v2, Macie       EventBridge findings and other events, API findings
//   Trusted Advisor           EventBridge check item refresh, DescribeTrustedAdvisorCheckResult
//   WAF, Route 53 Resolver, Network Firewall, API Gateway JSON access logs, Lambda JSON logs,
//   CloudFront logs in JSON form
//
// For a finding delivered by EventBridge the event is the finding (the `detail`), so it is the
// same object, with the same id, as the finding from S3 or the API; the envelope lends account,
// region and time where the finding lacks them. Ids are native where AWS gives one (see
// docs/canonical-events.md and the id rule of each row of core/log_types.cc); otherwise a hash of
// the canonical record.
// Pure functions, thread-safe.
#pragma once

#include <vector>

#include <simdjson.h>

#include "core/event.h"
#include "decode/envelope_decoder.h"
#include "parse/cloudtrail_parser.h"
#include "parse/parse_outcome.h"

namespace fastpath {

// Appends the record's events to *out and, for elements of a list that are not usable (a finding
// that is no finding), one malformed outcome each to *failures: a bad element costs only itself.
// Returns kNotMine (not a record of these services: the caller tries other parsers), kEvent
// (events appended, possibly none, e.g. an empty findings list) or kMalformed (recognised but
// nothing in it usable; *failures says why, and the outcome repeats the first reason).
ParseOutcome ParseServiceRecord(simdjson::dom::object record, const RecordContext& ctx,
                                std::vector<Event>* out, std::vector<ParseOutcome>* failures);

// "Dec 3, 2021, 6:02:30 PM" (dates in Inspector's EventBridge findings), as UTC.
std::optional<TimeNs> ParseInspectorTime(std::string_view text);

}  // namespace fastpath
