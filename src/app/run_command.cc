// `fastpath run --config FILE`: the daemon. Sources (S3 via SQS, Firehose and EventBridge
// receivers) feed one pipeline (decode -> parse -> detect -> dedupe -> alerts -> sinks); /healthz
// and /metrics are served on a loopback port. SIGTERM or SIGINT: stop taking new work, finish
// and acknowledge what is in flight, exit 0. Logs are JSON lines on stderr.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include <httplib.h>

#include "alerts/alert_claims.h"
#include "alerts/dispatcher.h"
#include "app/daemon_config.h"
#include "app/scan_command.h"
#include "aws/dynamodb.h"
#include "aws/kinesis.h"
#include "aws/s3.h"
#include "aws/sqs.h"
#include "core/event.h"
#include "pipeline/scan_pipeline.h"

namespace fastpath {
namespace {

class JsonLog {
 public:
  explicit JsonLog(std::FILE* err) : err_(err) {}
  void Write(std::string_view level, std::string_view msg,
             std::initializer_list<std::pair<std::string_view, std::string>> fields = {}) {
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
  if (!cfg.rules.empty()) {
    RuleSet set = LoadRules(cfg.rules);
    PrintRuleProblems(set, err);
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
  NdjsonSink ndjson(events_file != nullptr ? events_file : out);
  NullSink null_sink;
  NdjsonAlertSink alert_lines(alerts_file != nullptr ? alerts_file : out);
  EventSink* sink = events_file != nullptr ? static_cast<EventSink*>(&ndjson) : &null_sink;
  AlertSink* alerts = alerts_file != nullptr ? &alert_lines : nullptr;

  JsonLog log(err);
  std::unique_ptr<aws::AwsClient> client;
  auto aws_client = [&]() -> const aws::AwsClient* {
    if (!client) client = MakeAwsClient(cfg.aws);
    return client.get();
  };
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
      const bool needs_aws = oc.type == "sns" || oc.type == "sqs" || oc.type == "kinesis" ||
                             oc.type == "firehose" || oc.type == "s3";
      auto made = MakeOutput(oc, needs_aws ? aws_client() : nullptr);
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
  std::unique_ptr<aws::DynamoDbClient> dynamodb;
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

  ErrorLog errors;
  ScanPipeline pipeline(so, sink, &errors, alerts);
  pipeline.Start();
  if (dispatcher) dispatcher->Start();  // first: what a previous run left undelivered

  std::unique_ptr<aws::S3Client> s3;
  std::unique_ptr<aws::SqsClient> sqs;
  std::vector<std::unique_ptr<HttpReceiver>> receivers;
  std::vector<std::unique_ptr<SqsS3Source>> sqs_sources;
  std::vector<std::string> sqs_names;
  std::unique_ptr<aws::KinesisClient> kinesis;
  std::vector<std::unique_ptr<LeaseStore>> lease_stores;
  std::vector<std::unique_ptr<KinesisSource>> kinesis_sources;
  std::vector<std::string> kinesis_names;
  int rc = 0;
  for (const DaemonSource& d : cfg.sources) {
    auto source_log = [&log, name = d.name](const std::string& msg) {
      log.Write("warn", msg, {{"source", name}});
    };
    if (d.type == "s3_sqs") {
      if (!s3) {
        s3 = std::make_unique<aws::S3Client>(aws_client());
        sqs = std::make_unique<aws::SqsClient>(aws_client());
      }
      sqs_sources.push_back(
          std::make_unique<SqsS3Source>(sqs.get(), s3.get(), d.sqs, &pipeline, source_log));
      sqs_names.push_back(d.name);
    } else if (d.type == "kinesis") {
      if (!kinesis) kinesis = std::make_unique<aws::KinesisClient>(aws_client());
      std::unique_ptr<LeaseStore> store;
      if (d.lease_store == "sqlite") {
        store = std::make_unique<SqliteLeaseStore>(d.lease_file);
      } else {
        if (!dynamodb) dynamodb = std::make_unique<aws::DynamoDbClient>(aws_client());
        store = std::make_unique<DynamoDbLeaseStore>(dynamodb.get(), d.application);
      }
      KinesisSourceOptions ko = d.kinesis;
      ko.region = aws_client()->options().region;
      auto source_info = [&log, name = d.name](const std::string& msg) {
        log.Write("info", msg, {{"source", name}});
      };
      kinesis_sources.push_back(std::make_unique<KinesisSource>(
          kinesis.get(), store.get(), ko, &pipeline, source_log, source_info));
      lease_stores.push_back(std::move(store));
      kinesis_names.push_back(d.name);
    } else {
      auto r = std::make_unique<HttpReceiver>(d.receiver, &pipeline, source_log);
      Status st = r->Start();
      if (!st.ok()) {
        log.Write("error", st.message(), {{"source", d.name}});
        rc = 1;
        break;
      }
      log.Write("info", "receiver listening",
                {{"source", d.name},
                 {"address", d.receiver.host + ":" + std::to_string(r->port())},
                 {"path", d.receiver.path},
                 {"tls", d.receiver.tls_cert_file.empty() ? "off" : "on"}});
      receivers.push_back(std::move(r));
    }
  }

  std::atomic<bool> stop{false};
  std::atomic<bool> stopping{false};
  std::vector<std::thread> sqs_threads;
  if (rc == 0) {
    for (size_t i = 0; i < sqs_sources.size(); ++i) {
      log.Write("info", "polling queue", {{"source", sqs_names[i]}});
      sqs_threads.emplace_back([&, i] { sqs_sources[i]->Run(stop); });
    }
    for (size_t i = 0; i < kinesis_sources.size(); ++i) {
      log.Write("info", "consuming stream",
                {{"source", kinesis_names[i]},
                 {"worker_id", kinesis_sources[i]->worker_id()},
                 {"leases", lease_stores[i]->Describe()}});
      sqs_threads.emplace_back([&, i] { kinesis_sources[i]->Run(stop); });
    }
  }

  // /healthz and /metrics.
  const TimeNs started = NowNs();
  httplib::Server admin;
  std::thread admin_thread;
  if (rc == 0 && cfg.http_port >= 0) {
    admin.Get("/healthz", [&](const httplib::Request&, httplib::Response& res) {
      const bool ok = !stopping.load();
      res.status = ok ? 200 : 503;
      res.set_content(
          std::string("{\"status\":\"") + (ok ? "ok" : "stopping") +
              "\",\"uptime_seconds\":" + std::to_string((NowNs() - started) / 1000000000) +
              ",\"sources\":" + std::to_string(cfg.sources.size()) + "}",
          "application/json");
    });
    admin.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
      std::string text = pipeline.MetricsText();
      text +=
          "# HELP fastpath_receiver_requests_total Requests to the HTTP receivers, by result.\n"
          "# TYPE fastpath_receiver_requests_total counter\n";
      for (const auto& r : receivers) text += r->MetricsText();
      text +=
          "# HELP fastpath_sqs_messages_total SQS messages, by what became of them.\n"
          "# TYPE fastpath_sqs_messages_total counter\n";
      for (size_t i = 0; i < sqs_sources.size(); ++i) {
        text += sqs_sources[i]->MetricsText(sqs_names[i]);
      }
      text +=
          "# HELP fastpath_kinesis_records_total Kinesis records read, by kind.\n"
          "# TYPE fastpath_kinesis_records_total counter\n";
      for (size_t i = 0; i < kinesis_sources.size(); ++i) {
        text += kinesis_sources[i]->MetricsText(kinesis_names[i]);
      }
      if (dispatcher) text += dispatcher->MetricsText();
      if (claims) {
        text +=
            "# HELP fastpath_alert_claims_total Cross-process alert claims, by result.\n"
            "# TYPE fastpath_alert_claims_total counter\n";
        text += "fastpath_alert_claims_total{result=\"claimed\"} " +
                std::to_string(claims->claimed()) + "\n";
        text += "fastpath_alert_claims_total{result=\"claimed_elsewhere\"} " +
                std::to_string(claims->claimed_elsewhere()) + "\n";
        text += "fastpath_alert_claims_total{result=\"error\"} " +
                std::to_string(claims->claim_errors()) + "\n";
      }
      text +=
          "# HELP fastpath_up 1 while the daemon serves.\n# TYPE fastpath_up gauge\n"
          "fastpath_up 1\n";
      res.set_content(text, "text/plain; version=0.0.4");
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
    }
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
  stop = true;
  for (auto& r : receivers) r->Stop();
  for (auto& t : sqs_threads) t.join();
  ScanSummary summary = pipeline.Finish();
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
