// `fastpath demo`: the bundled CloudTrail data replayed as AWS delivers it on all three paths,
// through the real pipeline: events out, later arrivals dropped, and how late each path was.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <httplib.h>
#include <simdjson.h>

#include "alerts/dispatcher.h"
#include "alerts/outputs.h"
#include "app/scan_command.h"
#include "config/config_section.h"
#include "core/latency_histogram.h"
#include "core/metrics_writer.h"
#include "dashboard/dashboard.h"
#include "pipeline/scan_pipeline.h"
#include "simulate/delivery_simulator.h"
#include "sources/file_source.h"

namespace fastpath {
namespace {

// Keeps the first few events for display and counts the rest.
class DemoSink final : public EventSink {
 public:
  void Write(const Event& e) override {
    ++by_path_[e.path];
    if (shown_.size() < 12) shown_.push_back(e);
  }
  const std::vector<Event>& shown() const { return shown_; }
  const std::map<DeliveryPath, uint64_t>& by_path() const { return by_path_; }

 private:
  std::vector<Event> shown_;
  std::map<DeliveryPath, uint64_t> by_path_;
};

class DemoAlerts final : public AlertSink {
 public:
  void Write(const Alert& a) override { alerts.push_back(a); }
  std::vector<Alert> alerts;
};

std::string Field(const std::string& json, std::string_view key) {
  simdjson::dom::parser p;
  std::string_view v;
  if (p.parse(json)[key].get_string().get(v) == simdjson::SUCCESS) return std::string(v);
  return "-";
}

// Where the files fastpath ships (the rule pack, the demo data) are, in order: installed beside
// the binary's prefix (<prefix>/bin/fastpath -> <prefix>/share/fastpath/<name>), next to the
// binary (an unpacked archive), and, for a binary still in the build tree it was built in, the
// source tree. A copy of the binary elsewhere does not reach back into the source tree.
std::vector<std::filesystem::path> SharedPlaces(std::string_view installed_name,
                                                std::string_view source_name) {
  std::vector<std::filesystem::path> places;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return places;
  const auto bin = exe.parent_path();
  places.push_back(bin.parent_path() / "share" / "fastpath" / installed_name);
  places.push_back(bin / installed_name);
#if defined(FASTPATH_BUILD_DIR) && defined(FASTPATH_SOURCE_DIR)
  const auto build = std::filesystem::weakly_canonical(FASTPATH_BUILD_DIR, ec);
  const auto rel = std::filesystem::relative(bin, build, ec);
  if (!ec && !rel.empty() && *rel.begin() != "..") {
    places.push_back(std::filesystem::path(FASTPATH_SOURCE_DIR) / source_name);
  }
#else
  (void)source_name;
#endif
  return places;
}

std::string FirstFolder(const std::vector<std::filesystem::path>& places) {
  for (const auto& p : places) {
    if (std::filesystem::is_directory(p)) return p.string();
  }
  return {};
}

std::string PlacesText(const std::vector<std::filesystem::path>& places) {
  std::string s;
  for (const auto& p : places) s += (s.empty() ? "" : ", ") + p.string();
  return s.empty() ? "(the binary's folder is unknown)" : s;
}

}  // namespace

std::string DefaultRulesDir() {
  if (const char* env = std::getenv("FASTPATH_RULES")) return env;
  return FirstFolder(SharedPlaces("rules", "rules"));
}

namespace {

std::string DefaultDataDir(std::string* looked_in) {
  if (const char* env = std::getenv("FASTPATH_DEMO_DATA")) return env;
  const auto places = SharedPlaces("demo", "data/demo");
  *looked_in = PlacesText(places);
  return FirstFolder(places);
}

// Serves the dashboard over what the replay left until SIGINT/SIGTERM.
int ServeDashboard(const std::string& host, int port, const std::string& token, TimeNs replay_end,
                   size_t records, const ScanSummary& summary, ScanPipeline* pipeline,
                   const ScanOptions& so, Outbox* outbox, AlertDispatcher* dispatcher,
                   const sigset_t& sigs, std::FILE* out, std::FILE* err) {
  DashboardOptions dopt;
  dopt.title = "fastpath demo";
  dopt.token = token;
  dopt.now = [replay_end] { return replay_end; };
  char note[640];
  std::snprintf(
      note, sizeof note,
      "A replay of %zu real CloudTrail records (an attack simulation) delivered as AWS delivers "
      "them: %llu unique events, %llu later copies dropped as duplicates. EventBridge brings "
      "write events in seconds; S3 and CloudWatch Logs bring every event minutes later. The "
      "clock is the replay's (its last delivery). The trails stopped in this data were the "
      "attack's own, not the one that recorded it, so no path goes silent here.",
      records, static_cast<unsigned long long>(summary.events_out),
      static_cast<unsigned long long>(summary.duplicates));
  dopt.note = note;
  DashboardSources dsrc;
  dsrc.outbox = outbox;
  dsrc.on_retry = [dispatcher] { dispatcher->Wake(); };
  dsrc.timeline = so.timeline;
  dsrc.liveness = so.liveness;
  dsrc.metrics_text = [pipeline, dispatcher, liveness = so.liveness, replay_end] {
    MetricsWriter w;
    pipeline->WriteMetrics(&w);
    dispatcher->WriteMetrics(&w);
    liveness->WriteMetrics(&w, replay_end);
    return w.Text();
  };
  Dashboard dashboard(std::move(dopt), std::move(dsrc));
  httplib::Server server;
  dashboard.Mount(&server);
  const int bound =
      port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    std::fprintf(err,
                 "fastpath demo: cannot listen on %s:%d for the dashboard (in use? try --listen "
                 "127.0.0.1:0, or --once)\n",
                 host.c_str(), port);
    return 1;
  }
  std::thread serving([&server] { server.listen_after_bind(); });
  const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::fprintf(out, "\ndashboard: http://%s:%d/%s  (Ctrl-C to stop)\n", shown.c_str(), bound,
               token.empty() ? "" : "  (asks for the token)");
  std::fflush(out);
  int sig = 0;
  sigwait(&sigs, &sig);
  server.stop();
  serving.join();
  return 0;
}

}  // namespace

int RunDemo(const DemoCommandOptions& o, std::FILE* out, std::FILE* err) {
  if (!o.rules_dir.empty() && ::access(o.rules_dir.c_str(), F_OK) != 0) {
    std::fprintf(err, "fastpath demo: --rules %s: no such file or folder\n", o.rules_dir.c_str());
    return 2;
  }
  // The dashboard's listener and token are checked before anything is replayed.
  std::string host = "127.0.0.1";
  int port = 8108;
  std::string token;
  if (!o.once) {
    const size_t colon = o.listen.rfind(':');
    char* end = nullptr;
    const long p =
        colon == std::string::npos ? -1 : std::strtol(o.listen.c_str() + colon + 1, &end, 10);
    if (colon == std::string::npos || colon == 0 || end == o.listen.c_str() + colon + 1 ||
        *end != '\0' || p < 0 || p > 65535) {
      std::fprintf(err, "fastpath demo: --listen %s: give HOST:PORT (port 0: any free port)\n",
                   o.listen.c_str());
      return 2;
    }
    host = o.listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    port = static_cast<int>(p);
    if (const char* env = std::getenv("FASTPATH_DASHBOARD_TOKEN")) token = env;
    if (!o.token_file.empty()) {
      std::ifstream in(o.token_file);
      if (!in || !std::getline(in, token)) {
        std::fprintf(err, "fastpath demo: --token-file %s cannot be read\n", o.token_file.c_str());
        return 2;
      }
      while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
    }
    if (!token.empty() && token.size() < 16) {
      std::fprintf(err, "fastpath demo: the dashboard token must be at least 16 characters\n");
      return 2;
    }
    if (token.empty() && !IsLoopbackHost(host)) {
      std::fprintf(err,
                   "fastpath demo: --listen %s is not loopback: the dashboard needs a token "
                   "(FASTPATH_DASHBOARD_TOKEN or --token-file)\n",
                   o.listen.c_str());
      return 2;
    }
  }
  // SIGINT/SIGTERM end the serving below: blocked here, before any thread starts, and taken by
  // sigwait on this thread.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  if (!o.once) pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  std::string looked_in;
  const std::string data = o.data_dir.empty() ? DefaultDataDir(&looked_in) : o.data_dir;
  if (data.empty()) {
    std::fprintf(err,
                 "fastpath demo: no demo data: looked in %s; install fastpath (cmake --install, "
                 "the .deb) or give --data DIR or FASTPATH_DEMO_DATA\n",
                 looked_in.c_str());
    return 1;
  }
  auto objects = LoadTrailObjects({data});
  if (!objects.ok()) {
    std::fprintf(err, "fastpath demo: cannot read the bundled data: %s\n",
                 objects.status().ToString().c_str());
    return 1;
  }
  size_t records = 0;
  for (const TrailObject& t : objects.value()) records += t.records.size();
  auto deliveries = SimulateDeliveries(objects.value(), SimulationOptions{});
  if (!deliveries.ok()) {
    std::fprintf(err, "fastpath demo: %s\n", deliveries.status().ToString().c_str());
    return 1;
  }
  std::string dir = o.keep_dir;
  bool temporary = false;
  if (dir.empty()) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "fastpath-demo-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      std::fprintf(err, "fastpath demo: cannot create a temporary folder\n");
      return 1;
    }
    dir = tmpl;
    temporary = true;
  }
  Status written = WriteDeliveries(dir, deliveries.value());
  if (!written.ok()) {
    std::fprintf(err, "fastpath demo: %s\n", written.ToString().c_str());
    return 1;
  }
  std::map<DeliveryPath, std::pair<size_t, size_t>> per_path;  // deliveries, record copies
  TimeNs replay_end = 0;  // the clock of the replay: the last delivery's arrival
  for (const SimulatedDelivery& d : deliveries.value()) {
    replay_end = std::max(replay_end, d.received);
    per_path[d.path].first++;
    per_path[d.path].second += d.records;
  }

  std::fprintf(
      out, "fastpath demo: %zu CloudTrail records from %s, delivered the way AWS delivers them\n\n",
      records, data.c_str());
  std::fprintf(out, "  %-16s %-44s %10s %14s\n", "path", "as", "deliveries", "record copies");
  const char* as[] = {"", "gzip'd log objects under AWSLogs/ (S3)",
                      "Firehose HTTP requests of CWL messages",
                      "Kinesis batches of EventBridge events", ""};
  for (auto& [path, n] : per_path) {
    std::fprintf(out, "  %-16s %-44s %10zu %14zu\n", std::string(DeliveryPathName(path)).c_str(),
                 as[static_cast<int>(path)], n.first, n.second);
  }
  std::fprintf(out, "\nreplaying %zu deliveries in arrival order through the pipeline (%s)...\n\n",
               deliveries.value().size(), dir.c_str());

  ScanOptions so;
  so.workers = o.workers;
  const std::string rules_dir = o.rules_dir.empty() ? DefaultRulesDir() : o.rules_dir;
  size_t rule_count = 0;
  if (!rules_dir.empty()) {
    RuleSet set = LoadRules({rules_dir});
    for (const RuleProblem& p : set.problems)
      std::fprintf(err, "fastpath demo: %s: %s\n", p.where.c_str(), p.message.c_str());
    rule_count = set.rules.size();
    so.rules = std::make_shared<RuleEngine>(std::move(set.rules));
  }
  // What the dashboard shows: each path minute by minute, and its liveness.
  so.timeline = std::make_shared<PathTimeline>();
  so.liveness = std::make_shared<SourceLiveness>();
  // Alerts go to an outbox in the demo's folder and from there to a file output, as the daemon
  // sends them: the dashboard lists, acks and retries them there.
  // They live in a folder of their own (removed at exit), not among the deliveries.
  std::string state =
      (std::filesystem::temp_directory_path() / "fastpath-demo-state-XXXXXX").string();
  if (::mkdtemp(state.data()) == nullptr) {
    std::fprintf(err, "fastpath demo: cannot create a temporary folder\n");
    return 1;
  }
  struct RemoveState {
    std::string path;
    ~RemoveState() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  } remove_state{state};
  Outbox outbox(o.outbox.empty() ? (std::filesystem::path(state) / "alerts.sqlite").string()
                                 : o.outbox);
  if (Status st = outbox.Open(); !st.ok()) {
    std::fprintf(err, "fastpath demo: %s\n", st.ToString().c_str());
    return 1;
  }
  auto output_log = [err](const std::string& m) {
    std::fprintf(err, "fastpath demo: %s\n", m.c_str());
  };
  AlertDispatcher dispatcher(&outbox, output_log);
  OutputConfig file_output;
  file_output.name = "file";
  file_output.type = "file";
  file_output.settings["path"] = (std::filesystem::path(state) / "alerts.ndjson").string();
  file_output.rate_per_second = 1000;
  file_output.burst = 1000;
  {
    auto made = FindOutputType("file")->build(file_output, nullptr);
    if (!made.ok()) {
      std::fprintf(err, "fastpath demo: %s\n", made.status().ToString().c_str());
      return 1;
    }
    dispatcher.Add(file_output, std::move(made.value()));
  }
  DemoSink sink;
  DemoAlerts alerts;
  OutboxAlertSink outbox_sink(&outbox, &dispatcher, &alerts, output_log);
  dispatcher.Start();
  ErrorLog errors;
  ScanPipeline pipeline(so, &sink, &errors, &outbox_sink);
  ListedInputs listed = ListInputs({dir});
  ScanSummary summary = pipeline.Run(listed.inputs);

  std::fprintf(out, "first events out (first arrival wins):\n");
  std::fprintf(out, "  %-21s %-16s %-34s %-13s %-10s %s\n", "time", "path", "eventName", "account",
               "region", "id");
  for (const Event& e : sink.shown()) {
    std::fprintf(out, "  %-21s %-16s %-34s %-13s %-10s %s\n", FormatRfc3339(e.time).c_str(),
                 std::string(DeliveryPathName(e.path)).c_str(),
                 Field(e.json, "eventName").substr(0, 34).c_str(), e.account.c_str(),
                 e.region.c_str(), e.id.c_str());
  }
  std::fprintf(out, "\n%llu unique events out; first arrivals by path:",
               static_cast<unsigned long long>(summary.events_out));
  for (auto& [path, n] : sink.by_path()) {
    std::fprintf(out, " %s %llu", std::string(DeliveryPathName(path)).c_str(),
                 static_cast<unsigned long long>(n));
  }
  std::fprintf(out, "\n%llu later arrivals dropped as duplicates:",
               static_cast<unsigned long long>(summary.duplicates));
  for (int p = 0; p < kNumDeliveryPaths; ++p) {
    if (summary.duplicates_by_path[p] == 0) continue;
    std::fprintf(out, " %s %llu",
                 std::string(DeliveryPathName(static_cast<DeliveryPath>(p))).c_str(),
                 static_cast<unsigned long long>(summary.duplicates_by_path[p]));
  }
  std::fprintf(out, "\n%llu bad records\n\n",
               static_cast<unsigned long long>(pipeline.counters().unexpected_drops()));
  std::fprintf(out, "%s", pipeline.latency().FormatTables().c_str());
  if (so.rules) {
    std::fprintf(
        out,
        "\n%zu alerts from the %zu rules in %s (each on the first arrival of its event; the most "
        "severe first):\n",
        alerts.alerts.size(), rule_count, rules_dir.c_str());
    std::fprintf(out, "  %-21s %-9s %-50s %-26s %-16s %s\n", "event time", "severity", "rule",
                 "eventName", "first path", "alerted after");
    // The most severe first, each severity in event time order.
    auto rank = [](const std::string& severity) {
      static const char* kOrder[] = {"critical", "high", "medium", "low"};
      for (int i = 0; i < 4; ++i) {
        if (severity == kOrder[i]) return i;
      }
      return 4;
    };
    std::stable_sort(alerts.alerts.begin(), alerts.alerts.end(),
                     [&](const Alert& a, const Alert& b) {
                       const int ra = rank(a.rule->severity), rb = rank(b.rule->severity);
                       return ra != rb ? ra < rb : a.event.time < b.event.time;
                     });
    size_t shown = 0;
    for (const Alert& a : alerts.alerts) {
      if (++shown > 20) {
        std::fprintf(out, "  ... and %zu more (fastpath scan --rules %s --output alerts)\n",
                     alerts.alerts.size() - 20, rules_dir.c_str());
        break;
      }
      std::fprintf(out, "  %-21s %-9s %-50s %-26s %-16s %s\n", FormatRfc3339(a.event.time).c_str(),
                   a.rule->severity.c_str(), a.rule->title.substr(0, 50).c_str(),
                   Field(a.event.json, "eventName").substr(0, 26).c_str(),
                   std::string(DeliveryPathName(a.event.path)).c_str(),
                   FormatDurationMs((a.event.received - a.event.time) / kNsPerMs).c_str());
    }
  }
  std::fprintf(
      out,
      "\nEventBridge carries write events within seconds; the S3 and CloudWatch Logs paths bring\n"
      "every event minutes later, and fastpath drops those copies while measuring the lag.\n"
      "Scan the deliveries yourself: fastpath demo --keep DIR, then fastpath scan --stats DIR\n"
      "\nIn production, `fastpath run --config FILE` runs these paths live: S3 objects announced "
      "on\n"
      "SQS, Firehose and EventBridge API destinations posting to it, Kinesis streams read with\n"
      "KCL-format leases. Beyond one machine, run N processes with the same configuration: they\n"
      "share the Kinesis shards through the DynamoDB lease table (about shards/N each), compete\n"
      "for the SQS messages, and claim each alert id in a DynamoDB table so an event seen by two\n"
      "of them alerts once. If one dies, its SQS messages reappear after their visibility\n"
      "timeout and its shards are taken over when its leases expire (10 s by default), from the\n"
      "last checkpoint: nothing is lost; records read again may be written as events again\n"
      "(at-least-once), but their alerts are claimed already and are not raised twice.\n");
  int rc = 0;
  if (!o.once) {
    rc = ServeDashboard(host, port, token, replay_end, records, summary, &pipeline, so, &outbox,
                        &dispatcher, sigs, out, err);
  }
  dispatcher.Stop();
  if (temporary) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return rc;
}

}  // namespace fastpath
