#include "pipeline/scan_pipeline.h"

#include <atomic>
#include <cstdio>
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
        [&](Event&& e) {
          batch.push_back(std::move(e));
          if (batch.size() >= options_.batch_events) {
            item->events.Push(std::move(batch));
            batch = EventBatch();
            batch.reserve(options_.batch_events);
          }
        },
        matcher.get());  // detection runs in the workers, on the record as parsed
    RecordContext ctx;
    ctx.source = item->spec.path;
    ctx.received = options_.received_at ? *options_.received_at : item->spec.mtime;
    ctx.received_fixed = options_.received_at.has_value();
    if (item->spec.is_stdin && !options_.received_at) ctx.received = NowNs();
    HintsFromS3Key(item->spec.path, &ctx.account_hint, &ctx.region_hint);

    PipelineCounters::Add(counters_.stage(Stage::kSource).records_in, 1);
    std::unique_ptr<ByteReader> reader;
    if (item->spec.is_stdin) {
      reader = std::make_unique<FdReader>(0, false);
    } else {
      auto opened = FdReader::Open(item->spec.path);
      if (opened.ok()) {
        reader = std::move(opened.value());
      } else {
        item->unreadable = true;
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
      alert_policy_.OnMatch(*options_.rules->rules()[r], e, &alert_scratch_);
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
  const int workers = options_.workers > 0
                          ? options_.workers
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  queues_ = std::make_unique<Queues>(static_cast<size_t>(workers) * 2);
  ScanSummary summary;
  summary.inputs = inputs.size();

  std::thread source([&] {
    for (const InputSpec& spec : inputs) {
      auto item = std::make_shared<Item>(spec);
      if (!queues_->order.Push(item)) break;
      queues_->work.Push(item);
    }
    queues_->work.Close();
    queues_->order.Close();
  });
  std::vector<std::thread> pool;
  for (int i = 0; i < workers; ++i) pool.emplace_back([this] { Work(); });

  while (auto next = queues_->order.Pop()) {
    std::shared_ptr<Item> item = std::move(*next);
    while (auto batch = item->events.Pop()) {
      for (const Event& e : *batch) Consume(e, &summary);
    }
    if (item->unreadable) ++summary.unreadable_inputs;
  }
  source.join();
  for (auto& t : pool) t.join();
  sink_->Flush();
  if (alert_sink_ != nullptr) alert_sink_->Flush();
  return summary;
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
