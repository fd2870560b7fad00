// Scan throughput on a generated CloudTrail corpus (real record shapes from the bundled data, new
// unique eventIDs), gzip'd like S3 delivers it, side by side with a bare simdjson parse of the
// same bytes in the same run. Reports MB/s of uncompressed JSON and events/s, and checks that the
// pipeline produced exactly one event per generated record.
//
//   fastpath_bench_scan --generate DIR --mib 1024   write the corpus (~1.3 MB per object)
//   fastpath_bench_scan --measure DIR [--workers N] time bare parse and the pipeline over DIR
//   fastpath_bench_scan --check                     tiny corpus, all of the above, exit 1 if wrong
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <simdjson.h>

#include "decode/byte_reader.h"
#include "decode/envelope_encoder.h"
#include "pipeline/scan_pipeline.h"
#include "simulate/delivery_simulator.h"
#include "sources/file_source.h"

using namespace fastpath;
namespace fs = std::filesystem;

namespace {

double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Replaces the value of "eventID" in a minified record.
std::string WithEventId(const std::string& rec, uint64_t n) {
  static const std::string kKey = "\"eventID\":\"";
  char id[64];
  // A canonical UUID, as CloudTrail writes eventIDs.
  std::snprintf(id, sizeof id, "%08llx-%04llx-4000-8000-%012llx", 0xbe7c4000ULL + (n >> 32),
                static_cast<unsigned long long>((n >> 16) & 0xffff),
                static_cast<unsigned long long>(n));
  const size_t at = rec.find(kKey);
  if (at == std::string::npos) return rec;
  const size_t start = at + kKey.size();
  const size_t end = rec.find('"', start);
  return rec.substr(0, start) + id + rec.substr(end);
}

struct Generated {
  uint64_t records = 0;
  uint64_t raw_bytes = 0;
  uint64_t gz_bytes = 0;
};

Generated Generate(const std::string& dir, uint64_t target_bytes) {
  auto objects = LoadTrailObjects({FASTPATH_DEMO_DATA});
  if (!objects.ok()) {
    std::fprintf(stderr, "cannot load %s: %s\n", FASTPATH_DEMO_DATA,
                 objects.status().ToString().c_str());
    std::exit(2);
  }
  std::vector<std::string> pool;
  for (const auto& o : objects.value()) pool.insert(pool.end(), o.records.begin(), o.records.end());
  fs::create_directories(dir);
  Generated g;
  uint64_t n = 0;
  for (int file = 0; g.raw_bytes < target_bytes; ++file) {
    std::vector<std::string> recs;
    size_t bytes = 0;
    while (bytes < (1300u << 10)) {
      recs.push_back(WithEventId(pool[n % pool.size()], n));
      bytes += recs.back().size() + 1;
      ++n;
    }
    const std::string json = EncodeCloudTrailLogFile(recs);
    const std::string gz = GzipCompress(json);
    char name[128];
    std::snprintf(name, sizeof name,
                  "%s/123456789012_CloudTrail_us-east-1_20240101T%04dZ_bench%06d.json.gz",
                  dir.c_str(), file % 2400, file);
    std::ofstream(name, std::ios::binary).write(gz.data(), static_cast<std::streamsize>(gz.size()));
    g.records += recs.size();
    g.raw_bytes += json.size();
    g.gz_bytes += gz.size();
  }
  std::fprintf(stderr, "generated %llu records, %.1f MiB JSON, %.1f MiB gzip in %s\n",
               static_cast<unsigned long long>(g.records), g.raw_bytes / 1048576.0,
               g.gz_bytes / 1048576.0, dir.c_str());
  return g;
}

struct Measured {
  bool ok = true;
};

long PeakRssKiB() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

bool Measure(const std::string& dir, int workers, uint64_t expect_records) {
  ListedInputs listed = ListInputs({dir});
  // 1. Bare simdjson: decompress each object (libdeflate, as the pipeline does), then DOM-parse it
  //    whole.
  simdjson::dom::parser parser;
  uint64_t raw = 0, records = 0;
  double inflate_s = 0, parse_s = 0;
  for (const InputSpec& in : listed.inputs) {
    std::ifstream f(in.path, std::ios::binary);
    std::string gz((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto t0 = std::chrono::steady_clock::now();
    auto json = InflateBuffer(gz, 1u << 30);
    inflate_s += Seconds(t0);
    if (!json.ok()) return false;
    raw += json.value().size();
    auto t1 = std::chrono::steady_clock::now();
    simdjson::dom::array arr;
    if (parser.parse(json.value()).get_object()["Records"].get_array().get(arr) !=
        simdjson::SUCCESS)
      return false;
    records += arr.size();
    parse_s += Seconds(t1);
  }
  const double mb = raw / 1e6;
  std::printf("corpus: %zu objects, %.1f MB of JSON, %llu records\n", listed.inputs.size(), mb,
              static_cast<unsigned long long>(records));
  std::printf("%-44s %10s %12s\n", "", "MB/s", "events/s");
  std::printf("%-44s %10.0f %12.0f\n", "bare simdjson DOM parse (1 core)", mb / parse_s,
              records / parse_s);
  std::printf("%-44s %10.0f %12.0f\n", "bare gunzip (libdeflate) + simdjson parse (1 core)",
              mb / (inflate_s + parse_s), records / (inflate_s + parse_s));
  bool ok = expect_records == 0 || records == expect_records;
  // 2. The pipeline: decode + parse + dedupe, events discarded at the sink.
  for (int w : {1, workers}) {
    ScanOptions o;
    o.workers = w;
    NullSink sink;
    ErrorLog errors;
    ScanPipeline pipeline(o, &sink, &errors);
    auto t0 = std::chrono::steady_clock::now();
    ScanSummary s = pipeline.Run(listed.inputs);
    const double sec = Seconds(t0);
    char label[64];
    std::snprintf(label, sizeof label, "fastpath scan pipeline (%d worker%s)", w,
                  w == 1 ? "" : "s");
    std::printf("%-44s %10.0f %12.0f   (%.2fx bare parse, %.2fx gunzip+parse)\n", label, mb / sec,
                s.events_out / sec, parse_s / sec, (inflate_s + parse_s) / sec);
    if (s.events_out != records || s.duplicates != 0 ||
        pipeline.counters().unexpected_drops() != 0) {
      std::printf("WRONG ANSWER: %llu events out for %llu records, %llu duplicates, %llu bad\n",
                  static_cast<unsigned long long>(s.events_out),
                  static_cast<unsigned long long>(records),
                  static_cast<unsigned long long>(s.duplicates),
                  static_cast<unsigned long long>(pipeline.counters().unexpected_drops()));
      ok = false;
    }
    if (w == workers) break;
  }
  std::printf("peak RSS of this process: %ld MiB\n", PeakRssKiB() / 1024);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "--check";
  std::string dir = argc > 2 ? argv[2] : "";
  uint64_t mib = 1024;
  int workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 3; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--mib") == 0) mib = std::stoull(argv[i + 1]);
    if (std::strcmp(argv[i], "--workers") == 0) workers = std::stoi(argv[i + 1]);
  }
  if (mode == "--generate" && !dir.empty()) {
    Generate(dir, mib << 20);
    return 0;
  }
  if (mode == "--measure" && !dir.empty()) return Measure(dir, workers, 0) ? 0 : 1;
  if (mode == "--check") {
    const std::string tmp =
        (fs::temp_directory_path() / ("fastpath-bench-check-" + std::to_string(::getpid())))
            .string();
    Generated g = Generate(tmp, 3u << 20);
    const bool ok = Measure(tmp, 2, g.records);
    fs::remove_all(tmp);
    std::printf(ok ? "bench check: answers right\n" : "bench check: WRONG ANSWER\n");
    return ok ? 0 : 1;
  }
  std::fprintf(stderr,
               "usage: fastpath_bench_scan --generate DIR [--mib N] | --measure DIR [--workers N] "
               "| --check\n");
  return 2;
}
