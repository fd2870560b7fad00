#include "aws/s3.h"

#include <pugixml.hpp>

namespace fastpath::aws {

bool ParseS3Url(std::string_view url, std::string* bucket, std::string* prefix) {
  if (!url.starts_with("s3://")) return false;
  url.remove_prefix(5);
  const size_t slash = url.find('/');
  *bucket = std::string(url.substr(0, slash));
  *prefix = slash == std::string_view::npos ? "" : std::string(url.substr(slash + 1));
  return !bucket->empty();
}

Result<S3ListPage> ParseListObjectsV2(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    return Status::Corrupt("ListObjectsV2: response is not XML");
  }
  pugi::xml_node root = doc.child("ListBucketResult");
  if (!root) return Status::Corrupt("ListObjectsV2: no ListBucketResult element");
  S3ListPage page;
  for (pugi::xml_node c : root.children("Contents")) {
    S3Object o;
    o.key = c.child_value("Key");
    o.size = std::strtoull(c.child_value("Size"), nullptr, 10);
    if (auto t = ParseRfc3339(c.child_value("LastModified"))) o.last_modified = *t;
    o.etag = c.child_value("ETag");
    page.objects.push_back(std::move(o));
  }
  for (pugi::xml_node c : root.children("CommonPrefixes")) {
    page.common_prefixes.emplace_back(c.child_value("Prefix"));
  }
  if (std::string_view(root.child_value("IsTruncated")) == "true") {
    page.next_continuation_token = root.child_value("NextContinuationToken");
  }
  return page;
}

std::string S3Client::ObjectUrl(const std::string& bucket, const std::string& key) const {
  const bool overridden = client_->options().endpoints.count("s3") != 0;
  if (overridden || bucket.find('.') != std::string::npos) {
    return client_->Endpoint("s3") + "/" + bucket + "/" + UriEncode(key, true);
  }
  return "https://" + bucket + ".s3." + client_->options().region + ".amazonaws.com/" +
         UriEncode(key, true);
}

Result<S3ListPage> S3Client::ListObjectsV2(const std::string& bucket, const std::string& prefix,
                                           const std::string& start_after,
                                           const std::string& continuation_token, int max_keys,
                                           const std::string& delimiter) const {
  std::vector<std::pair<std::string, std::string>> q = {{"list-type", "2"},
                                                        {"max-keys", std::to_string(max_keys)}};
  if (!delimiter.empty()) q.emplace_back("delimiter", delimiter);
  if (!prefix.empty()) q.emplace_back("prefix", prefix);
  if (!start_after.empty()) q.emplace_back("start-after", start_after);
  if (!continuation_token.empty()) q.emplace_back("continuation-token", continuation_token);
  HttpRequest req;
  std::string url = ObjectUrl(bucket, "");
  req.url = url + "?" + FormEncode(q);
  auto resp = client_->Send("s3", std::move(req), /*s3=*/true);
  if (!resp.ok()) {
    return Status::IoError("ListObjectsV2 s3://" + bucket + "/" + prefix + ": " +
                           resp.status().message());
  }
  return ParseListObjectsV2(resp.value().body);
}

Result<std::unique_ptr<HttpStreamReader>> S3Client::GetObject(const std::string& bucket,
                                                              const std::string& key) const {
  HttpRequest req;
  req.url = ObjectUrl(bucket, key);
  req.timeout_ms = 60000;  // stall timeout for the stream
  auto r = client_->OpenStream("s3", std::move(req), /*s3=*/true);
  if (!r.ok()) {
    const std::string msg = "GetObject s3://" + bucket + "/" + key + ": " + r.status().message();
    return r.status().code() == Status::Code::kNotFound ? Status::NotFound(msg)
                                                        : Status::IoError(msg);
  }
  return r;
}

Status S3Client::PutObject(const std::string& bucket, const std::string& key, std::string body,
                           const std::string& content_type) const {
  HttpRequest req;
  req.method = "PUT";
  req.url = ObjectUrl(bucket, key);
  req.headers = {{"Content-Type", content_type}};
  req.body = std::move(body);
  auto resp = client_->Send("s3", std::move(req), /*s3=*/true);
  if (!resp.ok()) {
    return Status::IoError("PutObject s3://" + bucket + "/" + key + ": " + resp.status().message());
  }
  return Status::Ok();
}

namespace {

Status S3Error(std::string_view op, const std::string& bucket, const std::string& key,
               const Status& st) {
  return Status::IoError(std::string(op) + " s3://" + bucket + "/" + key + ": " + st.message());
}

}  // namespace

Result<std::string> S3Client::CreateMultipartUpload(const std::string& bucket,
                                                    const std::string& key,
                                                    const std::string& content_type) const {
  HttpRequest req;
  req.method = "POST";
  req.url = ObjectUrl(bucket, key) + "?uploads";
  req.headers = {{"Content-Type", content_type}};
  auto resp = client_->Send("s3", std::move(req), /*s3=*/true);
  if (!resp.ok()) return S3Error("CreateMultipartUpload", bucket, key, resp.status());
  pugi::xml_document doc;
  if (!doc.load_buffer(resp.value().body.data(), resp.value().body.size())) {
    return Status::Corrupt("CreateMultipartUpload: response is not XML");
  }
  std::string id = doc.child("InitiateMultipartUploadResult").child_value("UploadId");
  if (id.empty()) return Status::Corrupt("CreateMultipartUpload: no UploadId in the response");
  return id;
}

Result<std::string> S3Client::UploadPart(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id, int part_number,
                                         std::string body) const {
  HttpRequest req;
  req.method = "PUT";
  req.url = ObjectUrl(bucket, key) + "?" +
            FormEncode({{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}});
  req.body = std::move(body);
  req.timeout_ms = 300000;
  auto resp = client_->Send("s3", std::move(req), /*s3=*/true);
  if (!resp.ok()) return S3Error("UploadPart", bucket, key, resp.status());
  std::string etag = resp.value().Header("etag");
  if (etag.empty()) return Status::Corrupt("UploadPart: no ETag in the response");
  return etag;
}

Status S3Client::CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id,
                                         const std::vector<std::string>& etags) const {
  std::string xml = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i) {
    xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + etags[i] +
           "</ETag></Part>";
  }
  xml += "</CompleteMultipartUpload>";
  HttpRequest req;
  req.method = "POST";
  req.url = ObjectUrl(bucket, key) + "?" + FormEncode({{"uploadId", upload_id}});
  req.headers = {{"Content-Type", "application/xml"}};
  req.body = std::move(xml);
  auto resp = client_->Send("s3", std::move(req), /*s3=*/true);
  if (!resp.ok()) return S3Error("CompleteMultipartUpload", bucket, key, resp.status());
  // S3 can answer 200 with an <Error> document when the completion fails midway.
  if (resp.value().body.find("<Error>") != std::string::npos) {
    return Status::IoError("CompleteMultipartUpload s3://" + bucket + "/" + key + ": " +
                           resp.value().body.substr(0, 300));
  }
  return Status::Ok();
}

Status S3Client::AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                      const std::string& upload_id) const {
  HttpRequest req;
  req.method = "DELETE";
  req.url = ObjectUrl(bucket, key) + "?" + FormEncode({{"uploadId", upload_id}});
  auto resp = client_->Send("s3", std::move(req), /*s3=*/true);
  if (!resp.ok()) return S3Error("AbortMultipartUpload", bucket, key, resp.status());
  return Status::Ok();
}

Status S3Client::DeleteObject(const std::string& bucket, const std::string& key) const {
  HttpRequest req;
  req.method = "DELETE";
  req.url = ObjectUrl(bucket, key);
  auto resp = client_->Send("s3", std::move(req), /*s3=*/true);
  if (!resp.ok() && resp.status().code() != Status::Code::kNotFound) {
    return S3Error("DeleteObject", bucket, key, resp.status());
  }
  return Status::Ok();
}

}  // namespace fastpath::aws
