// S3 event notifications: which objects a message announces. The S3 sources (SQS-driven) fetch
// them; `scan` only counts notifications, since it has no object store to fetch from.
//
// Accepts the message bodies AWS sends: an S3 notification ({"Records":[{"eventSource":"aws:s3",
// ...}]}) straight from S3 to SQS, the same wrapped in an SNS notification, and EventBridge
// "Object Created" events. Keys arrive URL-encoded ('+' is a space) and are decoded here.
// s3:TestEvent messages announce nothing and say so. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace fastpath {

struct S3ObjectRef {
  std::string bucket;
  std::string key;  // URL-decoded
  uint64_t size = 0;
  std::string event_name;  // "ObjectCreated:Put", "Object Created", ...
  std::string region;
};

struct S3Notification {
  bool test_event = false;           // s3:TestEvent: nothing to fetch
  std::vector<S3ObjectRef> objects;  // ObjectCreated only; other event types are left out
  size_t ignored = 0;                // records of other event types (ObjectRemoved, ...)
};

Result<S3Notification> DecodeS3Notification(std::string_view body);

// Decodes %XX escapes and '+' (space) as S3 writes object keys into notifications.
Result<std::string> UrlDecodeS3Key(std::string_view key);

}  // namespace fastpath
