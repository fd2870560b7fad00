#include "ocsf/ocsf_mapper.h"

#include <charconv>
#include <optional>
#include <vector>

#include <simdjson.h>

#include "core/json_get.h"
#include "core/log_types.h"
#include "core/time_util.h"

namespace fastpath {
namespace {

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
              std::string_view hostname = {}, std::string_view svc_name = {},
              std::string_view interface_uid = {}, std::string_view instance_uid = {}) {
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

// ---- Class selection -------------------------------------------------------------------------

struct Class {
  int uid;
  int category;
  const char* name;
};
constexpr Class kBase{0, 0, "Base Event"};
constexpr Class kVulnerability{2002, 2, "Vulnerability Finding"};
constexpr Class kCompliance{2003, 2, "Compliance Finding"};
constexpr Class kDetection{2004, 2, "Detection Finding"};
constexpr Class kAccountChange{3001, 3, "Account Change"};
constexpr Class kAuthentication{3002, 3, "Authentication"};
constexpr Class kNetwork{4001, 4, "Network Activity"};
constexpr Class kHttp{4002, 4, "HTTP Activity"};
constexpr Class kDns{4003, 4, "DNS Activity"};
constexpr Class kApi{6003, 6, "API Activity"};

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

// ---- Common parts ----------------------------------------------------------------------------

struct Header {
  Class cls;
  int activity_id = 0;
  std::string_view activity_name;
  int severity_id = 1;
  int status_id = -1;        // -1: not written
  std::string_view product;  // metadata.product.name
};

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
  w.Str("log_name", LogTypeName(e.log_type));
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

// ---- CloudTrail ------------------------------------------------------------------------------

void CloudTrailUser(Writer& w, const Rec& r, std::string_view key) {
  w.Open(key);
  std::string_view name = r.S("/userIdentity/userName");
  const std::string_view arn = r.S("/userIdentity/arn");
  if (name.empty()) name = r.S("/userIdentity/sessionContext/sessionIssuer/userName");
  if (name.empty() && !arn.empty()) name = arn.substr(arn.rfind('/') + 1);
  if (name.empty()) name = r.S("/userIdentity/type");
  w.Str("name", name);
  w.Str("uid", arn.empty() ? r.S("/userIdentity/principalId") : arn);
  w.Str("type", r.S("/userIdentity/type"));
  w.Str("credential_uid", r.S("/userIdentity/accessKeyId"));
  if (!r.S("/userIdentity/accountId").empty()) {
    w.Open("account");
    w.Str("uid", r.S("/userIdentity/accountId"));
    w.Str("type", "AWS Account");
    w.Close();
  }
  w.Close();
}

// An Insights event: CloudTrail noticed an unusual rate of calls or errors.
int CloudTrailInsight(Writer& w, const Event& e, const Rec& r);

int CloudTrail(Writer& w, const Event& e, const Rec& r) {
  if (e.log_type == LogType::kCloudTrailInsight) return CloudTrailInsight(w, e, r);
  const std::string_view name = r.S("/eventName");
  const std::string_view source = r.S("/eventSource");
  const std::string_view error = r.S("/errorCode");
  Header h;
  h.product = "CloudTrail";
  h.activity_name = name;
  h.status_id = error.empty() ? 1 : 2;
  const std::string_view login_result = r.S("/responseElements/ConsoleLogin");
  const bool signin = source == "signin.amazonaws.com";
  const int account_activity = source == "iam.amazonaws.com" ? AccountChangeActivity(name) : 0;
  if (signin) {
    h.cls = kAuthentication;
    h.activity_id = name == "ConsoleLogin" ? 1 : 99;  // Logon
    if (!login_result.empty()) h.status_id = login_result == "Success" ? 1 : 2;
  } else if (account_activity != 0) {
    h.cls = kAccountChange;
    h.activity_id = account_activity;
  } else {
    h.cls = kApi;
    h.activity_id = ApiActivity(name);
  }
  WriteHeader(w, e, h);
  w.Str("message", r.S("/errorMessage"));
  w.Open("actor");
  CloudTrailUser(w, r, "user");
  w.Str("invoked_by", r.S("/userIdentity/invokedBy"));
  if (r.Has("/userIdentity/sessionContext")) {
    w.Open("session");
    w.Str("created_time_dt", r.S("/userIdentity/sessionContext/attributes/creationDate"));
    const std::string_view mfa = r.S("/userIdentity/sessionContext/attributes/mfaAuthenticated");
    if (!mfa.empty()) w.Bool("is_mfa", mfa == "true");
    w.Str("issuer", r.S("/userIdentity/sessionContext/sessionIssuer/arn"));
    w.Close();
  }
  w.Close();
  // The caller's address; records without one (some early and service-made records) name the
  // calling service, or at least the principal's kind.
  const std::string_view ip = r.S("/sourceIPAddress");
  if (!ip.empty()) {
    Endpoint(w, "src_endpoint", ip, std::nullopt);
  } else {
    std::string_view svc = r.S("/userIdentity/invokedBy");
    if (svc.empty()) svc = r.S("/userIdentity/type");
    Endpoint(w, "src_endpoint", {}, std::nullopt, {}, svc.empty() ? "unknown" : svc);
  }
  if (!r.S("/userAgent").empty()) {
    w.Open("http_request");
    w.Str("user_agent", r.S("/userAgent"));
    w.Close();
  }
  w.Open("api");
  w.Str("operation", name);
  w.Str("version", r.S("/apiVersion"));
  w.Open("service");
  w.Str("name", source);
  w.Close();
  if (!r.S("/requestID").empty()) {
    w.Open("request");
    w.Str("uid", r.S("/requestID"));
    w.Close();
  }
  if (!error.empty()) {
    w.Open("response");
    w.Str("error", error);
    w.Str("error_message", r.S("/errorMessage"));
    w.Close();
  }
  w.Close();
  if (h.cls.uid == kAuthentication.uid) {
    CloudTrailUser(w, r, "user");
    const std::string_view mfa = r.S("/additionalEventData/MFAUsed");
    if (!mfa.empty()) w.Bool("is_mfa", mfa == "Yes");
    Endpoint(w, "dst_endpoint", {}, std::nullopt, {}, source);
    w.Open("service");
    w.Str("name", "AWS Management Console");
    w.Close();
  } else if (h.cls.uid == kAccountChange.uid) {
    // The user whose account changed: the request names it; else the caller itself.
    const std::string_view target = r.S("/requestParameters/userName");
    if (!target.empty()) {
      w.Open("user");
      w.Str("name", target);
      w.Close();
    } else {
      CloudTrailUser(w, r, "user");
    }
  }
  // Resources the call touched.
  if (auto res = r.E("/resources"); res && res->is_array()) {
    w.OpenArray("resources");
    for (element x : res->get_array()) {
      std::string_view arn, type;
      JsonGet(x["ARN"].get_string(), arn);
      JsonGet(x["type"].get_string(), type);
      if (arn.empty() && type.empty()) continue;
      w.Open();
      w.Str("uid", arn);
      w.Str("type", type);
      w.Close();
    }
    w.Close();
  }
  return h.cls.uid;
}

// ---- Network ---------------------------------------------------------------------------------

int VpcFlow(Writer& w, const Event& e, const Rec& r) {
  Header h;
  h.cls = kNetwork;
  const std::string_view status = r.S("/log-status");
  const bool traffic = status.empty() || status == "OK";
  h.activity_id = traffic ? 6 : 99;  // Traffic, Other
  h.activity_name = traffic ? "Traffic" : status;
  h.product = "VPC Flow Logs";
  const std::string_view action = r.S("/action");
  WriteHeader(w, e, h);
  std::string_view src = r.S("/pkt-srcaddr");
  if (src.empty()) src = r.S("/srcaddr");
  std::string_view dst = r.S("/pkt-dstaddr");
  if (dst.empty()) dst = r.S("/dstaddr");
  std::string_view eni = r.S("/interface-id");
  if (eni.empty()) eni = r.S("/tgw-src-eni");
  if (src.empty() && dst.empty()) {
    // NODATA / SKIPDATA: no traffic, only the interface that was observed.
    Endpoint(w, "src_endpoint", {}, std::nullopt, {}, {}, eni, r.S("/instance-id"));
    Endpoint(w, "dst_endpoint", {}, std::nullopt, {}, {}, eni, r.S("/instance-id"));
  } else {
    Endpoint(w, "src_endpoint", src, r.I("/srcport"), {}, {}, eni, r.S("/instance-id"));
    Endpoint(w, "dst_endpoint", dst, r.I("/dstport"), {}, {}, r.S("/tgw-dst-eni"));
  }
  if (!action.empty()) w.Int("disposition_id", action == "ACCEPT" ? 1 : action == "REJECT" ? 2 : 0);
  w.Str("disposition", action == "ACCEPT" ? "Allowed" : action == "REJECT" ? "Blocked" : "");
  w.Open("connection_info");
  w.OptInt("protocol_num", r.I("/protocol"));
  const std::string_view dir = r.S("/flow-direction");
  w.Int("direction_id", dir == "ingress" ? 1 : dir == "egress" ? 2 : 0);
  w.OptInt("tcp_flags", r.I("/tcp-flags"));
  w.Int("boundary_id", 0);
  w.Close();
  if (r.I("/bytes") || r.I("/packets")) {
    w.Open("traffic");
    w.OptInt("bytes", r.I("/bytes"));
    w.OptInt("packets", r.I("/packets"));
    w.Close();
  }
  if (auto s = r.I("/start")) w.Int("start_time", *s * 1000);
  if (auto s = r.I("/end")) w.Int("end_time", *s * 1000);
  w.Str("message", r.S("/log-status"));
  return h.cls.uid;
}

int Nlb(Writer& w, const Event& e, const Rec& r) {
  Header h;
  h.cls = kNetwork;
  h.activity_id = 6;
  h.activity_name = "Traffic";
  h.product = "Elastic Load Balancing";
  WriteHeader(w, e, h);
  std::string_view ip;
  std::optional<int64_t> port;
  SplitHostPort(r.S("/client:port"), &ip, &port);
  Endpoint(w, "src_endpoint", ip, port);
  SplitHostPort(r.S("/destination:port"), &ip, &port);
  Endpoint(w, "dst_endpoint", ip, port, r.S("/domain_name"), r.S("/elb"));
  w.Open("traffic");
  w.OptInt("bytes_in", r.I("/received_bytes"));
  w.OptInt("bytes_out", r.I("/sent_bytes"));
  w.Close();
  if (!r.S("/tls_protocol_version").empty()) {
    w.Open("tls");
    w.Str("version", r.S("/tls_protocol_version"));
    w.Str("cipher", r.S("/tls_cipher"));
    w.Str("sni", r.S("/domain_name"));
    w.Close();
  }
  return h.cls.uid;
}

int NetworkFirewall(Writer& w, const Event& e, const Rec& r) {
  Header h;
  h.cls = kNetwork;
  h.activity_id = 6;
  h.activity_name = r.S("/event/event_type");
  h.product = "Network Firewall";
  const std::string_view action = r.S("/event/alert/action");
  if (!action.empty()) h.severity_id = 3;
  WriteHeader(w, e, h);
  Endpoint(w, "src_endpoint", r.S("/event/src_ip"), r.I("/event/src_port"));
  Endpoint(w, "dst_endpoint", r.S("/event/dest_ip"), r.I("/event/dest_port"), {},
           r.S("/firewall_name"));
  w.Open("connection_info");
  w.Str("protocol_name", r.S("/event/proto"));
  w.Str("uid", r.S("/event/flow_id"));
  w.Int("boundary_id", 0);
  w.Close();
  if (r.Has("/event/netflow")) {
    w.Open("traffic");
    w.OptInt("bytes", r.I("/event/netflow/bytes"));
    w.OptInt("packets", r.I("/event/netflow/pkts"));
    w.Close();
  }
  if (!action.empty()) {
    w.Int("disposition_id", action == "blocked" ? 2 : action == "allowed" ? 1 : 0);
    w.Str("message", r.S("/event/alert/signature"));
  }
  if (!r.S("/event/tls/sni").empty()) {
    w.Open("tls");
    w.Str("sni", r.S("/event/tls/sni"));
    w.Str("version", r.S("/event/tls/version"));
    w.Close();
  }
  return h.cls.uid;
}

// ---- HTTP ------------------------------------------------------------------------------------

// "GET https://host:443/path?q HTTP/1.1" into method, url parts and version.
struct RequestLine {
  std::string_view method, url, version, scheme, host, path, query;
  std::optional<int64_t> port;
};

RequestLine SplitRequest(std::string_view req) {
  RequestLine l;
  const size_t a = req.find(' ');
  if (a == std::string_view::npos) return l;
  l.method = req.substr(0, a);
  const size_t b = req.rfind(' ');
  l.url = b > a ? req.substr(a + 1, b - a - 1) : req.substr(a + 1);
  l.version = b > a ? req.substr(b + 1) : std::string_view();
  std::string_view u = l.url;
  const size_t sch = u.find("://");
  if (sch != std::string_view::npos) {
    l.scheme = u.substr(0, sch);
    u = u.substr(sch + 3);
    const size_t slash = u.find('/');
    std::string_view hostport = u.substr(0, slash);
    u = slash == std::string_view::npos ? std::string_view() : u.substr(slash);
    std::string_view host;
    SplitHostPort(hostport, &host, &l.port);
    l.host = host;
  }
  const size_t q = u.find('?');
  l.path = u.substr(0, q);
  if (q != std::string_view::npos) l.query = u.substr(q + 1);
  if (l.method == "-") l = RequestLine();
  return l;
}

void HttpRequest(Writer& w, std::string_view method, std::string_view url_string,
                 std::string_view scheme, std::string_view host, std::optional<int64_t> port,
                 std::string_view path, std::string_view query, std::string_view user_agent,
                 std::string_view version, std::string_view uid = {}) {
  w.Open("http_request");
  w.Str("http_method", method);
  w.Str("user_agent", user_agent);
  w.Str("version", version);
  w.Str("uid", uid);
  w.Open("url");
  w.Str("url_string", url_string);
  w.Str("scheme", scheme);
  w.Str("hostname", host);
  w.Port(port);
  w.Str("path", path);
  w.Str("query_string", query);
  w.Close();
  w.Close();
}

void HttpResponse(Writer& w, std::optional<int64_t> code) {
  if (!code) return;
  w.Open("http_response");
  w.Int("code", *code);
  w.Close();
}

int StatusFromCode(std::optional<int64_t> code) {
  if (!code) return 0;
  return *code < 400 ? 1 : 2;
}

int LoadBalancer(Writer& w, const Event& e, const Rec& r) {
  const RequestLine req = SplitRequest(r.S("/request"));
  Header h;
  h.cls = kHttp;
  h.activity_id = HttpActivity(req.method);
  h.activity_name = req.method;
  h.product = "Elastic Load Balancing";
  const auto code = r.I("/elb_status_code");
  h.status_id = StatusFromCode(code);
  WriteHeader(w, e, h);
  std::string_view ip;
  std::optional<int64_t> port;
  SplitHostPort(r.S("/client:port"), &ip, &port);
  if (ip.empty()) ip = r.S("/client_ip");  // connection logs
  if (!port) port = r.I("/client_port");
  Endpoint(w, "src_endpoint", ip, port);
  std::string_view target = r.S("/target:port");
  if (target.empty()) target = r.S("/backend:port");
  SplitHostPort(target, &ip, &port);
  if (!port) port = r.I("/listener_port");  // connection logs
  std::string_view lb = r.S("/elb");
  if (lb.empty() || lb == "-") lb = "Elastic Load Balancing";  // no target, or a connection log
  Endpoint(w, "dst_endpoint", ip, port, r.S("/domain_name"), lb);
  if (!req.method.empty()) {
    HttpRequest(w, req.method, req.url, req.scheme, req.host, req.port, req.path, req.query,
                r.S("/user_agent"), req.version, r.S("/trace_id"));
  }
  HttpResponse(w, code);
  std::string_view cipher = r.S("/ssl_cipher");
  if (cipher.empty()) cipher = r.S("/tls_cipher");
  if (!cipher.empty()) {
    w.Open("tls");
    w.Str("cipher", cipher);
    std::string_view v = r.S("/ssl_protocol");
    if (v.empty()) v = r.S("/tls_protocol");
    w.Str("version", v);
    w.Close();
  }
  w.Str("message", r.S("/error_reason"));
  return h.cls.uid;
}

int CloudFront(Writer& w, const Event& e, const Rec& r) {
  const std::string_view method = r.S("/cs-method");
  Header h;
  h.cls = kHttp;
  h.activity_id = HttpActivity(method);
  h.activity_name = method;
  h.product = "CloudFront";
  auto code = r.I("/sc-status");
  h.status_id = StatusFromCode(code);
  WriteHeader(w, e, h);
  Endpoint(w, "src_endpoint", r.S("/c-ip"), r.I("/c-port"));
  Endpoint(w, "dst_endpoint", {}, std::nullopt, r.S("/x-host-header"), r.S("/x-edge-location"));
  HttpRequest(w, method, {}, r.S("/cs-protocol"), r.S("/cs(Host)"), std::nullopt,
              r.S("/cs-uri-stem"), r.S("/cs-uri-query") == "-" ? "" : r.S("/cs-uri-query"),
              r.S("/cs(User-Agent)"), r.S("/cs-protocol-version"), r.S("/x-edge-request-id"));
  HttpResponse(w, code);
  return h.cls.uid;
}

int Waf(Writer& w, const Event& e, const Rec& r) {
  const std::string_view method = r.S("/httpRequest/httpMethod");
  const std::string_view action = r.S("/action");
  Header h;
  h.cls = kHttp;
  h.activity_id = HttpActivity(method);
  h.activity_name = method;
  h.product = "WAF";
  h.severity_id = action == "BLOCK" ? 3 : 1;
  WriteHeader(w, e, h);
  w.Open("src_endpoint");
  w.Str("ip", r.S("/httpRequest/clientIp"));
  if (!r.S("/httpRequest/country").empty()) {
    w.Open("location");
    w.Str("country", r.S("/httpRequest/country"));
    w.Close();
  }
  w.Close();
  const std::string_view source = r.S("/httpSourceName");  // ALB, CF, APIGW, ... or "-"
  Endpoint(w, "dst_endpoint", {}, std::nullopt, {},
           source.empty() || source == "-" ? "AWS WAF" : source, {}, r.S("/httpSourceId"));
  std::string_view ua, host;
  if (auto hs = r.E("/httpRequest/headers"); hs && hs->is_array()) {
    for (element x : hs->get_array()) {
      std::string_view n, v;
      JsonGet(x["name"].get_string(), n);
      JsonGet(x["value"].get_string(), v);
      if (n.size() == 10 && (n == "user-agent" || n == "User-Agent")) ua = v;
      if (n.size() == 4 && (n == "host" || n == "Host")) host = v;
    }
  }
  HttpRequest(w, method, {}, r.S("/httpRequest/scheme"), host, std::nullopt,
              r.S("/httpRequest/uri"), r.S("/httpRequest/args"), ua,
              r.S("/httpRequest/httpVersion"), r.S("/httpRequest/requestId"));
  HttpResponse(w, r.I("/responseCodeSent"));
  // OCSF 1.1 dispositions: 1 Allowed, 2 Blocked, 99 Other (COUNT, CAPTCHA, CHALLENGE).
  const int disposition = action == "ALLOW" ? 1 : action == "BLOCK" ? 2 : 99;
  w.Int("disposition_id", disposition);
  w.Str("disposition", disposition == 1 ? "Allowed" : disposition == 2 ? "Blocked" : action);
  w.Open("firewall_rule");
  w.Str("uid", r.S("/terminatingRuleId"));
  w.Str("type", r.S("/terminatingRuleType"));
  w.Close();
  return h.cls.uid;
}

int ApiGatewayAccess(Writer& w, const Event& e, const Rec& r) {
  std::string_view method = r.S("/httpMethod");
  std::string_view path = r.S("/resourcePath");
  if (path.empty()) path = r.S("/path");
  std::string_view route = r.S("/routeKey");
  if (method.empty() && !route.empty() && route.find(' ') != std::string_view::npos) {
    method = route.substr(0, route.find(' '));
    path = route.substr(route.find(' ') + 1);
  }
  const RequestLine clf = SplitRequest(r.S("/request"));
  if (method.empty()) {
    method = clf.method;
    path = clf.path;
  }
  Header h;
  h.cls = kHttp;
  h.activity_id = HttpActivity(method);
  h.activity_name = method;
  h.product = "API Gateway";
  auto code = r.I("/status");
  h.status_id = StatusFromCode(code);
  WriteHeader(w, e, h);
  std::string_view ip = r.S("/ip");
  if (ip.empty()) ip = r.S("/sourceIp");
  Endpoint(w, "src_endpoint", ip, std::nullopt);
  const std::string_view api_id = r.S("/apiId");
  Endpoint(w, "dst_endpoint", {}, std::nullopt, r.S("/domainName"),
           api_id.empty() ? "API Gateway" : api_id);
  HttpRequest(w, method, {}, {}, {}, std::nullopt, path, {}, r.S("/userAgent"), r.S("/protocol"),
              r.S("/requestId"));
  HttpResponse(w, code);
  return h.cls.uid;
}

// ---- DNS -------------------------------------------------------------------------------------

int Dns(Writer& w, const Event& e, const Rec& r) {
  const bool resolver = e.log_type == LogType::kRoute53Resolver;
  Header h;
  h.cls = kDns;
  h.activity_id = 1;  // Query
  h.activity_name = "Query";
  h.product = resolver ? "Route 53 Resolver" : "Route 53";
  WriteHeader(w, e, h);
  const std::string_view rcode = resolver ? r.S("/rcode") : r.S("/response_code");
  w.Open("query");
  w.Str("hostname", r.S("/query_name"));
  w.Str("type", r.S("/query_type"));
  w.Str("class", resolver ? r.S("/query_class") : "IN");
  w.Close();
  if (const int id = DnsRcode(rcode); id >= 0) {
    w.Int("rcode_id", id);
    w.Str("rcode", rcode);
  }
  if (resolver) {
    w.Open("src_endpoint");
    w.Str("ip", r.S("/srcaddr"));
    w.Port(r.I("/srcport"));
    w.Str("vpc_uid", r.S("/vpc_id"));
    w.Str("instance_uid", r.S("/srcids/instance"));
    w.Close();
    Endpoint(w, "dst_endpoint", {}, std::nullopt, {}, "Route 53 Resolver");
    w.Open("connection_info");
    w.Str("protocol_name", r.S("/transport"));
    w.Int("boundary_id", 0);
    w.Close();
    if (auto ans = r.E("/answers"); ans && ans->is_array()) {
      w.OpenArray("answers");
      for (element a : ans->get_array()) {
        std::string_view rdata, type, cls;
        JsonGet(a["Rdata"].get_string(), rdata);
        JsonGet(a["Type"].get_string(), type);
        JsonGet(a["Class"].get_string(), cls);
        w.Open();
        w.Str("rdata", rdata);
        w.Str("type", type);
        w.Str("class", cls);
        w.Close();
      }
      w.Close();
    }
    const std::string_view fw = r.S("/firewall_rule_action");
    if (!fw.empty()) w.Int("disposition_id", fw == "BLOCK" ? 2 : fw == "ALLOW" ? 1 : 99);
  } else {
    Endpoint(w, "src_endpoint", r.S("/resolver_ip"), std::nullopt);
    Endpoint(w, "dst_endpoint", {}, std::nullopt, {}, r.S("/edge_location"));
    w.Open("connection_info");
    w.Str("protocol_name", r.S("/protocol"));
    w.Int("boundary_id", 0);
    w.Close();
  }
  return h.cls.uid;
}

// ---- S3 server access ------------------------------------------------------------------------

int S3Access(Writer& w, const Event& e, const Rec& r) {
  const std::string_view op = r.S("/operation");
  Header h;
  h.cls = kApi;
  h.activity_id = ApiActivity(op);
  h.activity_name = op;
  h.product = "S3";
  auto code = r.I("/http_status");
  h.status_id = StatusFromCode(code);
  WriteHeader(w, e, h);
  w.Open("actor");
  w.Open("user");
  w.Str("uid", r.S("/requester").empty() ? "anonymous" : r.S("/requester"));
  w.Close();
  w.Close();
  // S3's own requests (lifecycle expiry, replication) carry no remote address.
  const std::string_view remote = r.S("/remote_ip");
  Endpoint(w, "src_endpoint", remote, std::nullopt, {},
           remote.empty() || remote == "-" ? "s3.amazonaws.com" : "");
  w.Open("api");
  w.Str("operation", op);
  w.Open("service");
  w.Str("name", "s3.amazonaws.com");
  w.Close();
  w.Open("request");
  w.Str("uid", r.S("/request_id"));
  w.Close();
  if (!r.S("/error_code").empty()) {
    w.Open("response");
    w.Str("error", r.S("/error_code"));
    w.Close();
  }
  w.Close();
  const RequestLine req = SplitRequest(r.S("/request_uri"));
  HttpRequest(w, req.method, req.url, {}, r.S("/host_header"), std::nullopt, req.path, req.query,
              r.S("/user_agent"), req.version);
  HttpResponse(w, code);
  w.OpenArray("resources");
  w.Open();
  w.Str("uid", r.S("/bucket"));
  w.Str("type", "AWS::S3::Bucket");
  w.Close();
  w.Close();
  return h.cls.uid;
}

// ---- Findings --------------------------------------------------------------------------------

struct FindingInfo {
  std::string_view uid, title, desc, created, modified, first_seen, last_seen, product_uid;
  std::vector<std::string_view> types;
};

void WriteFindingInfo(Writer& w, const FindingInfo& f) {
  w.Open("finding_info");
  w.Str("uid", f.uid);
  w.Str("title", f.title);
  w.Str("desc", f.desc);
  if (!f.types.empty()) {
    w.OpenArray("types");
    for (auto t : f.types) w.Str({}, t);
    w.Close();
  }
  w.OptInt("created_time", TimeMs(f.created));
  w.OptInt("modified_time", TimeMs(f.modified));
  w.OptInt("first_seen_time", TimeMs(f.first_seen));
  w.OptInt("last_seen_time", TimeMs(f.last_seen));
  w.Str("product_uid", f.product_uid);
  w.Close();
}

std::vector<std::string_view> Strings(const Rec& r, std::string_view pointer) {
  std::vector<std::string_view> out;
  if (auto a = r.E(pointer); a && a->is_array()) {
    for (element x : a->get_array()) {
      std::string_view s;
      if (JsonGet(x.get_string(), s)) out.push_back(s);
    }
  }
  return out;
}

int CloudTrailInsight(Writer& w, const Event& e, const Rec& r) {
  Header h;
  h.cls = kDetection;
  h.product = "CloudTrail Insights";
  const std::string_view state = r.S("/insightDetails/state");
  h.activity_id = state == "End" ? 3 : 1;  // Close, Create
  h.activity_name = h.activity_id == 3 ? "Close" : "Create";
  h.severity_id = 3;
  WriteHeader(w, e, h);
  const std::string_view type = r.S("/insightDetails/insightType");
  std::string title = "CloudTrail Insight: " + std::string(type) + " for " +
                      std::string(r.S("/insightDetails/eventSource")) + " " +
                      std::string(r.S("/insightDetails/eventName"));
  FindingInfo f;
  f.uid = r.S("/sharedEventID");
  if (f.uid.empty()) f.uid = r.S("/eventID");
  f.title = title;
  f.types.push_back(type);
  WriteFindingInfo(w, f);
  return h.cls.uid;
}

int GuardDuty(Writer& w, const Event& e, const Rec& r) {
  const bool pascal = r.Has("/SchemaVersion");
  auto S = [&](std::string_view camel, std::string_view pas) { return r.S(pascal ? pas : camel); };
  Header h;
  h.cls = kDetection;
  h.product = "GuardDuty";
  const std::string_view created = S("/createdAt", "/CreatedAt");
  const std::string_view updated = S("/updatedAt", "/UpdatedAt");
  h.activity_id = created == updated ? 1 : 2;  // Create, Update
  h.activity_name = h.activity_id == 1 ? "Create" : "Update";
  h.severity_id = SeverityFromGuardDuty(r.D(pascal ? "/Severity" : "/severity").value_or(0));
  WriteHeader(w, e, h);
  FindingInfo f;
  f.uid = S("/arn", "/Arn");
  if (f.uid.empty()) f.uid = S("/id", "/Id");
  f.title = S("/title", "/Title");
  f.desc = S("/description", "/Description");
  f.created = created;
  f.modified = updated;
  f.first_seen = S("/service/eventFirstSeen", "/Service/EventFirstSeen");
  f.last_seen = S("/service/eventLastSeen", "/Service/EventLastSeen");
  f.types.push_back(S("/type", "/Type"));
  WriteFindingInfo(w, f);
  w.OpenArray("resources");
  w.Open();
  w.Str("type", S("/resource/resourceType", "/Resource/ResourceType"));
  w.Str("uid", S("/resource/instanceDetails/instanceId", "/Resource/InstanceDetails/InstanceId"));
  w.Close();
  w.Close();
  return h.cls.uid;
}

int SecurityHub(Writer& w, const Event& e, const Rec& r) {
  const bool compliance = r.Has("/Compliance");
  const bool vulnerable = r.Has("/Vulnerabilities");
  Header h;
  h.cls = vulnerable ? kVulnerability : compliance ? kCompliance : kDetection;
  h.product = "Security Hub";
  const std::string_view created = r.S("/CreatedAt");
  const std::string_view updated = r.S("/UpdatedAt");
  h.activity_id = created == updated ? 1 : 2;
  h.activity_name = h.activity_id == 1 ? "Create" : "Update";
  h.severity_id = SeverityFromLabel(r.S("/Severity/Label"));
  if (h.severity_id == 0)
    h.severity_id = SeverityFromLabel(r.S("/FindingProviderFields/Severity/Label"));
  const std::string_view record_state = r.S("/RecordState");
  if (record_state == "ARCHIVED") {
    h.activity_id = 3;
    h.activity_name = "Close";
  }
  WriteHeader(w, e, h);
  FindingInfo f;
  f.uid = r.S("/Id");
  f.title = r.S("/Title");
  f.desc = r.S("/Description");
  f.created = created;
  f.modified = updated;
  f.first_seen = r.S("/FirstObservedAt");
  f.last_seen = r.S("/LastObservedAt");
  f.product_uid = r.S("/ProductArn");
  f.types = Strings(r, "/Types");
  WriteFindingInfo(w, f);
  if (compliance) {
    w.Open("compliance");
    w.Str("status", r.S("/Compliance/Status"));
    w.Str("control", r.S("/Compliance/SecurityControlId"));
    w.OpenArray("standards");
    std::vector<std::string_view> standards;
    if (auto a = r.E("/Compliance/AssociatedStandards"); a && a->is_array()) {
      for (element x : a->get_array()) {
        std::string_view s;
        if (JsonGet(x["StandardsId"].get_string(), s)) w.Str({}, s);
        standards.push_back(s);
      }
    }
    if (standards.empty())
      w.Str({}, r.S("/GeneratorId").empty() ? "AWS Security Hub" : r.S("/GeneratorId"));
    w.Close();
    w.Close();
  }
  if (vulnerable) {
    w.OpenArray("vulnerabilities");
    if (auto a = r.E("/Vulnerabilities"); a && a->is_array()) {
      for (element x : a->get_array()) {
        std::string_view id;
        JsonGet(x["Id"].get_string(), id);
        w.Open();
        w.Str("title", id.empty() ? r.S("/Title") : id);
        if (!id.empty()) {
          w.Open("cve");
          w.Str("uid", id);
          w.Close();
        }
        w.Close();
      }
    }
    w.Close();
  }
  return h.cls.uid;
}

int Inspector(Writer& w, const Event& e, const Rec& r) {
  const std::string_view type = r.S("/type");
  const bool vuln = type == "PACKAGE_VULNERABILITY" || type == "CODE_VULNERABILITY";
  Header h;
  h.cls = vuln ? kVulnerability : kDetection;
  h.product = "Inspector";
  h.activity_id = r.S("/status") == "CLOSED" ? 3 : 1;
  h.activity_name = h.activity_id == 3 ? "Close" : "Create";
  h.severity_id = SeverityFromLabel(r.S("/severity"));
  WriteHeader(w, e, h);
  FindingInfo f;
  f.uid = r.S("/findingArn");
  f.title = r.S("/title");
  f.desc = r.S("/description");
  f.types.push_back(type);
  WriteFindingInfo(w, f);
  if (vuln) {
    w.OpenArray("vulnerabilities");
    w.Open();
    const std::string_view cve = r.S("/packageVulnerabilityDetails/vulnerabilityId");
    w.Str("title", cve.empty() ? r.S("/title") : cve);
    w.Str("desc", r.S("/description"));
    w.Str("severity", r.S("/severity"));
    if (!cve.empty()) {
      w.Open("cve");
      w.Str("uid", cve);
      w.Close();
    }
    w.Close();
    w.Close();
  }
  return h.cls.uid;
}

int Macie(Writer& w, const Event& e, const Rec& r) {
  Header h;
  h.cls = kDetection;
  h.product = "Macie";
  h.activity_id = 1;
  h.activity_name = "Create";
  h.severity_id = SeverityFromLabel(r.S("/severity/description"));
  WriteHeader(w, e, h);
  FindingInfo f;
  f.uid = r.S("/id");
  f.title = r.S("/title");
  f.desc = r.S("/description");
  f.created = r.S("/createdAt");
  f.modified = r.S("/updatedAt");
  f.types.push_back(r.S("/type"));
  WriteFindingInfo(w, f);
  return h.cls.uid;
}

int ConfigCompliance(Writer& w, const Event& e, const Rec& r) {
  Header h;
  h.cls = kCompliance;
  h.product = "Config";
  h.activity_id = 2;  // Update
  h.activity_name = "Update";
  const std::string_view status = r.S("/newEvaluationResult/complianceType");
  h.severity_id = status == "NON_COMPLIANT" ? 3 : 1;
  WriteHeader(w, e, h);
  FindingInfo f;
  f.uid = e.id;
  f.title = r.S("/configRuleName");
  f.product_uid = r.S("/configRuleARN");
  WriteFindingInfo(w, f);
  w.Open("compliance");
  w.Str("status", status);
  w.Str("control", r.S("/configRuleName"));
  w.OpenArray("standards");
  w.Str({}, "AWS Config");
  w.Close();
  w.Close();
  w.OpenArray("resources");
  w.Open();
  w.Str("uid", r.S("/resourceId"));
  w.Str("type", r.S("/resourceType"));
  w.Close();
  w.Close();
  return h.cls.uid;
}

int TrustedAdvisor(Writer& w, const Event& e, const Rec& r) {
  Header h;
  h.cls = kCompliance;
  h.product = "Trusted Advisor";
  h.activity_id = 2;
  h.activity_name = "Update";
  std::string_view status = r.S("/detail/status");     // the EventBridge check item refresh
  if (status.empty()) status = r.S("/result/status");  // DescribeTrustedAdvisorCheckResult
  h.severity_id = status == "ERROR" || status == "error" ? 4 : status == "WARN" ? 3 : 1;
  WriteHeader(w, e, h);
  FindingInfo f;
  f.uid = e.id;
  f.title = r.S("/detail/check-name");
  if (f.title.empty()) f.title = r.S("/result/checkId");
  WriteFindingInfo(w, f);
  w.Open("compliance");
  w.Str("status", status);
  w.OpenArray("standards");
  w.Str({}, "AWS Trusted Advisor");
  w.Close();
  w.Close();
  return h.cls.uid;
}

// ---- Everything else -------------------------------------------------------------------------

int BaseEvent(Writer& w, const Event& e, const Rec& r, std::string_view product) {
  Header h;
  h.cls = kBase;
  h.activity_id = 0;
  h.product = product;
  WriteHeader(w, e, h);
  std::string_view msg = r.S("/message");
  if (msg.empty()) msg = r.S("/messageType");
  if (msg.empty()) msg = r.S("/detail-type");
  if (msg.empty()) msg = r.S("/type");
  w.Str("message", msg);
  return h.cls.uid;
}

}  // namespace

int AppendOcsfJsonLine(const Event& e, std::string* out) {
  thread_local simdjson::dom::parser parser;
  Rec r;
  if (parser.parse(e.json).get(r.root) != simdjson::SUCCESS) {
    // Events always carry valid JSON; keep the promise of one line per event regardless.
    static const simdjson::padded_string kEmpty(std::string_view("{}"));
    r.root = parser.parse(kEmpty).value();
  }
  Writer w(out);
  w.Open();
  int cls = 0;
  const LogTypeInfo& facts = LogTypeFacts(e.log_type);
  switch (facts.ocsf) {
    case OcsfMapping::kCloudTrail:
      cls = CloudTrail(w, e, r);
      break;
    case OcsfMapping::kVpcFlow:
      cls = VpcFlow(w, e, r);
      break;
    case OcsfMapping::kNlb:
      cls = Nlb(w, e, r);
      break;
    case OcsfMapping::kNetworkFirewall:
      cls = NetworkFirewall(w, e, r);
      break;
    case OcsfMapping::kLoadBalancer:
      cls = LoadBalancer(w, e, r);
      break;
    case OcsfMapping::kCloudFront:
      cls = CloudFront(w, e, r);
      break;
    case OcsfMapping::kWaf:
      cls = Waf(w, e, r);
      break;
    case OcsfMapping::kDns:
      cls = Dns(w, e, r);
      break;
    case OcsfMapping::kS3Access:
      cls = S3Access(w, e, r);
      break;
    case OcsfMapping::kGuardDuty:
      cls = GuardDuty(w, e, r);
      break;
    case OcsfMapping::kMacie:
      cls = Macie(w, e, r);
      break;
    case OcsfMapping::kTrustedAdvisor:
      cls = TrustedAdvisor(w, e, r);
      break;
    case OcsfMapping::kSecurityHub:
      cls = r.Has("/Id") ? SecurityHub(w, e, r) : BaseEvent(w, e, r, facts.product);
      break;
    case OcsfMapping::kInspector:
      cls = r.Has("/findingArn") ? Inspector(w, e, r) : BaseEvent(w, e, r, facts.product);
      break;
    case OcsfMapping::kConfig:
      cls = r.S("/messageType") == "ComplianceChangeNotification"
                ? ConfigCompliance(w, e, r)
                : BaseEvent(w, e, r, facts.product);
      break;
    case OcsfMapping::kApiGateway:
      cls = (r.Has("/httpMethod") || r.Has("/routeKey") || r.Has("/resourcePath") ||
             r.Has("/request"))
                ? ApiGatewayAccess(w, e, r)
                : BaseEvent(w, e, r, facts.product);
      break;
    case OcsfMapping::kBase:
      cls = BaseEvent(w, e, r, facts.product);
      break;
  }
  // raw_data holds the native record as a JSON string, so nothing the mapping left out is lost.
  w.Str("raw_data", e.json);
  w.Close();
  out->push_back('\n');
  return cls;
}

}  // namespace fastpath
