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

}  // namespace fastpath::ocsf
