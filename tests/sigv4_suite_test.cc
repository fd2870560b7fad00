// Every case of AWS's SigV4 test suite (testdata/sigv4/v4, from awslabs/aws-c-auth): the
// canonical request, string to sign and signature, for header signing and presigned URLs.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "aws/sigv4.h"
#include "core/time_util.h"

namespace fastpath::aws {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Case {
  SignableRequest req;
  Credentials creds;
  SigningParams params;
  std::string body;
};

Case Load(const fs::path& dir) {
  Case c;
  const std::string raw = ReadFile(dir / "request.txt");
  std::istringstream in(raw);
  std::string line;
  std::getline(in, line);
  const size_t sp = line.find(' ');
  const size_t http = line.rfind(" HTTP/");
  c.req.method = line.substr(0, sp);
  std::string target = line.substr(sp + 1, http - sp - 1);
  const size_t q = target.find('?');
  if (q != std::string::npos) {
    c.req.query = target.substr(q + 1);
    target.resize(q);
  }
  c.req.path = target;
  while (std::getline(in, line) && !line.empty()) {
    if ((line[0] == ' ' || line[0] == '\t') && !c.req.headers.empty()) {
      c.req.headers.back().second += " " + line;
      continue;
    }
    const size_t colon = line.find(':');
    c.req.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  std::stringstream rest;
  rest << in.rdbuf();
  c.body = rest.str();
  c.req.payload_sha256_hex = Sha256Hex(c.body);

  simdjson::dom::parser parser;
  simdjson::dom::element ctx = parser.parse(ReadFile(dir / "context.json"));
  c.creds.access_key_id = std::string(ctx["credentials"]["access_key_id"].get_string().value());
  c.creds.secret_access_key =
      std::string(ctx["credentials"]["secret_access_key"].get_string().value());
  std::string_view token;
  if (ctx["credentials"]["token"].get(token) == simdjson::SUCCESS) c.creds.session_token = token;
  c.params.region = std::string(ctx["region"].get_string().value());
  c.params.service = std::string(ctx["service"].get_string().value());
  c.params.time = *ParseRfc3339(ctx["timestamp"].get_string().value());
  c.params.normalize_path = ctx["normalize"].get_bool().value();
  c.params.add_content_sha256 = ctx["sign_body"].get_bool().value();
  bool omit = false;
  if (ctx["omit_session_token"].get(omit) == simdjson::SUCCESS) c.params.omit_session_token = omit;
  c.params.expires_seconds = static_cast<int>(ctx["expiration_in_seconds"].get_int64().value());
  return c;
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

class SigV4Suite : public ::testing::TestWithParam<std::string> {};

TEST_P(SigV4Suite, HeaderSigning) {
  const fs::path dir = fs::path(FASTPATH_TESTDATA) / "sigv4/v4" / GetParam();
  const Case c = Load(dir);
  const SignedParts s = SignHeaders(c.req, c.creds, c.params);
  EXPECT_EQ(s.canonical_request, Trimmed(ReadFile(dir / "header-canonical-request.txt")));
  EXPECT_EQ(s.string_to_sign, Trimmed(ReadFile(dir / "header-string-to-sign.txt")));
  EXPECT_EQ(s.signature, Trimmed(ReadFile(dir / "header-signature.txt")));
  // The signed request carries every added header with the value the suite expects.
  const std::string signed_request = ReadFile(dir / "header-signed-request.txt");
  for (const auto& [k, v] : s.added) {
    EXPECT_NE(signed_request.find(k + ":" + v), std::string::npos) << k;
  }
}

TEST_P(SigV4Suite, QuerySigning) {
  const fs::path dir = fs::path(FASTPATH_TESTDATA) / "sigv4/v4" / GetParam();
  const Case c = Load(dir);
  const SignedParts s = PresignQuery(c.req, c.creds, c.params);
  EXPECT_EQ(s.canonical_request, Trimmed(ReadFile(dir / "query-canonical-request.txt")));
  EXPECT_EQ(s.string_to_sign, Trimmed(ReadFile(dir / "query-string-to-sign.txt")));
  EXPECT_EQ(s.signature, Trimmed(ReadFile(dir / "query-signature.txt")));
  const std::string signed_request = ReadFile(dir / "query-signed-request.txt");
  for (const auto& [k, v] : s.added) {
    EXPECT_NE(signed_request.find(k + "=" + UriEncode(v, false)), std::string::npos) << k;
  }
}

std::vector<std::string> Cases() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(FASTPATH_TESTDATA) / "sigv4/v4")) {
    if (e.is_directory()) out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Aws, SigV4Suite, ::testing::ValuesIn(Cases()), [](const auto& param_info) {
  std::string n = param_info.param;
  for (char& ch : n) {
    if (ch == '-') ch = '_';
  }
  return n;
});

TEST(SigV4, SuiteIsComplete) {
  EXPECT_EQ(Cases().size(), 38u);
}

}  // namespace
}  // namespace fastpath::aws
