// `fastpath run --config FILE`: the daemon. Sources (every type of the registry in
// src/sources/source_registry.cc) feed one pipeline (decode -> parse -> detect -> dedupe -> alerts
// -> sinks); /healthz and /metrics are served on a loopback port. SIGTERM or SIGINT: stop taking
// new work, finish and acknowledge what is in flight, exit 0. Logs are JSON lines on stderr.
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include <httplib.h>

#include "alerts/alert_claims.h"
#include "alerts/dispatcher.h"
#include "app/daemon_config.h"
#include "app/lake_command.h"
#include "app/scan_command.h"
#include "audit/coverage.h"
#include "aws/dynamodb.h"
#include "core/event.h"
#include "dashboard/dashboard.h"
#include "lake/lake_writer.h"
#include "pipeline/scan_pipeline.h"

namespace fastpath {
namespace {

class JsonLog {
 public:
  explicit JsonLog(std::FILE* err) : err_(err) {}
  void Write(std::string_view level, std::string_view msg,
             std::initializer_list<std::pair<std::string_view, std::string>> fields = {}) {
    Write(level, msg, std::vector<std::pair<std::string_view, std::string>>(fields));
  }
  void Write(std::string_view level, std::string_view msg,
             const std::vector<std::pair<std::string_view, std::string>>& fields) {
    std::string line = "{\"time\":";
    AppendJsonString(&line, FormatRfc3339(NowNs()));
    line += ",\"level\":";
    AppendJsonString(&line, level);
    line += ",\"msg\":";
    AppendJsonString(&line, msg);
    for (const auto& [k, v] : fields) {
      line += ",";
      AppendJsonString(&line, k);
      line += ":";
      AppendJsonString(&line, v);
    }
    line += "}\n";
    std::lock_guard<std::mutex> l(mu_);
    std::fputs(line.c_str(), err_);
    std::fflush(err_);
  }

 private:
  std::FILE* err_;
  std::mutex mu_;
};

constexpr MetricFamily kUp = {"fastpath_up", "gauge", "1 while the daemon serves."};

// Opens "stdout", "none" or a file (appended) for a sink.
std::FILE* OpenOutput(const std::string& what, std::FILE* out) {
  if (what == "stdout") return out;
  if (what == "none") return nullptr;
  return std::fopen(what.c_str(), "a");
}

}  // namespace

int RunDaemon(const std::string& config_path, bool check_only, std::FILE* out, std::FILE* err) {
  auto loaded = LoadDaemonConfig(config_path);
  if (!loaded.ok()) {
    std::fprintf(err, "%s\n", loaded.status().message().c_str());
    return 2;
  }
  DaemonConfig& cfg = loaded.value();
  ScanOptions so;
  so.workers = cfg.workers;
  if (!cfg.vpc_flow_formats.empty()) {
    so.vpc_flow_formats =
        std::make_shared<const std::vector<ConfiguredVpcFlowFormat>>(cfg.vpc_flow_formats);
  }
  so.dedupe.max_memory_bytes = cfg.dedupe_memory_mib << 20;
  so.dedupe.window = *ParseDuration(cfg.dedupe_window);
  so.publish_metrics = true;
  for (const std::string& r : cfg.rules) {
    if (::access(r.c_str(), F_OK) != 0) {
      std::fprintf(err, "%s: rules %s: no such file or folder\n", config_path.c_str(), r.c_str());
      return 2;
    }
  }
  JsonLog log(err);
  if (!cfg.rules.empty()) {
    RuleSet set = LoadRules(cfg.rules);
    for (const RuleProblem& p : set.problems) {
      log.Write("warn", "rule problem", {{"where", p.where}, {"error", p.message}});
    }
    if (!set.problems.empty() && cfg.strict_rules) {
      std::fprintf(err, "%s: %zu rule problems and strict_rules: not starting\n",
                   config_path.c_str(), set.problems.size());
      return 2;
    }
    so.rules = std::make_shared<RuleEngine>(std::move(set.rules));
  }
  if (check_only) {
    std::fprintf(out, "%s: ok, %zu sources\n", config_path.c_str(), cfg.sources.size());
    return 0;
  }
  // State, outputs, the outbox and the lake spool hold what the accounts did: private by
  // default.
  ::umask(static_cast<mode_t>(cfg.umask));
  std::error_code ec;
  std::filesystem::create_directories(cfg.state_dir, ec);

  // Signals are taken by sigwait on this thread only: block them before any thread starts
  // (libcurl's resolver threads included).
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  std::FILE* events_file = OpenOutput(cfg.events_output, out);
  std::FILE* alerts_file = OpenOutput(cfg.alerts_output, out);
  if ((cfg.events_output != "none" && events_file == nullptr) ||
      (cfg.alerts_output != "none" && alerts_file == nullptr)) {
    std::fprintf(err, "%s: cannot open the events or alerts output\n", config_path.c_str());
    return 1;
  }
  const FsyncSchedule sync(cfg.fsync, cfg.fsync_interval_ns);
  NdjsonSink ndjson(events_file != nullptr ? events_file : out, NdjsonSink::Shape::kEvents, sync);
  NullSink null_sink;
  NdjsonAlertSink alert_lines(alerts_file != nullptr ? alerts_file : out, sync);
  // With the events (or alert lines) in a file, the dedupe state records how far each file had
  // got at every acknowledged input, so a restart can cut off what no source was told about.
  const bool events_in_file = events_file != nullptr && events_file != out;
  const bool alerts_in_file = alerts_file != nullptr && alerts_file != out;
  if (events_in_file || alerts_in_file) {
    so.output_mark = [&, events_in_file, alerts_in_file] {
      OutputMark mark;
      if (events_in_file) mark.push_back({cfg.events_output, FileOutputLength(events_file)});
      if (alerts_in_file) mark.push_back({cfg.alerts_output, FileOutputLength(alerts_file)});
      return mark;
    };
  }
  EventSink* sink = events_file != nullptr ? static_cast<EventSink*>(&ndjson) : &null_sink;
  AlertSink* alerts = alerts_file != nullptr ? &alert_lines : nullptr;

  std::unique_ptr<aws::AwsClient> client;
  std::function<const aws::AwsClient*()> aws_client = [&]() -> const aws::AwsClient* {
    if (!client) client = MakeAwsClient(cfg.aws);
    return client.get();
  };
  // The lake: after dedupe, beside the events output; the pipeline commits it (the spool write)
  // before any input is acknowledged.
  std::unique_ptr<lake::LakeWriter> lake_writer;
  std::unique_ptr<TeeSink> lake_tee;
  if (cfg.lake) {
    const LakeSettings& ls = *cfg.lake;
    auto loc = lake::ParseLakeLocation(ls.uri);
    if (!loc.ok()) {
      std::fprintf(err, "%s: lake: %s\n", config_path.c_str(), loc.status().message().c_str());
      return 2;
    }
    lake::LakeStoreOptions store_options;
    store_options.part_bytes = ls.part_mib << 20;
    auto store =
        lake::OpenLakeStore(loc.value(), loc.value().is_s3 ? aws_client() : nullptr, store_options);
    if (!store.ok()) {
      std::fprintf(err, "%s: %s\n", config_path.c_str(), store.status().message().c_str());
      return 2;
    }
    lake::LakeWriterOptions lo;
    lo.format = ls.format == "ocsf" ? lake::LakeFormat::kOcsf : lake::LakeFormat::kEvents;
    lo.max_object_bytes = ls.object_mib << 20;
    lo.max_age = ParseDuration(ls.max_age).value_or(lo.max_age);
    lo.spool_dir = ls.spool;
    lo.fsync = ls.fsync;
    lo.max_open_objects = static_cast<size_t>(ls.max_open_objects);
    lo.compression_level = ls.compression_level;
    lo.log = [&log](const std::string& m) { log.Write("warn", "lake", {{"error", m}}); };
    auto w = lake::LakeWriter::Open(
        std::shared_ptr<const lake::LakeStore>(std::move(store).value()), std::move(lo));
    if (!w.ok()) {
      std::fprintf(err, "%s: %s\n", config_path.c_str(), w.status().message().c_str());
      return 1;
    }
    lake_writer = std::move(w).value();
    log.Write("info", "lake open", {{"uri", ls.uri}, {"spool", lake_writer->spool()}});
    lake_tee = std::make_unique<TeeSink>(std::vector<EventSink*>{sink, lake_writer.get()});
    sink = lake_tee.get();
  }
  // The outbox and the outputs: alerts are stored durably, then delivered by the dispatcher.
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<AlertDispatcher> dispatcher;
  std::unique_ptr<OutboxAlertSink> outbox_sink;
  if (!cfg.alert_outputs.empty()) {
    outbox = std::make_unique<Outbox>(cfg.outbox_path);
    if (Status st = outbox->Open(); !st.ok()) {
      std::fprintf(err, "%s: %s\n", config_path.c_str(), st.message().c_str());
      return 1;
    }
    auto output_log = [&log](const std::string& msg) {
      log.Write("warn", msg, {{"component", "alert outputs"}});
    };
    dispatcher = std::make_unique<AlertDispatcher>(outbox.get(), output_log);
    for (const OutputConfig& oc : cfg.alert_outputs) {
      const OutputDescriptor* type = FindOutputType(oc.type);  // known: the config was read
      auto made = type->build(oc, type->needs_aws ? aws_client() : nullptr);
      if (!made.ok()) {
        std::fprintf(err, "%s: %s\n", config_path.c_str(), made.status().message().c_str());
        return 2;
      }
      dispatcher->Add(oc, std::move(made.value()));
    }
    outbox_sink =
        std::make_unique<OutboxAlertSink>(outbox.get(), dispatcher.get(), alerts, output_log);
    alerts = outbox_sink.get();
  }
  std::unique_ptr<aws::DynamoDbClient> dynamodb;  // for the alert claims
  std::unique_ptr<ClaimingAlertSink> claims;
  if (!cfg.alert_claim_table.empty() && alerts != nullptr) {
    dynamodb = std::make_unique<aws::DynamoDbClient>(aws_client());
    claims = std::make_unique<ClaimingAlertSink>(
        dynamodb.get(), cfg.alert_claim_table, *ParseDuration(cfg.alert_claim_ttl), alerts,
        [&log](const std::string& msg) {
          log.Write("warn", msg, {{"component", "alert claims"}});
        });
    if (Status st = claims->Init(); !st.ok()) {
      std::fprintf(err, "%s: alert claim table %s: %s\n", config_path.c_str(),
                   cfg.alert_claim_table.c_str(), st.message().c_str());
      return 1;
    }
    alerts = claims.get();
  }

  // Liveness: when each path last delivered (kept across restarts in the state folder), the
  // re-audit of tamper alerts, and one lock in front of the alert chain, which the silence
  // alerts reach from their own thread.
  const CoverageSettings& cov = cfg.coverage;
  LivenessOptions lo;
  lo.floor_s3 = cov.silence_floor_s3;
  lo.floor_other = cov.silence_floor;
  auto liveness = std::make_shared<SourceLiveness>(lo);
  const std::string liveness_path =
      (std::filesystem::path(cfg.state_dir) / "liveness.json").string();
  if (Status st = liveness->Load(liveness_path); !st.ok()) {
    log.Write("warn", "liveness state not read: starting afresh", {{"error", st.message()}});
  }
  so.liveness = liveness;
  if (cfg.dashboard) so.timeline = std::make_shared<PathTimeline>();
  std::unique_ptr<audit::ReauditAlertSink> reaudit;
  if (cov.reaudit_on_tamper && alerts != nullptr) {
    audit::AuditSettings as;
    as.role_name = cov.role_name;
    as.external_id = cov.external_id;
    as.central_bus_arn = cov.central_bus;
    as.data_events = cov.data_events;
    as.log_groups = cov.log_groups;
    audit::AuditEnvironment env;
    env.caller = aws_client();
    env.caller_credentials = env.caller->credentials();
    env.client_options = env.caller->options();
    // The re-audit holds the alert: a few seconds at most.
    env.client_options.max_attempts = 2;
    env.client_options.backoff_base_seconds = 0.2;
    env.client_options.timeout_ms = 10000;
    reaudit = std::make_unique<audit::ReauditAlertSink>(
        alerts, std::move(as), std::move(env), [&log](const std::string& msg) {
          log.Write("info", msg, {{"component", "coverage"}});
        });
    alerts = reaudit.get();
  }
  std::unique_ptr<LockedAlertSink> locked_alerts;
  if (alerts != nullptr) {
    locked_alerts = std::make_unique<LockedAlertSink>(alerts);
    alerts = locked_alerts.get();
  }

  // Bad input is a JSON log line like everything the daemon says: up to 100 per reason a
  // minute (the counters in /metrics have them all).
  ErrorLog errors;
  struct {
    TimeNs minute = 0;
    std::array<int, kNumDropReasons> logged{};
    uint64_t held_back = 0;
  } bad_input;  // guarded by the ErrorLog's lock
  errors.SetStructuredSink([&log, &bad_input](DropReason reason, std::string_view where,
                                              uint64_t offset, std::string_view what) {
    const TimeNs minute = NowNs() / (60 * kNsPerSec);
    if (minute != bad_input.minute) {
      if (bad_input.held_back > 0) {
        log.Write("warn", "bad input messages held back",
                  {{"count", std::to_string(bad_input.held_back)}});
      }
      bad_input = {};
      bad_input.minute = minute;
    }
    if (++bad_input.logged[static_cast<int>(reason)] > 100) {
      ++bad_input.held_back;
      return;
    }
    std::vector<std::pair<std::string_view, std::string>> fields = {{"input", std::string(where)}};
    if (offset != ErrorLog::kWholeInput) fields.emplace_back("offset", std::to_string(offset));
    fields.emplace_back("reason", std::string(DropReasonName(reason)));
    fields.emplace_back("error", std::string(what));
    log.Write("warn", "bad input", fields);
  });
  ScanPipeline pipeline(so, sink, &errors, alerts);
  if (cfg.dedupe_persist) {
    DedupeJournal::Options jo;
    jo.path = (std::filesystem::path(cfg.state_dir) / "dedupe.journal").string();
    jo.fsync = cfg.fsync;
    jo.fsync_interval_ns = cfg.fsync_interval_ns;
    auto opened = pipeline.OpenDedupeState(jo);
    if (!opened.ok()) {
      std::fprintf(err, "%s: %s\n", config_path.c_str(), opened.status().message().c_str());
      return 1;
    }
    const DedupeJournal& journal = *opened.value();
    log.Write("info", "dedupe state read",
              {{"file", jo.path},
               {"ids", std::to_string(journal.recovered_ids())},
               {"torn_bytes_dropped", std::to_string(journal.dropped_bytes())}});
    // Lines written after the last acknowledged input: their inputs come again.
    for (const FileMark& m : journal.recovered_mark()) {
      std::FILE* f = m.file == cfg.events_output && events_in_file   ? events_file
                     : m.file == cfg.alerts_output && alerts_in_file ? alerts_file
                                                                     : nullptr;
      struct stat sb {};
      if (f == nullptr || m.offset < 0 || ::fstat(fileno(f), &sb) != 0 || sb.st_size <= m.offset) {
        continue;  // another file now, or shorter (rotated): nothing of ours to cut
      }
      if (::ftruncate(fileno(f), m.offset) != 0) {
        std::fprintf(err, "%s: cannot cut %s back to %lld bytes: %s\n", config_path.c_str(),
                     m.file.c_str(), static_cast<long long>(m.offset), std::strerror(errno));
        return 1;
      }
      log.Write("warn", "output cut back to the last acknowledged input",
                {{"file", m.file}, {"removed_bytes", std::to_string(sb.st_size - m.offset)}});
    }
  }
  pipeline.Start();
  if (dispatcher) dispatcher->Start();  // first: what a previous run left undelivered

  // Each source's health, from its own warnings (API errors, lost leases; not what the input
  // got wrong): ok; degraded while a warning is under a minute old; failing with five or more
  // in the last minute, the latest under 30 s old.
  struct SourceHealth {
    std::mutex mu;
    std::deque<TimeNs> warnings;  // of the last minute
    std::string last_error;
    TimeNs last_time = 0;
    std::string State(TimeNs now) {
      std::lock_guard<std::mutex> l(mu);
      while (!warnings.empty() && now - warnings.front() > 60 * kNsPerSec) warnings.pop_front();
      if (warnings.size() >= 5 && now - last_time <= 30 * kNsPerSec) return "failing";
      return warnings.empty() ? "ok" : "degraded";
    }
  };
  std::vector<std::unique_ptr<SourceHealth>> health;
  for (size_t i = 0; i < cfg.sources.size(); ++i)
    health.push_back(std::make_unique<SourceHealth>());

  // Sources, from the registry's descriptors: built, then started in configuration order.
  std::vector<std::unique_ptr<Source>> sources;
  std::vector<std::string> source_names;
  int rc = 0;
  for (size_t i = 0; i < cfg.sources.size(); ++i) {
    const DaemonSource& d = cfg.sources[i];
    SourceBuildContext ctx;
    ctx.inputs = &pipeline;
    ctx.aws = aws_client;
    ctx.warn = [&log, name = d.name, h = health[i].get()](const std::string& msg) {
      log.Write("warn", msg, {{"source", name}});
      std::lock_guard<std::mutex> l(h->mu);
      h->last_time = NowNs();
      h->warnings.push_back(h->last_time);
      if (h->warnings.size() > 1000) h->warnings.pop_front();
      h->last_error = msg;
    };
    ctx.info = [&log, name = d.name](const std::string& msg) {
      log.Write("info", msg, {{"source", name}});
    };
    ctx.input_problem = [&log, name = d.name](const std::string& msg) {
      log.Write("warn", msg, {{"source", name}});
    };
    auto built = d.type->build(*d.settings, ctx);
    Status st = built.ok() ? built.value()->Start() : built.status();
    if (!st.ok()) {
      log.Write("error", st.message(), {{"source", d.name}});
      rc = 1;
      break;
    }
    const auto described = built.value()->Describe();
    // "source" then what the source says ("address" right after it: scripts read it there).
    std::vector<std::pair<std::string_view, std::string>> fields = {{"source", d.name}};
    for (const auto& [k, v] : described) fields.emplace_back(k, v);
    fields.emplace_back("type", d.type->type);
    log.Write("info", "source started", fields);
    sources.push_back(std::move(built.value()));
    source_names.push_back(d.name);
  }

  // /healthz and /metrics.
  std::atomic<bool> stopping{false};
  const TimeNs started = NowNs();
  httplib::Server admin;
  std::unique_ptr<Dashboard> dashboard;
  std::thread admin_thread;
  if (rc == 0 && cfg.http_port >= 0) {
    // The /healthz body; 200 while every source is ok or degraded, 503 when one is failing or
    // the daemon is stopping.
    auto health_body = [&](int* status_code) {
      const TimeNs now = NowNs();
      std::string list;
      bool failing = false, degraded = false;
      for (size_t i = 0; i < source_names.size(); ++i) {
        const std::string state = health[i]->State(now);
        failing |= state == "failing";
        degraded |= state == "degraded";
        list += (i ? "," : "") + std::string("{\"name\":");
        AppendJsonString(&list, source_names[i]);
        list += ",\"state\":\"" + state + "\"";
        std::lock_guard<std::mutex> l(health[i]->mu);
        if (!health[i]->last_error.empty()) {
          list += ",\"last_error\":";
          AppendJsonString(&list, health[i]->last_error);
          list += ",\"last_error_time\":";
          AppendJsonString(&list, FormatRfc3339(health[i]->last_time));
        }
        list += "}";
      }
      const char* status = stopping.load() ? "stopping"
                           : failing       ? "failing"
                           : degraded      ? "degraded"
                                           : "ok";
      if (status_code) *status_code = stopping.load() || failing ? 503 : 200;
      return std::string("{\"status\":\"") + status +
             "\",\"uptime_seconds\":" + std::to_string((now - started) / 1000000000) +
             ",\"sources\":[" + list + "]}";
    };
    admin.Get("/healthz", [health_body](const httplib::Request&, httplib::Response& res) {
      const std::string body = health_body(&res.status);
      res.set_content(body, "application/json");
    });
    auto metrics_text = [&] {
      MetricsWriter w;
      pipeline.WriteMetrics(&w);
      for (const auto& source : sources) source->WriteMetrics(&w);
      if (dispatcher) dispatcher->WriteMetrics(&w);
      if (claims) claims->WriteMetrics(&w);
      if (lake_writer) lake_writer->WriteMetrics(&w);
      liveness->WriteMetrics(&w, NowNs());
      w.Add(kUp, {}, uint64_t{1});
      return w.Text();
    };
    admin.Get("/metrics", [metrics_text](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics_text(), "text/plain; version=0.0.4");
    });
    if (cfg.dashboard) {
      DashboardOptions dopt;
      dopt.token = cfg.dashboard_token;
      dopt.audit_report = cfg.audit_report;
      DashboardSources dsrc;
      dsrc.outbox = outbox.get();
      if (dispatcher) dsrc.on_retry = [&] { dispatcher->Wake(); };
      dsrc.timeline = so.timeline;
      dsrc.liveness = liveness;
      dsrc.health_json = [health_body] { return health_body(nullptr); };
      dsrc.metrics_text = metrics_text;
      if (cfg.lake) {
        dsrc.search = [lake = cfg.lake->uri, aws = cfg.aws](const DashboardSearchQuery& q) {
          return SearchForDashboard(lake, aws, q);
        };
      }
      dashboard = std::make_unique<Dashboard>(std::move(dopt), std::move(dsrc));
      dashboard->Mount(&admin);
    }
    admin.set_socket_options([](int sock) {  // no SO_REUSEPORT: one daemon per port
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });
    const int port = cfg.http_port == 0
                         ? admin.bind_to_any_port(cfg.http_host)
                         : (admin.bind_to_port(cfg.http_host, cfg.http_port) ? cfg.http_port : -1);
    if (port < 0) {
      log.Write("error", "cannot listen for /healthz and /metrics",
                {{"address", cfg.http_host + ":" + std::to_string(cfg.http_port)}});
      rc = 1;
    } else {
      admin_thread = std::thread([&] { admin.listen_after_bind(); });
      log.Write("info", "serving /healthz and /metrics",
                {{"address", cfg.http_host + ":" + std::to_string(port)}});
      if (dashboard) {
        log.Write("info", "serving the dashboard",
                  {{"address", cfg.http_host + ":" + std::to_string(port)},
                   {"token", cfg.dashboard_token.empty() ? "none" : "required"}});
      }
    }
  }

  // Every check_every: paths newly silent raise an alert; the state is saved.
  std::mutex watch_mu;
  std::condition_variable watch_cv;
  bool watch_stop = false;
  std::thread watcher;
  if (rc == 0) {
    watcher = std::thread([&] {
      std::unique_lock<std::mutex> lock(watch_mu);
      while (!watch_cv.wait_for(lock, std::chrono::nanoseconds(cov.check_every),
                                [&] { return watch_stop; })) {
        lock.unlock();
        const TimeNs now = NowNs();
        for (const SourceLiveness::Silence& s : liveness->NewSilences(now)) {
          log.Write("warn", "delivery path silent",
                    {{"log_type", s.key.log_type},
                     {"account", s.key.account},
                     {"region", s.key.region},
                     {"path", s.key.path},
                     {"silent_for", FormatDurationMs(s.silent_for / kNsPerMs)},
                     {"threshold", FormatDurationMs(s.threshold / kNsPerMs)}});
          if (cov.silence_alerts && alerts != nullptr) alerts->Write(audit::SilenceAlert(s, now));
        }
        if (alerts != nullptr) alerts->Flush();
        if (Status st = liveness->Save(liveness_path); !st.ok()) {
          log.Write("warn", "liveness state not saved", {{"error", st.message()}});
        }
        lock.lock();
      }
    });
  }

  if (rc == 0) {
    log.Write("info", "started",
              {{"config", config_path},
               {"sources", std::to_string(cfg.sources.size())},
               {"rules", std::to_string(so.rules ? so.rules->rules().size() : 0)}});
    int sig = 0;
    sigwait(&sigs, &sig);
    log.Write("info", "stopping: finishing work in flight",
              {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  }
  stopping = true;
  // Every source stops taking work at once; then each is waited for until what it handed over
  // is acknowledged.
  for (auto& source : sources) source->RequestStop();
  for (auto& source : sources) source->Stop();
  ScanSummary summary = pipeline.Finish();
  if (watcher.joinable()) {
    {
      std::lock_guard<std::mutex> lock(watch_mu);
      watch_stop = true;
    }
    watch_cv.notify_all();
    watcher.join();
  }
  if (Status st = liveness->Save(liveness_path); !st.ok()) {
    log.Write("warn", "liveness state not saved", {{"error", st.message()}});
  }
  if (lake_writer) {
    // Open objects close and ship; what cannot be shipped now stays spooled for the next start.
    if (Status st = lake_writer->Close(); !st.ok()) {
      log.Write("warn", "lake", {{"error", st.message()}});
    }
    const lake::LakeWriterStats ls = lake_writer->stats();
    log.Write("info", "lake closed",
              {{"events", std::to_string(ls.events)}, {"objects", std::to_string(ls.objects)}});
  }
  if (dispatcher) {
    // Give due deliveries a moment; what is left stays in the outbox for the next start.
    for (int i = 0; i < 50; ++i) {
      bool due = false;
      for (const OutputConfig& oc : dispatcher->configs()) {
        auto next = outbox->NextDue(oc.name);
        if (next.ok() && next.value() > 0 && next.value() <= NowNs()) due = true;
      }
      if (!due) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    dispatcher->Stop();
  }
  if (admin_thread.joinable()) {
    admin.stop();
    admin_thread.join();
  }
  ndjson.Flush();
  alert_lines.Flush();
  if (events_file != nullptr && events_file != out) std::fclose(events_file);
  if (alerts_file != nullptr && alerts_file != out) std::fclose(alerts_file);
  log.Write("info", "stopped",
            {{"inputs", std::to_string(summary.inputs)},
             {"events", std::to_string(summary.events_out)},
             {"duplicates", std::to_string(summary.duplicates)},
             {"alerts", std::to_string(summary.alerts)},
             {"bad_records", std::to_string(pipeline.counters().unexpected_drops())}});
  return rc;
}

}  // namespace fastpath
