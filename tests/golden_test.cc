// Golden tests: every file of the bundled corpus (testdata/corpus) goes through the pipeline; the
// events must equal the committed golden NDJSON byte for byte, and the drops by reason must equal
// testdata/golden/drops.txt, so an unexpected drop fails. FASTPATH_UPDATE_GOLDEN=1 rewrites them
// (tools/update_golden.sh); review the diff before committing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "test_support.h"

namespace fastpath::testing {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> CorpusFiles() {
  std::vector<std::string> out;
  const fs::path root = TestData("corpus");
  for (auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().filename() != "PROVENANCE.md") {
      out.push_back(fs::relative(e.path(), root).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string DropsLine(const std::string& rel, const PipelineCounters& c) {
  std::string line = rel;
  for (int i = 0; i < kNumDropReasons; ++i) {
    const DropReason r = static_cast<DropReason>(i);
    if (c.drops(r) > 0)
      line += " " + std::string(DropReasonName(r)) + "=" + std::to_string(c.drops(r));
  }
  return line;
}

TEST(Golden, EveryCorpusFileMatchesItsGoldenOutput) {
  const bool update = std::getenv("FASTPATH_UPDATE_GOLDEN") != nullptr;
  ScanOptions o;
  o.workers = 2;
  o.received_at = *ParseRfc3339("2026-01-01T00:00:00Z");
  std::string drops;
  const auto files = CorpusFiles();
  ASSERT_GT(files.size(), 100u);
  size_t cloudtrail_events = 0;
  for (const std::string& rel : files) {
    RunResult r = RunPipeline({TestData("corpus/" + rel)}, o);
    std::string ndjson;
    for (const Event& e : r.events) {
      AppendEventJsonLine(e, &ndjson);
      if (e.log_type == LogType::kCloudTrail) ++cloudtrail_events;
    }
    // Sources name the input as given; the golden files hold it relative to the corpus, so they
    // do not depend on where the repository is.
    const std::string prefix = TestData("corpus/");
    for (size_t at = ndjson.find(prefix); at != std::string::npos; at = ndjson.find(prefix, at)) {
      ndjson.erase(at, prefix.size());
    }
    drops += DropsLine(rel, r.pipeline->counters()) + "\n";
    const std::string golden = TestData("golden/" + rel + ".ndjson");
    if (update) {
      fs::create_directories(fs::path(golden).parent_path());
      std::ofstream(golden, std::ios::binary) << ndjson;
      continue;
    }
    ASSERT_TRUE(fs::exists(golden))
        << "no golden file for " << rel << " (run tools/update_golden.sh)";
    EXPECT_EQ(ndjson, ReadFile(golden)) << "output of " << rel << " differs from " << golden;
  }
  const std::string drops_file = TestData("golden/drops.txt");
  if (update) {
    std::ofstream(drops_file, std::ios::binary) << drops;
    GTEST_SKIP() << "golden files rewritten; review them with git diff";
  }
  EXPECT_EQ(drops, ReadFile(drops_file)) << "drops by reason changed (testdata/golden/drops.txt)";
  EXPECT_GT(cloudtrail_events, 300u);
}

}  // namespace
}  // namespace fastpath::testing

namespace fastpath::testing {
namespace {

// The full research corpus (with samples whose licences keep them out of this repository) lives
// beside a developer's clone. When it is there, every file of it goes through the pipeline and
// what comes out, counted per file by log type and drop reason, must equal
// testdata/golden/shared_corpus.txt: a file that starts to come out as `unknown`, or to lose
// records, fails. (The counts carry nothing of the samples themselves.)
TEST(SharedCorpus, EveryFileScansAsItsGoldenSummarySays) {
  const std::string root = FASTPATH_SHARED_CORPUS;
  if (!std::filesystem::is_directory(root)) {
    GTEST_SKIP()
        << root
        << " is not present (it is not part of the repository); testdata/corpus is tested above";
  }
  const bool update = std::getenv("FASTPATH_UPDATE_GOLDEN") != nullptr;
  std::vector<std::string> files;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().filename() != "PROVENANCE.md") {
      files.push_back(fs::relative(e.path(), root).string());
    }
  }
  std::sort(files.begin(), files.end());
  ScanOptions o;
  o.workers = 2;
  o.received_at = *ParseRfc3339("2026-01-01T00:00:00Z");
  std::string summary;
  size_t cloudtrail = 0;
  for (const std::string& rel : files) {
    RunResult r = RunPipeline({root + "/" + rel}, o);
    std::map<std::string, size_t> by_type;
    for (const Event& e : r.events) {
      ++by_type[std::string(LogTypeName(e.log_type))];
      cloudtrail += e.log_type == LogType::kCloudTrail;
    }
    std::string line = DropsLine(rel, r.pipeline->counters());
    for (const auto& [type, n] : by_type) line += " " + type + "=" + std::to_string(n);
    summary += line + "\n";
  }
  const std::string golden = TestData("golden/shared_corpus.txt");
  if (update) {
    std::ofstream(golden, std::ios::binary) << summary;
    GTEST_SKIP() << "shared corpus summary rewritten; review it with git diff";
  }
  EXPECT_EQ(summary, ReadFile(golden))
      << "the shared corpus no longer scans as " << golden << " says";
  EXPECT_GT(cloudtrail, 3000u);
}

}  // namespace
}  // namespace fastpath::testing
