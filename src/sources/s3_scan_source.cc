#include "sources/s3_scan_source.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

namespace fastpath {
namespace {

// Written only from the consumer thread (the `done` callbacks), in key order.
struct ResumeState {
  std::string path;
  bool failed = false;  // after the first unreadable object, the marker stops advancing
};

void WriteResumeKey(const std::string& path, const std::string& key) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << key << "\n";
    if (!out) return;
  }
  std::rename(tmp.c_str(), path.c_str());
}

}  // namespace

std::string ReadResumeKey(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "";
  std::string key;
  std::getline(in, key);
  return key;
}

S3ScanSource::S3ScanSource(const aws::AwsClient* aws, S3ScanOptions options, InputQueue* inputs)
    : s3_(aws), options_(std::move(options)), inputs_(inputs) {}

S3ScanSource::~S3ScanSource() {
  Stop();
}

Status S3ScanSource::Start() {
  lister_ = std::thread([this] { status_ = List(); });
  return Status::Ok();
}

void S3ScanSource::Stop() {
  stop_ = true;
  if (lister_.joinable()) lister_.join();
}

Status S3ScanSource::Wait() {
  if (lister_.joinable()) lister_.join();
  return status_;
}

namespace {

constexpr MetricFamily kObjects = {"fastpath_s3_scan_objects_total", "counter",
                                   "Objects of an S3 scan, by what became of them."};

}  // namespace

void S3ScanSource::WriteMetrics(MetricsWriter* w) const {
  const std::string where = "s3://" + options_.bucket + "/" + options_.prefix;
  w->Add(kObjects, {{"prefix", where}, {"result", "listed"}}, progress_.listed.load());
  w->Add(kObjects, {{"prefix", where}, {"result", "done"}}, progress_.done.load());
  w->Add(kObjects, {{"prefix", where}, {"result", "failed"}}, progress_.failed.load());
}

Status S3ScanSource::List() {
  const S3ScanOptions& o = options_;
  const aws::S3Client& s3 = s3_;
  S3ScanProgress* progress = &progress_;
  InputQueue* pipeline = inputs_;
  const std::atomic<bool>* stop = &stop_;
  std::string start_after = o.start_after;
  if (start_after.empty() && !o.resume_file.empty()) start_after = ReadResumeKey(o.resume_file);
  auto resume = std::make_shared<ResumeState>();
  resume->path = o.resume_file;
  std::string token;
  do {
    auto page = s3.ListObjectsV2(o.bucket, o.prefix, token.empty() ? start_after : "", token);
    if (!page.ok()) return page.status();
    for (aws::S3Object& obj : page.value().objects) {
      if (stop != nullptr && stop->load()) return Status::Ok();
      if (obj.key.ends_with("/") && obj.size == 0) continue;  // folder placeholder
      progress->listed.fetch_add(1);
      progress->listed_bytes.fetch_add(obj.size);
      InputSpec spec;
      spec.path = "s3://" + o.bucket + "/" + obj.key;
      spec.received_at = obj.last_modified;  // when S3 received the object
      spec.size = obj.size;
      const std::string bucket = o.bucket;
      const std::string key = obj.key;
      spec.open = [&s3, bucket, key]() -> Result<std::unique_ptr<ByteReader>> {
        auto r = s3.GetObject(bucket, key);
        if (!r.ok()) return r.status();
        return std::unique_ptr<ByteReader>(std::move(r.value()));
      };
      spec.done = [resume, progress, key](const InputOutcome& outcome) {
        if (outcome.unreadable) {
          progress->failed.fetch_add(1);
          resume->failed = true;
          return;
        }
        progress->done.fetch_add(1);
        if (!resume->path.empty() && !resume->failed) WriteResumeKey(resume->path, key);
      };
      if (!pipeline->Submit(std::move(spec))) return Status::Ok();
    }
    token = page.value().next_continuation_token;
  } while (!token.empty());
  return Status::Ok();
}

}  // namespace fastpath
