#include "ocsf/ocsf_internal.h"

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

bool LooksLikeIp(std::string_view v) {
  if (v.empty()) return false;
  int digits = 0;
  for (char c : v) {
    if ((c >= '0' && c <= '9') || c == '.' || c == ':' || (c >= 'a' && c <= 'f') ||
        (c >= 'A' && c <= 'F')) {
      digits += c >= '0' && c <= '9';
      continue;
    }
    return false;
  }
  return digits > 0 &&
         (v.find('.') != std::string_view::npos || v.find(':') != std::string_view::npos);
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
  if (LooksLikeIp(ip)) {
    w.Str("ip", ip);
  } else if (!ip.empty()) {
    w.Str("hostname", ip);  // AWS puts service names ("ec2.amazonaws.com") in IP fields
  }
  w.Port(port);
  w.Str("hostname", hostname);
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
  static constexpr std::string_view kCreate[] = {
      "Create", "Put",      "Run",   "Start",   "Attach", "Add", "Register",
      "Import", "Allocate", "Issue", "Request", "Upload", "Copy"};
  static constexpr std::string_view kRead[] = {
      "Get",  "Describe", "List",     "Head",  "Lookup",  "Search",   "Select",
      "Scan", "Query",    "BatchGet", "Check", "Decrypt", "Download", "Generate"};
  static constexpr std::string_view kUpdate[] = {
      "Update", "Modify", "Set",       "Change", "Enable", "Disable", "Replace",  "Reset",
      "Tag",    "Untag",  "Associate", "Stop",   "Reboot", "Assume",  "Authorize"};
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
  w.Int("class_uid", h.cls.uid);
  w.Str("class_name", h.cls.name);
  w.Int("category_uid", h.cls.category);
  w.Int("activity_id", h.activity_id);
  w.Str("activity_name", h.activity_name);
  w.Int("type_uid", static_cast<int64_t>(h.cls.uid) * 100 + h.activity_id);
  w.Int("severity_id", h.severity_id);
  w.Int("time", e.time / kNsPerMs);
  if (h.status_id >= 0) w.Int("status_id", h.status_id);
  w.Open("metadata");
  w.Str("version", kOcsfVersion);
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
