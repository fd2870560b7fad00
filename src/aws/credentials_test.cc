#include "aws/credentials.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "aws/loopback_server_for_tests.h"

#include "aws/aws_client.h"

namespace fastpath::aws {
namespace {

namespace fs = std::filesystem;

// A test environment: variables looked up in a map instead of the process environment.
struct Env {
  std::map<std::string, std::string> vars;
  ChainOptions Options() {
    ChainOptions o;
    o.getenv = [this](const char* n) -> const char* {
      auto it = vars.find(n);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
    return o;
  }
};

fs::path TempDir() {
  char tmpl[] = "/tmp/fastpath_creds_XXXXXX";
  return fs::path(mkdtemp(tmpl));
}

void Write(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

TEST(ProfileFile, ParsesConfigAndCredentialsSections) {
  auto cfg = ParseProfileFile(
      "[default]\nregion = eu-west-1\n# comment\n[profile ops]\nrole_arn = arn:aws:iam::1:role/r\n"
      "source_profile = default\ns3 =\n  max_concurrent_requests = 4\n[sso-session "
      "x]\nsso_region=a\n",
      true);
  EXPECT_EQ(cfg["default"]["region"], "eu-west-1");
  EXPECT_EQ(cfg["ops"]["role_arn"], "arn:aws:iam::1:role/r");
  EXPECT_EQ(cfg["ops"].count("max_concurrent_requests"), 0u);
  EXPECT_EQ(cfg.count("x"), 0u);
  auto creds = ParseProfileFile("[ops]\nAWS_ACCESS_KEY_ID=AKIA1\n", false);
  EXPECT_EQ(creds["ops"]["aws_access_key_id"], "AKIA1");
}

TEST(CredentialChain, EnvironmentComesFirst) {
  Env env;
  env.vars = {{"AWS_ACCESS_KEY_ID", "AKIAENV"},
              {"AWS_SECRET_ACCESS_KEY", "s"},
              {"AWS_SESSION_TOKEN", "t"},
              {"HOME", "/nonexistent"}};
  DefaultCredentialChain chain(env.Options());
  auto c = chain.Get();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->access_key_id, "AKIAENV");
  EXPECT_EQ(c->session_token, "t");
  EXPECT_EQ(c->source, "environment");
}

TEST(CredentialChain, ProfileFromCredentialsFileAndAwsProfile) {
  const fs::path dir = TempDir();
  Write(dir / "credentials",
        "[default]\naws_access_key_id = AKIADEF\naws_secret_access_key = x\n"
        "[audit]\naws_access_key_id = AKIAAUDIT\naws_secret_access_key = y\n");
  Env env;
  env.vars = {{"AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string()},
              {"AWS_CONFIG_FILE", (dir / "config").string()}};
  {
    DefaultCredentialChain chain(env.Options());
    EXPECT_EQ(chain.Get()->access_key_id, "AKIADEF");
  }
  env.vars["AWS_PROFILE"] = "audit";
  DefaultCredentialChain chain(env.Options());
  auto c = chain.Get();
  EXPECT_EQ(c->access_key_id, "AKIAAUDIT");
  EXPECT_EQ(c->source, "profile audit");
  fs::remove_all(dir);
}

TEST(CredentialChain, CredentialProcess) {
  const fs::path dir = TempDir();
  Write(dir / "config",
        "[profile proc]\ncredential_process = printf '{\"Version\":1,\"AccessKeyId\":\"AKIAPROC\","
        "\"SecretAccessKey\":\"s\",\"SessionToken\":\"tok\",\"Expiration\":\"2099-01-01T00:00:"
        "00Z\"}'\n"
        "[profile broken]\ncredential_process = sh -c 'exit 3'\n");
  Env env;
  env.vars = {{"AWS_CONFIG_FILE", (dir / "config").string()},
              {"AWS_PROFILE", "proc"},
              {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"}};
  {
    DefaultCredentialChain chain(env.Options());
    auto c = chain.Get();
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ(c->access_key_id, "AKIAPROC");
    EXPECT_EQ(c->session_token, "tok");
    EXPECT_EQ(c->expiration, *ParseRfc3339("2099-01-01T00:00:00Z"));
  }
  env.vars["AWS_PROFILE"] = "broken";
  DefaultCredentialChain chain(env.Options());
  auto c = chain.Get();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("profile broken: credential_process exited with status 3"),
            std::string::npos)
      << c.status().message();
  fs::remove_all(dir);
}

TEST(CredentialChain, AssumeRoleWithSourceProfileSignsWithTheSourceKeys) {
  LoopbackServer sts;
  std::string seen_auth, seen_body;
  sts.server.Post("/", [&](const httplib::Request& req, httplib::Response& res) {
    seen_auth = req.get_header_value("Authorization");
    seen_body = req.body;
    res.set_content(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
        "<Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>rs</SecretAccessKey>"
        "<SessionToken>rt</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>"
        "</Credentials></AssumeRoleResult></AssumeRoleResponse>",
        "text/xml");
  });
  sts.Start();
  const fs::path dir = TempDir();
  Write(dir / "config",
        "[profile base]\nregion = eu-west-1\n[profile ops]\n"
        "role_arn = arn:aws:iam::123456789012:role/audit\nsource_profile = base\n"
        "external_id = ext-1\nrole_session_name = fp\n");
  Write(dir / "credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = b\n");
  Env env;
  env.vars = {{"AWS_CONFIG_FILE", (dir / "config").string()},
              {"AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string()},
              {"AWS_PROFILE", "ops"}};
  ChainOptions o = env.Options();
  o.sts_endpoint = sts.url();
  o.region = "eu-west-1";
  DefaultCredentialChain chain(o);
  auto c = chain.Get();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->access_key_id, "ASIAROLE");
  EXPECT_EQ(c->session_token, "rt");
  EXPECT_NE(seen_auth.find("Credential=AKIABASE/"), std::string::npos) << seen_auth;
  EXPECT_NE(seen_auth.find("/eu-west-1/sts/aws4_request"), std::string::npos) << seen_auth;
  EXPECT_NE(seen_body.find("Action=AssumeRole"), std::string::npos);
  EXPECT_NE(seen_body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Faudit"),
            std::string::npos);
  EXPECT_NE(seen_body.find("ExternalId=ext-1"), std::string::npos);
  fs::remove_all(dir);
}

TEST(CredentialChain, WebIdentityFromEnvironment) {
  LoopbackServer sts;
  std::string seen_body, seen_auth = "unset";
  sts.server.Post("/", [&](const httplib::Request& req, httplib::Response& res) {
    seen_body = req.body;
    seen_auth = req.get_header_value("Authorization");
    res.set_content(
        "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>"
        "<Credentials><AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>w"
        "</SecretAccessKey><SessionToken>wt</SessionToken><Expiration>"
        "2099-01-01T00:00:00Z</Expiration></Credentials>"
        "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
        "text/xml");
  });
  sts.Start();
  const fs::path dir = TempDir();
  Write(dir / "token", "eyJhbGciOi.token\n");
  Env env;
  env.vars = {{"AWS_WEB_IDENTITY_TOKEN_FILE", (dir / "token").string()},
              {"AWS_ROLE_ARN", "arn:aws:iam::1:role/eks"},
              {"HOME", "/nonexistent"}};
  ChainOptions o = env.Options();
  o.sts_endpoint = sts.url();
  DefaultCredentialChain chain(o);
  auto c = chain.Get();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->access_key_id, "ASIAWEB");
  EXPECT_NE(seen_body.find("WebIdentityToken=eyJhbGciOi.token"), std::string::npos) << seen_body;
  EXPECT_EQ(seen_auth, "");  // not signed
  fs::remove_all(dir);
}

TEST(CredentialChain, EcsFullUriWithAuthorizationToken) {
  LoopbackServer ecs;
  ecs.server.Get("/creds", [](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != "secret-token") {
      res.status = 401;
      return;
    }
    res.set_content(R"({"AccessKeyId":"ASIAECS","SecretAccessKey":"e","Token":"et",)"
                    R"("Expiration":"2099-01-01T00:00:00Z"})",
                    "application/json");
  });
  ecs.Start();
  Env env;
  env.vars = {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/creds"},
              {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "secret-token"},
              {"HOME", "/nonexistent"}};
  DefaultCredentialChain chain(env.Options());
  auto c = chain.Get();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->access_key_id, "ASIAECS");
  EXPECT_EQ(c->session_token, "et");
}

TEST(CredentialChain, ImdsV2AsksForASessionTokenFirstAndRefreshesBeforeExpiry) {
  LoopbackServer imds;
  int token_calls = 0, cred_calls = 0;
  imds.server.Put("/latest/api/token", [&](const httplib::Request& req, httplib::Response& res) {
    ++token_calls;
    EXPECT_EQ(req.get_header_value("X-aws-ec2-metadata-token-ttl-seconds"), "21600");
    res.set_content("imds-token", "text/plain");
  });
  auto check = [](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("X-aws-ec2-metadata-token") != "imds-token") {
      res.status = 401;
      return false;
    }
    return true;
  };
  imds.server.Get("/latest/meta-data/iam/security-credentials/",
                  [&](const httplib::Request& req, httplib::Response& res) {
                    if (check(req, res)) res.set_content("fastpath-role", "text/plain");
                  });
  imds.server.Get("/latest/meta-data/iam/security-credentials/fastpath-role",
                  [&](const httplib::Request& req, httplib::Response& res) {
                    if (!check(req, res)) return;
                    ++cred_calls;
                    // Expires in two minutes: inside the refresh margin, so every Get refreshes.
                    const std::string exp = FormatRfc3339(NowNs() + 120LL * 1000000000);
                    res.set_content(R"({"Code":"Success","AccessKeyId":"ASIAIMDS",)"
                                    R"("SecretAccessKey":"i","Token":"it","Expiration":")" +
                                        exp + "\"}",
                                    "application/json");
                  });
  imds.Start();
  Env env;
  env.vars = {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url()}, {"HOME", "/nonexistent"}};
  DefaultCredentialChain chain(env.Options());
  auto c = chain.Get();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->access_key_id, "ASIAIMDS");
  EXPECT_EQ(c->source, "EC2 instance metadata");
  ASSERT_TRUE(chain.Get().ok());
  EXPECT_EQ(cred_calls, 2);
  EXPECT_EQ(token_calls, 2);
}

TEST(CredentialChain, NothingFoundSaysWhatWasTriedWithoutSecrets) {
  Env env;
  env.vars = {{"HOME", "/nonexistent"}, {"AWS_EC2_METADATA_DISABLED", "true"}};
  DefaultCredentialChain chain(env.Options());
  auto c = chain.Get();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("no AWS credentials found; tried environment"),
            std::string::npos);
}

}  // namespace
}  // namespace fastpath::aws
