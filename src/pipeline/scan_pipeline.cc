#include "pipeline/scan_pipeline.h"

#include <atomic>
#include <cstdio>
#include <map>
#include <thread>

#include "decode/byte_reader.h"
#include "parse/record_parser.h"
#include "pipeline/bounded_queue.h"

namespace fastpath {

// One input on its way through the workers, with the channel its events come back on.
struct ScanPipeline::Item {
  explicit Item(InputSpec s) : spec(std::move(s)), events(4) {}
  InputSpec spec;
  BoundedQueue<EventBatch> events;
  std::atomic<bool> unreadable{false};
  std::string error;  // written by the worker before it closes `events`
};

struct ScanPipeline::Queues {
  explicit Queues(size_t capacity) : work(capacity), order(capacity + 2) {}
  BoundedQueue<std::shared_ptr<Item>> work;   // to the workers
  BoundedQueue<std::shared_ptr<Item>> order;  // to the consumer, in input order
};

ScanPipeline::ScanPipeline(ScanOptions options, EventSink* sink, ErrorLog* errors,
                           AlertSink* alerts)
    : options_(options),
      sink_(sink),
      errors_(errors),
      alert_sink_(alerts),
      deduper_(options.dedupe) {}

ScanPipeline::~ScanPipeline() = default;

void ScanPipeline::Work() {
  EnvelopeDecoder decoder(options_.limits, &counters_, errors_);
  std::unique_ptr<RuleEngine::Matcher> matcher;
  if (options_.rules) matcher = std::make_unique<RuleEngine::Matcher>(*options_.rules);
  while (auto next = queues_->work.Pop()) {
    std::shared_ptr<Item> item = std::move(*next);
    EventBatch batch;
    batch.reserve(options_.batch_events);
    RecordParser parser(
        &counters_, errors_,
        [&](Event&& e, const simdjson::dom::element* record) {
          // Detection runs in the workers, on the record as parsed.
          if (matcher) {
            if (record != nullptr) {
              matcher->Match(e, *record, &e.matched_rules);
            } else {
              matcher->Match(e, &e.matched_rules);
            }
          }
          batch.push_back(std::move(e));
          if (batch.size() >= options_.batch_events) {
            item->events.Push(std::move(batch));
            batch = EventBatch();
            batch.reserve(options_.batch_events);
          }
        },
        options_.vpc_flow_formats);
    RecordContext ctx;
    ctx.source = item->spec.path;
    ctx.received = options_.received_at ? *options_.received_at : item->spec.received_at;
    ctx.received_fixed = options_.received_at.has_value();
    if (item->spec.is_stdin && !options_.received_at) ctx.received = NowNs();
    HintsFromS3Key(item->spec.path, &ctx.account_hint, &ctx.region_hint);

    PipelineCounters::Add(counters_.stage(Stage::kSource).records_in, 1);
    std::unique_ptr<ByteReader> reader;
    if (item->spec.is_stdin) {
      reader = std::make_unique<FdReader>(0, false);
    } else {
      Result<std::unique_ptr<ByteReader>> opened = Status::Ok();
      if (item->spec.open) {
        opened = item->spec.open();
      } else {
        auto f = FdReader::Open(item->spec.path);
        if (f.ok()) {
          opened = std::unique_ptr<ByteReader>(std::move(f.value()));
        } else {
          opened = f.status();
        }
      }
      if (opened.ok()) {
        reader = std::move(opened.value());
      } else {
        item->unreadable = true;
        item->error = opened.status().message();
        counters_.Drop(DropReason::kUnreadable);
        errors_->Report(DropReason::kUnreadable, item->spec.path, 0, opened.status().message());
      }
    }
    if (reader) {
      PipelineCounters::Add(counters_.stage(Stage::kSource).records_out, 1);
      PipelineCounters::Add(counters_.stage(Stage::kSource).bytes_out, item->spec.size);
      decoder.DecodeStream(std::move(reader), ctx, &parser);
    }
    if (!batch.empty()) item->events.Push(std::move(batch));
    item->events.Close();
  }
}

void ScanPipeline::Consume(const Event& e, ScanSummary* summary) {
  StageCounter& dd = counters_.stage(Stage::kDedupe);
  PipelineCounters::Add(dd.records_in, 1);
  latency_.RecordDelay(e);
  const FirstArrivalDeduper::Arrival a = deduper_.Observe(e.log_type, e.id, e.path, e.received);
  if (!a.first) {
    latency_.RecordLag(e.log_type, a.first_path, a.later_path, a.lag);
    counters_.Drop(DropReason::kDuplicate);
    ++summary->duplicates;
    ++summary->duplicates_by_path[static_cast<int>(e.path)];
    if (a.out_of_order) ++summary->out_of_order;
    return;
  }
  PipelineCounters::Add(dd.records_out, 1);
  if (options_.rules) {
    StageCounter& dt = counters_.stage(Stage::kDetect);
    PipelineCounters::Add(dt.records_in, 1);
    for (uint32_t r : e.matched_rules) {
      ++summary->rule_matches;
      alert_scratch_.clear();
      merged_scratch_.clear();
      alert_policy_.OnMatch(*options_.rules->rules()[r], e, &alert_scratch_, &merged_scratch_);
      if (alert_sink_ != nullptr) {
        for (const std::string& id : merged_scratch_) alert_sink_->Merged(id);
      }
      for (const Alert& alert : alert_scratch_) {
        ++summary->alerts;
        PipelineCounters::Add(dt.records_out, 1);
        if (alert_sink_ != nullptr) alert_sink_->Write(alert);
      }
    }
  }
  StageCounter& sk = counters_.stage(Stage::kSink);
  PipelineCounters::Add(sk.records_in, 1);
  sink_->Write(e);
  PipelineCounters::Add(sk.records_out, 1);
  ++summary->events_out;
}

ScanSummary ScanPipeline::Run(const std::vector<InputSpec>& inputs) {
  Start();
  for (const InputSpec& spec : inputs) {
    if (!Submit(spec)) break;
  }
  return Finish();
}

void ScanPipeline::Start() {
  const int workers = options_.workers > 0
                          ? options_.workers
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  queues_ = std::make_unique<Queues>(static_cast<size_t>(workers) * 2);
  summary_ = ScanSummary();
  for (int i = 0; i < workers; ++i) pool_.emplace_back([this] { Work(); });
  consumer_ = std::thread([this] { ConsumeAll(); });
}

bool ScanPipeline::Submit(InputSpec spec) {
  auto item = std::make_shared<Item>(std::move(spec));
  // One submitter at a time, so both queues hold the inputs in the same order (otherwise the
  // consumer could wait for an input no worker can reach). The order queue first: the consumer
  // learns the input's place before a worker can fill it.
  std::lock_guard<std::mutex> lock(submit_mu_);
  if (!queues_->order.Push(item)) return false;
  return queues_->work.Push(item);
}

ScanSummary ScanPipeline::Finish() {
  queues_->work.Close();
  queues_->order.Close();
  consumer_.join();
  for (auto& t : pool_) t.join();
  pool_.clear();
  sink_->Flush();
  if (alert_sink_ != nullptr) alert_sink_->Flush();
  PublishMetrics();
  return summary_;
}

void ScanPipeline::ConsumeAll() {
  while (auto next = queues_->order.Pop()) {
    std::shared_ptr<Item> item = std::move(*next);
    ++summary_.inputs;
    InputOutcome outcome;
    while (auto batch = item->events.Pop()) {
      outcome.events += batch->size();
      for (const Event& e : *batch) Consume(e, &summary_);
    }
    if (item->unreadable) {
      ++summary_.unreadable_inputs;
      outcome.unreadable = true;
      outcome.error = item->error;
    }
    if (item->spec.done) {
      // Acknowledging means every event is where it is going: flush the sinks first.
      sink_->Flush();
      if (alert_sink_ != nullptr) alert_sink_->Flush();
      item->spec.done(outcome);
    }
    if (options_.publish_metrics) PublishMetrics();
  }
}

void ScanPipeline::PublishMetrics() {
  std::string out;
  auto line = [&out](std::string_view name, std::string_view labels, double v) {
    out.append(name);
    if (!labels.empty()) out.append("{").append(labels).append("}");
    char buf[64];
    std::snprintf(buf, sizeof buf, " %.17g\n", v);
    out.append(buf);
  };
  auto help = [&out](std::string_view name, std::string_view type, std::string_view text) {
    out.append("# HELP ").append(name).append(" ").append(text).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  };
  struct StageMetric {
    const char* name;
    const char* text;
    std::atomic<uint64_t> StageCounter::*field;
  };
  const StageMetric stage_metrics[] = {
      {"fastpath_stage_records_in_total", "Records that entered a stage.",
       &StageCounter::records_in},
      {"fastpath_stage_records_out_total", "Records that left a stage.",
       &StageCounter::records_out},
      {"fastpath_stage_bytes_in_total", "Bytes that entered a stage.", &StageCounter::bytes_in},
      {"fastpath_stage_bytes_out_total", "Bytes that left a stage.", &StageCounter::bytes_out}};
  for (const StageMetric& m : stage_metrics) {
    help(m.name, "counter", m.text);
    for (int i = 0; i < kNumStages; ++i) {
      const StageCounter& c = counters_.stage(static_cast<Stage>(i));
      line(m.name, "stage=\"" + std::string(StageName(static_cast<Stage>(i))) + "\"",
           static_cast<double>((c.*m.field).load()));
    }
  }
  help("fastpath_drops_total", "counter", "Records and inputs dropped, by reason.");
  for (int i = 0; i < kNumDropReasons; ++i) {
    const DropReason r = static_cast<DropReason>(i);
    line("fastpath_drops_total", "reason=\"" + std::string(DropReasonName(r)) + "\"",
         static_cast<double>(counters_.drops(r)));
  }
  help("fastpath_inputs_total", "counter", "Inputs (files, objects, messages, requests) handled.");
  line("fastpath_inputs_total", "", static_cast<double>(summary_.inputs));
  help("fastpath_events_total", "counter", "Unique events out (first arrivals).");
  line("fastpath_events_total", "", static_cast<double>(summary_.events_out));
  help("fastpath_duplicates_total", "counter", "Later arrivals dropped, by the path they came by.");
  for (int p = 0; p < kNumDeliveryPaths; ++p) {
    line("fastpath_duplicates_total",
         "path=\"" + std::string(DeliveryPathName(static_cast<DeliveryPath>(p))) + "\"",
         static_cast<double>(summary_.duplicates_by_path[p]));
  }
  help("fastpath_rule_matches_total", "counter", "Rule matches on first arrivals.");
  line("fastpath_rule_matches_total", "", static_cast<double>(summary_.rule_matches));
  help("fastpath_alerts_total", "counter", "Alerts raised.");
  line("fastpath_alerts_total", "", static_cast<double>(summary_.alerts));
  help("fastpath_dedupe_ids", "gauge", "Event ids held for de-duplication.");
  line("fastpath_dedupe_ids", "", static_cast<double>(deduper_.entries()));
  // Delivery delay per log type and path, over every account and region, as a summary.
  std::map<std::pair<LogType, DeliveryPath>, LatencyHistogram> merged;
  for (const auto& [key, h] : latency_.delays()) {
    merged[{std::get<0>(key), std::get<3>(key)}].Merge(h);
  }
  help("fastpath_delivery_delay_seconds", "summary",
       "Delay from event time to receipt, by log type and delivery path.");
  for (const auto& [key, h] : merged) {
    const std::string labels = "log_type=\"" + std::string(LogTypeName(key.first)) + "\",path=\"" +
                               std::string(DeliveryPathName(key.second)) + "\"";
    for (double q : {0.5, 0.9, 0.99}) {
      char ql[32];
      std::snprintf(ql, sizeof ql, ",quantile=\"%g\"", q);
      line("fastpath_delivery_delay_seconds", labels + ql,
           static_cast<double>(h.Quantile(q)) / 1000.0);
    }
    line("fastpath_delivery_delay_seconds_count", labels, static_cast<double>(h.count()));
  }
  std::lock_guard<std::mutex> lock(metrics_mu_);
  metrics_text_ = std::move(out);
}

std::string ScanPipeline::MetricsText() const {
  std::lock_guard<std::mutex> lock(metrics_mu_);
  return metrics_text_;
}

std::string ScanPipeline::FormatStats(const ScanSummary& s) const {
  std::string out;
  char line[512];
  out.append("stage counters\n");
  std::snprintf(line, sizeof line, "  %-8s %14s %14s %16s %16s\n", "stage", "records_in",
                "records_out", "bytes_in", "bytes_out");
  out.append(line);
  for (int i = 0; i < kNumStages; ++i) {
    const StageCounter& c = counters_.stage(static_cast<Stage>(i));
    std::snprintf(line, sizeof line, "  %-8s %14llu %14llu %16llu %16llu\n",
                  std::string(StageName(static_cast<Stage>(i))).c_str(),
                  static_cast<unsigned long long>(c.records_in.load()),
                  static_cast<unsigned long long>(c.records_out.load()),
                  static_cast<unsigned long long>(c.bytes_in.load()),
                  static_cast<unsigned long long>(c.bytes_out.load()));
    out.append(line);
  }
  out.append("\ndrops by reason\n");
  bool any = false;
  for (int i = 0; i < kNumDropReasons; ++i) {
    const DropReason r = static_cast<DropReason>(i);
    const uint64_t n = counters_.drops(r);
    if (n == 0) continue;
    any = true;
    std::snprintf(line, sizeof line, "  %-22s %12llu%s\n", std::string(DropReasonName(r)).c_str(),
                  static_cast<unsigned long long>(n), DropIsExpected(r) ? "" : "  (bad input)");
    out.append(line);
  }
  if (!any) out.append("  (none)\n");
  out.append("\nde-duplication\n");
  std::snprintf(
      line, sizeof line,
      "  first arrivals %llu, later arrivals dropped %llu (s3 %llu, cloudwatch_logs %llu, "
      "eventbridge %llu, firehose %llu, file %llu), received earlier but processed later %llu\n",
      static_cast<unsigned long long>(s.events_out), static_cast<unsigned long long>(s.duplicates),
      static_cast<unsigned long long>(s.duplicates_by_path[static_cast<int>(DeliveryPath::kS3)]),
      static_cast<unsigned long long>(
          s.duplicates_by_path[static_cast<int>(DeliveryPath::kCloudWatchLogs)]),
      static_cast<unsigned long long>(
          s.duplicates_by_path[static_cast<int>(DeliveryPath::kEventBridge)]),
      static_cast<unsigned long long>(
          s.duplicates_by_path[static_cast<int>(DeliveryPath::kFirehose)]),
      static_cast<unsigned long long>(s.duplicates_by_path[static_cast<int>(DeliveryPath::kFile)]),
      static_cast<unsigned long long>(s.out_of_order));
  out.append(line);
  std::snprintf(line, sizeof line,
                "  ids held %zu (~%zu KiB), evicted by window %llu, by memory cap %llu\n",
                deduper_.entries(), deduper_.memory_bytes() / 1024,
                static_cast<unsigned long long>(deduper_.evicted_by_window()),
                static_cast<unsigned long long>(deduper_.evicted_by_memory()));
  out.append(line);
  out.append("\n");
  out.append(latency_.FormatTables());
  return out;
}

}  // namespace fastpath
