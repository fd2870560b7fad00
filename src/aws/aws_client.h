// AwsClient: signed requests to AWS services with the SDKs' standard retry behaviour, and the
// three wire protocols fastpath needs:
//   JSON 1.0/1.1  POST /, X-Amz-Target: <prefix>.<Operation>  (SQS, Kinesis, DynamoDB, Firehose,
//                 CloudWatch Logs, EventBridge)
//   query         POST /, form-encoded Action=...&Version=...    (STS, SNS), XML responses
//   REST-XML      S3 paths (path-style), XML listings, streamed bodies; Route 53, CloudFront
//   REST-JSON     GuardDuty, Security Hub, Inspector, Macie (CallRest)
//
// Endpoints default to https://<service>.<region>.amazonaws.com (the global services Route 53,
// CloudFront, IAM and Organizations at their global hosts) and can be overridden per service (local
// servers, VPC endpoints). Throttling, 5xx and transport errors are retried with full-jitter
// exponential back-off (base 1 s doubling to 20 s, 3 attempts: the SDKs' "standard" mode);
// everything else is returned at once as a Status naming service, operation, AWS error code and
// message.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "aws/http_client.h"
#include "core/status.h"

namespace fastpath::aws {

struct AwsClientOptions {
  std::string region = "us-east-1";
  std::map<std::string, std::string> endpoints;  // service -> base URL; "*": every other service
  int max_attempts = 3;
  double backoff_base_seconds = 1.0;
  double max_backoff_seconds = 20.0;
  long connect_timeout_ms = 5000;
  long timeout_ms = 60000;
};

// An AWS error response, parsed from JSON (__type/message) or XML (<Code>/<Message>).
struct AwsError {
  long http_status = 0;
  std::string code;
  std::string message;
  bool Retryable() const;
};
AwsError ParseAwsError(const HttpResponse& resp);

class AwsClient {
 public:
  AwsClient(AwsClientOptions options, std::shared_ptr<CredentialProvider> credentials);

  const AwsClientOptions& options() const { return options_; }
  const std::shared_ptr<CredentialProvider>& credentials() const { return credentials_; }
  // Base URL without a trailing slash.
  std::string Endpoint(std::string_view service) const;

  // Signs `req` for `service` and sends it, retrying what the SDKs retry. `s3` selects S3's
  // signing (unnormalised path, x-amz-content-sha256). Non-2xx responses become errors.
  // `error`, when given, receives the AWS error of a failed call (code empty for a transport
  // failure), so callers can tell access denied from a missing resource.
  Result<HttpResponse> Send(std::string_view service, HttpRequest req, bool s3 = false,
                            AwsError* error = nullptr) const;
  // A GET whose body is pulled as it is read. Opening is retried; reading is not.
  Result<std::unique_ptr<HttpStreamReader>> OpenStream(std::string_view service, HttpRequest req,
                                                       bool s3 = false) const;

  // JSON protocol: returns the response body.
  Result<std::string> CallJson(std::string_view service, std::string_view target_prefix,
                               std::string_view operation, std::string body,
                               std::string_view json_version = "1.0", AwsError* error = nullptr,
                               const std::atomic<bool>* cancel = nullptr) const;
  // Query protocol: `params` without Action/Version; returns the XML response body.
  Result<std::string> CallQuery(std::string_view service, std::string_view action,
                                std::string_view version,
                                const std::vector<std::pair<std::string, std::string>>& params,
                                AwsError* error = nullptr) const;
  // REST protocols (REST-JSON, REST-XML): `path_and_query` is appended to the endpoint; a body
  // is sent as `content_type`. Returns the response body.
  Result<std::string> CallRest(std::string_view service, std::string_view method,
                               std::string_view path_and_query, std::string body = "",
                               std::string_view content_type = "application/json",
                               AwsError* error = nullptr) const;

 private:
  Status Sign(std::string_view service, HttpRequest* req, bool s3) const;
  // Signs and runs `attempt_once` until it succeeds, fails for good, or attempts run out. It
  // leaves `error->status` 0 for a transport error, else the error response.
  template <typename T>
  Result<T> WithRetries(
      std::string_view service, const HttpRequest& req, bool s3,
      const std::function<Result<T>(const HttpRequest&, HttpResponse*)>& attempt_once,
      AwsError* error_out = nullptr) const;
  double BackoffSeconds(int attempt) const;

  AwsClientOptions options_;
  std::shared_ptr<CredentialProvider> credentials_;
};

// Signs and sends once with the given credentials (used by the credential providers, which
// cannot depend on a client that depends on them).
Result<HttpResponse> SignedSend(std::string_view service, std::string_view region,
                                const Credentials& creds, HttpRequest req, bool s3);

// "\"name\":\"value\"" with both JSON-escaped (for building request bodies).
std::string JsonField(std::string_view name, std::string_view value);

// "a=b&c=d" with both sides percent-encoded.
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& params);
// The text of the first element named `name` (depth-first) in an XML document, or "".
std::string XmlText(std::string_view xml, std::string_view name);

}  // namespace fastpath::aws
