// `fastpath search`: events (or the alerts rules raise on them) from the lake. The listing
// prunes partitions by folder name; objects are read by a pool of workers, one per core, and
// their results written in listing order (time order), so output and alerts are the same on
// every run.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "alerts/alert_policy.h"
#include "app/lake_command.h"
#include "app/scan_command.h"
#include "lake/event_filter.h"
#include "lake/lake_reader.h"
#include "rules/eventbridge_pattern.h"
#include "rules/rule_engine.h"

namespace fastpath {

namespace {

struct ObjectResult {
  bool done = false;
  std::string lines;           // events output
  std::vector<Event> matched;  // alerts output: events with their matches and records
  uint64_t events = 0, selected = 0, bad_lines = 0;
  std::vector<std::string> messages;  // bad lines (the first few) and read errors
  bool failed = false;
};

struct Search {
  Search(const lake::LakeStore& st, const lake::LakeListing& li, const lake::EventFilter& fi)
      : store(st), listing(li), filter(fi) {}
  const lake::LakeStore& store;
  const lake::LakeListing& listing;
  const lake::EventFilter& filter;
  std::shared_ptr<const RuleEngine> rules;
  bool want_alerts = false;

  std::mutex mu;
  std::condition_variable cv;
  std::vector<ObjectResult> results;
  size_t next = 0;     // the next object a worker takes
  size_t emitted = 0;  // objects written out
  size_t window = 8;   // how far workers may run ahead of the writer

  void Work() {
    simdjson::dom::parser parser;
    std::unique_ptr<RuleEngine::Matcher> matcher;
    if (rules) matcher = std::make_unique<RuleEngine::Matcher>(*rules);
    std::string scratch;
    while (true) {
      size_t i;
      {
        std::unique_lock<std::mutex> l(mu);
        cv.wait(l, [&] { return next >= results.size() || next < emitted + window; });
        if (next >= results.size()) return;
        i = next++;
      }
      ObjectResult r;
      const lake::LakeObjectRef& obj = listing.objects[i];
      uint64_t line_no = 0;
      Event e;
      Status st = lake::ReadLakeObject(store, obj.key, [&](std::string_view line) {
        ++line_no;
        simdjson::dom::element record;
        Status ps = lake::ParseLakeLine(parser, line, &e, &record);
        if (!ps.ok()) {
          ++r.bad_lines;
          if (r.messages.size() < 5) {
            r.messages.push_back(store.Describe(obj.key) + ": line " + std::to_string(line_no) +
                                 ": " + ps.message());
          }
          return;
        }
        ++r.events;
        if (!filter.Matches(e, record, &scratch)) return;
        if (matcher) {
          matcher->Match(e, record, &e.matched_rules);
          if (e.matched_rules.empty()) return;
        }
        ++r.selected;
        if (want_alerts) {
          e.json = simdjson::minify(record);
          r.matched.push_back(e);
        } else {
          r.lines.append(line);
          r.lines.push_back('\n');
        }
      });
      if (!st.ok()) {
        r.failed = true;
        r.messages.push_back(st.message());
      }
      r.done = true;
      std::lock_guard<std::mutex> l(mu);
      results[i] = std::move(r);
      cv.notify_all();
    }
  }
};

}  // namespace

std::optional<TimeNs> ParseTimeBound(std::string_view text, TimeNs now) {
  if (auto d = ParseDuration(text)) return now - *d;
  if (auto t = ParseRfc3339(text)) return t;
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (text.size() == 10 &&
      std::sscanf(std::string(text).c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3) {
    return TimeFromCivil(y, m, d, 0, 0, 0);
  }
  return std::nullopt;
}

Result<lake::LakeFilter> MakeLakeFilter(const LakeFilterOptions& o, TimeNs now) {
  lake::LakeFilter f;
  for (const std::string& t : o.log_types) {
    const std::string name = lake::CanonicalLogTypeName(t);
    if (name.empty()) {
      std::string known;
      for (int i = 1; i < kNumLogTypes; ++i) {
        known += (known.empty() ? "" : ", ") + std::string(LogTypeName(static_cast<LogType>(i)));
      }
      return Status::InvalidArgument("--log-type '" + t + "' is no log type (" + known + ")");
    }
    f.log_types.push_back(name);
  }
  f.accounts = o.accounts;
  f.regions = o.regions;
  if (!o.since.empty()) {
    f.since = ParseTimeBound(o.since, now);
    if (!f.since) {
      return Status::InvalidArgument("--since '" + o.since +
                                     "' is not an RFC 3339 time, a date or a duration (30d, 6h)");
    }
  }
  if (!o.until.empty()) {
    f.until = ParseTimeBound(o.until, now);
    if (!f.until) {
      return Status::InvalidArgument("--until '" + o.until +
                                     "' is not an RFC 3339 time, a date or a duration (30d, 6h)");
    }
  }
  if (f.since && f.until && *f.until <= *f.since) {
    return Status::InvalidArgument("--until is not after --since");
  }
  return f;
}

namespace {

// What a search over the lake hands its caller, object by object in listing order.
// Returns true when it wrote a result (for the time to the first).
// `rules` is the engine the search loaded (an empty one when none was given).
using ObjectConsumer =
    std::function<bool(ObjectResult&& r, const std::shared_ptr<const RuleEngine>& rules)>;

// The search itself, shared by `search` and `rules backtest`: options checked, partitions listed
// and pruned, objects read by the workers; `consume` sees each object's result in order.
// Returns the exit code.
int SearchLake(const SearchCommandOptions& o, const char* cmd, std::FILE* err, bool want_records,
               const ObjectConsumer& consume) {
  auto filter = MakeLakeFilter(o.filter, NowNs());
  if (!filter.ok()) {
    std::fprintf(err, "fastpath %s: %s\n", cmd, filter.status().message().c_str());
    return 2;
  }
  auto event_filter = lake::EventFilter::Make(filter.value(), o.where);
  if (!event_filter.ok()) {
    std::fprintf(err, "fastpath %s: %s\n", cmd, event_filter.status().message().c_str());
    return 2;
  }
  std::shared_ptr<const RuleEngine> engine;
  if (!o.rules.empty() || !o.patterns.empty()) {
    for (const std::string& r : o.rules) {
      if (::access(r.c_str(), F_OK) != 0) {
        std::fprintf(err, "fastpath %s: --rules %s: no such file or folder\n", cmd, r.c_str());
        return 2;
      }
    }
    RuleSet set = LoadRules(o.rules);
    PrintRuleProblems(set, err);
    if (!set.problems.empty()) return 2;
    for (size_t i = 0; i < o.patterns.size(); ++i) {
      auto p = EventBridgePattern::Compile(o.patterns[i]);
      if (!p.ok()) {
        std::fprintf(err, "fastpath %s: --pattern: %s\n", cmd, p.status().message().c_str());
        return 2;
      }
      auto r = std::make_shared<Rule>();
      r->id = o.patterns.size() == 1 ? "pattern" : "pattern-" + std::to_string(i + 1);
      r->title = "--pattern " + o.patterns[i];
      r->pattern = p.value();
      r->where = "--pattern";
      set.rules.push_back(std::move(r));
    }
    engine = std::make_shared<RuleEngine>(std::move(set.rules));
  } else if (want_records) {
    std::fprintf(err, "fastpath %s: rules are needed (--rules or --pattern)\n", cmd);
    return 2;
  }

  auto loc = lake::ParseLakeLocation(o.lake);
  if (!loc.ok()) {
    std::fprintf(err, "fastpath %s: %s\n", cmd, loc.status().message().c_str());
    return 2;
  }
  std::unique_ptr<aws::AwsClient> client;
  if (loc.value().is_s3) client = MakeAwsClient(o.aws);
  auto store = lake::OpenLakeStore(loc.value(), client.get());
  if (!store.ok()) {
    std::fprintf(err, "fastpath %s: %s\n", cmd, store.status().message().c_str());
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  lake::LakeListing listing;
  if (Status st = lake::ListLake(*store.value(), filter.value(), &listing); !st.ok()) {
    std::fprintf(err, "fastpath %s: %s\n", cmd, st.message().c_str());
    return 1;
  }
  for (const lake::LakeProblem& p : listing.problems) {
    std::fprintf(err, "fastpath %s: %s: %s\n", cmd, p.where.c_str(), p.reason.c_str());
  }

  Search s(*store.value(), listing, event_filter.value());
  s.rules = engine;
  s.want_alerts = want_records;
  s.results.resize(listing.objects.size());
  const int workers = o.workers > 0
                          ? o.workers
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  s.window = static_cast<size_t>(workers) * 4;
  std::vector<std::thread> pool;
  for (int i = 0; i < workers; ++i) pool.emplace_back([&s] { s.Work(); });

  const bool bar = o.progress && ::isatty(::fileno(err));
  uint64_t events = 0, selected = 0, bad_lines = 0, failed = 0, bytes_done = 0;
  int messages = 0;
  auto last_draw = std::chrono::steady_clock::now();
  double first_result_s = -1;
  for (size_t i = 0; i < listing.objects.size(); ++i) {
    ObjectResult r;
    {
      std::unique_lock<std::mutex> l(s.mu);
      s.cv.wait(l, [&] { return s.results[i].done; });
      r = std::move(s.results[i]);
      s.results[i] = ObjectResult();
      s.emitted = i + 1;
      s.cv.notify_all();
    }
    events += r.events;
    selected += r.selected;
    bad_lines += r.bad_lines;
    bytes_done += listing.objects[i].size;
    if (r.failed) ++failed;
    for (const std::string& m : r.messages) {
      if (++messages <= 20)
        std::fprintf(err, "%sfastpath search: %s\n", bar ? "\r" : "", m.c_str());
    }
    static const auto kNoRules =
        std::make_shared<const RuleEngine>(std::vector<std::shared_ptr<const Rule>>());
    if (consume(std::move(r), engine ? engine : kNoRules) && first_result_s < 0) {
      first_result_s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    }
    if (o.max_selected > 0 && selected >= o.max_selected && i + 1 < listing.objects.size()) {
      std::lock_guard<std::mutex> l(s.mu);  // enough: the workers take no more objects
      s.next = listing.objects.size();
      s.cv.notify_all();
      break;
    }
    const auto now = std::chrono::steady_clock::now();
    if (bar && now - last_draw > std::chrono::milliseconds(100)) {
      last_draw = now;
      const double frac =
          listing.bytes == 0 ? 1.0
                             : static_cast<double>(bytes_done) / static_cast<double>(listing.bytes);
      char cells[31];
      for (int c = 0; c < 30; ++c) cells[c] = c < static_cast<int>(frac * 30) ? '#' : '.';
      cells[30] = 0;
      std::fprintf(err, "\r[%s] %3d%%  %zu/%zu objects  %llu events  %llu selected", cells,
                   static_cast<int>(frac * 100), i + 1, listing.objects.size(),
                   static_cast<unsigned long long>(events),
                   static_cast<unsigned long long>(selected));
      std::fflush(err);
    }
  }
  for (std::thread& t : pool) t.join();
  if (bar) std::fprintf(err, "\r%80s\r", "");
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(err,
               "fastpath %s: %zu objects (%.1f MB) in the selected partitions, %llu folders "
               "listed; %llu events read, %llu selected in %.2f s\n",
               cmd, listing.objects.size(), static_cast<double>(listing.bytes) / 1e6,
               static_cast<unsigned long long>(listing.folders_listed),
               static_cast<unsigned long long>(events), static_cast<unsigned long long>(selected),
               secs);
  if (first_result_s >= 0) {
    std::fprintf(err, "fastpath %s: first result after %.3f s\n", cmd, first_result_s);
  }
  if (bad_lines > 0 || failed > 0 || !listing.problems.empty()) {
    std::fprintf(err,
                 "fastpath %s: %llu bad lines skipped, %llu objects not read to the end, %zu "
                 "other problems\n",
                 cmd, static_cast<unsigned long long>(bad_lines),
                 static_cast<unsigned long long>(failed), listing.problems.size());
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace

int RunSearch(const SearchCommandOptions& o, std::FILE* out, std::FILE* err) {
  if (o.output != "events" && o.output != "alerts") {
    std::fprintf(err, "fastpath search: --output must be events or alerts\n");
    return 2;
  }
  const bool alerts_out = o.output == "alerts";
  AlertPolicy policy;
  std::vector<Alert> alerts;
  std::string buf;
  uint64_t raised = 0;
  const int rc = SearchLake(o, "search", err, alerts_out,
                            [&](ObjectResult&& r, const std::shared_ptr<const RuleEngine>& rules) {
                              if (alerts_out) {
                                // In time order, as scan raises them: thresholds and dedup
                                // windows work the same.
                                for (const Event& e : r.matched) {
                                  for (uint32_t ri : e.matched_rules) {
                                    alerts.clear();
                                    policy.OnMatch(*rules->rules()[ri], e, &alerts);
                                    for (const Alert& a : alerts) AppendAlertJsonLine(a, &buf);
                                    raised += alerts.size();
                                  }
                                }
                              } else if (!r.lines.empty()) {
                                std::fwrite(r.lines.data(), 1, r.lines.size(), out);
                                return true;
                              }
                              if (buf.empty()) return false;
                              std::fwrite(buf.data(), 1, buf.size(), out);
                              buf.clear();
                              return true;
                            });
  std::fflush(out);
  if (alerts_out && rc != 2) {
    std::fprintf(err, "fastpath search: %llu alerts\n", static_cast<unsigned long long>(raised));
  }
  return rc;
}

namespace {

// The first string among `paths` in the record ("a.b" descends objects).
std::string FirstString(simdjson::dom::element record,
                        std::initializer_list<std::string_view> paths) {
  for (std::string_view path : paths) {
    simdjson::dom::element v = record;
    bool found = true;
    size_t start = 0;
    while (found && start <= path.size()) {
      const size_t dot = path.find('.', start);
      const std::string_view key =
          path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
      found = !v.at_key(key).get(v);
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    std::string_view str;
    if (found && !v.get_string().get(str) && !str.empty()) return std::string(str);
  }
  return {};
}

struct RuleTally {
  uint64_t matches = 0, alerts = 0;
  std::map<std::string, std::pair<uint64_t, uint64_t>> days;  // matches, alerts
  std::map<std::string, uint64_t> principals, ips;
};

std::vector<std::pair<std::string, uint64_t>> Top(const std::map<std::string, uint64_t>& m, int n) {
  std::vector<std::pair<std::string, uint64_t>> v(m.begin(), m.end());
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (v.size() > static_cast<size_t>(n)) v.resize(static_cast<size_t>(n));
  return v;
}

}  // namespace

int RunRulesBacktest(const BacktestOptions& options, std::FILE* out, std::FILE* err) {
  SearchCommandOptions o = options.search;
  if (o.filter.since.empty()) o.filter.since = "30d";
  if (o.rules.empty()) {
    std::fprintf(err, "fastpath rules backtest: no rule given\n");
    return 2;
  }
  AlertPolicy policy;
  std::vector<Alert> alerts;
  std::vector<RuleTally> tally;
  simdjson::dom::parser parser;
  std::shared_ptr<const RuleEngine> engine;
  const int rc = SearchLake(
      o, "rules backtest", err, /*want_records=*/true,
      [&](ObjectResult&& r, const std::shared_ptr<const RuleEngine>& rules) {
        engine = rules;
        tally.resize(rules->rules().size());
        for (const Event& e : r.matched) {
          const std::string day = FormatRfc3339(e.time).substr(0, 10);
          simdjson::dom::element record;
          const bool parsed = !parser.parse(e.json).get(record);
          for (uint32_t ri : e.matched_rules) {
            RuleTally& t = tally[ri];
            ++t.matches;
            ++t.days[day].first;
            alerts.clear();
            policy.OnMatch(*rules->rules()[ri], e, &alerts);
            t.alerts += alerts.size();
            t.days[day].second += alerts.size();
            if (!parsed) continue;
            const std::string who = FirstString(
                record, {"userIdentity.arn", "userIdentity.principalId", "userIdentity.userName"});
            const std::string ip =
                FirstString(record, {"sourceIPAddress", "srcaddr", "client_ip", "clientIp",
                                     "httpRequest.clientIp", "srcAddr"});
            if (!who.empty()) ++t.principals[who];
            if (!ip.empty()) ++t.ips[ip];
          }
        }
        return false;
      });
  if (rc == 2 || engine == nullptr) {
    if (rc != 2) std::fprintf(err, "fastpath rules backtest: nothing in the selected partitions\n");
    return rc == 2 ? 2 : rc;
  }
  tally.resize(engine->rules().size());
  std::string s;
  for (size_t i = 0; i < tally.size(); ++i) {
    const Rule& rule = *engine->rules()[i];
    const RuleTally& t = tally[i];
    if (options.json) {
      s += "{\"rule_id\":";
      AppendJsonString(&s, rule.id);
      s += ",\"matches\":" + std::to_string(t.matches) + ",\"alerts\":" + std::to_string(t.alerts) +
           ",\"days\":[";
      bool first = true;
      for (const auto& [day, n] : t.days) {
        s += std::string(first ? "" : ",") + "{\"day\":\"" + day +
             "\",\"matches\":" + std::to_string(n.first) +
             ",\"alerts\":" + std::to_string(n.second) + "}";
        first = false;
      }
      for (const auto& [name, m] : {std::pair<const char*, const std::map<std::string, uint64_t>*>{
                                        "principals", &t.principals},
                                    {"source_ips", &t.ips}}) {
        s += std::string("],\"top_") + name + "\":[";
        first = true;
        for (const auto& [k, n] : Top(*m, options.top)) {
          s += first ? "{\"value\":" : ",{\"value\":";
          AppendJsonString(&s, k);
          s += ",\"count\":" + std::to_string(n) + "}";
          first = false;
        }
      }
      s += "]}\n";
      continue;
    }
    s += rule.id + " (" + rule.severity + "): " + std::to_string(t.matches) + " matches, " +
         std::to_string(t.alerts) + " alerts\n";
    if (t.days.empty()) continue;
    s += "  day           matches    alerts\n";
    for (const auto& [day, n] : t.days) {
      char line[96];
      std::snprintf(line, sizeof line, "  %s %9llu %9llu\n", day.c_str(),
                    static_cast<unsigned long long>(n.first),
                    static_cast<unsigned long long>(n.second));
      s += line;
    }
    for (const auto& [label, m] : {std::pair<const char*, const std::map<std::string, uint64_t>*>{
                                       "principals", &t.principals},
                                   {"source IPs", &t.ips}}) {
      if (m->empty()) continue;
      s += std::string("  top ") + label + ":";
      for (const auto& [k, n] : Top(*m, options.top)) s += " " + k + " (" + std::to_string(n) + ")";
      s += "\n";
    }
  }
  std::fputs(s.c_str(), out);
  return rc;
}

}  // namespace fastpath

namespace fastpath {

Result<std::vector<std::string>> SearchForDashboard(const std::string& lake, const AwsSettings& aws,
                                                    const DashboardSearchQuery& q) {
  SearchCommandOptions o;
  o.lake = lake;
  o.aws = aws;
  o.progress = false;
  o.max_selected = q.limit;
  if (!q.log_type.empty()) o.filter.log_types.push_back(q.log_type);
  if (!q.account.empty()) o.filter.accounts.push_back(q.account);
  if (!q.region.empty()) o.filter.regions.push_back(q.region);
  o.filter.since = q.since;
  o.filter.until = q.until;
  o.where = q.where;
  char* out_buf = nullptr;
  char* err_buf = nullptr;
  size_t out_len = 0, err_len = 0;
  std::FILE* out = open_memstream(&out_buf, &out_len);
  std::FILE* err = open_memstream(&err_buf, &err_len);
  if (out == nullptr || err == nullptr) {
    if (out) std::fclose(out);
    if (err) std::fclose(err);
    std::free(out_buf);
    std::free(err_buf);
    return Status::IoError("search: cannot allocate its output");
  }
  const int rc = RunSearch(o, out, err);
  std::fclose(out);
  std::fclose(err);
  const std::string text(out_buf, out_len), messages(err_buf, err_len);
  std::free(out_buf);
  std::free(err_buf);
  if (rc == 2) {
    // Usage problems: the first line says which option was wrong.
    return Status::InvalidArgument(messages.substr(0, messages.find('\n')));
  }
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size() && lines.size() < q.limit) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    if (end > pos) lines.emplace_back(text, pos, end - pos);
    pos = end + 1;
  }
  return lines;
}

}  // namespace fastpath
