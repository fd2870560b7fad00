// Fuzzes the S3 event notification decoder (direct, SNS-wrapped, EventBridge) and key decoding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "decode/s3_notification.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  auto n = fastpath::DecodeS3Notification(body);
  auto k = fastpath::UrlDecodeS3Key(body);
  (void)n;
  (void)k;
  return 0;
}
