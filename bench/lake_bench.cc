// The lake: a generated lake of CloudTrail events over 30 days x 3 accounts x 4 regions (record
// shapes and API names from the bundled data, fresh eventIDs and times), written through the real
// LakeWriter; then `fastpath search` over it, whole and pruned to one account and one day, on one
// core and on all. Reports MB/s (gzip'd and uncompressed) and events/s per core, time to the
// first result, and checks the answers (every event found once; the pruned search finds exactly
// the account-day's events).
//
//   fastpath_bench_lake --generate DIR [--mib N]   write a lake of about N MiB gzip'd (1024)
//   fastpath_bench_lake --measure DIR              time searches over it
//   fastpath_bench_lake --check                    tiny lake, all of the above, exit 1 if wrong
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "app/lake_command.h"
#include "lake/lake_writer.h"
#include "simulate/delivery_simulator.h"

using namespace fastpath;
namespace fs = std::filesystem;

namespace {

constexpr const char* kAccounts[] = {"111122223333", "444455556666", "777788889999"};
constexpr const char* kRegions[] = {"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"};
constexpr TimeNs kStart = 1717200000LL * 1000000000;  // 2024-06-01T00:00:00Z

double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Replaces the string value of `key` in a minified record.
std::string WithValue(const std::string& rec, std::string_view key, std::string_view value) {
  const std::string k = "\"" + std::string(key) + "\":\"";
  const size_t at = rec.find(k);
  if (at == std::string::npos) return rec;
  const size_t start = at + k.size();
  const size_t end = rec.find('"', start);
  return rec.substr(0, start) + std::string(value) + rec.substr(end);
}

struct Lake {
  uint64_t events = 0;
  uint64_t day_events = 0;  // account 0, day 3
};

Lake Generate(const std::string& dir, uint64_t target_gzip_bytes, int days = 30) {
  auto objects = LoadTrailObjects({FASTPATH_DEMO_DATA});
  if (!objects.ok()) {
    std::fprintf(stderr, "cannot load %s\n", FASTPATH_DEMO_DATA);
    std::exit(2);
  }
  std::vector<std::string> pool;
  for (const auto& o : objects.value()) pool.insert(pool.end(), o.records.begin(), o.records.end());
  auto loc = lake::ParseLakeLocation(dir);
  auto store = std::shared_ptr<const lake::LakeStore>(
      lake::OpenLakeStore(loc.value(), nullptr).value().release());
  lake::LakeWriterOptions o;
  o.spool_dir = dir + "/_spool";
  o.writer_id = "bench";
  auto w = lake::LakeWriter::Open(store, o).value();
  Lake g;
  const auto t0 = std::chrono::steady_clock::now();
  // Events in time order, each hour spread over the 12 account-regions, until the gzip'd size
  // (as shipped so far, plus what is open, estimated at 1/10) reaches the target.
  const uint64_t total_hours = static_cast<uint64_t>(days) * 24;
  uint64_t per_hour = 0;
  {
    // Size the hours from one sample: the lake compresses about tenfold.
    uint64_t bytes = 0;
    for (size_t i = 0; i < 200; ++i) bytes += pool[i % pool.size()].size() + 200;
    per_hour = std::max<uint64_t>(12, target_gzip_bytes * 10 / (bytes / 200) / total_hours);
  }
  char id[64];
  for (uint64_t h = 0; h < total_hours; ++h) {
    for (uint64_t i = 0; i < per_hour; ++i) {
      const uint64_t n = g.events;
      Event e;
      e.log_type = LogType::kCloudTrail;
      e.path = DeliveryPath::kS3;
      e.account = kAccounts[n % 3];
      e.region = kRegions[(n / 3) % 4];
      e.time = kStart + static_cast<TimeNs>(h) * 3600 * 1000000000 +
               static_cast<TimeNs>(i * 3600 / per_hour) * 1000000000;
      e.received = e.time + 300LL * 1000000000;
      std::snprintf(id, sizeof id, "%08llx-%04llx-4000-8000-%012llx", 0x1a6e0000ULL + (n >> 32),
                    static_cast<unsigned long long>((n >> 16) & 0xffff),
                    static_cast<unsigned long long>(n));
      e.id = id;
      e.json = WithValue(WithValue(pool[n % pool.size()], "eventID", id), "eventTime",
                         FormatRfc3339(e.time));
      w->Write(e);
      ++g.events;
      if (n % 3 == 0 && h / 24 == 3) ++g.day_events;
    }
    w->Flush();
  }
  if (Status st = w->Close(); !st.ok()) {
    std::fprintf(stderr, "lake: %s\n", st.message().c_str());
    std::exit(1);
  }
  const lake::LakeWriterStats s = w->stats();
  std::fprintf(stderr,
               "generated %llu events (%llu per hour), %llu objects, %.1f MiB NDJSON, %.1f MiB "
               "gzip in %s, %.1f s\n",
               static_cast<unsigned long long>(g.events), static_cast<unsigned long long>(per_hour),
               static_cast<unsigned long long>(s.objects), s.bytes_raw / 1048576.0,
               s.bytes_gzip / 1048576.0, dir.c_str(), Seconds(t0));
  std::FILE* f = std::fopen((dir + "/_bench").c_str(), "w");
  std::fprintf(f, "%d %llu %llu %llu %llu\n", days, static_cast<unsigned long long>(g.events),
               static_cast<unsigned long long>(g.day_events),
               static_cast<unsigned long long>(s.bytes_raw),
               static_cast<unsigned long long>(s.bytes_gzip));
  std::fclose(f);
  return g;
}

// Runs `fastpath search` as the CLI does, output counted; returns the lines and the seconds.
struct Run {
  uint64_t lines = 0;  // events selected
  double seconds = 0;
  double first = -1;  // time to the first result
};

enum class Query { kAll, kDayPruned, kDayUnpruned };

Run Search(const std::string& dir, int workers, Query q) {
  SearchCommandOptions o;
  o.lake = dir;
  o.workers = workers;
  o.progress = false;
  if (q == Query::kDayPruned) {
    // One account and one day by partition: only those folders are listed and read.
    o.filter.accounts = {kAccounts[0]};
    o.filter.since = FormatRfc3339(kStart + 3LL * 86400 * 1000000000);
    o.filter.until = FormatRfc3339(kStart + 4LL * 86400 * 1000000000);
  } else if (q == Query::kDayUnpruned) {
    // The same events by per-event clauses: every object is read.
    o.where = {std::string("account=") + kAccounts[0],
               "time=" + FormatRfc3339(kStart + 3LL * 86400 * 1000000000).substr(0, 10) + "*"};
  }
  // Output is discarded; the count comes from the summary search writes to stderr.
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* out = std::fopen("/dev/null", "w");
  std::FILE* err = open_memstream(&buf, &len);
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = RunSearch(o, out, err);
  Run r;
  r.seconds = Seconds(t0);
  std::fclose(out);
  std::fclose(err);
  const char* at = std::strstr(buf, " events read, ");
  r.lines = at != nullptr ? std::strtoull(at + std::strlen(" events read, "), nullptr, 10) : 0;
  const char* first = std::strstr(buf, "first result after ");
  r.first =
      first != nullptr ? std::strtod(first + std::strlen("first result after "), nullptr) : -1;
  std::free(buf);
  if (rc != 0) r.lines = ~0ULL;
  return r;
}

bool Measure(const std::string& dir, int workers) {
  unsigned long long events = 0, day_events = 0, raw = 0, gz = 0;
  int days = 0;
  std::FILE* f = std::fopen((dir + "/_bench").c_str(), "r");
  if (f == nullptr ||
      std::fscanf(f, "%d %llu %llu %llu %llu", &days, &events, &day_events, &raw, &gz) != 5) {
    std::fprintf(stderr, "%s: not a lake this program generated\n", dir.c_str());
    return false;
  }
  std::fclose(f);
  std::printf("lake: %llu events, %.1f MB NDJSON, %.1f MB gzip, %d days x 3 accounts x 4 regions\n",
              events, raw / 1e6, gz / 1e6, days);
  std::printf("%-40s %9s %9s %12s %10s %8s\n", "", "MB/s gz", "MB/s raw", "events/s", "seconds",
              "cores");
  bool ok = true;
  for (int w : {1, workers}) {
    Run r = Search(dir, w, Query::kAll);
    std::printf("%-40s %9.1f %9.1f %12.0f %10.2f %8d   first result after %.3f s\n",
                "search, whole lake", gz / 1e6 / r.seconds, raw / 1e6 / r.seconds,
                events / r.seconds, r.seconds, w, r.first);
    if (r.lines != events) {
      std::printf("WRONG ANSWER: %llu events found, %llu in the lake\n",
                  static_cast<unsigned long long>(r.lines), events);
      ok = false;
    }
    if (w == workers) break;
  }
  Run u = Search(dir, workers, Query::kDayUnpruned);
  std::printf("%-40s %9.1f %9.1f %12.0f %10.3f %8d   first result after %.3f s\n",
              "one account-day, no pruning (--where)", gz / 1e6 / u.seconds, raw / 1e6 / u.seconds,
              events / u.seconds, u.seconds, workers, u.first);
  if (u.lines != day_events) {
    std::printf("WRONG ANSWER: %llu events for the account-day by --where, %llu generated\n",
                static_cast<unsigned long long>(u.lines), day_events);
    ok = false;
  }
  Run p = Search(dir, workers, Query::kDayPruned);
  std::printf("%-40s %9s %9s %12.0f %10.3f %8d   first result after %.3f s\n",
              "one account-day, pruned by partition", "", "", day_events / p.seconds, p.seconds,
              workers, p.first);
  if (p.lines != day_events) {
    std::printf("WRONG ANSWER: %llu events for the account-day, %llu generated\n",
                static_cast<unsigned long long>(p.lines), day_events);
    ok = false;
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const std::string mode = args.empty() ? "--check" : args[0];
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (mode == "--check") {
    // A small lake (four days), every measurement, the answers checked.
    char tmpl[] = "/tmp/fastpath-bench-lake-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) return 2;
    Generate(tmpl, 256u << 10, 4);
    const bool right = Measure(tmpl, 2);
    fs::remove_all(tmpl);
    std::puts(right ? "bench check: answers right" : "bench check: WRONG ANSWER");
    return right ? 0 : 1;
  }
  if (args.size() >= 2 && mode == "--generate") {
    const bool sized = args.size() >= 4 && args[2] == "--mib";
    Generate(args[1], (sized ? std::stoull(args[3]) : 1024) << 20);
    return 0;
  }
  if (args.size() >= 2 && mode == "--measure") return Measure(args[1], cores) ? 0 : 1;
  std::fprintf(stderr,
               "usage: fastpath_bench_lake --generate DIR [--mib N] | --measure DIR | --check\n");
  return 2;
}
