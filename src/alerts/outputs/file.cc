#include "alerts/outputs/output_support.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>

namespace fastpath {
namespace outputs {
namespace {

class LineOutput final : public AlertOutput {
 public:
  LineOutput(std::string path, uint64_t rotate_bytes, int keep)
      : path_(std::move(path)), rotate_bytes_(rotate_bytes), keep_(keep) {}
  SendResult Send(const StoredAlert& a) override {
    std::lock_guard<std::mutex> l(mu_);
    if (path_.empty()) {
      std::fprintf(stdout, "%s\n", a.json.c_str());
      std::fflush(stdout);
      return SendResult::Ok();
    }
    std::error_code ec;
    if (rotate_bytes_ > 0 && std::filesystem::exists(path_, ec) &&
        std::filesystem::file_size(path_, ec) + a.json.size() + 1 > rotate_bytes_) {
      // alerts.ndjson -> alerts.ndjson.1 -> ... -> alerts.ndjson.<keep> (dropped)
      for (int i = keep_; i >= 1; --i) {
        const std::string from = i == 1 ? path_ : path_ + "." + std::to_string(i - 1);
        std::filesystem::rename(from, path_ + "." + std::to_string(i), ec);
      }
    }
    std::FILE* f = std::fopen(path_.c_str(), "a");
    if (f == nullptr) return SendResult::Retry("cannot open " + path_);
    const bool ok =
        std::fprintf(f, "%s\n", a.json.c_str()) > 0 && std::fflush(f) == 0 && fsync(fileno(f)) == 0;
    std::fclose(f);
    return ok ? SendResult::Ok() : SendResult::Retry("cannot write " + path_);
  }

 private:
  const std::string path_;
  const uint64_t rotate_bytes_;
  const int keep_;
  std::mutex mu_;
};

Result<std::unique_ptr<AlertOutput>> BuildStdout(const OutputConfig&, const aws::AwsClient*) {
  return std::unique_ptr<AlertOutput>(new LineOutput("", 0, 0));
}

Result<std::unique_ptr<AlertOutput>> BuildFile(const OutputConfig& c, const aws::AwsClient*) {
  if (Status s = Need(c, "path"); !s.ok()) return s;
  return std::unique_ptr<AlertOutput>(new LineOutput(
      Get(c, "path"), std::strtoull(Get(c, "rotate_bytes", "104857600").c_str(), nullptr, 10),
      std::atoi(Get(c, "keep", "5").c_str())));
}

}  // namespace
}  // namespace outputs

extern const OutputDescriptor kStdoutOutputType = {"stdout",
                                                   "the alert line (NDJSON) on standard output",
                                                   {},
                                                   /*needs_aws=*/false,
                                                   outputs::BuildStdout};

extern const OutputDescriptor kFileOutputType = {
    "file",
    "the alert line (NDJSON) appended to a file, fsync'd, rotated by size",
    {{"path", "the file (required)", ConfigValue::kPath},
     {"rotate_bytes", "size at which the file is rotated (default 104857600)"},
     {"keep", "rotated files kept (default 5)"}},
    /*needs_aws=*/false,
    outputs::BuildFile};

}  // namespace fastpath
