// Fuzzes what AWS (or anything posing as it) sends back: S3 ListObjectsV2 XML, SQS
// ReceiveMessage JSON, error documents in both protocols, credential JSON (credential_process,
// ECS, IMDS) and the shared config/credentials INI files.
#include <cstddef>
#include <cstdint>
#include <string>

#include "aws/aws_client.h"
#include "aws/credentials.h"
#include "aws/s3.h"
#include "aws/sqs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)fastpath::aws::ParseListObjectsV2(text);
  (void)fastpath::aws::ParseReceiveMessage(text);
  fastpath::aws::HttpResponse resp;
  resp.status = 400;
  resp.body = text;
  (void)fastpath::aws::ParseAwsError(resp);
  (void)fastpath::aws::ParseCredentialJson(text, "fuzz");
  (void)fastpath::aws::ParseProfileFile(text, true);
  (void)fastpath::aws::ParseProfileFile(text, false);
  return 0;
}
