#include "app/scan_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "app/aws_setup.h"
#include "aws/s3.h"
#include "lake/event_filter.h"
#include "lake/lake_writer.h"
#include "pipeline/scan_pipeline.h"
#include "sources/file_source.h"
#include "sources/s3_scan_source.h"

namespace fastpath {

namespace {

// Draws "[#####.....] 12/40 files  180 MB  95,000 events" on a terminal while a scan runs.
class ProgressBar {
 public:
  // The totals may grow while the scan runs (S3 listings).
  ProgressBar(const PipelineCounters* counters, const std::atomic<uint64_t>* total_bytes,
              const std::atomic<uint64_t>* total_inputs, std::FILE* err)
      : counters_(counters), total_bytes_(total_bytes), total_inputs_(total_inputs), err_(err) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~ProgressBar() {
    {
      std::lock_guard<std::mutex> l(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
    std::fprintf(err_, "\r\033[K");
    std::fflush(err_);
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> l(mu_);
    while (!cv_.wait_for(l, std::chrono::milliseconds(200), [this] { return done_; })) Draw();
  }
  void Draw() {
    const uint64_t bytes = counters_->stage(Stage::kDecode).bytes_in.load();
    const uint64_t inputs = counters_->stage(Stage::kDecode).records_in.load();
    const uint64_t events = counters_->stage(Stage::kParse).records_out.load();
    const uint64_t total_bytes = total_bytes_->load();
    const double frac =
        total_bytes ? std::min(1.0, static_cast<double>(bytes) / static_cast<double>(total_bytes))
                    : 0;
    char bar[31];
    const int filled = static_cast<int>(frac * 30);
    for (int i = 0; i < 30; ++i) bar[i] = i < filled ? '#' : '.';
    bar[30] = 0;
    std::fprintf(err_, "\r[%s] %3d%%  %llu/%llu inputs  %.1f MB  %llu events", bar,
                 static_cast<int>(frac * 100), static_cast<unsigned long long>(inputs),
                 static_cast<unsigned long long>(total_inputs_->load()),
                 static_cast<double>(bytes) / 1e6, static_cast<unsigned long long>(events));
    std::fflush(err_);
  }
  const PipelineCounters* counters_;
  const std::atomic<uint64_t>* total_bytes_;
  const std::atomic<uint64_t>* total_inputs_;
  std::FILE* err_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

int RunScan(const ScanCommandOptions& o, std::FILE* out, std::FILE* err) {
  ScanOptions so;
  so.workers = o.workers;
  so.limits.max_document_bytes = o.max_document_mib << 20;
  so.dedupe.max_memory_bytes = o.dedupe_memory_mib << 20;
  auto window = ParseDuration(o.dedupe_window);
  if (!window) {
    std::fprintf(err, "fastpath scan: --dedupe-window '%s' is not a duration like 24h, 30m, 90s\n",
                 o.dedupe_window.c_str());
    return 2;
  }
  so.dedupe.window = *window;
  if (!o.vpc_flow_formats.empty()) {
    auto formats = std::make_shared<std::vector<ConfiguredVpcFlowFormat>>();
    for (const std::string& spec : o.vpc_flow_formats) {
      auto f = ParseConfiguredVpcFlowFormat(spec);
      if (!f.ok()) {
        std::fprintf(err, "fastpath scan: --vpc-flow-format: %s\n", f.status().message().c_str());
        return 2;
      }
      formats->push_back(std::move(f.value()));
    }
    so.vpc_flow_formats = std::move(formats);
  }
  if (!o.received_at.empty()) {
    auto t = ParseRfc3339(o.received_at);
    if (!t) {
      std::fprintf(err, "fastpath scan: --received-at '%s' is not an RFC 3339 time\n",
                   o.received_at.c_str());
      return 2;
    }
    so.received_at = *t;
  }
  // --since, --until, --log-type, --account, --region, --where: as search selects from the lake.
  auto partitions = MakeLakeFilter(o.filter, NowNs());
  if (!partitions.ok()) {
    std::fprintf(err, "fastpath scan: %s\n", partitions.status().message().c_str());
    return 2;
  }
  auto selected = lake::EventFilter::Make(partitions.value(), o.where);
  if (!selected.ok()) {
    std::fprintf(err, "fastpath scan: %s\n", selected.status().message().c_str());
    return 2;
  }
  if (!selected.value().empty()) {
    auto filter = std::make_shared<const lake::EventFilter>(std::move(selected).value());
    so.select = [filter](const Event& e, const simdjson::dom::element* record) {
      if (!filter->MatchesCanonical(e)) return false;
      if (!filter->needs_record()) return true;
      thread_local std::string scratch;
      thread_local simdjson::dom::parser parser;
      simdjson::dom::element parsed;
      if (record == nullptr) {
        if (parser.parse(e.json).get(parsed)) return false;
        record = &parsed;
      }
      return filter->Matches(e, *record, &scratch);
    };
  }
  if (o.output != "events" && o.output != "alerts" && o.output != "ocsf") {
    std::fprintf(err, "fastpath scan: --output must be events, alerts or ocsf\n");
    return 2;
  }
  for (const std::string& r : o.rules) {
    // A rule path that is not there would scan with no detection at all and look like a clean
    // result: refuse it.
    if (::access(r.c_str(), F_OK) != 0) {
      std::fprintf(err, "fastpath scan: --rules %s: no such file or folder\n", r.c_str());
      return 2;
    }
  }
  if (o.output == "alerts" && o.rules.empty()) {
    std::fprintf(err,
                 "fastpath scan: no rules loaded (--rules PATH): --output alerts prints no alert "
                 "without them\n");
  }
  if (!o.rules.empty()) {
    RuleSet set = LoadRules(o.rules);
    PrintRuleProblems(set, err);
    if (!set.problems.empty() && o.strict) {
      std::fprintf(err, "fastpath scan: %zu rule problems and --strict: not scanning\n",
                   set.problems.size());
      return 2;
    }
    so.rules = std::make_shared<RuleEngine>(std::move(set.rules));
  }
  std::vector<std::string> local_paths;
  std::vector<S3ScanOptions> s3_scans;
  for (const std::string& p : o.paths) {
    S3ScanOptions s3o;
    if (p.starts_with("s3://")) {
      if (!aws::ParseS3Url(p, &s3o.bucket, &s3o.prefix)) {
        std::fprintf(err, "fastpath scan: '%s' is not s3://bucket[/prefix]\n", p.c_str());
        return 2;
      }
      s3o.start_after = o.start_after;
      s3o.resume_file = o.resume_file;
      s3_scans.push_back(std::move(s3o));
    } else {
      local_paths.push_back(p);
    }
  }
  if (s3_scans.size() > 1 && !o.resume_file.empty()) {
    std::fprintf(err, "fastpath scan: --resume takes one s3:// prefix\n");
    return 2;
  }
  std::unique_ptr<aws::AwsClient> aws_client;
  std::optional<lake::LakeLocation> lake_location;
  if (!o.lake.empty()) {
    auto loc = lake::ParseLakeLocation(o.lake);
    if (!loc.ok()) {
      std::fprintf(err, "fastpath scan: --%s\n", loc.status().message().c_str());
      return 2;
    }
    lake_location = std::move(loc).value();
  }
  if (!s3_scans.empty() || (lake_location && lake_location->is_s3)) {
    aws_client = MakeAwsClient(o.aws);
  }
  // Every bad-input message, not only the first of each kind, for whoever must know which inputs
  // failed.
  std::FILE* errors_file = nullptr;
  if (!o.errors_file.empty()) {
    errors_file = std::fopen(o.errors_file.c_str(), "w");
    if (errors_file == nullptr) {
      std::fprintf(err, "fastpath scan: --errors %s: %s\n", o.errors_file.c_str(),
                   std::strerror(errno));
      return 2;
    }
  }
  ListedInputs listed = ListInputs(local_paths);
  if (local_paths.empty()) listed.problems.clear();
  for (const std::string& p : listed.problems) {
    std::fprintf(err, "fastpath scan: %s\n", p.c_str());
    if (errors_file != nullptr) {
      std::string j = "{\"input\":";
      AppendJsonString(&j, p.substr(0, p.find(": ")));
      j += ",\"offset\":null,\"reason\":\"unreadable\",\"error\":";
      AppendJsonString(&j, p.substr(p.find(": ") == std::string::npos ? 0 : p.find(": ") + 2));
      j += "}\n";
      std::fputs(j.c_str(), errors_file);
    }
  }

  NdjsonSink ndjson(out,
                    o.output == "ocsf" ? NdjsonSink::Shape::kOcsf : NdjsonSink::Shape::kEvents);
  NullSink null_sink;
  NdjsonAlertSink alert_lines(out);
  // With no rules loaded, `--output alerts` has nothing to print: the pipeline alone is measured.
  EventSink* sink = o.output != "alerts" ? static_cast<EventSink*>(&ndjson) : &null_sink;
  AlertSink* alerts = o.output == "alerts" ? &alert_lines : nullptr;
  // With --lake the events go there; standard output gets them too only when --output asks.
  std::shared_ptr<lake::LakeStore> lake_store;
  std::unique_ptr<lake::LakeWriter> lake_writer;
  std::unique_ptr<TeeSink> tee;
  if (lake_location) {
    lake::LakeStoreOptions store_options;
    store_options.part_bytes = o.lake_part_mib << 20;
    auto store = lake::OpenLakeStore(*lake_location, aws_client.get(), store_options);
    if (!store.ok()) {
      std::fprintf(err, "fastpath scan: %s\n", store.status().message().c_str());
      return 2;
    }
    lake_store = std::move(store).value();
    lake::LakeWriterOptions lo;
    lo.format = o.lake_format == "ocsf" ? lake::LakeFormat::kOcsf : lake::LakeFormat::kEvents;
    lo.max_object_bytes = o.lake_object_mib << 20;
    lo.spool_dir = o.lake_spool;
    if (lo.spool_dir.empty()) {
      const char* tmp = std::getenv("TMPDIR");
      lo.spool_dir =
          lake_location->is_s3
              ? std::string(tmp != nullptr && *tmp != 0 ? tmp : "/tmp") + "/fastpath-lake-spool"
              : lake_location->dir + "/_spool";
    }
    lo.ship_attempts = 4;
    lo.compression_level = o.lake_level;
    // A scan acknowledges nothing, so open objects stay in memory (a rerun redoes what a crash
    // lost), unless a resume file records progress or a spool folder is named.
    lo.in_memory = o.resume_file.empty() && o.lake_spool.empty();
    lo.log = [err](const std::string& m) {
      std::fprintf(err, "fastpath scan: lake: %s\n", m.c_str());
    };
    auto w = lake::LakeWriter::Open(lake_store, std::move(lo));
    if (!w.ok()) {
      std::fprintf(err, "fastpath scan: %s\n", w.status().message().c_str());
      return 1;
    }
    lake_writer = std::move(w).value();
    if (o.output_given && o.output != "alerts") {
      tee = std::make_unique<TeeSink>(std::vector<EventSink*>{&ndjson, lake_writer.get()});
      sink = tee.get();
    } else {
      sink = lake_writer.get();
    }
  }
  ErrorLog errors;
  if (errors_file != nullptr) errors.SetNdjsonFile(errors_file);
  ScanPipeline pipeline(so, sink, &errors, alerts);
  ScanSummary summary;
  uint64_t s3_failed = 0;
  bool listing_failed = false;
  {
    std::atomic<uint64_t> total_bytes{0}, total_inputs{listed.inputs.size()};
    for (const InputSpec& in : listed.inputs) total_bytes += in.size;
    std::unique_ptr<ProgressBar> bar;
    if (o.progress && ::isatty(::fileno(err))) {
      bar = std::make_unique<ProgressBar>(&pipeline.counters(), &total_bytes, &total_inputs, err);
    }
    pipeline.Start();
    for (const InputSpec& in : listed.inputs) pipeline.Submit(in);
    std::vector<std::unique_ptr<S3ScanSource>> scans;
    for (const S3ScanOptions& s3o : s3_scans) {
      auto scan = std::make_unique<S3ScanSource>(aws_client.get(), s3o, &pipeline);
      Status st = scan->Start();
      if (st.ok()) st = scan->Wait();
      total_inputs += scan->progress().listed.load();
      total_bytes += scan->progress().listed_bytes.load();
      if (!st.ok()) {
        std::fprintf(err, "fastpath scan: %s\n", st.message().c_str());
        listing_failed = true;
      }
      scans.push_back(std::move(scan));
    }
    summary = pipeline.Finish();
    for (const auto& scan : scans) s3_failed += scan->progress().failed.load();
  }
  ndjson.Flush();
  bool lake_failed = false;
  if (lake_writer) {
    Status st = lake_writer->Close();
    const lake::LakeWriterStats ls = lake_writer->stats();
    std::fprintf(err,
                 "fastpath scan: lake %s: %llu events in %llu objects (%.1f MB, %.1f MB gzip)\n",
                 o.lake.c_str(), static_cast<unsigned long long>(ls.events),
                 static_cast<unsigned long long>(ls.objects),
                 static_cast<double>(ls.bytes_raw) / 1e6, static_cast<double>(ls.bytes_gzip) / 1e6);
    if (ls.recovered > 0) {
      std::fprintf(err,
                   "fastpath scan: lake: %llu objects an earlier run left in the spool were "
                   "shipped\n",
                   static_cast<unsigned long long>(ls.recovered));
    }
    if (!st.ok()) {
      std::fprintf(err, "fastpath scan: %s\n", st.message().c_str());
      lake_failed = true;
    }
  }
  if (o.stats) {
    std::fprintf(err, "%s", pipeline.FormatStats(summary).c_str());
  }
  const uint64_t bad = pipeline.counters().unexpected_drops();
  std::fprintf(err,
               "fastpath scan: %llu inputs, %llu events, %llu later arrivals dropped, %llu bad "
               "records skipped\n",
               static_cast<unsigned long long>(summary.inputs),
               static_cast<unsigned long long>(summary.events_out),
               static_cast<unsigned long long>(summary.duplicates),
               static_cast<unsigned long long>(bad));
  if (so.rules) {
    std::fprintf(err, "fastpath scan: %zu rules, %llu matches, %llu alerts\n",
                 so.rules->rules().size(), static_cast<unsigned long long>(summary.rule_matches),
                 static_cast<unsigned long long>(summary.alerts));
  }
  if (errors_file != nullptr) {
    std::fclose(errors_file);
    errors_file = nullptr;
    if (bad > 0 || !listed.problems.empty()) {
      std::fprintf(err, "fastpath scan: every bad-input message is in %s\n", o.errors_file.c_str());
    }
  }
  if (errors.suppressed() > 0) {
    std::fprintf(err, "fastpath scan: %llu more bad-input messages were not printed (%s)\n",
                 static_cast<unsigned long long>(errors.suppressed()),
                 o.errors_file.empty() ? "--errors FILE keeps every one"
                                       : ("all are in " + o.errors_file).c_str());
  }
  if (!s3_scans.empty() && !o.resume_file.empty() && s3_failed > 0) {
    std::fprintf(err,
                 "fastpath scan: %llu objects unreadable; %s holds the last key before the "
                 "first of them, so a rerun retries from there\n",
                 static_cast<unsigned long long>(s3_failed), o.resume_file.c_str());
  }
  if (!listed.problems.empty() || summary.unreadable_inputs > 0 || listing_failed || lake_failed) {
    return 1;
  }
  return 0;
}

}  // namespace fastpath
