#include "test_support.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fastpath::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "fastpath-test-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& name, const std::string& bytes, TimeNs mtime) const {
  const std::filesystem::path p = std::filesystem::path(path_) / name;
  std::filesystem::create_directories(p.parent_path());
  {
    std::ofstream f(p, std::ios::binary);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  if (mtime != 0) {
    struct timespec t[2];
    t[0].tv_sec = t[1].tv_sec = mtime / kNsPerSec;
    t[0].tv_nsec = t[1].tv_nsec = mtime % kNsPerSec;
    ::utimensat(AT_FDCWD, p.c_str(), t, 0);
  }
  return p.string();
}

RunResult RunPipeline(const std::vector<std::string>& paths, ScanOptions options) {
  RunResult r;
  r.sink = std::make_unique<CollectingSink>();
  r.errors = std::make_unique<ErrorLog>();
  std::vector<std::string>* messages = &r.messages;
  r.errors->SetSinkForTest([messages](const std::string& m) { messages->push_back(m); });
  r.pipeline = std::make_unique<ScanPipeline>(options, r.sink.get(), r.errors.get());
  ListedInputs listed = ListInputs(paths);
  for (const std::string& p : listed.problems) r.messages.push_back(p);
  r.summary = r.pipeline->Run(listed.inputs);
  r.events = r.sink->events;
  return r;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string TestData(const std::string& relative) {
  return std::string(FASTPATH_TESTDATA) + "/" + relative;
}

}  // namespace fastpath::testing
