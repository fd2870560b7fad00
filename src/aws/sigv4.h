// SigV4: AWS Signature Version 4, header signing and presigned (query) URLs.
//
// The signer is a pure function of the request, the credentials and the time, so it is checked
// case by case against AWS's own test suite (testdata/sigv4). Paths and query strings may come
// percent-encoded or raw; both canonicalise the same way (decode, then encode per RFC 3986's
// unreserved set). S3 signs its paths as they are (normalize_path = false); every other service
// removes dot segments and repeated slashes first.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/hash.h"
#include "core/time_util.h"

namespace fastpath::aws {

// Secrets never reach a log: ToString-style helpers print the access key id only.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  TimeNs expiration = 0;      // 0: does not expire
  std::string source;         // which provider gave them ("environment", "profile default", ...)
  bool empty() const { return access_key_id.empty() || secret_access_key.empty(); }
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct SignableRequest {
  std::string method;
  std::string path = "/";  // without the query string
  std::string query;       // without '?', as it appears on the wire (may be empty)
  HeaderList headers;      // must include Host
  std::string payload_sha256_hex;
};

struct SigningParams {
  std::string region;
  std::string service;
  TimeNs time = 0;
  bool normalize_path = true;       // false for S3
  bool add_content_sha256 = false;  // S3 and the suite's sign_body cases: x-amz-content-sha256
  bool omit_session_token = false;  // add the token after signing (services that want that)
  int expires_seconds = 3600;       // presigned URLs
};

struct SignedParts {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // hex
  // Header signing: the headers to add (X-Amz-Date, X-Amz-Security-Token,
  // x-amz-content-sha256, Authorization). Query signing: the query parameters to add.
  HeaderList added;
};

SignedParts SignHeaders(const SignableRequest& req, const Credentials& creds,
                        const SigningParams& params);
SignedParts PresignQuery(const SignableRequest& req, const Credentials& creds,
                         const SigningParams& params);

// RFC 3986 percent-encoding of everything but unreserved characters (and '/' when kept).
std::string UriEncode(std::string_view s, bool keep_slash);
std::string UriDecode(std::string_view s);
using fastpath::HexEncode;   // core/hash.h
using fastpath::HmacSha256;  // raw bytes
using fastpath::Sha256Hex;
// 20150830T123600Z
std::string AmzDate(TimeNs t);

}  // namespace fastpath::aws
