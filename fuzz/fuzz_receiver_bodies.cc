// Fuzzes the request body checks of the Firehose and EventBridge receivers.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sources/http_receivers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  (void)fastpath::ValidateFirehoseBody(body, "11111111-2222-3333-4444-555555555555");
  (void)fastpath::ValidateEventBridgeBody(body);
  return 0;
}
