// Fast-path latency: PutRecord -> event emitted, and -> alert written, through a Kinesis
// endpoint (kinesalite on loopback in bench/kinesis_latency.sh) and the real pipeline: a
// KinesisSource with SQLite leases, decode, parse, rules, dedupe, sinks. Also reports what the
// pipeline itself adds: from the GetRecords response to every event of the batch handled.
//
//   fastpath_bench_kinesis --endpoint http://127.0.0.1:4567 [--records 10000] [--rate 500]
//                          [--poll-ms 250] [--shards 1]
// Exit 1 when an event or alert is missing or duplicated (the answer is checked).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "app/aws_setup.h"
#include "aws/kinesis.h"
#include "core/event.h"
#include "pipeline/scan_pipeline.h"
#include "rules/rule.h"
#include "sources/kinesis_source.h"

using namespace fastpath;

namespace {

std::string EventId(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "b0000000-0000-4000-8000-%012d", n);
  return buf;
}

std::string MakeEvent(int n) {
  return R"({"version":"0","id":")" + EventId(n) +
         R"(","detail-type":"AWS API Call via CloudTrail","source":"aws.cloudtrail","account":"111122223333","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":{"eventVersion":"1.09","eventID":")" +
         EventId(n) +
         R"(","eventTime":"2026-01-01T00:00:00Z","eventType":"AwsApiCall","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userIdentity":{"type":"IAMUser","accountId":"111122223333","arn":"arn:aws:iam::111122223333:user/bench"},"requestParameters":{"name":"t"},"responseElements":null,"requestID":"r","readOnly":false}})";
}

struct Clock {
  std::mutex mu;
  std::map<std::string, int64_t> put;  // event id -> PutRecord start
  std::vector<int64_t> event_ns, alert_ns;
  std::map<std::string, int> events_seen, alerts_seen;
};

class TimingSink final : public EventSink {
 public:
  explicit TimingSink(Clock* c) : c_(c) {}
  void Write(const Event& e) override {
    const int64_t now = SteadyNs();
    std::lock_guard<std::mutex> l(c_->mu);
    auto it = c_->put.find(e.id);
    if (it != c_->put.end()) c_->event_ns.push_back(now - it->second);
    ++c_->events_seen[e.id];
  }

 private:
  Clock* c_;
};

class TimingAlertSink final : public AlertSink {
 public:
  explicit TimingAlertSink(Clock* c) : c_(c) {}
  void Write(const Alert& a) override {
    const int64_t now = SteadyNs();
    std::lock_guard<std::mutex> l(c_->mu);
    auto it = c_->put.find(a.event.id);
    if (it != c_->put.end()) c_->alert_ns.push_back(now - it->second);
    ++c_->alerts_seen[a.event.id];
  }

 private:
  Clock* c_;
};

double Quantile(std::vector<int64_t> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  return static_cast<double>(v[i]) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  std::string endpoint;
  int records = 10000, rate = 500, poll_ms = 250, shards = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--endpoint") endpoint = argv[i + 1];
    if (k == "--records") records = std::atoi(argv[i + 1]);
    if (k == "--rate") rate = std::atoi(argv[i + 1]);
    if (k == "--poll-ms") poll_ms = std::atoi(argv[i + 1]);
    if (k == "--shards") shards = std::atoi(argv[i + 1]);
  }
  if (endpoint.empty()) {
    std::fprintf(stderr,
                 "usage: fastpath_bench_kinesis --endpoint URL [--records N] [--rate N/s] "
                 "[--poll-ms MS] [--shards N]\n");
    return 2;
  }
  setenv("AWS_ACCESS_KEY_ID", "bench", 0);
  setenv("AWS_SECRET_ACCESS_KEY", "bench", 0);
  AwsSettings settings;
  settings.region = "us-east-1";
  settings.endpoints = {{"kinesis", endpoint}};
  auto client = MakeAwsClient(settings);
  aws::KinesisClient kinesis(client.get());
  const std::string stream = "bench-" + std::to_string(getpid());
  auto created = client->CallJson(
      "kinesis", "Kinesis_20131202", "CreateStream",
      R"({"StreamName":")" + stream + R"(","ShardCount":)" + std::to_string(shards) + "}", "1.1");
  if (!created.ok()) {
    std::fprintf(stderr, "CreateStream: %s\n", created.status().message().c_str());
    return 1;
  }
  for (int i = 0; i < 100; ++i) {
    auto d = client->CallJson("kinesis", "Kinesis_20131202", "DescribeStreamSummary",
                              R"({"StreamName":")" + stream + R"("})", "1.1");
    if (d.ok() && d.value().find("\"ACTIVE\"") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  const std::filesystem::path dir = std::filesystem::temp_directory_path() / stream;
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "rule.yml") << "id: bench-stop-logging\ntitle: StopLogging\nseverity: "
                                       "high\npattern:\n  detail:\n    eventName: [StopLogging]\n";
  }
  RuleSet set = LoadRules({(dir / "rule.yml").string()});
  ScanOptions so;
  so.rules = std::make_shared<RuleEngine>(std::move(set.rules));
  Clock clock;
  TimingSink sink(&clock);
  TimingAlertSink alerts(&clock);
  ErrorLog errors;
  ScanPipeline pipeline(so, &sink, &errors, &alerts);
  pipeline.Start();
  SqliteLeaseStore leases((dir / "leases.sqlite").string());
  KinesisSourceOptions ko;
  ko.stream = stream;
  ko.poll_ms = poll_ms;
  ko.region = "us-east-1";
  ko.shard_sync_ms = 1000;
  KinesisSource source(
      &kinesis, &leases, ko, &pipeline,
      [](const std::string& m) { std::fprintf(stderr, "warn: %s\n", m.c_str()); },
      [](const std::string&) {});
  if (Status st = source.Start(); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.message().c_str());
    return 1;
  }
  while (source.HeldShards().size() < static_cast<size_t>(shards)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // readers are polling

  const int64_t gap = 1000000000LL / std::max(1, rate);
  const int64_t t0 = SteadyNs();
  int put_errors = 0;
  for (int n = 0; n < records; ++n) {
    const int64_t due = t0 + n * gap;
    while (SteadyNs() < due) std::this_thread::sleep_for(std::chrono::microseconds(100));
    {
      std::lock_guard<std::mutex> l(clock.mu);
      clock.put[EventId(n)] = SteadyNs();
    }
    auto r = kinesis.PutRecord(stream, "pk-" + std::to_string(n), MakeEvent(n));
    if (!r.ok()) ++put_errors;
  }
  const double put_seconds = static_cast<double>(SteadyNs() - t0) / 1e9;
  for (int i = 0; i < 600; ++i) {
    {
      std::lock_guard<std::mutex> l(clock.mu);
      if (clock.alerts_seen.size() >= static_cast<size_t>(records)) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  source.Stop();
  pipeline.Finish();
  std::filesystem::remove_all(dir);

  std::lock_guard<std::mutex> l(clock.mu);
  const LatencyHistogram batch = source.BatchLatencyMicros();
  std::printf(
      "records %d put in %.1f s (%.0f/s, %d put errors), %d shard(s), poll interval %d ms\n",
      records, put_seconds, records / put_seconds, put_errors, shards, poll_ms);
  std::printf("PutRecord -> event emitted: p50 %.1f ms  p99 %.1f ms  max %.1f ms  (%zu events)\n",
              Quantile(clock.event_ns, 0.5), Quantile(clock.event_ns, 0.99),
              Quantile(clock.event_ns, 1.0), clock.event_ns.size());
  std::printf("PutRecord -> alert written: p50 %.1f ms  p99 %.1f ms  max %.1f ms  (%zu alerts)\n",
              Quantile(clock.alert_ns, 0.5), Quantile(clock.alert_ns, 0.99),
              Quantile(clock.alert_ns, 1.0), clock.alert_ns.size());
  std::printf(
      "pipeline share (GetRecords response -> batch handled): p50 %.2f ms  p99 %.2f ms  "
      "over %llu batches\n",
      static_cast<double>(batch.Quantile(0.5)) / 1000.0,
      static_cast<double>(batch.Quantile(0.99)) / 1000.0,
      static_cast<unsigned long long>(batch.count()));
  bool ok = clock.events_seen.size() == static_cast<size_t>(records) &&
            clock.alerts_seen.size() == static_cast<size_t>(records) && put_errors == 0;
  for (const auto& [id, n] : clock.alerts_seen) ok = ok && n == 1;
  if (!ok) {
    std::printf("WRONG ANSWER: %zu of %d events, %zu of %d alerts (each once expected)\n",
                clock.events_seen.size(), records, clock.alerts_seen.size(), records);
    return 1;
  }
  return 0;
}
