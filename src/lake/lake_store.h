// LakeStore: the lake's objects on a local folder or under an S3 prefix, behind one interface,
// with keys relative to the lake's root ("log_type=.../.../x.json.gz").
//
// Writes are whole-or-nothing: a local object is written under a hidden temporary name and
// renamed; an S3 object is one PutObject, or a multipart upload (completed or aborted) when it
// is larger than one part. Readers never see half an object from a live writer.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aws/aws_client.h"
#include "core/status.h"
#include "decode/byte_reader.h"
#include "lake/lake_layout.h"

namespace fastpath::lake {

struct LakeEntry {
  std::string name;  // the last path element
  bool folder = false;
  uint64_t size = 0;
  TimeNs modified = 0;  // objects: when written
};

struct LakeStoreOptions {
  size_t part_bytes = 8u << 20;  // S3 multipart part size (AWS's minimum is 5 MiB)
};

class LakeStore {
 public:
  virtual ~LakeStore() = default;
  const LakeLocation& location() const { return location_; }

  // The folders and objects directly under `rel` ("" or ending in '/'), sorted by name.
  virtual Status List(const std::string& rel, std::vector<LakeEntry>* out) const = 0;
  // A stream of the object's bytes as stored (gzip'd).
  virtual Result<std::unique_ptr<ByteReader>> Open(const std::string& rel) const = 0;
  virtual Status Write(const std::string& rel, std::string_view body) const = 0;
  // Deletes an object; an object already gone is not an error.
  virtual Status Remove(const std::string& rel) const = 0;
  // The full path or s3:// URL of a key, for messages.
  virtual std::string Describe(const std::string& rel) const = 0;

 protected:
  explicit LakeStore(LakeLocation location) : location_(std::move(location)) {}
  LakeLocation location_;
};

// `client` is needed for s3:// locations only (and must outlive the store).
Result<std::unique_ptr<LakeStore>> OpenLakeStore(const LakeLocation& location,
                                                 const aws::AwsClient* client,
                                                 LakeStoreOptions options = {});

}  // namespace fastpath::lake
