// S3ScanSource: `fastpath scan s3://bucket/prefix`. Lists the prefix page by page (ListObjectsV2,
// in key order) and hands each object to the pipeline as a streamed GetObject, so memory stays
// bounded whatever the object sizes. With a resume file, the key of the last object whose
// events have all been handled is written there (atomically, after each object), and a later
// run starts after it.
#pragma once

#include <atomic>
#include <string>

#include "aws/s3.h"
#include "core/input.h"

namespace fastpath {

struct S3ScanOptions {
  std::string bucket;
  std::string prefix;
  std::string start_after;  // overrides the resume file's key when set
  std::string resume_file;  // empty: no resume
};

struct S3ScanProgress {
  std::atomic<uint64_t> listed{0};
  std::atomic<uint64_t> listed_bytes{0};
  std::atomic<uint64_t> done{0};
  std::atomic<uint64_t> failed{0};
};

// Lists and submits; returns after the last object was submitted (the caller finishes the
// pipeline). A listing error stops the scan and is returned.
Status ScanS3Prefix(const aws::S3Client& s3, const S3ScanOptions& options, InputQueue* pipeline,
                    S3ScanProgress* progress, const std::atomic<bool>* stop = nullptr);

// The key a resume file holds, or "" when it does not exist.
std::string ReadResumeKey(const std::string& path);

}  // namespace fastpath
