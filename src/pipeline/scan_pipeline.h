// ScanPipeline: the stages joined end to end for one run over a list of inputs.
//
//   source (inputs in order) -> [worker pool: decode -> parse] -> ordered consumer: dedupe -> sink
//
// Inputs are handed to a pool of workers (one per core by default). Each input's events flow back
// through a small bounded channel of its own, and a single consumer drains the channels in input
// order, so output and first-arrival decisions are deterministic and follow arrival order, and
// every queue is bounded: a fast source or worker waits for the consumer (backpressure).
// Per-stage counters are live while it runs and can be read from another thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "alerts/alert_policy.h"
#include "core/alert.h"
#include "core/counters.h"
#include "core/event_sink.h"
#include "core/input.h"
#include "core/metrics_writer.h"
#include "decode/envelope_decoder.h"
#include "dedupe/dedupe_journal.h"
#include "dedupe/delivery_latency.h"
#include "dedupe/first_arrival_deduper.h"
#include "dedupe/path_timeline.h"
#include "dedupe/source_liveness.h"
#include "parse/vpcflow_parser.h"
#include "rules/rule_engine.h"
#include "sinks/event_sink.h"

namespace fastpath {

struct ScanOptions {
  int workers = 0;  // 0: one per core
  EnvelopeDecoder::Limits limits;
  FirstArrivalDeduper::Options dedupe;
  std::optional<TimeNs> received_at;  // fixes the receive time of every input
  size_t batch_events = 2048;
  bool publish_metrics = false;             // keep WriteMetrics() current after every input
  std::shared_ptr<const RuleEngine> rules;  // null: no detection
  // Flow log formats for header-less CloudWatch Logs messages, by log group.
  std::shared_ptr<const std::vector<ConfiguredVpcFlowFormat>> vpc_flow_formats;
  // Keeps only the events it returns true for (run in the workers, before detection; `record`
  // may be null for records not parsed as JSON). Empty: every event.
  std::function<bool(const Event& e, const simdjson::dom::element* record)> select;
  // Told of every arrival, duplicates included (a copy is still the path delivering). Null: off.
  std::shared_ptr<SourceLiveness> liveness;
  // Told of every arrival, per minute, for the dashboard's plots. Null: off.
  std::shared_ptr<PathTimeline> timeline;
  // Where the events output stands after a commit, for the dedupe state (OpenDedupeState).
  std::function<OutputMark()> output_mark;
};

struct ScanSummary {
  uint64_t inputs = 0;
  uint64_t unreadable_inputs = 0;
  uint64_t events_out = 0;
  uint64_t duplicates = 0;
  uint64_t duplicates_by_path[kNumDeliveryPaths] = {};
  uint64_t out_of_order = 0;
  uint64_t rule_matches = 0;  // on first arrivals
  uint64_t alerts = 0;
};

class ScanPipeline final : public InputQueue {
 public:
  // `alerts` may be null when no rules are loaded.
  ScanPipeline(ScanOptions options, EventSink* sink, ErrorLog* errors, AlertSink* alerts = nullptr);
  ~ScanPipeline();

  // Runs every input through the stages; returns when all events reached the sink.
  ScanSummary Run(const std::vector<InputSpec>& inputs);

  // The same as a stream, for sources that never end (the daemon): Start, then Submit from any
  // number of threads (blocks while the pipeline is full), then Finish, which handles what was
  // submitted and returns. Each input's `done` runs on the consumer thread.
  void Start();
  bool Submit(InputSpec spec) override;
  ScanSummary Finish();

  // Adds the counters, dedupe state and latency, as of the last input the consumer finished, to
  // a /metrics response. Safe from any thread.
  void WriteMetrics(MetricsWriter* w) const;

  const PipelineCounters& counters() const { return counters_; }
  const DeliveryLatency& latency() const { return latency_; }
  const FirstArrivalDeduper& deduper() const { return deduper_; }
  // Keeps the dedupe state in a journal (see DedupeJournal): reads it back now, before Start,
  // and from then on records every acknowledged input's first arrivals before its `done` runs.
  Result<const DedupeJournal*> OpenDedupeState(DedupeJournal::Options options);
  // `--stats`: stage counters, drops by reason, dedupe state, latency tables.
  std::string FormatStats(const ScanSummary& summary) const;

 private:
  struct Item;
  void Work();
  void Consume(const Event& e, ScanSummary* summary);

  // Constant after construction.
  const ScanOptions options_;
  EventSink* const sink_;
  ErrorLog* const errors_;
  AlertSink* const alert_sink_;

  PipelineCounters counters_;
  // Owned by the consumer thread (the caller of Run).
  FirstArrivalDeduper deduper_;
  DeliveryLatency latency_;
  AlertPolicy alert_policy_;
  std::vector<Alert> alert_scratch_;
  std::vector<std::string> merged_scratch_;
  std::unique_ptr<DedupeJournal> journal_;
  Status journal_error_;     // the first failure to record the current input's ids
  size_t input_firsts_ = 0;  // the current input's first arrivals

  struct Queues;
  std::unique_ptr<Queues> queues_;
  std::vector<std::thread> pool_;
  std::thread consumer_;
  ScanSummary summary_;  // owned by the consumer until Finish
  void ConsumeAll();
  void PublishMetrics();
  std::mutex submit_mu_;
  std::atomic<int64_t> queued_{0};  // inputs submitted and not yet through the consumer
  std::atomic<int64_t> capacity_{0};
  mutable std::mutex metrics_mu_;
  MetricsWriter metrics_;  // guarded by metrics_mu_
};

}  // namespace fastpath
