// What the OCSF mapping files share: a small JSON writer, the reader of the native record, the
// OCSF classes and activity helpers, the header every object starts with, and the mapping
// functions of each class family (one file each: cloudtrail_ocsf.cc, network_ocsf.cc,
// http_ocsf.cc, dns_ocsf.cc, findings_ocsf.cc, base_event_ocsf.cc). Internal to src/ocsf.
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "core/event.h"
#include "core/json_get.h"

namespace fastpath::ocsf {

using simdjson::dom::element;

// ---- A small JSON writer: objects and arrays with their commas, empty values skipped ---------

class Writer {
 public:
  explicit Writer(std::string* out) : out_(*out) {}

  void Open(std::string_view key = {}) { Begin(key, '{'); }
  void OpenArray(std::string_view key = {}) { Begin(key, '['); }
  void Close() {
    out_.push_back(closers_.back());
    closers_.pop_back();
    first_.pop_back();
  }
  // Strings are skipped when empty or "-" (AWS's way of writing "none"), so no attribute holds
  // either.
  void Str(std::string_view key, std::string_view v) {
    if (v.empty() || v == "-") return;
    Key(key);
    AppendJsonString(&out_, v);
  }
  void Int(std::string_view key, int64_t v) {
    Key(key);
    out_.append(std::to_string(v));
  }
  void OptInt(std::string_view key, std::optional<int64_t> v) {
    if (v) Int(key, *v);
  }
  void Port(std::optional<int64_t> v) {
    if (v && *v >= 0 && *v <= 65535) Int("port", *v);  // else it is not a port
  }
  void Bool(std::string_view key, bool v) {
    Key(key);
    out_.append(v ? "true" : "false");
  }

 private:
  void Key(std::string_view key) {
    if (!first_.empty()) {
      if (!first_.back()) out_.push_back(',');
      first_.back() = false;
    }
    if (!key.empty()) {
      AppendJsonString(&out_, key);
      out_.push_back(':');
    }
  }
  void Begin(std::string_view key, char open) {
    Key(key);
    out_.push_back(open);
    closers_.push_back(open == '{' ? '}' : ']');
    first_.push_back(true);
  }
  std::string& out_;
  std::vector<char> closers_;
  std::vector<bool> first_;
};

// ---- Reading the native record ---------------------------------------------------------------

struct Rec {
  element root;
  std::string_view S(std::string_view pointer) const {
    std::string_view v;
    return JsonGet(root.at_pointer(pointer).get_string(), v) ? v : std::string_view();
  }
  std::optional<int64_t> I(std::string_view pointer) const {
    element e;
    if (!JsonGet(root.at_pointer(pointer), e)) return std::nullopt;
    int64_t i;
    if (JsonGet(e.get_int64(), i)) return i;
    double d;
    if (JsonGet(e.get_double(), d) && d > -9e15 && d < 9e15) return static_cast<int64_t>(d);
    std::string_view s;
    if (JsonGet(e.get_string(), s) && !s.empty()) {
      int64_t v = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return v;
    }
    return std::nullopt;
  }
  std::optional<double> D(std::string_view pointer) const {
    double d;
    if (JsonGet(root.at_pointer(pointer).get_double(), d)) return d;
    if (auto i = I(pointer)) return static_cast<double>(*i);
    return std::nullopt;
  }
  bool Has(std::string_view pointer) const {
    return root.at_pointer(pointer).error() == simdjson::SUCCESS;
  }
  std::optional<element> E(std::string_view pointer) const {
    element e;
    if (JsonGet(root.at_pointer(pointer), e)) return e;
    return std::nullopt;
  }
};

// ---- Classes ---------------------------------------------------------------------------------

struct Class {
  int uid;
  int category;
  const char* name;
  const char* category_name;
};
constexpr Class kBase{0, 0, "Base Event", "Other"};
constexpr Class kVulnerability{2002, 2, "Vulnerability Finding", "Findings"};
constexpr Class kCompliance{2003, 2, "Compliance Finding", "Findings"};
constexpr Class kDetection{2004, 2, "Detection Finding", "Findings"};
constexpr Class kAccountChange{3001, 3, "Account Change", "Identity & Access Management"};
constexpr Class kAuthentication{3002, 3, "Authentication", "Identity & Access Management"};
constexpr Class kNetwork{4001, 4, "Network Activity", "Network Activity"};
constexpr Class kHttp{4002, 4, "HTTP Activity", "Network Activity"};
constexpr Class kDns{4003, 4, "DNS Activity", "Network Activity"};
constexpr Class kApi{6003, 6, "API Activity", "Application Activity"};

struct Header {
  Class cls;
  int activity_id = 0;
  // The source's own name of the activity, written as activity_name only when activity_id is 99
  // (Other); every other id is written with its caption from the schema.
  std::string_view activity_name;
  int severity_id = 1;
  int status_id = -1;        // -1: not written
  std::string_view product;  // metadata.product.name
  // The event carries the security_control profile's attributes (disposition, action,
  // firewall_rule): metadata.profiles declares it.
  bool security_control = false;
};

// ---- Helpers (ocsf_internal.cc) ---------------------------------------------------------------

std::optional<int64_t> TimeMs(std::string_view rfc3339);
// "1.2.3.4:5678" or "[::1]:80" -> ip, port.
void SplitHostPort(std::string_view v, std::string_view* ip, std::optional<int64_t>* port);
// An IPv4 or IPv6 address as inet_pton reads it.
bool IsIp(std::string_view v);
// A host name as OCSF's hostname_t has it (labels of letters, digits and inner hyphens).
bool IsHostname(std::string_view v);
// The caption OCSF 1.1.0 gives activity_id `id` of the class; null when the class has none.
const char* ActivityCaption(int class_uid, int id);
// Writes disposition_id with its caption, and the action (Allowed / Denied) it implies; only in
// events whose header declares the security_control profile.
void Disposition(Writer& w, int disposition_id);
// connection_info.direction_id (0 Unknown, 1 Inbound, 2 Outbound) with its caption.
void Direction(Writer& w, int direction_id);
// An endpoint with whatever is known; nothing is written when nothing is.
void Endpoint(Writer& w, std::string_view key, std::string_view ip, std::optional<int64_t> port,
              std::string_view hostname = {}, std::string_view svc_name = {},
              std::string_view interface_uid = {}, std::string_view instance_uid = {});
// Account Change activities of IAM user and credential calls (OCSF 1.1 activity_id values).
int AccountChangeActivity(std::string_view name);
// API Activity: Create 1, Read 2, Update 3, Delete 4, Other 99 by the operation's verb.
int ApiActivity(std::string_view op);
int HttpActivity(std::string_view method);
int SeverityFromLabel(std::string_view label);
// GuardDuty's 1.0-8.9 (and 9.0-10.0 critical) numeric scale.
int SeverityFromGuardDuty(double s);
int DnsRcode(std::string_view rcode);
// The schema's caption of rcode_id `id` (NoError, NXDomain, ...); null for 99 and unknown ids.
const char* DnsRcodeCaption(int id);
void WriteHeader(Writer& w, const Event& e, const Header& h);

// ---- The class families; each returns the class_uid it wrote ---------------------------------

int CloudTrail(Writer& w, const Event& e, const Rec& r);
int VpcFlow(Writer& w, const Event& e, const Rec& r);
int Nlb(Writer& w, const Event& e, const Rec& r);
int NetworkFirewall(Writer& w, const Event& e, const Rec& r);
int LoadBalancer(Writer& w, const Event& e, const Rec& r);
int CloudFront(Writer& w, const Event& e, const Rec& r);
int Waf(Writer& w, const Event& e, const Rec& r);
int ApiGatewayAccess(Writer& w, const Event& e, const Rec& r);
int S3Access(Writer& w, const Event& e, const Rec& r);
int Dns(Writer& w, const Event& e, const Rec& r);
int CloudTrailInsight(Writer& w, const Event& e, const Rec& r);
int GuardDuty(Writer& w, const Event& e, const Rec& r);
int SecurityHub(Writer& w, const Event& e, const Rec& r);
int Inspector(Writer& w, const Event& e, const Rec& r);
int Macie(Writer& w, const Event& e, const Rec& r);
int ConfigCompliance(Writer& w, const Event& e, const Rec& r);
int TrustedAdvisor(Writer& w, const Event& e, const Rec& r);
int BaseEvent(Writer& w, const Event& e, const Rec& r, std::string_view product);

}  // namespace fastpath::ocsf
