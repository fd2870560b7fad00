#include "pipeline/scan_pipeline.h"

#include <atomic>
#include <cstdio>
#include <map>
#include <thread>

#include "core/metrics_writer.h"
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
          if (options_.select && !options_.select(e, record)) {
            counters_.Drop(DropReason::kFilteredOut);
            return;
          }
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
        errors_->Report(DropReason::kUnreadable, item->spec.path, ErrorLog::kWholeInput,
                        opened.status().message());
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
  if (options_.liveness) options_.liveness->Observe(e);
  const FirstArrivalDeduper::Arrival a = deduper_.Observe(e.log_type, e.id, e.path, e.received);
  if (options_.timeline) options_.timeline->Observe(e, !a.first, a.out_of_order ? -1 : a.lag);
  if (!a.first) {
    latency_.RecordLag(e.log_type, a.first_path, a.later_path, a.lag);
    counters_.Drop(DropReason::kDuplicate);
    ++summary->duplicates;
    ++summary->duplicates_by_path[static_cast<int>(e.path)];
    if (a.out_of_order) ++summary->out_of_order;
    return;
  }
  PipelineCounters::Add(dd.records_out, 1);
  ++input_firsts_;
  if (journal_ && journal_error_.ok()) {
    journal_error_ = journal_->Add(e.log_type, e.path, e.received, e.id);
  }
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

Result<const DedupeJournal*> ScanPipeline::OpenDedupeState(DedupeJournal::Options options) {
  auto j = DedupeJournal::Open(std::move(options), &deduper_);
  if (!j.ok()) return j.status();
  journal_ = std::move(j).value();
  return static_cast<const DedupeJournal*>(journal_.get());
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
  capacity_ = workers * 2;
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
  ++queued_;
  if (!queues_->order.Push(item)) {
    --queued_;
    return false;
  }
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
    --queued_;  // taken by the consumer: its events follow
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
    if (item->spec.done || journal_) {
      // Acknowledging means every event is where it is going: commit the sinks and alerts
      // first, then the dedupe state (which says they are out), then tell the source.
      Status st = sink_->Commit();
      if (alert_sink_ != nullptr) alert_sink_->Flush();
      if (st.ok() && !journal_error_.ok()) st = journal_error_;
      if (!st.ok()) {
        // Not stored: when the input comes again, its events are new again.
        deduper_.ForgetNewest(input_firsts_);
        if (journal_) journal_->Abort();
      } else if (journal_) {
        st = journal_->Commit(options_.output_mark ? options_.output_mark() : OutputMark{});
      }
      journal_error_ = Status::Ok();
      if (!st.ok() && item->spec.done) {
        outcome.stored = false;
        if (outcome.error.empty()) outcome.error = st.message();
        errors_->Report(DropReason::kNotStored, item->spec.path, ErrorLog::kWholeInput,
                        st.message());
      }
      if (item->spec.done) item->spec.done(outcome);
    }
    input_firsts_ = 0;
    if (options_.publish_metrics) PublishMetrics();
  }
}

namespace {

constexpr MetricFamily kStageMetrics[] = {
    {"fastpath_stage_records_in_total", "counter", "Records that entered a stage."},
    {"fastpath_stage_records_out_total", "counter", "Records that left a stage."},
    {"fastpath_stage_bytes_in_total", "counter", "Bytes that entered a stage."},
    {"fastpath_stage_bytes_out_total", "counter", "Bytes that left a stage."}};
constexpr std::atomic<uint64_t> StageCounter::*kStageFields[] = {
    &StageCounter::records_in, &StageCounter::records_out, &StageCounter::bytes_in,
    &StageCounter::bytes_out};
constexpr MetricFamily kDrops = {"fastpath_drops_total", "counter",
                                 "Records and inputs dropped, by reason."};
constexpr MetricFamily kInputs = {"fastpath_inputs_total", "counter",
                                  "Inputs (files, objects, messages, requests) handled."};
constexpr MetricFamily kEvents = {"fastpath_events_total", "counter",
                                  "Unique events out (first arrivals)."};
constexpr MetricFamily kDuplicates = {"fastpath_duplicates_total", "counter",
                                      "Later arrivals dropped, by the path they came by."};
constexpr MetricFamily kRuleMatches = {"fastpath_rule_matches_total", "counter",
                                       "Rule matches on first arrivals."};
constexpr MetricFamily kAlerts = {"fastpath_alerts_total", "counter", "Alerts raised."};
constexpr MetricFamily kDedupeIds = {"fastpath_dedupe_ids", "gauge",
                                     "Event ids held for de-duplication."};
constexpr MetricFamily kDelay = {
    "fastpath_delivery_delay_seconds", "histogram",
    "Delay from event time to receipt, by log type and delivery path (bucket bounds within "
    "about 3%)."};
// From seconds to a day: EventBridge's seconds, CloudWatch Logs' and S3's minutes, backfills.
constexpr double kDelayBuckets[] = {1,   2,   5,   10,   30,   60,    120,
                                    300, 600, 900, 1800, 3600, 21600, 86400};

}  // namespace

void ScanPipeline::PublishMetrics() {
  MetricsWriter w;
  for (size_t m = 0; m < std::size(kStageMetrics); ++m) {
    for (int i = 0; i < kNumStages; ++i) {
      const StageCounter& c = counters_.stage(static_cast<Stage>(i));
      w.Add(kStageMetrics[m], {{"stage", StageName(static_cast<Stage>(i))}},
            (c.*kStageFields[m]).load());
    }
  }
  for (int i = 0; i < kNumDropReasons; ++i) {
    const DropReason r = static_cast<DropReason>(i);
    w.Add(kDrops, {{"reason", DropReasonName(r)}}, counters_.drops(r));
  }
  w.Add(kInputs, {}, summary_.inputs);
  w.Add(kEvents, {}, summary_.events_out);
  for (int p = 0; p < kNumDeliveryPaths; ++p) {
    w.Add(kDuplicates, {{"path", DeliveryPathName(static_cast<DeliveryPath>(p))}},
          summary_.duplicates_by_path[p]);
  }
  w.Add(kRuleMatches, {}, summary_.rule_matches);
  w.Add(kAlerts, {}, summary_.alerts);
  w.Add(kDedupeIds, {}, static_cast<uint64_t>(deduper_.entries()));
  // Delivery delay per log type and path, over every account and region, as a summary.
  std::map<std::pair<LogType, DeliveryPath>, LatencyHistogram> merged;
  for (const auto& [key, h] : latency_.delays()) {
    merged[{std::get<0>(key), std::get<3>(key)}].Merge(h);
  }
  w.Declare(kDelay);
  for (const auto& [key, h] : merged) {
    const std::string_view type = LogTypeName(key.first), path = DeliveryPathName(key.second);
    for (double le : kDelayBuckets) {
      char bound[32];
      std::snprintf(bound, sizeof bound, "%g", le);
      w.Add(kDelay, {{"log_type", type}, {"path", path}, {"le", bound}},
            h.CountAtMost(static_cast<int64_t>(le * 1000)), "_bucket");
    }
    w.Add(kDelay, {{"log_type", type}, {"path", path}, {"le", "+Inf"}},
          static_cast<uint64_t>(h.count()), "_bucket");
    w.Add(kDelay, {{"log_type", type}, {"path", path}}, static_cast<double>(h.sum()) / 1000.0,
          "_sum");
    w.Add(kDelay, {{"log_type", type}, {"path", path}}, static_cast<uint64_t>(h.count()), "_count");
  }
  std::lock_guard<std::mutex> lock(metrics_mu_);
  metrics_ = std::move(w);
}

namespace {
constexpr MetricFamily kQueued = {
    "fastpath_pipeline_inputs_queued", "gauge",
    "Inputs (objects, requests, batches) submitted to the pipeline and not yet taken by its "
    "ordered consumer; at capacity, sources wait."};
constexpr MetricFamily kCapacity = {"fastpath_pipeline_queue_capacity", "gauge",
                                    "How many inputs the pipeline's queues hold before sources "
                                    "wait (two per worker)."};
}  // namespace

void ScanPipeline::WriteMetrics(MetricsWriter* w) const {
  {
    std::lock_guard<std::mutex> lock(metrics_mu_);
    w->Merge(metrics_);
  }
  w->Add(kQueued, {}, static_cast<uint64_t>(std::max<int64_t>(0, queued_.load())));
  w->Add(kCapacity, {}, static_cast<uint64_t>(capacity_.load()));
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
