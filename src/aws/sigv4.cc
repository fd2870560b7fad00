#include "aws/sigv4.h"

#include <algorithm>
#include <cstring>
#include <ctime>

namespace fastpath::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Header values: trim, and fold runs of whitespace (including obsolete line folding) to one space.
std::string TrimAll(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// Removes "." and ".." segments and empty segments, keeping a trailing slash.
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segs;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view seg = path.substr(i, j - i);
    if (seg == "..") {
      if (!segs.empty()) segs.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segs.push_back(seg);
    }
    i = j + 1;
  }
  std::string out;
  for (std::string_view s : segs) {
    out.push_back('/');
    out.append(s);
  }
  const bool trailing =
      !path.empty() && (path.back() == '/' || path.ends_with("/.") || path.ends_with("/.."));
  if (out.empty() || trailing) out.push_back('/');
  return out;
}

std::string CanonicalUri(std::string_view path, bool normalize) {
  std::string decoded = UriDecode(path.empty() ? "/" : path);
  if (normalize) decoded = NormalizePath(decoded);
  return UriEncode(decoded, /*keep_slash=*/true);
}

using Params = std::vector<std::pair<std::string, std::string>>;

Params ParseQuery(std::string_view q) {
  Params out;
  size_t i = 0;
  while (i < q.size()) {
    size_t j = q.find('&', i);
    if (j == std::string_view::npos) j = q.size();
    std::string_view kv = q.substr(i, j - i);
    if (!kv.empty()) {
      const size_t eq = kv.find('=');
      if (eq == std::string_view::npos) {
        out.emplace_back(UriDecode(kv), "");
      } else {
        out.emplace_back(UriDecode(kv.substr(0, eq)), UriDecode(kv.substr(eq + 1)));
      }
    }
    i = j + 1;
  }
  return out;
}

std::string CanonicalQuery(Params params) {
  for (auto& [k, v] : params) {
    k = UriEncode(k, false);
    v = UriEncode(v, false);
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out.push_back('&');
    out.append(k).append("=").append(v);
  }
  return out;
}

struct CanonicalHeaders {
  std::string block;    // "name:value\n" lines
  std::string signed_;  // "a;b;c"
};

CanonicalHeaders Canonicalise(const HeaderList& headers) {
  // Sorted by lowercase name; repeated names join their values with ',' in request order.
  std::vector<std::pair<std::string, std::string>> lowered;
  lowered.reserve(headers.size());
  for (const auto& [k, v] : headers) lowered.emplace_back(Lower(k), TrimAll(v));
  std::stable_sort(lowered.begin(), lowered.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (size_t i = 0; i < lowered.size();) {
    std::string value = lowered[i].second;
    size_t j = i + 1;
    for (; j < lowered.size() && lowered[j].first == lowered[i].first; ++j) {
      value.append(",").append(lowered[j].second);
    }
    out.block.append(lowered[i].first).append(":").append(value).append("\n");
    if (!out.signed_.empty()) out.signed_.push_back(';');
    out.signed_.append(lowered[i].first);
    i = j;
  }
  return out;
}

std::string DateStamp(const std::string& amz_date) {
  return amz_date.substr(0, 8);
}

std::string Scope(const std::string& amz_date, const SigningParams& p) {
  return DateStamp(amz_date) + "/" + p.region + "/" + p.service + "/aws4_request";
}

std::string Sign(const Credentials& c, const std::string& amz_date, const SigningParams& p,
                 const std::string& string_to_sign) {
  std::string k = HmacSha256("AWS4" + c.secret_access_key, DateStamp(amz_date));
  k = HmacSha256(k, p.region);
  k = HmacSha256(k, p.service);
  k = HmacSha256(k, "aws4_request");
  return HexEncode(HmacSha256(k, string_to_sign));
}

std::string StringToSign(const std::string& amz_date, const SigningParams& p,
                         const std::string& canonical_request) {
  std::string s(kAlgorithm);
  s.append("\n").append(amz_date).append("\n").append(Scope(amz_date, p)).append("\n");
  s.append(Sha256Hex(canonical_request));
  return s;
}

std::string CanonicalRequest(const SignableRequest& req, const SigningParams& p,
                             const std::string& query, const CanonicalHeaders& h) {
  std::string cr = req.method;
  cr.append("\n").append(CanonicalUri(req.path, p.normalize_path)).append("\n");
  cr.append(query).append("\n");
  cr.append(h.block).append("\n");
  cr.append(h.signed_).append("\n");
  cr.append(req.payload_sha256_hex);
  return cr;
}

}  // namespace

std::string UriEncode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string UriDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() + 0 && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string AmzDate(TimeNs t) {
  const time_t secs = static_cast<time_t>(t / 1000000000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

SignedParts SignHeaders(const SignableRequest& req, const Credentials& creds,
                        const SigningParams& p) {
  SignedParts out;
  const std::string amz_date = AmzDate(p.time);
  HeaderList headers = req.headers;
  out.added.emplace_back("X-Amz-Date", amz_date);
  if (p.add_content_sha256) out.added.emplace_back("x-amz-content-sha256", req.payload_sha256_hex);
  const bool token = !creds.session_token.empty();
  if (token && !p.omit_session_token) {
    out.added.emplace_back("X-Amz-Security-Token", creds.session_token);
  }
  headers.insert(headers.end(), out.added.begin(), out.added.end());
  const CanonicalHeaders h = Canonicalise(headers);
  out.canonical_request = CanonicalRequest(req, p, CanonicalQuery(ParseQuery(req.query)), h);
  out.string_to_sign = StringToSign(amz_date, p, out.canonical_request);
  out.signature = Sign(creds, amz_date, p, out.string_to_sign);
  if (token && p.omit_session_token) {
    out.added.emplace_back("X-Amz-Security-Token", creds.session_token);
  }
  std::string auth(kAlgorithm);
  auth.append(" Credential=").append(creds.access_key_id).append("/").append(Scope(amz_date, p));
  auth.append(", SignedHeaders=").append(h.signed_).append(", Signature=").append(out.signature);
  out.added.emplace_back("Authorization", std::move(auth));
  return out;
}

SignedParts PresignQuery(const SignableRequest& req, const Credentials& creds,
                         const SigningParams& p) {
  SignedParts out;
  const std::string amz_date = AmzDate(p.time);
  const CanonicalHeaders h = Canonicalise(req.headers);
  Params params = ParseQuery(req.query);
  Params added = {{"X-Amz-Algorithm", std::string(kAlgorithm)},
                  {"X-Amz-Credential", creds.access_key_id + "/" + Scope(amz_date, p)},
                  {"X-Amz-Date", amz_date},
                  {"X-Amz-SignedHeaders", h.signed_},
                  {"X-Amz-Expires", std::to_string(p.expires_seconds)}};
  const bool token = !creds.session_token.empty();
  if (token && !p.omit_session_token)
    added.emplace_back("X-Amz-Security-Token", creds.session_token);
  params.insert(params.end(), added.begin(), added.end());
  out.canonical_request = CanonicalRequest(req, p, CanonicalQuery(params), h);
  out.string_to_sign = StringToSign(amz_date, p, out.canonical_request);
  out.signature = Sign(creds, amz_date, p, out.string_to_sign);
  if (token && p.omit_session_token)
    added.emplace_back("X-Amz-Security-Token", creds.session_token);
  added.emplace_back("X-Amz-Signature", out.signature);
  out.added = std::move(added);
  return out;
}

}  // namespace fastpath::aws
