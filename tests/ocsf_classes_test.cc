// OCSF 1.1.0 conformance: every event of the bundled corpus is rendered as OCSF and checked
// against the class definitions of OCSF 1.1.0 (the base event's required attributes, the class's
// required attributes and the types and constraints of the objects that fill them), and each log
// type must land in the class docs/ocsf.md promises.
//
// The definitions below are transcribed from the OCSF 1.1.0 schema (schema.ocsf.io/1.1.0): for
// the network classes, src_endpoint and dst_endpoint are checked as required, and finding_info's
// title as well, a little stricter than the schema asks.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <map>
#include <set>

#include "core/json_get.h"
#include "ocsf/ocsf_mapper.h"
#include "test_support.h"

namespace fastpath::testing {
namespace {

namespace fs = std::filesystem;
using simdjson::dom::element;
using simdjson::dom::object;

enum class T { kInt, kString, kObject, kArray };

struct Attr {
  const char* name;
  T type;
};

struct ClassDef {
  int uid;
  int category;
  std::vector<Attr> required;
};

// Required attributes of the base event (every class) and of the classes fastpath emits.
const std::vector<Attr> kBaseRequired = {{"activity_id", T::kInt}, {"category_uid", T::kInt},
                                         {"class_uid", T::kInt},   {"metadata", T::kObject},
                                         {"severity_id", T::kInt}, {"time", T::kInt},
                                         {"type_uid", T::kInt}};

const std::map<int, ClassDef>& Classes() {
  static const std::map<int, ClassDef> kClasses = {
      {0, {0, 0, {}}},
      {2002, {2002, 2, {{"finding_info", T::kObject}, {"vulnerabilities", T::kArray}}}},
      {2003, {2003, 2, {{"finding_info", T::kObject}, {"compliance", T::kObject}}}},
      {2004, {2004, 2, {{"finding_info", T::kObject}}}},
      {3001, {3001, 3, {{"user", T::kObject}}}},
      {3002, {3002, 3, {{"user", T::kObject}}}},
      {4001, {4001, 4, {{"src_endpoint", T::kObject}, {"dst_endpoint", T::kObject}}}},
      {4002, {4002, 4, {{"src_endpoint", T::kObject}, {"dst_endpoint", T::kObject}}}},
      {4003, {4003, 4, {{"src_endpoint", T::kObject}, {"dst_endpoint", T::kObject}}}},
      {6003,
       {6003,
        6,
        {{"actor", T::kObject},
         {"api", T::kObject},
         {"cloud", T::kObject},
         {"src_endpoint", T::kObject}}}},
  };
  return kClasses;
}

bool HasType(element e, T t) {
  switch (t) {
    case T::kInt:
      return e.is_int64() || e.is_uint64();
    case T::kString:
      return e.is_string();
    case T::kObject:
      return e.is_object();
    case T::kArray:
      return e.is_array();
  }
  return false;
}

// Object-level constraints: required members, and "at least one of" rules.
void CheckObject(const std::string& where, element e, const std::string& name,
                 std::vector<std::string>* errors) {
  auto need = [&](const char* member, T t) {
    element m;
    if (e[member].get(m) != simdjson::SUCCESS || !HasType(m, t)) {
      errors->push_back(where + ": " + name + "." + member + " missing or of the wrong type");
    }
  };
  auto at_least_one = [&](std::initializer_list<const char*> members) {
    for (const char* m : members) {
      if (e[m].error() == simdjson::SUCCESS) return;
    }
    errors->push_back(where + ": " + name + " has none of its identifying attributes");
  };
  if (name == "metadata") {
    need("version", T::kString);
    need("product", T::kObject);
    element p;
    if (e["product"].get(p) == simdjson::SUCCESS) {
      element v;
      if (p["vendor_name"].get(v) != simdjson::SUCCESS || !v.is_string())
        errors->push_back(where + ": metadata.product.vendor_name missing");
    }
    std::string_view version;
    if (e["version"].get(version) == simdjson::SUCCESS && version != "1.1.0")
      errors->push_back(where + ": metadata.version is not 1.1.0");
  } else if (name == "cloud") {
    need("provider", T::kString);
  } else if (name == "api") {
    need("operation", T::kString);
  } else if (name == "actor") {
    at_least_one({"user", "process", "session", "invoked_by", "app_name", "app_uid"});
  } else if (name == "user") {
    at_least_one({"name", "uid", "account", "email_addr", "credential_uid"});
  } else if (name == "src_endpoint" || name == "dst_endpoint") {
    at_least_one(
        {"ip", "hostname", "name", "uid", "svc_name", "instance_uid", "interface_uid", "domain"});
    element port;
    if (e["port"].get(port) == simdjson::SUCCESS) {
      int64_t p = -1;
      if (port.get(p) != simdjson::SUCCESS || p < 0 || p > 65535)
        errors->push_back(where + ": " + name + ".port is not a port number");
    }
    std::string_view ip;
    if (e["ip"].get(ip) == simdjson::SUCCESS &&
        ip.find_first_not_of("0123456789abcdefABCDEF.:") != std::string_view::npos)
      errors->push_back(where + ": " + name + ".ip is not an IP address");
  } else if (name == "finding_info") {
    need("uid", T::kString);
    need("title", T::kString);
  } else if (name == "compliance") {
    need("standards", T::kArray);
  }
}

std::vector<std::string> Validate(const std::string& where, std::string_view line, int* cls) {
  std::vector<std::string> errors;
  simdjson::dom::parser parser;
  element root;
  if (parser.parse(line).get(root) != simdjson::SUCCESS || !root.is_object()) {
    return {where + ": not a JSON object"};
  }
  for (const Attr& a : kBaseRequired) {
    element v;
    if (root[a.name].get(v) != simdjson::SUCCESS || !HasType(v, a.type))
      errors.push_back(where + ": base attribute " + a.name + " missing or of the wrong type");
  }
  int64_t class_uid = -1, category = -1, activity = -1, type_uid = -1, severity = -1;
  int64_t time = -1;
  // Missing ones keep -1, which the checks below report.
  JsonGet(root["class_uid"].get_int64(), class_uid);
  JsonGet(root["category_uid"].get_int64(), category);
  JsonGet(root["activity_id"].get_int64(), activity);
  JsonGet(root["type_uid"].get_int64(), type_uid);
  JsonGet(root["severity_id"].get_int64(), severity);
  JsonGet(root["time"].get_int64(), time);
  *cls = static_cast<int>(class_uid);
  auto it = Classes().find(static_cast<int>(class_uid));
  if (it == Classes().end()) {
    errors.push_back(where + ": class_uid " + std::to_string(class_uid) + " is not one of ours");
    return errors;
  }
  if (category != it->second.category) errors.push_back(where + ": category_uid does not match");
  if (type_uid != class_uid * 100 + activity)
    errors.push_back(where + ": type_uid is not class_uid * 100 + activity_id");
  if (!((severity >= 0 && severity <= 6) || severity == 99))
    errors.push_back(where + ": severity_id out of its enum");
  if (time < 0) errors.push_back(where + ": time is not epoch milliseconds");
  for (const Attr& a : it->second.required) {
    element v;
    if (root[a.name].get(v) != simdjson::SUCCESS || !HasType(v, a.type)) {
      errors.push_back(where + ": class " + std::to_string(class_uid) + " attribute " + a.name +
                       " missing or of the wrong type");
    }
  }
  // Every object present is checked, required or not.
  for (const char* name : {"metadata", "cloud", "api", "actor", "user", "src_endpoint",
                           "dst_endpoint", "finding_info", "compliance"}) {
    element v;
    if (root[name].get(v) == simdjson::SUCCESS) CheckObject(where, v, name, &errors);
  }
  element actor_user;
  if (root.at_pointer("/actor/user").get(actor_user) == simdjson::SUCCESS)
    CheckObject(where, actor_user, "user", &errors);
  std::string_view raw;
  if (root["raw_data"].get(raw) != simdjson::SUCCESS)
    errors.push_back(where + ": raw_data (the native record) missing");
  return errors;
}

// The class each log type must land in (a set where the record decides).
const std::map<std::string, std::set<int>>& ExpectedClasses() {
  static const std::map<std::string, std::set<int>> kExpected = {
      {"aws.cloudtrail", {6003, 3002, 3001}},
      {"aws.cloudtrail.insight", {2004}},
      {"aws.cloudtrail.digest", {0}},
      {"aws.vpcflow", {4001}},
      {"aws.nlb", {4001}},
      {"aws.networkfirewall", {4001}},
      {"aws.alb", {4002}},
      {"aws.elb", {4002}},
      {"aws.cloudfront", {4002}},
      {"aws.waf", {4002}},
      {"aws.apigateway", {4002, 0}},
      {"aws.route53", {4003}},
      {"aws.route53resolver", {4003}},
      {"aws.s3access", {6003}},
      {"aws.guardduty", {2004}},
      {"aws.macie", {2004}},
      {"aws.securityhub", {2002, 2003, 2004, 0}},
      {"aws.inspector", {2002, 2004, 0}},
      {"aws.config", {2003, 0}},
      {"aws.trustedadvisor", {2003}},
      {"aws.lambda", {0}},
      {"aws.rds", {0}},
      {"aws.eventbridge", {0}},
      {"unknown", {0}},
  };
  return kExpected;
}

// Renders every event of every file under `root` and validates it; returns the events seen.
size_t CheckCorpus(const std::string& root, std::map<std::string, std::set<int>>* seen,
                   std::vector<std::string>* errors) {
  size_t events = 0;
  for (auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().filename() == "PROVENANCE.md") continue;
    RunResult r = RunPipeline({entry.path().string()});
    for (const Event& e : r.events) {
      std::string line;
      const int cls = AppendOcsfJsonLine(e, &line);
      if (line.empty() || line.back() != '\n') {
        errors->push_back(entry.path().string() + ": not one line");
        continue;
      }
      line.pop_back();
      int parsed_cls = -1;
      const std::string where = entry.path().filename().string() + " (" +
                                std::string(LogTypeName(e.log_type)) + " " + e.id + ")";
      for (auto& err : Validate(where, line, &parsed_cls)) errors->push_back(err);
      if (cls != parsed_cls) errors->push_back(where + ": returned class differs from the line's");
      const std::string type(LogTypeName(e.log_type));
      (*seen)[type].insert(cls);
      auto it = ExpectedClasses().find(type);
      if (it == ExpectedClasses().end() || it->second.count(cls) == 0) {
        errors->push_back(where + " rendered as class " + std::to_string(cls));
      }
      ++events;
    }
  }
  return events;
}

std::string Listed(const std::vector<std::string>& errors) {
  std::string listed;
  for (size_t i = 0; i < errors.size() && i < 12; ++i) listed += "\n  " + errors[i];
  return listed;
}

TEST(Ocsf, EveryCorpusEventConformsToItsOcsf11Class) {
  std::map<std::string, std::set<int>> seen;
  std::vector<std::string> errors;
  const size_t events = CheckCorpus(TestData("corpus"), &seen, &errors);
  EXPECT_TRUE(errors.empty()) << errors.size() << " problems:" << Listed(errors);
  // Every log type with samples in the bundled corpus was rendered; the activity and finding
  // classes each appear.
  for (const char* t :
       {"aws.cloudtrail", "aws.vpcflow", "aws.alb", "aws.elb", "aws.nlb", "aws.cloudfront",
        "aws.waf", "aws.route53", "aws.route53resolver", "aws.s3access", "aws.guardduty",
        "aws.securityhub", "aws.inspector", "aws.config", "aws.trustedadvisor",
        "aws.networkfirewall", "aws.apigateway", "aws.lambda", "aws.rds"}) {
    EXPECT_TRUE(seen.count(t)) << t << " has no sample in testdata/corpus";
  }
  for (int cls : {6003, 3002, 4001, 4002, 4003, 2002, 2003, 2004}) {
    bool found = false;
    for (auto& [t, s] : seen) found = found || s.count(cls);
    EXPECT_TRUE(found) << "no corpus event rendered as class " << cls;
  }
  EXPECT_GT(events, 500u);
}

// The full research corpus, when it is beside the clone (it is not part of the repository).
TEST(Ocsf, EverySharedCorpusEventConforms) {
  const std::string root = FASTPATH_SHARED_CORPUS;
  if (!fs::is_directory(root)) {
    GTEST_SKIP() << root << " is not present (it is not part of the repository)";
  }
  std::map<std::string, std::set<int>> seen;
  std::vector<std::string> errors;
  EXPECT_GT(CheckCorpus(root, &seen, &errors), 3000u);
  EXPECT_TRUE(errors.empty()) << errors.size() << " problems:" << Listed(errors);
}

TEST(Ocsf, CloudTrailIamUserChangesAreAccountChanges) {
  Event e;
  e.log_type = LogType::kCloudTrail;
  e.time = *ParseRfc3339("2024-01-01T00:00:00Z");
  e.id = "x";
  e.json =
      R"({"eventVersion":"1.08","eventSource":"iam.amazonaws.com","eventName":"CreateUser",)"
      R"("userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/admin","userName":"admin"},)"
      R"("sourceIPAddress":"198.51.100.1","requestParameters":{"userName":"mallory"}})";
  std::string line;
  EXPECT_EQ(AppendOcsfJsonLine(e, &line), 3001);
  int cls = 0;
  line.pop_back();
  auto errors = Validate("CreateUser", line, &cls);
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_NE(line.find(R"("user":{"name":"mallory"})"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("type_uid":300101)"), std::string::npos) << line;
}

}  // namespace
}  // namespace fastpath::testing
