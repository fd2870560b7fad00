// S3 over REST-XML: ListObjectsV2 pages, streamed GetObject, PutObject.
//
// Buckets are addressed virtual-hosted style on AWS (https://bucket.s3.region.amazonaws.com) and
// path style on an overridden endpoint (http://127.0.0.1:4566/bucket) or when the bucket name
// has dots (which break the TLS wildcard certificate).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "aws/aws_client.h"

namespace fastpath::aws {

struct S3Object {
  std::string key;
  uint64_t size = 0;
  TimeNs last_modified = 0;
  std::string etag;
};

struct S3ListPage {
  std::vector<S3Object> objects;
  std::vector<std::string> common_prefixes;  // with a delimiter: the "folders" at this level
  std::string next_continuation_token;       // empty: last page
};

// Parses a ListObjectsV2 result document.
Result<S3ListPage> ParseListObjectsV2(std::string_view xml);

// "s3://bucket/prefix" -> bucket, prefix.
bool ParseS3Url(std::string_view url, std::string* bucket, std::string* prefix);

class S3Client {
 public:
  explicit S3Client(const AwsClient* client) : client_(client) {}

  Result<S3ListPage> ListObjectsV2(const std::string& bucket, const std::string& prefix,
                                   const std::string& start_after,
                                   const std::string& continuation_token, int max_keys = 1000,
                                   const std::string& delimiter = "") const;
  Result<std::unique_ptr<HttpStreamReader>> GetObject(const std::string& bucket,
                                                      const std::string& key) const;
  Status PutObject(const std::string& bucket, const std::string& key, std::string body,
                   const std::string& content_type = "application/octet-stream") const;
  // A large object in parts (each but the last at least 5 MiB): Create, UploadPart (1-based part
  // numbers, returns the part's ETag), Complete with every ETag in order, or Abort.
  Result<std::string> CreateMultipartUpload(const std::string& bucket, const std::string& key,
                                            const std::string& content_type) const;
  Result<std::string> UploadPart(const std::string& bucket, const std::string& key,
                                 const std::string& upload_id, int part_number,
                                 std::string body) const;
  Status CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                                 const std::string& upload_id,
                                 const std::vector<std::string>& etags) const;
  Status AbortMultipartUpload(const std::string& bucket, const std::string& key,
                              const std::string& upload_id) const;
  // Deletes one object (no error when it is already gone).
  Status DeleteObject(const std::string& bucket, const std::string& key) const;
  std::string ObjectUrl(const std::string& bucket, const std::string& key) const;

 private:
  const AwsClient* client_;
};

}  // namespace fastpath::aws
