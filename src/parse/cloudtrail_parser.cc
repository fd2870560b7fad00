#include "parse/cloudtrail_parser.h"

#include <cstring>

#include "core/hash.h"
#include "core/json_get.h"

namespace fastpath {

using simdjson::dom::element;
using simdjson::dom::object;

namespace {

std::string_view Str(object obj, std::string_view key) {
  std::string_view v;
  if (obj[key].get_string().get(v) == simdjson::SUCCESS) return v;
  return {};
}

}  // namespace

bool IsCloudTrailRecord(object obj) {
  std::string_view version, source;
  if (obj["eventVersion"].get_string().get(version) != simdjson::SUCCESS) return false;
  if (obj["eventSource"].get_string().get(source) == simdjson::SUCCESS &&
      source.substr(0, 4) == "aws:") {
    return false;
  }
  return obj["eventTime"].error() == simdjson::SUCCESS ||
         obj["eventID"].error() == simdjson::SUCCESS;
}

bool IsCloudTrailDigest(object obj) {
  return obj["digestS3Object"].error() == simdjson::SUCCESS &&
         obj["digestEndTime"].error() == simdjson::SUCCESS;
}

std::string ContentId(std::string_view canonical_json) {
  unsigned char md[kSha256Bytes];
  Sha256({canonical_json}, md);
  return Hex128(md);
}

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.find_last_of("/\\");
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string TextRecordId(std::initializer_list<std::string_view> parts) {
  unsigned char md[16];
  Xxh3_128(parts, md);
  return Hex128(md);
}

bool MinifyInto(std::string_view raw, std::string* out) {
  // Text that simdjson has validated and that holds no line breaks is already one valid NDJSON
  // line (line breaks inside strings are escaped in valid JSON): keep it as AWS wrote it.
  if (std::memchr(raw.data(), '\n', raw.size()) == nullptr &&
      std::memchr(raw.data(), '\r', raw.size()) == nullptr) {
    out->assign(raw);
    return true;
  }
  out->resize(raw.size());
  size_t len = 0;
  if (simdjson::minify(raw.data(), raw.size(), out->data(), len) != simdjson::SUCCESS) return false;
  out->resize(len);
  return true;
}

ParseOutcome ParseCloudTrailRecord(object rec, std::string_view raw, const RecordContext& ctx,
                                   Event* out) {
  // One pass over the top-level keys picks up everything the canonical event needs.
  std::string_view event_time, event_id, account, region, event_type, identity_account;
  bool has_time = false;
  for (auto field : rec) {
    const std::string_view k = field.key;
    std::string_view v;
    if (k == "eventTime") {
      has_time = true;
      JsonGet(field.value.get_string(), event_time);
    } else if (k == "@timestamp" && !has_time) {
      // Records exported through Logstash or Elastic carry the time here instead.
      if (field.value.get_string().get(v) == simdjson::SUCCESS) {
        has_time = true;
        event_time = v;
      }
    } else if (k == "eventID") {
      if (field.value.get_string().get(v) == simdjson::SUCCESS) event_id = v;
    } else if (k == "recipientAccountId") {
      if (field.value.get_string().get(v) == simdjson::SUCCESS) account = v;
    } else if (k == "awsRegion") {
      if (field.value.get_string().get(v) == simdjson::SUCCESS) region = v;
    } else if (k == "eventType") {
      if (field.value.get_string().get(v) == simdjson::SUCCESS) event_type = v;
    } else if (k == "userIdentity") {
      object ui;
      if (field.value.get_object().get(ui) == simdjson::SUCCESS)
        identity_account = Str(ui, "accountId");
    }
  }
  if (!has_time) {
    return ParseOutcome::Malformed(DropReason::kMissingField,
                                   "CloudTrail record without eventTime");
  }
  auto t = ParseRfc3339(event_time);
  if (!t) {
    return ParseOutcome::Malformed(DropReason::kBadTimestamp,
                                   "CloudTrail eventTime is not an RFC 3339 time: '" +
                                       std::string(event_time.substr(0, 64)) + "'");
  }
  out->log_type =
      event_type == "AwsCloudTrailInsight" ? LogType::kCloudTrailInsight : LogType::kCloudTrail;
  out->path = ctx.path;
  out->time = *t;
  out->received = ctx.received;
  if (!account.empty()) {
    out->account.assign(account);
  } else if (!ctx.account_hint.empty()) {
    out->account = ctx.account_hint;
  } else {
    out->account.assign(identity_account);
  }
  if (!region.empty()) {
    out->region.assign(region);
  } else {
    out->region = ctx.region_hint;
  }
  CompactJson(rec, raw, &out->json);
  if (!event_id.empty()) {
    out->id.assign(event_id);
  } else {
    out->id = ContentId(simdjson::to_string(rec));  // canonical form: the same from every path
  }
  return ParseOutcome::Event();
}

ParseOutcome ParseCloudTrailDigest(object digest, const RecordContext& ctx, Event* out) {
  const std::string_view end = Str(digest, "digestEndTime");
  auto t = ParseRfc3339(end);
  if (!t) {
    return ParseOutcome::Malformed(DropReason::kBadTimestamp,
                                   "CloudTrail digestEndTime is not an RFC 3339 time");
  }
  out->log_type = LogType::kCloudTrailDigest;
  out->path = ctx.path;
  out->time = *t;
  out->received = ctx.received;
  const std::string_view account = Str(digest, "awsAccountId");
  out->account = account.empty() ? ctx.account_hint : std::string(account);
  // The digest's region is in its own object key: AWSLogs/<account>/CloudTrail-Digest/<region>/.
  std::string acct_from_key;
  std::string region = ctx.region_hint;
  HintsFromS3Key(Str(digest, "digestS3Object"), &acct_from_key, &region);
  out->region = region;
  out->json = simdjson::to_string(digest);
  // A digest file is named by where it is stored; that is unique and path-independent.
  out->id =
      std::string(Str(digest, "digestS3Bucket")) + "/" + std::string(Str(digest, "digestS3Object"));
  return ParseOutcome::Event();
}

}  // namespace fastpath
