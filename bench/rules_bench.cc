// Rule matching on parsed CloudTrail events (the bundled data), with 10 to 10,000 generated
// EventBridge rules and with the SigmaHQ AWS pack, in events/s on one core. Each run checks its
// answer: the number of matches must equal what a rule-by-rule evaluation finds.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "decode/byte_reader.h"
#include "decode/envelope_decoder.h"
#include "parse/record_parser.h"
#include "rules/rule_engine.h"

namespace fastpath {
namespace {

struct Parsed {
  std::vector<Event> events;
  std::vector<std::unique_ptr<simdjson::dom::parser>> parsers;  // one per event, keeps its DOM
  std::vector<simdjson::dom::element> records;
};

Parsed& Corpus() {
  static Parsed* p = [] {
    auto* out = new Parsed;
    PipelineCounters counters;
    ErrorLog errors;
    EnvelopeDecoder decoder({}, &counters, &errors);
    RecordParser parser(&counters, &errors, [&](Event&& e, const simdjson::dom::element*) {
      out->events.push_back(std::move(e));
    });
    for (auto& f : std::filesystem::directory_iterator(std::string(FASTPATH_SOURCE_DIR) +
                                                       "/data/demo/cloudtrail")) {
      auto r = FdReader::Open(f.path().string());
      RecordContext ctx;
      ctx.source = "bench";
      decoder.DecodeStream(std::move(r.value()), ctx, &parser);
    }
    for (const Event& e : out->events) {
      out->parsers.push_back(std::make_unique<simdjson::dom::parser>());
      out->records.push_back(out->parsers.back()->parse(e.json).value());
    }
    return out;
  }();
  return *p;
}

std::vector<std::shared_ptr<const Rule>> GeneratedRules(int n) {
  const Parsed& c = Corpus();
  std::vector<std::string> names;
  for (size_t i = 0; i < c.records.size(); i += 7) {
    std::string_view name;
    if (c.records[i]["eventName"].get_string().get(name) == simdjson::SUCCESS)
      names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::vector<std::shared_ptr<const Rule>> rules;
  for (int i = 0; i < n; ++i) {
    auto r = std::make_shared<Rule>();
    r->id = "gen-" + std::to_string(i);
    std::string pattern;
    // A rule pack watches many APIs, few of which a given event calls: the first 50 rules name
    // APIs seen in the data, the rest other APIs. One rule in 200 has no exact field at all (it
    // must be evaluated for every event); one in 20 anchors on a prefix.
    const std::string name =
        i < 50 ? names[static_cast<size_t>(i) % names.size()] : "SyntheticApi" + std::to_string(i);
    if (i % 200 == 199) {
      pattern =
          R"({"detail":{"userIdentity":{"type":["Root"]},"eventName":[{"anything-but":["ConsoleLogin","GetCallerIdentity"]}]}})";
    } else if (i % 20 == 0) {
      pattern = R"({"detail":{"eventName":[{"prefix":")" + name.substr(0, 6) +
                R"("}],"sourceIPAddress":[{"cidr":"10.)" + std::to_string(i % 200) +
                R"(.0.0/16"}]}})";
    } else if (i % 20 < 3) {
      pattern = R"({"source":["aws.iam","aws.s3"],"detail":{"eventName":[")" + name +
                R"("],"userIdentity":{"type":[{"anything-but":"AWSService"}]}}})";
    } else {
      pattern = R"({"detail":{"eventName":[")" + name + R"("],"readOnly":[false]}})";
    }
    r->pattern = EventBridgePattern::Compile(pattern).value();
    rules.push_back(std::move(r));
  }
  return rules;
}

void RunMatching(benchmark::State& state, std::vector<std::shared_ptr<const Rule>> rules) {
  const Parsed& c = Corpus();
  RuleEngine engine(rules);
  RuleEngine::Matcher matcher(engine);
  // The answer, rule by rule, without the index.
  size_t expected = 0;
  for (size_t i = 0; i < c.events.size(); ++i) {
    for (const auto& r : rules) {
      const bool ct = c.events[i].log_type == LogType::kCloudTrail;
      if (r->pattern)
        expected +=
            ct ? r->pattern->Matches(CloudTrailEventBridgeView(c.records[i], c.events[i])) : 0;
      if (r->sigma) expected += r->sigma->Matches(c.records[i]);
    }
  }
  std::vector<uint32_t> hits;
  for (auto _ : state) {
    size_t matches = 0;
    for (size_t i = 0; i < c.events.size(); ++i) {
      hits.clear();
      matcher.Match(c.events[i], c.records[i], &hits);
      matches += hits.size();
    }
    if (matches != expected) {
      state.SkipWithError("the indexed matcher disagrees with rule-by-rule evaluation");
      break;
    }
    state.counters["matches"] = static_cast<double>(matches);
    state.counters["indexed"] = static_cast<double>(engine.indexed_rules());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(c.events.size()));
}

void BM_EventBridgeRules(benchmark::State& state) {
  RunMatching(state, GeneratedRules(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_EventBridgeRules)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond);

void BM_SigmaAwsPack(benchmark::State& state) {
  RuleSet set = LoadRules({std::string(FASTPATH_SOURCE_DIR) + "/testdata/sigma"});
  if (set.rules.size() != 57) state.SkipWithError("the Sigma pack did not load");
  RunMatching(state, set.rules);
}
BENCHMARK(BM_SigmaAwsPack)->Unit(benchmark::kMillisecond);

void BM_FastpathRulePack(benchmark::State& state) {
  RuleSet set = LoadRules({std::string(FASTPATH_SOURCE_DIR) + "/rules"});
  RunMatching(state, set.rules);
}
BENCHMARK(BM_FastpathRulePack)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fastpath

BENCHMARK_MAIN();
