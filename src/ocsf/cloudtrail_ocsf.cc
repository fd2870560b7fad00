// OCSF rendering: CloudTrail: API Activity, Authentication and Account Change.
#include "ocsf/ocsf_internal.h"

#include <optional>
#include <string>
#include <vector>

namespace fastpath::ocsf {
namespace {

void CloudTrailUser(Writer& w, const Rec& r, std::string_view key) {
  w.Open(key);
  std::string_view name = r.S("/userIdentity/userName");
  const std::string_view arn = r.S("/userIdentity/arn");
  if (name.empty()) name = r.S("/userIdentity/sessionContext/sessionIssuer/userName");
  // The ARN's last part: a session or user name after the last '/', "root" after the last ':'.
  if (name.empty() && !arn.empty()) {
    const size_t cut = arn.find('/') != std::string_view::npos ? arn.rfind('/') : arn.rfind(':');
    name = cut == std::string_view::npos ? arn : arn.substr(cut + 1);
  }
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

// STS calls that issue a session's credentials: Security Lake maps AssumeRole* to Authentication;
// GetSessionToken and GetFederationToken issue sessions the same way and go with them.
bool IssuesSession(std::string_view source, std::string_view name) {
  return source == "sts.amazonaws.com" &&
         (name.starts_with("AssumeRole") || name == "GetSessionToken" ||
          name == "GetFederationToken");
}

// IAM role, group and instance-profile privilege changes that Security Lake maps to Account
// Change (beside the user and credential calls of AccountChangeActivity).
int RoleChangeActivity(std::string_view name) {
  struct M {
    const char* event;
    int activity;
  };
  static constexpr M kMap[] = {{"CreateRole", 1},
                               {"DeleteRole", 6},
                               {"AttachRolePolicy", 7},
                               {"PutRolePolicy", 7},
                               {"DetachRolePolicy", 8},
                               {"DeleteRolePolicy", 8},
                               {"UpdateAssumeRolePolicy", 99},
                               {"UpdateRole", 99},
                               {"PutRolePermissionsBoundary", 7},
                               {"DeleteRolePermissionsBoundary", 8},
                               {"AttachGroupPolicy", 7},
                               {"PutGroupPolicy", 7},
                               {"DetachGroupPolicy", 8},
                               {"DeleteGroupPolicy", 8},
                               {"PutUserPermissionsBoundary", 7},
                               {"DeleteUserPermissionsBoundary", 8},
                               {"CreateInstanceProfile", 1},
                               {"DeleteInstanceProfile", 6},
                               {"AddRoleToInstanceProfile", 7},
                               {"RemoveRoleFromInstanceProfile", 8},
                               {"CreatePolicyVersion", 99},
                               {"SetDefaultPolicyVersion", 99}};
  for (const M& m : kMap) {
    if (name == m.event) return m.activity;
  }
  return 0;
}

}  // namespace

// An Insights event: CloudTrail noticed an unusual rate of calls or errors.
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
  int account_activity = 0;
  if (source == "iam.amazonaws.com") {
    account_activity = AccountChangeActivity(name);
    if (account_activity == 0) account_activity = RoleChangeActivity(name);
  }
  if (signin) {
    h.cls = kAuthentication;
    h.activity_id = name == "ConsoleLogin" ? 1 : 99;  // Logon
    if (!login_result.empty()) h.status_id = login_result == "Success" ? 1 : 2;
  } else if (IssuesSession(source, name)) {
    h.cls = kAuthentication;
    h.activity_id = 1;  // Logon: a session begins
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
    if (auto t = TimeMs(r.S("/userIdentity/sessionContext/attributes/creationDate")))
      w.Int("created_time", *t);
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
  if (h.cls.uid == kAuthentication.uid && signin) {
    CloudTrailUser(w, r, "user");
    const std::string_view mfa = r.S("/additionalEventData/MFAUsed");
    if (!mfa.empty()) w.Bool("is_mfa", mfa == "Yes");
    Endpoint(w, "dst_endpoint", {}, std::nullopt, {}, source);
    w.Open("service");
    w.Str("name", "AWS Management Console");
    w.Close();
  } else if (h.cls.uid == kAuthentication.uid) {
    // The identity the session is for: the role (and session name) assumed, else the caller.
    const std::string_view role = r.S("/requestParameters/roleArn");
    if (!role.empty()) {
      w.Open("user");
      std::string_view session = r.S("/requestParameters/roleSessionName");
      w.Str("name", session.empty() ? role.substr(role.rfind('/') + 1) : session);
      w.Str("uid", r.S("/responseElements/assumedRoleUser/arn").empty()
                       ? role
                       : r.S("/responseElements/assumedRoleUser/arn"));
      w.Str("type", "AssumedRole");
      w.Close();
    } else {
      CloudTrailUser(w, r, "user");
    }
    Endpoint(w, "dst_endpoint", {}, std::nullopt, {}, source);
    w.Open("service");
    w.Str("name", source);
    w.Close();
  } else if (h.cls.uid == kAccountChange.uid) {
    // The user (or role, or group) whose privileges changed: the request names it; else the
    // caller itself.
    std::string_view target = r.S("/requestParameters/userName");
    std::string_view kind = "IAMUser";
    if (target.empty() && !r.S("/requestParameters/roleName").empty()) {
      target = r.S("/requestParameters/roleName");
      kind = "Role";
    }
    if (target.empty() && !r.S("/requestParameters/groupName").empty()) {
      target = r.S("/requestParameters/groupName");
      kind = "Group";
    }
    if (target.empty() && !r.S("/requestParameters/instanceProfileName").empty()) {
      target = r.S("/requestParameters/instanceProfileName");
      kind = "InstanceProfile";
    }
    if (!target.empty()) {
      w.Open("user");
      w.Str("name", target);
      w.Str("type", kind);
      w.Close();
    } else {
      CloudTrailUser(w, r, "user");
    }
  }
  // Resources the call touched (Authentication has no resources: the role assumed is its user).
  if (auto res = r.E("/resources"); res && res->is_array() && h.cls.uid != kAuthentication.uid) {
    bool open = false;
    for (element x : res->get_array()) {
      std::string_view arn, type;
      JsonGet(x["ARN"].get_string(), arn);
      JsonGet(x["type"].get_string(), type);
      if (arn.empty()) continue;  // a resource is named by its ARN
      if (!open) w.OpenArray("resources");
      open = true;
      w.Open();
      w.Str("uid", arn);
      w.Str("type", type);
      w.Close();
    }
    if (open) w.Close();
  }
  return h.cls.uid;
}

}  // namespace fastpath::ocsf
