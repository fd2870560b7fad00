#include "aws/credentials.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <sys/wait.h>

#include <simdjson.h>

#include "aws/aws_client.h"
#include "core/json_get.h"
#include "core/time_util.h"

namespace fastpath::aws {
namespace {

constexpr TimeNs kRefreshBefore = 5LL * 60 * 1000000000;
constexpr int kMaxProfileDepth = 8;

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::optional<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Key(const ProfileSection& s, const std::string& key) {
  auto it = s.find(key);
  return it == s.end() ? "" : it->second;
}

Result<Credentials> FromStsXml(const Result<HttpResponse>& resp, std::string_view what) {
  if (!resp.ok()) return Status::IoError(std::string(what) + ": " + resp.status().message());
  const std::string& xml = resp.value().body;
  if (resp.value().status != 200) {
    const AwsError e = ParseAwsError(resp.value());
    return Status::InvalidArgument(std::string(what) + ": " + e.code + ": " + e.message);
  }
  Credentials c;
  c.access_key_id = XmlText(xml, "AccessKeyId");
  c.secret_access_key = XmlText(xml, "SecretAccessKey");
  c.session_token = XmlText(xml, "SessionToken");
  if (auto t = ParseRfc3339(XmlText(xml, "Expiration"))) c.expiration = *t;
  c.source = std::string(what);
  if (c.empty()) return Status::Corrupt(std::string(what) + ": response holds no credentials");
  return c;
}

}  // namespace

std::map<std::string, ProfileSection> ParseProfileFile(std::string_view text, bool config_file) {
  std::map<std::string, ProfileSection> out;
  std::string section;
  bool in_section = false;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[') {
      const size_t close = t.find(']');
      std::string name = Trim(t.substr(1, close == std::string::npos ? t.size() - 1 : close - 1));
      if (config_file && name.starts_with("profile ")) name = Trim(name.substr(8));
      if (config_file && name.starts_with("sso-session ")) {
        in_section = false;  // not a profile
        continue;
      }
      section = name;
      in_section = true;
      out[section];
      continue;
    }
    if (!in_section) continue;
    const size_t eq = t.find('=');
    if (eq == std::string::npos) continue;  // nested sub-sections ("s3 =\n  x = y") are ignored
    std::string key = Lower(Trim(t.substr(0, eq)));
    std::string value = Trim(t.substr(eq + 1));
    if (line.front() == ' ' || line.front() == '\t') continue;  // sub-section property
    out[section][key] = value;
  }
  return out;
}

Result<Credentials> ParseCredentialJson(std::string_view json, std::string_view source) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) {
    return Status::Corrupt(std::string(source) + ": credentials are not JSON");
  }
  Credentials c;
  std::string_view v;
  if (JsonGet(doc["AccessKeyId"], v)) c.access_key_id = v;
  if (JsonGet(doc["SecretAccessKey"], v)) c.secret_access_key = v;
  if (JsonGet(doc["SessionToken"], v) || JsonGet(doc["Token"], v)) c.session_token = v;
  if (JsonGet(doc["Expiration"], v)) {
    auto t = ParseRfc3339(v);
    if (!t) return Status::Corrupt(std::string(source) + ": Expiration is not an RFC 3339 time");
    c.expiration = *t;
  }
  if (JsonGet(doc["Code"], v) && v != "Success") {
    return Status::InvalidArgument(std::string(source) + ": Code " + std::string(v));
  }
  c.source = std::string(source);
  if (c.empty())
    return Status::Corrupt(std::string(source) + ": AccessKeyId or SecretAccessKey missing");
  return c;
}

DefaultCredentialChain::DefaultCredentialChain(ChainOptions options)
    : options_(std::move(options)) {
  const std::string home = Env("HOME");
  std::string config_path = Env("AWS_CONFIG_FILE");
  if (config_path.empty() && !home.empty()) config_path = home + "/.aws/config";
  std::string creds_path = Env("AWS_SHARED_CREDENTIALS_FILE");
  if (creds_path.empty() && !home.empty()) creds_path = home + "/.aws/credentials";
  if (auto t = ReadWhole(config_path)) config_ = ParseProfileFile(*t, true);
  if (auto t = ReadWhole(creds_path)) credentials_ = ParseProfileFile(*t, false);
  if (options_.profile.empty()) options_.profile = Env("AWS_PROFILE");
  if (options_.profile.empty()) options_.profile = "default";
}

std::string DefaultCredentialChain::Env(const char* name) const {
  const char* v = options_.getenv(name);
  return v == nullptr ? "" : v;
}

std::string DefaultCredentialChain::Region() const {
  if (!options_.region.empty()) return options_.region;
  for (const char* n : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (!Env(n).empty()) return Env(n);
  }
  auto it = config_.find(options_.profile);
  if (it != config_.end() && !Key(it->second, "region").empty()) return Key(it->second, "region");
  return "us-east-1";
}

Result<Credentials> DefaultCredentialChain::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  if (cached_ && (cached_->expiration == 0 || cached_->expiration - NowNs() > kRefreshBefore)) {
    return *cached_;
  }
  auto r = Resolve();
  if (r.ok()) {
    cached_ = r.value();
  } else if (cached_ && cached_->expiration > NowNs()) {
    return *cached_;  // refresh failed; what we have is still valid
  }
  return r;
}

Result<Credentials> DefaultCredentialChain::Resolve() {
  std::string tried;
  // 1. Environment.
  if (!Env("AWS_ACCESS_KEY_ID").empty() && !Env("AWS_SECRET_ACCESS_KEY").empty()) {
    Credentials c{Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"), Env("AWS_SESSION_TOKEN"),
                  0, "environment"};
    return c;
  }
  tried += "environment (AWS_ACCESS_KEY_ID not set); ";
  // 2. Shared files.
  if (config_.count(options_.profile) != 0 || credentials_.count(options_.profile) != 0) {
    auto r = FromProfile(options_.profile, 0);
    if (r.ok()) return r;
    return r.status();  // a profile that exists but fails is an error, not a fall-through
  }
  tried += "profile " + options_.profile + " (not in the shared files); ";
  // 3. Web identity from the environment.
  if (!Env("AWS_WEB_IDENTITY_TOKEN_FILE").empty() && !Env("AWS_ROLE_ARN").empty()) {
    return WebIdentity(Env("AWS_ROLE_ARN"), Env("AWS_WEB_IDENTITY_TOKEN_FILE"),
                       Env("AWS_ROLE_SESSION_NAME"));
  }
  tried += "web identity (AWS_WEB_IDENTITY_TOKEN_FILE not set); ";
  // 4. ECS.
  if (!Env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").empty() ||
      !Env("AWS_CONTAINER_CREDENTIALS_FULL_URI").empty()) {
    return Ecs();
  }
  tried += "ECS (AWS_CONTAINER_CREDENTIALS_*_URI not set); ";
  // 5. IMDSv2.
  if (Lower(Env("AWS_EC2_METADATA_DISABLED")) != "true") {
    auto r = Imds();
    if (r.ok()) return r;
    tried += "EC2 instance metadata (" + r.status().message() + ")";
  } else {
    tried += "EC2 instance metadata (AWS_EC2_METADATA_DISABLED)";
  }
  return Status::NotFound("no AWS credentials found; tried " + tried);
}

Result<Credentials> DefaultCredentialChain::FromProfile(const std::string& name, int depth) {
  if (depth > kMaxProfileDepth) {
    return Status::InvalidArgument("profile " + name + ": source_profile chain too long or cyclic");
  }
  ProfileSection p;
  if (auto it = config_.find(name); it != config_.end()) p = it->second;
  if (auto it = credentials_.find(name); it != credentials_.end()) {
    for (const auto& [k, v] : it->second) p[k] = v;  // the credentials file wins
  }
  if (p.empty() && config_.count(name) == 0 && credentials_.count(name) == 0) {
    return Status::NotFound("profile " + name + " is not in the shared config or credentials file");
  }
  const std::string what = "profile " + name;
  const std::string role_arn = Key(p, "role_arn");
  if (!role_arn.empty()) {
    if (!Key(p, "web_identity_token_file").empty()) {
      return WebIdentity(role_arn, Key(p, "web_identity_token_file"), Key(p, "role_session_name"));
    }
    Result<Credentials> source =
        Status::InvalidArgument(what + ": role_arn needs source_profile or credential_source");
    const std::string src_profile = Key(p, "source_profile");
    const std::string cred_source = Key(p, "credential_source");
    if (!src_profile.empty()) {
      if (src_profile == name) {
        // A profile may name itself to use its own static keys as the source.
        if (Key(p, "aws_access_key_id").empty()) {
          return Status::InvalidArgument(what + ": source_profile names itself without keys");
        }
        source = Credentials{Key(p, "aws_access_key_id"), Key(p, "aws_secret_access_key"),
                             Key(p, "aws_session_token"), 0, what};
      } else {
        source = FromProfile(src_profile, depth + 1);
      }
    } else if (cred_source == "Environment") {
      if (Env("AWS_ACCESS_KEY_ID").empty()) {
        return Status::InvalidArgument(
            what + ": credential_source Environment, but AWS_ACCESS_KEY_ID is not set");
      }
      source = Credentials{Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"),
                           Env("AWS_SESSION_TOKEN"), 0, "environment"};
    } else if (cred_source == "Ec2InstanceMetadata") {
      source = Imds();
    } else if (cred_source == "EcsContainer") {
      source = Ecs();
    } else if (!cred_source.empty()) {
      return Status::InvalidArgument(what + ": unknown credential_source " + cred_source);
    }
    if (!source.ok()) return source.status();
    return AssumeRole(source.value(), p, name);
  }
  if (!Key(p, "aws_access_key_id").empty()) {
    if (Key(p, "aws_secret_access_key").empty()) {
      return Status::InvalidArgument(what + ": aws_access_key_id without aws_secret_access_key");
    }
    return Credentials{Key(p, "aws_access_key_id"), Key(p, "aws_secret_access_key"),
                       Key(p, "aws_session_token"), 0, what};
  }
  if (const std::string cmd = Key(p, "credential_process"); !cmd.empty()) {
    FILE* f = popen(cmd.c_str(), "r");
    if (f == nullptr) return Status::IoError(what + ": credential_process could not start");
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    const int rc = pclose(f);
    if (rc != 0) {
      return Status::IoError(what + ": credential_process exited with status " +
                             std::to_string(WEXITSTATUS(rc)));
    }
    return ParseCredentialJson(out, what + " credential_process");
  }
  if (!Key(p, "sso_start_url").empty() || !Key(p, "sso_session").empty()) {
    return Status::Unsupported(what +
                               ": IAM Identity Center (SSO) profiles are not supported; "
                               "use credential_process or exported keys");
  }
  return Status::InvalidArgument(what +
                                 ": holds no credentials (aws_access_key_id, role_arn or "
                                 "credential_process)");
}

HttpRequest DefaultCredentialChain::StsRequest(
    const std::string& region,
    const std::vector<std::pair<std::string, std::string>>& params) const {
  HttpRequest req;
  req.method = "POST";
  req.url = options_.sts_endpoint.empty() ? "https://sts." + region + ".amazonaws.com/"
                                          : options_.sts_endpoint + "/";
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  req.body = FormEncode(params);
  req.timeout_ms = 10000;
  return req;
}

Result<Credentials> DefaultCredentialChain::AssumeRole(const Credentials& source,
                                                       const ProfileSection& p,
                                                       const std::string& profile) {
  std::vector<std::pair<std::string, std::string>> params = {
      {"Action", "AssumeRole"},
      {"Version", "2011-06-15"},
      {"RoleArn", Key(p, "role_arn")},
      {"RoleSessionName",
       Key(p, "role_session_name").empty() ? "fastpath" : Key(p, "role_session_name")}};
  if (!Key(p, "external_id").empty()) params.emplace_back("ExternalId", Key(p, "external_id"));
  if (!Key(p, "duration_seconds").empty()) {
    params.emplace_back("DurationSeconds", Key(p, "duration_seconds"));
  }
  const std::string region = Region();
  return FromStsXml(SignedSend("sts", region, source, StsRequest(region, params), false),
                    "profile " + profile + " AssumeRole");
}

Result<Credentials> DefaultCredentialChain::WebIdentity(const std::string& role_arn,
                                                        const std::string& token_file,
                                                        const std::string& session_name) {
  auto token = ReadWhole(token_file);
  if (!token) return Status::NotFound("web identity token file " + token_file + " is unreadable");
  while (!token->empty() && (token->back() == '\n' || token->back() == '\r')) token->pop_back();
  // AssumeRoleWithWebIdentity is not signed: the token is the proof.
  return FromStsXml(
      HttpSend(StsRequest(Region(),
                          {{"Action", "AssumeRoleWithWebIdentity"},
                           {"Version", "2011-06-15"},
                           {"RoleArn", role_arn},
                           {"RoleSessionName", session_name.empty() ? "fastpath" : session_name},
                           {"WebIdentityToken", *token}})),
      "web identity AssumeRoleWithWebIdentity");
}

Result<Credentials> DefaultCredentialChain::Ecs() {
  HttpRequest req;
  req.timeout_ms = 2000;
  req.connect_timeout_ms = 1000;
  if (!Env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").empty()) {
    req.url = "http://169.254.170.2" + Env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  } else {
    req.url = Env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  }
  std::string auth = Env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  if (!Env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").empty()) {
    auto t = ReadWhole(Env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"));
    if (!t) return Status::NotFound("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE is unreadable");
    auth = Trim(*t);
    while (!auth.empty() && auth.back() == '\n') auth.pop_back();
  }
  if (!auth.empty()) req.headers.emplace_back("Authorization", auth);
  auto resp = HttpSend(req);
  if (!resp.ok()) return Status::IoError("ECS container credentials: " + resp.status().message());
  if (resp.value().status != 200) {
    return Status::IoError("ECS container credentials: HTTP " +
                           std::to_string(resp.value().status));
  }
  return ParseCredentialJson(resp.value().body, "ECS container credentials");
}

Result<Credentials> DefaultCredentialChain::Imds() {
  std::string base = Env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (base.empty()) base = "http://169.254.169.254";
  while (!base.empty() && base.back() == '/') base.pop_back();
  HttpRequest tok;
  tok.method = "PUT";
  tok.url = base + "/latest/api/token";
  tok.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}};
  tok.connect_timeout_ms = 1000;
  tok.timeout_ms = 1000;
  auto t = HttpSend(tok);
  if (!t.ok()) return Status::IoError("IMDSv2 token: " + t.status().message());
  if (t.value().status != 200) {
    return Status::IoError("IMDSv2 token: HTTP " + std::to_string(t.value().status));
  }
  HttpRequest role;
  role.url = base + "/latest/meta-data/iam/security-credentials/";
  role.headers = {{"X-aws-ec2-metadata-token", t.value().body}};
  role.connect_timeout_ms = 1000;
  role.timeout_ms = 1000;
  auto r = HttpSend(role);
  if (!r.ok() || r.value().status != 200) {
    return Status::IoError("IMDSv2: no instance profile role");
  }
  std::string name = Trim(r.value().body);
  if (const size_t nl = name.find('\n'); nl != std::string::npos) name.resize(nl);
  HttpRequest creds = role;
  creds.url += name;
  auto c = HttpSend(creds);
  if (!c.ok() || c.value().status != 200) {
    return Status::IoError("IMDSv2: credentials of role " + name + " unavailable");
  }
  return ParseCredentialJson(c.value().body, "EC2 instance metadata");
}

}  // namespace fastpath::aws
