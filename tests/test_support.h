// Helpers for the cross-stage tests: temporary folders, files with a chosen modification time,
// and a pipeline run that collects events and bad-input messages.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pipeline/scan_pipeline.h"
#include "sources/file_source.h"

namespace fastpath::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  // Writes `bytes` to path()/name (folders created) with modification time `mtime` (0: now).
  std::string Write(const std::string& name, const std::string& bytes, TimeNs mtime = 0) const;

 private:
  std::string path_;
};

class CollectingSink final : public EventSink {
 public:
  void Write(const Event& e) override { events.push_back(e); }
  std::vector<Event> events;
};

struct RunResult {
  std::vector<Event> events;
  std::vector<std::string> messages;  // bad-input reports, in order
  ScanSummary summary;
  std::unique_ptr<ScanPipeline> pipeline;  // counters, latency, deduper
  std::unique_ptr<CollectingSink> sink;
  std::unique_ptr<ErrorLog> errors;
};

RunResult RunPipeline(const std::vector<std::string>& paths, ScanOptions options = {});

std::string ReadFile(const std::string& path);
std::string TestData(const std::string& relative);  // FASTPATH_TESTDATA/relative

}  // namespace fastpath::testing
