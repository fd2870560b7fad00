#include "ocsf/ocsf_internal.h"

#include <arpa/inet.h>

#include <cctype>
#include <charconv>

#include "core/log_types.h"
#include "core/time_util.h"
#include "ocsf/ocsf_mapper.h"

namespace fastpath::ocsf {

std::optional<int64_t> TimeMs(std::string_view rfc3339) {
  if (auto t = ParseRfc3339(rfc3339)) return *t / kNsPerMs;
  return std::nullopt;
}

// "1.2.3.4:5678" or "[::1]:80" -> ip, port.
void SplitHostPort(std::string_view v, std::string_view* ip, std::optional<int64_t>* port) {
  *ip = {};
  *port = std::nullopt;
  if (v.empty() || v == "-") return;
  const size_t colon = v.rfind(':');
  if (colon == std::string_view::npos) {
    *ip = v;
    return;
  }
  *ip = v.substr(0, colon);
  if (ip->size() > 1 && ip->front() == '[' && ip->back() == ']')
    *ip = ip->substr(1, ip->size() - 2);
  int64_t p = 0;
  const std::string_view ps = v.substr(colon + 1);
  if (std::from_chars(ps.data(), ps.data() + ps.size(), p).ec == std::errc()) *port = p;
}

bool IsIp(std::string_view v) {
  if (v.empty() || v.size() >= INET6_ADDRSTRLEN) return false;
  char buf[INET6_ADDRSTRLEN];
  v.copy(buf, v.size());
  buf[v.size()] = '\0';
  unsigned char addr[sizeof(in6_addr)];
  return inet_pton(AF_INET, buf, addr) == 1 || inet_pton(AF_INET6, buf, addr) == 1;
}

bool IsHostname(std::string_view v) {
  if (v.empty() || v.size() > 253) return false;
  size_t start = 0;
  while (start <= v.size()) {
    size_t dot = v.find('.', start);
    if (dot == std::string_view::npos) dot = v.size();
    const std::string_view label = v.substr(start, dot - start);
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    start = dot + 1;
  }
  return true;
}

const char* ActivityCaption(int class_uid, int id) {
  if (id == 0) return "Unknown";
  if (id == 99) return "Other";
  static constexpr const char* kApiActivity[] = {"", "Create", "Read", "Update", "Delete"};
  static constexpr const char* kFinding[] = {"", "Create", "Update", "Close"};
  static constexpr const char* kAccount[] = {"",
                                             "Create",
                                             "Enable",
                                             "Password Change",
                                             "Password Reset",
                                             "Disable",
                                             "Delete",
                                             "Attach Policy",
                                             "Detach Policy",
                                             "Lock",
                                             "MFA Factor Enable",
                                             "MFA Factor Disable"};
  static constexpr const char* kAuth[] = {"",
                                          "Logon",
                                          "Logoff",
                                          "Authentication Ticket",
                                          "Service Ticket Request",
                                          "Service Ticket Renew"};
  static constexpr const char* kNetworkActivity[] = {"",     "Open",   "Close",  "Reset",
                                                     "Fail", "Refuse", "Traffic"};
  static constexpr const char* kHttpActivity[] = {"",        "Connect", "Delete", "Get",  "Head",
                                                  "Options", "Post",    "Put",    "Trace"};
  auto pick = [id](const auto& table) -> const char* {
    return id > 0 && static_cast<size_t>(id) < std::size(table) ? table[id] : nullptr;
  };
  switch (class_uid) {
    case 2002:
    case 2003:
    case 2004:
      return pick(kFinding);
    case 3001:
      return pick(kAccount);
    case 3002:
      return pick(kAuth);
    case 4001:
      return pick(kNetworkActivity);
    case 4002:
      return pick(kHttpActivity);
    case 4003:
      return id == 1 ? "Query" : id == 2 ? "Response" : id == 6 ? "Traffic" : nullptr;
    case 6003:
      return pick(kApiActivity);
    default:
      return nullptr;
  }
}

void Direction(Writer& w, int direction_id) {
  static constexpr const char* kDirections[] = {"Unknown", "Inbound", "Outbound"};
  if (direction_id < 0 || direction_id > 2) direction_id = 0;
  w.Int("direction_id", direction_id);
  w.Str("direction", kDirections[direction_id]);
}

void Disposition(Writer& w, int disposition_id) {
  // The security_control profile's dispositions fastpath writes, and the action each implies.
  struct D {
    int id;
    const char* caption;
    int action_id;
  };
  static constexpr D kDispositions[] = {
      {0, "Unknown", 0},   {1, "Allowed", 1},  {2, "Blocked", 2},    {6, "Dropped", 2},
      {15, "Detected", 1}, {17, "Logged", 1},  {19, "Alert", 1},     {20, "Count", 1},
      {21, "Reset", 2},    {22, "Captcha", 2}, {23, "Challenge", 2}, {25, "Rejected", 2}};
  const D* d = &kDispositions[0];
  for (const D& x : kDispositions) {
    if (x.id == disposition_id) d = &x;
  }
  static constexpr const char* kActions[] = {"Unknown", "Allowed", "Denied"};
  w.Int("action_id", d->action_id);
  w.Str("action", kActions[d->action_id]);
  w.Int("disposition_id", d->id);
  w.Str("disposition", d->caption);
}

// An endpoint with whatever is known; nothing is written when nothing is.
void Endpoint(Writer& w, std::string_view key, std::string_view ip, std::optional<int64_t> port,
              std::string_view hostname, std::string_view svc_name, std::string_view interface_uid,
              std::string_view instance_uid) {
  for (std::string_view* v : {&ip, &hostname, &svc_name, &interface_uid, &instance_uid}) {
    if (*v == "-") *v = {};
  }
  if (ip.empty() && hostname.empty() && svc_name.empty() && interface_uid.empty() &&
      instance_uid.empty()) {
    return;
  }
  w.Open(key);
  if (IsIp(ip)) {
    w.Str("ip", ip);
  } else if (IsHostname(ip)) {
    w.Str("hostname", ip);  // AWS puts service names ("ec2.amazonaws.com") in IP fields
  } else if (!ip.empty() && svc_name.empty()) {
    svc_name = ip;  // "AWS Internal" and the like: a service, not an address
  }
  w.Port(port);
  if (IsHostname(hostname)) w.Str("hostname", hostname);
  w.Str("svc_name", svc_name);
  w.Str("interface_uid", interface_uid);
  w.Str("instance_uid", instance_uid);
  w.Close();
}

// Account Change activities of IAM user and credential calls (OCSF 1.1 activity_id values).
int AccountChangeActivity(std::string_view name) {
  struct M {
    const char* event;
    int activity;
  };
  static constexpr M kMap[] = {{"CreateUser", 1},
                               {"DeleteUser", 6},
                               {"CreateLoginProfile", 3},
                               {"UpdateLoginProfile", 3},
                               {"ChangePassword", 3},
                               {"DeleteLoginProfile", 5},
                               {"EnableMFADevice", 10},
                               {"DeactivateMFADevice", 11},
                               {"CreateVirtualMFADevice", 10},
                               {"DeleteVirtualMFADevice", 11},
                               {"AttachUserPolicy", 7},
                               {"PutUserPolicy", 7},
                               {"DetachUserPolicy", 8},
                               {"DeleteUserPolicy", 8},
                               {"CreateAccessKey", 1},
                               {"UpdateAccessKey", 99},
                               {"DeleteAccessKey", 6},
                               {"UpdateUser", 99},
                               {"AddUserToGroup", 99},
                               {"RemoveUserFromGroup", 99},
                               {"CreateServiceSpecificCredential", 1},
                               {"DeleteServiceSpecificCredential", 6},
                               {"UploadSSHPublicKey", 1},
                               {"DeleteSSHPublicKey", 6},
                               {"UploadSigningCertificate", 1},
                               {"DeleteSigningCertificate", 6}};
  for (const M& m : kMap) {
    if (name == m.event) return m.activity;
  }
  return 0;
}

// API Activity: Create 1, Read 2, Update 3, Delete 4, Other 99 by the operation's verb.
int ApiActivity(std::string_view op) {
  // S3 access log operations read "REST.GET.OBJECT".
  if (op.starts_with("REST.") || op.starts_with("BATCH.") || op.starts_with("S3.")) {
    const size_t dot = op.find('.');
    std::string_view verb = op.substr(dot + 1);
    verb = verb.substr(0, verb.find('.'));
    if (verb == "GET" || verb == "HEAD" || verb == "OPTIONS") return 2;
    if (verb == "PUT" || verb == "POST" || verb == "COPY") return 1;
    if (verb == "DELETE" || verb == "EXPIRE") return 4;
    return 99;
  }
  // As Security Lake's CloudTrail mapping: Put, Start and Attach change an existing resource
  // (Update), they do not create one.
  static constexpr std::string_view kCreate[] = {"Create", "Run",      "Add",   "Register",
                                                 "Import", "Allocate", "Issue", "Request",
                                                 "Upload", "Copy"};
  static constexpr std::string_view kRead[] = {
      "Get",  "Describe", "List",     "Head",  "Lookup",  "Search",   "Select",
      "Scan", "Query",    "BatchGet", "Check", "Decrypt", "Download", "Generate"};
  static constexpr std::string_view kUpdate[] = {
      "Update",  "Modify", "Set",    "Change", "Enable", "Disable",
      "Replace", "Reset",  "Tag",    "Untag",  "Put",    "Associate",
      "Start",   "Stop",   "Attach", "Reboot", "Assume", "Authorize"};
  static constexpr std::string_view kDelete[] = {"Delete",       "Remove",     "Terminate",
                                                 "Detach",       "Deregister", "Revoke",
                                                 "Disassociate", "Release",    "Purge"};
  for (auto v : kRead) {
    if (op.starts_with(v)) return 2;
  }
  for (auto v : kDelete) {
    if (op.starts_with(v)) return 4;
  }
  for (auto v : kCreate) {
    if (op.starts_with(v)) return 1;
  }
  for (auto v : kUpdate) {
    if (op.starts_with(v)) return 3;
  }
  return 99;
}

int HttpActivity(std::string_view method) {
  static constexpr std::string_view kMethods[] = {"CONNECT", "DELETE", "GET", "HEAD",
                                                  "OPTIONS", "POST",   "PUT", "TRACE"};
  for (size_t i = 0; i < std::size(kMethods); ++i) {
    if (method == kMethods[i]) return static_cast<int>(i) + 1;
  }
  return method.empty() ? 0 : 99;
}

int SeverityFromLabel(std::string_view label) {
  std::string l(label);
  for (char& c : l) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (l == "INFORMATIONAL" || l == "INFO") return 1;
  if (l == "LOW") return 2;
  if (l == "MEDIUM") return 3;
  if (l == "HIGH") return 4;
  if (l == "CRITICAL") return 5;
  return 0;
}

// GuardDuty's 1.0-8.9 (and 9.0-10.0 critical) numeric scale.
int SeverityFromGuardDuty(double s) {
  if (s >= 9.0) return 5;
  if (s >= 7.0) return 4;
  if (s >= 4.0) return 3;
  if (s > 0.0) return 2;
  return 0;
}

const char* DnsRcodeCaption(int id) {
  static constexpr const char* kCaptions[] = {"NoError", "FormError", "ServError", "NXDomain",
                                              "NotImp",  "Refused",   "YXDomain",  "YXRRSet",
                                              "NXRRSet", "NotAuth",   "NotZone"};
  return id >= 0 && static_cast<size_t>(id) < std::size(kCaptions) ? kCaptions[id] : nullptr;
}

int DnsRcode(std::string_view rcode) {
  static constexpr std::string_view kCodes[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                                "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                                "NXRRSET", "NOTAUTH", "NOTZONE"};
  for (size_t i = 0; i < std::size(kCodes); ++i) {
    if (rcode == kCodes[i]) return static_cast<int>(i);
  }
  return rcode.empty() ? -1 : 99;
}

void WriteHeader(Writer& w, const Event& e, const Header& h) {
  static constexpr const char* kSeverities[] = {"Unknown", "Informational", "Low",  "Medium",
                                                "High",    "Critical",      "Fatal"};
  const char* caption = ActivityCaption(h.cls.uid, h.activity_id);
  // An id the class has no caption for is Other, with the source's name.
  const int activity_id = caption != nullptr ? h.activity_id : 99;
  if (caption == nullptr) caption = "Other";
  const std::string_view activity_name =
      activity_id == 99 && !h.activity_name.empty() ? h.activity_name : std::string_view(caption);
  w.Int("class_uid", h.cls.uid);
  w.Str("class_name", h.cls.name);
  w.Int("category_uid", h.cls.category);
  w.Str("category_name", h.cls.category_name);
  w.Int("activity_id", activity_id);
  w.Str("activity_name", activity_name);
  w.Int("type_uid", static_cast<int64_t>(h.cls.uid) * 100 + activity_id);
  w.Str("type_name", std::string(h.cls.name) + ": " + caption);
  const int severity = h.severity_id >= 0 && h.severity_id <= 6 ? h.severity_id : 0;
  w.Int("severity_id", severity);
  w.Str("severity", kSeverities[severity]);
  w.Int("time", e.time / kNsPerMs);
  if (h.status_id >= 0) {
    w.Int("status_id", h.status_id);
    w.Str("status", h.status_id == 1 ? "Success" : h.status_id == 2 ? "Failure" : "Unknown");
  }
  w.Open("metadata");
  w.Str("version", kOcsfVersion);
  // Every event carries `cloud`, so declares the cloud profile.
  w.OpenArray("profiles");
  w.Str({}, "cloud");
  if (h.security_control) w.Str({}, "security_control");
  w.Close();
  w.Str("uid", e.id);
  // The log the event was read from (a file, an S3 object, a Kinesis record), as OCSF's "syslog
  // file name" example has it; the log type where that is not known.
  w.Str("log_name", e.source ? std::string_view(*e.source) : LogTypeName(e.log_type));
  w.Str("log_provider", DeliveryPathName(e.path));
  w.Int("logged_time", e.received / kNsPerMs);
  w.Open("product");
  w.Str("name", h.product);
  w.Str("vendor_name", "AWS");
  w.Close();
  w.Close();
  w.Open("cloud");
  w.Str("provider", "AWS");
  w.Str("region", e.region);
  if (!e.account.empty()) {
    w.Open("account");
    w.Str("uid", e.account);
    w.Close();
  }
  w.Close();
}

}  // namespace fastpath::ocsf
