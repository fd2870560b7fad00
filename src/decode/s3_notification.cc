#include "decode/s3_notification.h"

#include <simdjson.h>

#include "core/json_get.h"

namespace fastpath {

using simdjson::dom::element;
using simdjson::dom::object;

Result<std::string> UrlDecodeS3Key(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= key.size()) {
        return Status::Corrupt("truncated %-escape in S3 key");
      }
      const int hi = hex(key[i + 1]), lo = hex(key[i + 2]);
      if (hi < 0 || lo < 0) return Status::Corrupt("invalid %-escape in S3 key");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

namespace {

Status AddRecord(object rec, S3Notification* out) {
  std::string_view name, bucket, key, region;
  JsonGet(rec["eventName"].get_string(), name);
  JsonGet(rec["awsRegion"].get_string(), region);
  if (name.substr(0, 14) != "ObjectCreated:") {
    ++out->ignored;
    return Status::Ok();
  }
  if (!JsonGet(rec["s3"]["bucket"]["name"].get_string(), bucket) ||
      !JsonGet(rec["s3"]["object"]["key"].get_string(), key)) {
    return Status::Corrupt("S3 notification record without s3.bucket.name or s3.object.key");
  }
  auto decoded = UrlDecodeS3Key(key);
  if (!decoded.ok()) return decoded.status();
  S3ObjectRef ref{std::string(bucket), std::move(decoded.value()), 0, std::string(name),
                  std::string(region)};
  uint64_t size = 0;
  if (JsonGet(rec["s3"]["object"]["size"].get_uint64(), size)) ref.size = size;
  out->objects.push_back(std::move(ref));
  return Status::Ok();
}

Status DecodeInto(std::string_view body, int depth, S3Notification* out) {
  if (depth > 3) return Status::Corrupt("S3 notification nested too deep");
  simdjson::dom::parser parser;
  object root;
  if (parser.parse(body.data(), body.size()).get_object().get(root) != simdjson::SUCCESS) {
    return Status::Corrupt("message body is not a JSON object");
  }
  std::string_view s;
  if (JsonGet(root["Event"].get_string(), s) && s == "s3:TestEvent") {
    out->test_event = true;
    return Status::Ok();
  }
  if (JsonGet(root["Type"].get_string(), s) && s == "Notification" &&
      JsonGet(root["Message"].get_string(), s)) {
    return DecodeInto(s, depth + 1, out);  // SNS-wrapped
  }
  simdjson::dom::array records;
  if (JsonGet(root["Records"].get_array(), records)) {
    for (element r : records) {
      object rec;
      if (!JsonGet(r.get_object(), rec))
        return Status::Corrupt("S3 notification record is not an object");
      std::string_view source;
      if (!JsonGet(rec["eventSource"].get_string(), source) || source != "aws:s3") {
        return Status::Corrupt(
            "Records element is not an S3 notification (eventSource is not aws:s3)");
      }
      Status st = AddRecord(rec, out);
      if (!st.ok()) return st;
    }
    return Status::Ok();
  }
  std::string_view detail_type, bucket, key;
  if (JsonGet(root["detail-type"].get_string(), detail_type) &&
      JsonGet(root["source"].get_string(), s) && s == "aws.s3") {
    if (detail_type != "Object Created") {
      ++out->ignored;
      return Status::Ok();
    }
    if (!JsonGet(root["detail"]["bucket"]["name"].get_string(), bucket) ||
        !JsonGet(root["detail"]["object"]["key"].get_string(), key)) {
      return Status::Corrupt(
          "EventBridge Object Created event without detail.bucket.name or detail.object.key");
    }
    S3ObjectRef ref{std::string(bucket), std::string(key), 0, std::string(detail_type), ""};
    std::string_view region;
    if (JsonGet(root["region"].get_string(), region)) ref.region = std::string(region);
    uint64_t size = 0;
    if (JsonGet(root["detail"]["object"]["size"].get_uint64(), size)) ref.size = size;
    out->objects.push_back(std::move(ref));
    return Status::Ok();
  }
  return Status::Unsupported("message is not an S3 event notification");
}

}  // namespace

Result<S3Notification> DecodeS3Notification(std::string_view body) {
  S3Notification out;
  Status st = DecodeInto(body, 0, &out);
  if (!st.ok()) return st;
  return out;
}

}  // namespace fastpath
