#include "alerts/dispatcher.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

namespace fastpath {
namespace {

constexpr TimeNs kSecond = 1000000000;

TimeNs Backoff(int attempts) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  const double cap = std::min(300.0, std::pow(2.0, std::min(attempts, 20)));
  return static_cast<TimeNs>(std::uniform_real_distribution<double>(0.5, 1.0)(rng) * cap *
                             static_cast<double>(kSecond));
}

}  // namespace

AlertDispatcher::AlertDispatcher(Outbox* outbox, std::function<void(const std::string&)> log)
    : outbox_(outbox), log_(std::move(log)) {}

AlertDispatcher::~AlertDispatcher() {
  Stop();
}

void AlertDispatcher::Add(OutputConfig config, std::unique_ptr<AlertOutput> output) {
  configs_.push_back(std::move(config));
  outputs_.push_back(std::move(output));
  stats_.push_back(std::make_unique<OutputStats>());
}

void AlertDispatcher::Start() {
  for (size_t i = 0; i < outputs_.size(); ++i) threads_.emplace_back([this, i] { Run(i); });
}

void AlertDispatcher::Wake() {
  {
    std::lock_guard<std::mutex> l(mu_);
    ++wakes_;
  }
  cv_.notify_all();
}

void AlertDispatcher::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void AlertDispatcher::Run(size_t i) {
  const OutputConfig& cfg = configs_[i];
  AlertOutput* out = outputs_[i].get();
  OutputStats* st = stats_[i].get();
  double tokens = cfg.burst;
  TimeNs last_refill = NowNs();
  uint64_t seen_wakes = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> l(mu_);
      if (stop_) return;
      seen_wakes = wakes_;
    }
    auto due = outbox_->Due(cfg.name, NowNs(), 100);
    std::vector<std::pair<Delivery, StoredAlert>> batch;
    if (due.ok()) {
      batch = std::move(due.value());
    } else {
      log_("output " + cfg.name + ": " + due.status().message());
    }
    bool sent_any = false;
    for (auto& [d, a] : batch) {
      {
        std::lock_guard<std::mutex> l(mu_);
        if (stop_) return;
      }
      // Token bucket: rate_per_second, up to `burst` at once.
      for (;;) {
        const TimeNs now = NowNs();
        tokens = std::min<double>(cfg.burst, tokens + static_cast<double>(now - last_refill) /
                                                          kSecond * cfg.rate_per_second);
        last_refill = now;
        if (tokens >= 1) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      tokens -= 1;
      const SendResult r = out->Send(a);
      const TimeNs now = NowNs();
      sent_any = true;
      if (r.ok) {
        st->delivered.fetch_add(1);
        Status s = outbox_->MarkDelivered(a.id, cfg.name, now);
        if (!s.ok()) log_("output " + cfg.name + ": " + s.message());
        continue;
      }
      const bool too_old = now - a.created > cfg.max_age;
      const bool dead = r.permanent || too_old;
      st->failed.fetch_add(1);
      if (dead) st->dead.fetch_add(1);
      log_("output " + cfg.name + ": alert " + a.id + " attempt " + std::to_string(d.attempts + 1) +
           " failed: " + r.error +
           (dead ? (r.permanent ? "; given up (permanent)" : "; given up (older than max_age)")
                 : ""));
      Status s = outbox_->MarkFailed(a.id, cfg.name, r.error, now + Backoff(d.attempts), dead);
      if (!s.ok()) log_("output " + cfg.name + ": " + s.message());
    }
    if (sent_any) continue;
    // Nothing due: sleep until the next retry is due, a new alert arrives, or a second passes.
    TimeNs wait = kSecond;
    auto next = outbox_->NextDue(cfg.name);
    if (next.ok() && next.value() > 0) {
      wait = std::clamp<TimeNs>(next.value() - NowNs(), 0, kSecond);
    }
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, std::chrono::nanoseconds(wait), [&] { return stop_ || wakes_ != seen_wakes; });
  }
}

namespace {

constexpr MetricFamily kDeliveries = {"fastpath_alert_deliveries_total", "counter",
                                      "Alert deliveries per output, by result."};
constexpr MetricFamily kBacklog = {
    "fastpath_outbox_backlog", "gauge",
    "Deliveries in the outbox not delivered, per output: pending (due or waiting to retry) and "
    "dead (given up; `fastpath alerts retry` sends them again)."};

}  // namespace

void AlertDispatcher::WriteMetrics(MetricsWriter* w) const {
  w->Declare(kDeliveries);
  for (size_t i = 0; i < configs_.size(); ++i) {
    const std::string& n = configs_[i].name;
    w->Add(kDeliveries, {{"output", n}, {"result", "delivered"}}, stats_[i]->delivered.load());
    w->Add(kDeliveries, {{"output", n}, {"result", "failed"}}, stats_[i]->failed.load());
    w->Add(kDeliveries, {{"output", n}, {"result", "dead"}}, stats_[i]->dead.load());
  }
  w->Declare(kBacklog);
  auto backlog = outbox_->Backlog();
  if (backlog.ok()) {
    for (const OutputConfig& c : configs_) {
      for (const char* state : {"pending", "dead"}) {
        int64_t n = 0;
        for (const auto& [output, st, count] : backlog.value()) {
          if (output == c.name && st == state) n = count;
        }
        w->Add(kBacklog, {{"output", c.name}, {"state", state}}, static_cast<uint64_t>(n));
      }
    }
  }
}

OutboxAlertSink::OutboxAlertSink(Outbox* outbox, AlertDispatcher* dispatcher, AlertSink* also,
                                 std::function<void(const std::string&)> log)
    : outbox_(outbox), dispatcher_(dispatcher), also_(also), log_(std::move(log)) {}

void OutboxAlertSink::Write(const Alert& a) {
  std::vector<std::string> names;
  for (const OutputConfig& c : dispatcher_->configs()) {
    if (!a.rule->outputs.empty() && std::find(a.rule->outputs.begin(), a.rule->outputs.end(),
                                              c.name) == a.rule->outputs.end()) {
      continue;
    }
    if (!c.severities.empty() && std::find(c.severities.begin(), c.severities.end(),
                                           a.rule->severity) == c.severities.end()) {
      continue;
    }
    names.push_back(c.name);
  }
  const StoredAlert s = ToStored(a, NowNs());
  auto added = outbox_->Add(s, names);
  if (!added.ok()) {
    // The outbox is the durable record: without it the alert would be lost on a crash. Say so
    // loudly; the NDJSON alert log below still gets it.
    log_("alert " + s.id + " could not be stored in the outbox: " + added.status().message());
  } else if (added.value()) {
    dispatcher_->Wake();
  }
  if (also_ != nullptr) also_->Write(a);
}

void OutboxAlertSink::Merged(const std::string& alert_id) {
  if (Status s = outbox_->AddMatch(alert_id); !s.ok()) log_(s.message());
  if (also_ != nullptr) also_->Merged(alert_id);
}

void OutboxAlertSink::Flush() {
  if (also_ != nullptr) also_->Flush();
}

}  // namespace fastpath
