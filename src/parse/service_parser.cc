#include "parse/service_parser.h"

#include <charconv>

#include "core/json_get.h"
#include "core/log_types.h"

namespace fastpath {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

namespace {

// The parsers below answer with the kind of a ParseOutcome; element failures go to `failures`.
using Claim = ParseOutcome::Kind;

std::string_view Str(object o, std::string_view key) {
  std::string_view v;
  return JsonGet(o[key].get_string(), v) ? v : std::string_view();
}

template <typename Json>  // element or object
std::string_view StrAt(Json e, std::string_view pointer) {
  std::string_view v;
  return JsonGet(e.at_pointer(pointer).get_string(), v) ? v : std::string_view();
}

bool Has(object o, std::string_view key) {
  return o[key].error() == simdjson::SUCCESS;
}

// What the parsers learn about one record before it becomes an Event.
struct Canon {
  LogType type = LogType::kUnknown;
  std::string_view account, region;
  std::string_view time;  // RFC 3339 (or Inspector's form)
  TimeNs time_ns = 0;     // when the time is not text
  std::string id;         // native id; empty: hash of the record
  std::string_view arn;   // lends account/region when the record has no fields for them
};

// Makes the event: the record as canonical JSON, its id and its canonical fields. Falls back on
// the envelope's (or delivery path's) account, region and time where the record has none.
void Emit(object record, const Canon& c, const RecordContext& ctx, TimeNs envelope_time,
          std::vector<Event>* out) {
  Event& ev = out->emplace_back();
  ev.log_type = c.type;
  ev.path = ctx.path;
  ev.received = ctx.received;
  ev.json = simdjson::to_string(record);
  ev.id = c.id.empty() ? ContentId(ev.json) : c.id;
  ev.account.assign(c.account);
  ev.region.assign(c.region);
  if (!c.arn.empty()) HintsFromArn(c.arn, &ev.account, &ev.region);
  if (ev.account.empty()) ev.account = ctx.account_hint;
  if (ev.region.empty()) ev.region = ctx.region_hint;
  TimeNs t = c.time_ns;
  if (t == 0 && !c.time.empty()) {
    if (auto p = ParseRfc3339(c.time)) {
      t = *p;
    } else if (auto q = ParseInspectorTime(c.time)) {
      t = *q;
    }
  }
  if (t == 0) t = envelope_time;
  if (t == 0) t = ctx.log_timestamp_ms >= 0 ? ctx.log_timestamp_ms * kNsPerMs : ctx.received;
  ev.time = t;
}

std::string JoinId(std::string_view a, std::string_view b) {
  if (a.empty()) return {};
  std::string s(a);
  if (!b.empty()) {
    s.push_back('@');
    s.append(b);
  }
  return s;
}

// ---- Findings -------------------------------------------------------------------------------

bool IsAsff(object o) {
  return Has(o, "SchemaVersion") && Has(o, "ProductArn") && Has(o, "Id");
}

bool IsGuardDuty(object o) {
  if (Has(o, "schemaVersion") && Has(o, "service") && Has(o, "type") && Has(o, "accountId") &&
      !Has(o, "category")) {
    return true;
  }
  // GetFindings (PascalCase).
  return Has(o, "SchemaVersion") && Has(o, "Service") && Has(o, "Type") && Has(o, "AccountId");
}

bool IsMacie(object o) {
  return Has(o, "category") && (Has(o, "classificationDetails") || Has(o, "policyDetails")) &&
         Has(o, "accountId");
}

bool IsInspector(object o) {
  return Has(o, "findingArn") && Has(o, "awsAccountId");
}

Canon GuardDutyCanon(object o) {
  Canon c;
  c.type = LogType::kGuardDuty;
  if (Has(o, "schemaVersion")) {
    c.account = Str(o, "accountId");
    c.region = Str(o, "region");
    c.time = Str(o, "updatedAt");
    c.id = JoinId(Str(o, "id"), c.time);
  } else {
    c.account = Str(o, "AccountId");
    c.region = Str(o, "Region");
    c.time = Str(o, "UpdatedAt");
    c.id = JoinId(Str(o, "Id"), c.time);
  }
  return c;
}

Canon AsffCanon(object o) {
  Canon c;
  c.type = LogType::kSecurityHub;
  c.account = Str(o, "AwsAccountId");
  c.region = Str(o, "Region");
  if (c.region.empty()) c.region = StrAt(o, "/Resources/0/Region");
  c.time = Str(o, "UpdatedAt");
  c.id = JoinId(Str(o, "Id"), c.time);
  c.arn = Str(o, "ProductArn");  // region of the product when nothing else says
  return c;
}

Canon MacieCanon(object o) {
  Canon c;
  c.type = LogType::kMacie;
  c.account = Str(o, "accountId");
  c.region = Str(o, "region");
  c.time = Str(o, "updatedAt");
  c.id = JoinId(Str(o, "id"), c.time);
  return c;
}

Canon InspectorCanon(object o) {
  Canon c;
  c.type = LogType::kInspector;
  c.account = Str(o, "awsAccountId");
  c.time = Str(o, "updatedAt");
  c.arn = Str(o, "findingArn");
  c.id = JoinId(c.arn, c.time);
  return c;
}

// ---- AWS Config -----------------------------------------------------------------------------

bool IsConfigItem(object o) {
  return Has(o, "configurationItemCaptureTime") && Has(o, "resourceType");
}

Canon ConfigItemCanon(object item) {
  Canon c;
  c.type = LogType::kConfig;
  c.account = Str(item, "awsAccountId");
  if (c.account.empty()) c.account = Str(item, "accountId");
  c.region = Str(item, "awsRegion");
  c.time = Str(item, "configurationItemCaptureTime");
  std::string_view state = Str(item, "configurationStateId");
  std::string num;
  if (state.empty()) {
    int64_t n;
    if (JsonGet(item["configurationStateId"].get_int64(), n)) num = std::to_string(n);
    state = num;
  }
  if (!state.empty()) {
    c.id = std::string(Str(item, "resourceType")) + "/" + std::string(Str(item, "resourceId")) +
           "/" + std::string(state);
  }
  return c;
}

bool IsConfigMessage(object o) {
  const std::string_view mt = Str(o, "messageType");
  return mt.starts_with("Configuration") || mt.starts_with("Oversized") ||
         mt == "ComplianceChangeNotification" || mt == "ScheduledNotification";
}

Canon ConfigMessageCanon(object o) {
  Canon c;
  c.type = LogType::kConfig;
  const std::string_view mt = Str(o, "messageType");
  c.time = Str(o, "notificationCreationTime");
  object item;
  if (JsonGet(o["configurationItem"].get_object(), item) ||
      JsonGet(o["configurationItemSummary"].get_object(), item)) {
    Canon ci = ConfigItemCanon(item);
    c.account = ci.account;
    c.region = ci.region;
    if (!ci.time.empty()) c.time = ci.time;
    c.id = ci.id;
  } else if (mt == "ComplianceChangeNotification") {
    c.account = Str(o, "awsAccountId");
    c.region = Str(o, "awsRegion");
    element result;
    if (JsonGet(o["newEvaluationResult"], result)) {
      const std::string_view recorded = StrAt(result, "/resultRecordedTime");
      if (!recorded.empty()) c.time = recorded;
      const std::string_view ordering =
          StrAt(result, "/evaluationResultIdentifier/orderingTimestamp");
      c.id = std::string(Str(o, "configRuleName")) + "/" + std::string(Str(o, "resourceType")) +
             "/" + std::string(Str(o, "resourceId")) + "@" + std::string(ordering);
    }
  }
  return c;
}

// ---- Logs -----------------------------------------------------------------------------------

Canon WafCanon(object o) {
  Canon c;
  c.type = LogType::kWaf;
  c.arn = Str(o, "webaclId");
  int64_t ms;
  if (JsonGet(o["timestamp"].get_int64(), ms)) {
    if (auto t = EpochMillisToNs(ms)) c.time_ns = *t;
  }
  return c;
}

Canon ResolverCanon(object o) {
  Canon c;
  c.type = LogType::kRoute53Resolver;
  c.account = Str(o, "account_id");
  c.region = Str(o, "region");
  c.time = Str(o, "query_timestamp");
  return c;
}

Canon NetworkFirewallCanon(object o) {
  Canon c;
  c.type = LogType::kNetworkFirewall;
  std::string_view ts = StrAt(o, "/event/timestamp");
  if (auto t = ParseRfc3339(ts)) {
    c.time_ns = *t;
  } else {
    // Suricata writes "2024-01-01T00:00:00.123456+0000": an offset without a colon.
    if (ts.size() > 5 && (ts[ts.size() - 5] == '+' || ts[ts.size() - 5] == '-')) {
      std::string fixed(ts);
      fixed.insert(fixed.size() - 2, ":");
      if (auto t2 = ParseRfc3339(fixed)) c.time_ns = *t2;
    }
  }
  if (c.time_ns == 0) {
    // Epoch seconds as a string; anything longer than 11 digits is not a time of this era.
    const std::string_view secs = Str(o, "event_timestamp");
    int64_t v = 0;
    const auto r = std::from_chars(secs.data(), secs.data() + secs.size(), v);
    if (r.ec == std::errc() && r.ptr == secs.data() + secs.size() && secs.size() < 12 && v >= 0) {
      c.time_ns = v * kNsPerSec;
    }
  }
  return c;
}

bool IsApiGatewayAccess(object o) {
  return Has(o, "requestId") &&
         (Has(o, "httpMethod") || Has(o, "routeKey") || Has(o, "resourcePath") ||
          (Has(o, "eventType") && Has(o, "connectionId")));
}

Canon ApiGatewayCanon(object o) {
  Canon c;
  c.type = LogType::kApiGateway;
  c.time = Str(o, "requestTime");
  int64_t ms;
  if (JsonGet(o["requestTimeEpoch"].get_int64(), ms)) {
    if (auto t = EpochMillisToNs(ms)) c.time_ns = *t;
  }
  if (c.time_ns == 0) {
    if (auto t = ParseClfTime(c.time)) c.time_ns = *t;
  }
  // A request id names one request of one API: native, when the template logs it.
  const std::string_view api = Str(o, "apiId");
  const std::string_view rid = Str(o, "requestId");
  if (!rid.empty() && rid != "-") c.id = api.empty() ? std::string(rid) : JoinId(rid, api);
  return c;
}

bool IsLambdaJson(object o, const RecordContext& ctx) {
  if (ctx.log_group.starts_with("/aws/lambda/")) return true;
  const std::string_view type = Str(o, "type");
  if (type.starts_with("platform.") && Has(o, "time") && Has(o, "record")) return true;
  return Has(o, "timestamp") && Has(o, "level") && Has(o, "requestId") && Has(o, "message");
}

Canon LambdaCanon(object o) {
  Canon c;
  c.type = LogType::kLambda;
  c.time = Str(o, "time");
  if (c.time.empty()) c.time = Str(o, "timestamp");
  return c;
}

// ---- Dispatch -------------------------------------------------------------------------------

// A bare record (no EventBridge envelope). Appends events, or says it is not one of ours.
Claim ParseBare(object o, const RecordContext& ctx, TimeNs envelope_time, std::vector<Event>* out,
                std::vector<ParseOutcome>* failures, int depth);

Claim ParseList(array list, const RecordContext& ctx, TimeNs envelope_time, std::vector<Event>* out,
                std::vector<ParseOutcome>* failures, int depth, std::string_view what) {
  // A bad element costs only itself: the list's other elements are still events.
  size_t i = 0;
  const size_t before = out->size();
  for (element e : list) {
    object o;
    if (!JsonGet(e.get_object(), o)) {
      failures->push_back(ParseOutcome::Malformed(
          DropReason::kNotAnObject,
          std::string(what) + "[" + std::to_string(i) + "] is not an object"));
    } else if (ParseBare(o, ctx, envelope_time, out, failures, depth + 1) == Claim::kNotMine) {
      failures->push_back(ParseOutcome::Malformed(
          DropReason::kMissingField,
          std::string(what) + "[" + std::to_string(i) + "] is not a record fastpath knows"));
    }
    ++i;
  }
  return out->size() > before || i == 0 ? Claim::kEvent : Claim::kMalformed;
}

Claim ParseBare(object o, const RecordContext& ctx, TimeNs envelope_time, std::vector<Event>* out,
                std::vector<ParseOutcome>* failures, int depth) {
  if (depth > 3) return Claim::kNotMine;
  auto emit = [&](const Canon& c) {
    Emit(o, c, ctx, envelope_time, out);
    return Claim::kEvent;
  };
  if (IsAsff(o)) return emit(AsffCanon(o));
  if (IsGuardDuty(o)) return emit(GuardDutyCanon(o));
  if (IsMacie(o)) return emit(MacieCanon(o));
  if (IsInspector(o)) return emit(InspectorCanon(o));
  if (IsConfigItem(o)) return emit(ConfigItemCanon(o));
  if (IsConfigMessage(o)) return emit(ConfigMessageCanon(o));
  if (Has(o, "webaclId") && Has(o, "httpRequest")) return emit(WafCanon(o));
  if (Has(o, "query_name") && Has(o, "query_timestamp")) return emit(ResolverCanon(o));
  if (Has(o, "firewall_name") && Has(o, "event")) return emit(NetworkFirewallCanon(o));
  if (Has(o, "x-edge-request-id") || (Has(o, "x-edge-location") && Has(o, "cs-method"))) {
    Canon c;
    c.type = LogType::kCloudFront;
    std::string t = std::string(Str(o, "date")) + "T" + std::string(Str(o, "time")) + "Z";
    if (auto p = ParseRfc3339(t)) c.time_ns = *p;
    return emit(c);
  }
  // Config's custom-rule invocation: the item or notification is a JSON string inside.
  if (Has(o, "invokingEvent") && Has(o, "configRuleName")) {
    Canon c;
    c.type = LogType::kConfig;
    c.account = Str(o, "accountId");
    c.arn = Str(o, "configRuleArn");
    thread_local simdjson::dom::parser inner;
    element inv;
    const std::string_view text = Str(o, "invokingEvent");
    std::string_view when;
    if (!text.empty() && inner.parse(text.data(), text.size()).get(inv) == simdjson::SUCCESS) {
      when = StrAt(inv, "/notificationCreationTime");
      if (when.empty()) when = StrAt(inv, "/configurationItem/configurationItemCaptureTime");
    }
    if (auto t = ParseRfc3339(when)) c.time_ns = *t;
    return emit(c);
  }
  if (IsApiGatewayAccess(o)) return emit(ApiGatewayCanon(o));
  if (IsLambdaJson(o, ctx)) return emit(LambdaCanon(o));

  // Lists: {"Findings":[...]} (GuardDuty and Security Hub GetFindings), {"findings":[...]}
  // (Inspector ListFindings), Config snapshot and history files.
  array list;
  if (JsonGet(o["configurationItems"].get_array(), list) && Has(o, "fileVersion")) {
    return ParseList(list, ctx, envelope_time, out, failures, depth, "configurationItems");
  }
  if (JsonGet(o["Findings"].get_array(), list) || JsonGet(o["findings"].get_array(), list)) {
    return ParseList(list, ctx, envelope_time, out, failures, depth, "findings");
  }
  // DescribeTrustedAdvisorCheckResult: {"result":{checkId,timestamp,...}}, also as recorded
  // by test harnesses inside {"status_code","data"}.
  object result;
  if (JsonGet(o["result"].get_object(), result) && Has(result, "checkId")) {
    Canon c;
    c.type = LogType::kTrustedAdvisor;
    c.time = Str(result, "timestamp");
    c.id = JoinId(Str(result, "checkId"), c.time);
    return emit(c);
  }
  object data;
  if (JsonGet(o["data"].get_object(), data) && Has(o, "status_code")) {
    return ParseBare(data, ctx, envelope_time, out, failures, depth + 1);
  }
  return Claim::kNotMine;
}

Claim ParseEventBridge(object o, const RecordContext& ctx, std::vector<Event>* out,
                       std::vector<ParseOutcome>* failures) {
  const std::string_view source = Str(o, "source");
  object detail;
  if (!JsonGet(o["detail"].get_object(), detail)) return Claim::kNotMine;
  TimeNs envelope_time = 0;
  if (auto t = ParseRfc3339(Str(o, "time"))) envelope_time = *t;
  // An event of the service that is not a finding or configuration record (a scan, a check
  // refresh, insight results) has no other path: the whole envelope is the event, so its
  // detail-type stays with it.
  auto emit_envelope = [&](LogType type) {
    Canon c;
    c.type = type;
    c.id = std::string(Str(o, "id"));
    c.account = Str(o, "account");
    c.region = Str(o, "region");
    Emit(o, c, ctx, envelope_time, out);
    return Claim::kEvent;
  };

  if (source == LogTypeFacts(LogType::kSecurityHub).eventbridge_source) {
    array findings;
    if (JsonGet(detail["findings"].get_array(), findings)) {
      return ParseList(findings, ctx, envelope_time, out, failures, 0, "detail.findings");
    }
    return emit_envelope(LogType::kSecurityHub);  // Insight Results
  }
  const LogType type = LogTypeForEventBridgeSource(source);
  if (type == LogType::kUnknown) return Claim::kNotMine;
  // Findings and configuration items are the same objects as on other paths.
  const size_t before = out->size();
  const Claim c = ParseBare(detail, ctx, envelope_time, out, failures, 1);
  if (c == Claim::kMalformed) return c;
  if (c == Claim::kEvent && out->size() > before && (*out)[before].log_type == type) {
    return c;
  }
  out->resize(before);
  return emit_envelope(type);
}

}  // namespace

std::optional<TimeNs> ParseInspectorTime(std::string_view s) {
  // Dec 3, 2021, 6:02:30 PM
  if (s.size() < 20 || s[3] != ' ') return std::nullopt;
  const int mon = MonthFromName(s.substr(0, 3));
  if (mon == 0) return std::nullopt;
  size_t i = 4;
  auto number = [&](int* v) {
    const size_t start = i;
    *v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 5)
      *v = *v * 10 + (s[i++] - '0');
    return i > start;
  };
  auto expect = [&](std::string_view lit) {
    if (s.substr(i, lit.size()) != lit) return false;
    i += lit.size();
    return true;
  };
  int day, year, hour, min, sec;
  if (!number(&day) || !expect(", ") || !number(&year) || !expect(", ") || !number(&hour) ||
      !expect(":") || !number(&min) || !expect(":") || !number(&sec) || !expect(" ")) {
    return std::nullopt;
  }
  const std::string_view ampm = s.substr(i);
  if (hour < 1 || hour > 12) return std::nullopt;
  if (ampm == "AM") {
    hour = hour == 12 ? 0 : hour;
  } else if (ampm == "PM") {
    hour = hour == 12 ? 12 : hour + 12;
  } else {
    return std::nullopt;
  }
  return TimeFromCivil(year, mon, day, hour, min, sec);
}

ParseOutcome ParseServiceRecord(object record, const RecordContext& ctx, std::vector<Event>* out,
                                std::vector<ParseOutcome>* failures) {
  ParseOutcome outcome;
  outcome.kind = Has(record, "detail-type") && Has(record, "source")
                     ? ParseEventBridge(record, ctx, out, failures)
                     : ParseBare(record, ctx, 0, out, failures, 0);
  if (outcome.kind == Claim::kMalformed && !failures->empty()) {
    outcome.reason = failures->front().reason;
    outcome.what = failures->front().what;
  }
  return outcome;
}

}  // namespace fastpath
