// S3ScanSource: `fastpath scan s3://bucket/prefix`. Lists the prefix page by page (ListObjectsV2,
// in key order) and hands each object to the pipeline as a streamed GetObject, so memory stays
// bounded whatever the object sizes. With a resume file, the key of the last object whose
// events have all been handled is written there (atomically, after each object), and a later
// run starts after it.
#pragma once

#include <atomic>
#include <string>
#include <thread>

#include "aws/s3.h"
#include "core/input.h"
#include "sources/source.h"

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

// A finite source: Start lists on a thread of its own; Wait returns once the last object was
// submitted (the caller then finishes the pipeline), with the listing's error if there was one.
class S3ScanSource final : public Source {
 public:
  // `aws` must outlive the source.
  S3ScanSource(const aws::AwsClient* aws, S3ScanOptions options, InputQueue* inputs);
  ~S3ScanSource() override;

  Status Start() override;
  // Stops listing (objects already submitted still finish) and waits for the listing thread.
  void Stop() override;
  Status Wait();
  void WriteMetrics(MetricsWriter* w) const override;
  const S3ScanProgress& progress() const { return progress_; }

 private:
  Status List();

  const aws::S3Client s3_;
  const S3ScanOptions options_;
  InputQueue* const inputs_;
  S3ScanProgress progress_;
  std::atomic<bool> stop_{false};
  std::thread lister_;
  Status status_;  // written by the lister thread, read after joining it
};

// The key a resume file holds, or "" when it does not exist.
std::string ReadResumeKey(const std::string& path);

}  // namespace fastpath
