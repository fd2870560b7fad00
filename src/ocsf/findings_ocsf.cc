// OCSF rendering: The Finding classes: CloudTrail Insights, GuardDuty, Security Hub, Inspector,
// Macie, Config compliance, Trusted Advisor.
#include "ocsf/ocsf_internal.h"

#include <cctype>
#include <optional>
#include <string>
#include <vector>

namespace fastpath::ocsf {
namespace {

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

}  // namespace

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
  // The resource the finding is about, named by whichever details its type carries.
  std::string_view uid, name;
  for (auto [camel, pas] : std::initializer_list<std::pair<std::string_view, std::string_view>>{
           {"/resource/instanceDetails/instanceId", "/Resource/InstanceDetails/InstanceId"},
           {"/resource/accessKeyDetails/accessKeyId", "/Resource/AccessKeyDetails/AccessKeyId"},
           {"/resource/s3BucketDetails/0/arn", "/Resource/S3BucketDetails/0/Arn"},
           {"/resource/eksClusterDetails/arn", "/Resource/EksClusterDetails/Arn"},
           {"/resource/ecsClusterDetails/arn", "/Resource/EcsClusterDetails/Arn"},
           {"/resource/rdsDbInstanceDetails/dbInstanceArn",
            "/Resource/RdsDbInstanceDetails/DbInstanceArn"},
           {"/resource/lambdaDetails/functionArn", "/Resource/LambdaDetails/FunctionArn"}}) {
    if (uid.empty()) uid = S(camel, pas);
  }
  name = S("/resource/accessKeyDetails/userName", "/Resource/AccessKeyDetails/UserName");
  if (name.empty())
    name = S("/resource/s3BucketDetails/0/name", "/Resource/S3BucketDetails/0/Name");
  if (!uid.empty() || !name.empty()) {
    w.OpenArray("resources");
    w.Open();
    w.Str("type", S("/resource/resourceType", "/Resource/ResourceType"));
    w.Str("uid", uid);
    w.Str("name", name);
    w.Close();
    w.Close();
  }
  // The remote party of the activity GuardDuty saw (API caller, connection peer, prober, login
  // source): its address and where it is, as the finding's evidence.
  std::string_view remote_ip, country, city, api_name, api_service;
  for (std::string_view action :
       {"awsApiCallAction", "networkConnectionAction", "kubernetesApiCallAction",
        "rdsLoginAttemptAction", "portProbeAction/portProbeDetails/0"}) {
    std::string base = std::string(pascal ? "/Service/Action/" : "/service/action/");
    std::string a(action);
    if (pascal) {
      // PascalCase in the ASFF-style export: the first letter of each segment upper-cased.
      for (size_t i = 0; i < a.size(); ++i) {
        if (i == 0 || a[i - 1] == '/') a[i] = static_cast<char>(std::toupper(a[i]));
      }
    }
    base += a;
    const std::string details = base + (pascal ? "/RemoteIpDetails" : "/remoteIpDetails");
    std::string_view ip = r.S(details + (pascal ? "/IpAddressV4" : "/ipAddressV4"));
    if (ip.empty() || !IsIp(ip)) continue;
    remote_ip = ip;
    country = r.S(details + (pascal ? "/Country/CountryName" : "/country/countryName"));
    city = r.S(details + (pascal ? "/City/CityName" : "/city/cityName"));
    api_name = r.S(base + (pascal ? "/Api" : "/api"));
    api_service = r.S(base + (pascal ? "/ServiceName" : "/serviceName"));
    break;
  }
  if (!remote_ip.empty()) {
    w.OpenArray("evidences");
    w.Open();
    w.Open("src_endpoint");
    w.Str("ip", remote_ip);
    if (!country.empty() || !city.empty()) {
      w.Open("location");
      w.Str("country", country);
      w.Str("city", city);
      w.Close();
    }
    w.Close();
    if (!api_name.empty()) {
      w.Open("api");
      w.Str("operation", api_name);
      if (!api_service.empty()) {
        w.Open("service");
        w.Str("name", api_service);
        w.Close();
      }
      w.Close();
    }
    w.Close();
    w.Close();
  }
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
  // Compliance Finding 1.1.0 has one `resource`.
  w.Open("resource");
  w.Str("uid", r.S("/resourceId"));
  w.Str("type", r.S("/resourceType"));
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

}  // namespace fastpath::ocsf
