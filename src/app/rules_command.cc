// `fastpath rules check`, `fastpath rules test` and `fastpath rules coverage`.
#include <simdjson.h>

#include <fstream>
#include <iterator>

#include "app/scan_command.h"
#include "core/json_get.h"
#include "decode/byte_reader.h"
#include "decode/envelope_decoder.h"
#include "decode/envelope_encoder.h"
#include "parse/record_fields.h"
#include "parse/record_parser.h"
#include "rules/rule_coverage.h"
#include "rules/rule_engine.h"

namespace fastpath {

void PrintRuleProblems(const RuleSet& set, std::FILE* err) {
  for (const RuleProblem& p : set.problems)
    std::fprintf(err, "fastpath: %s: %s\n", p.where.c_str(), p.message.c_str());
}

namespace {

// The fields a pattern reads that no record of the rule's log types has (where the formats fix
// their fields: parse/record_fields.h), each as "detail.x: no aws.vpcflow record has a field x".
std::vector<std::string> FieldsNeverPresent(const Rule& r) {
  std::vector<std::string> out;
  if (r.pattern == nullptr || r.log_types.empty()) return out;
  std::vector<std::string_view> known;
  std::string types;
  for (LogType t : r.log_types) {
    auto fields = RecordTopLevelFields(t);
    if (fields.empty()) return out;  // an open-ended type: nothing can be said
    known.insert(known.end(), fields.begin(), fields.end());
    types += (types.empty() ? "" : " or ") + std::string(LogTypeName(t));
  }
  for (const std::string& path : r.pattern->Paths()) {
    std::string_view p = path;
    if (p.starts_with("detail.")) {
      p.remove_prefix(7);
    } else if (CloudTrailEventBridgeView::IsEnvelopeKey(p)) {
      continue;
    }
    const std::string_view top = p.substr(0, p.find('.'));
    if (std::find(known.begin(), known.end(), top) == known.end()) {
      out.push_back(path + ": no " + types + " record has a field '" + std::string(top) + "'");
    }
  }
  return out;
}

}  // namespace

int RunRulesCheck(const std::vector<std::string>& paths, std::FILE* out, std::FILE* err) {
  RuleSet set = LoadRules(paths);
  PrintRuleProblems(set, err);
  size_t patterns = 0, sigma = 0, tests = 0, warnings = 0;
  for (const auto& r : set.rules) {
    patterns += r->pattern != nullptr;
    sigma += r->sigma != nullptr;
    tests += r->tests.size();
    for (const std::string& w : FieldsNeverPresent(*r)) {
      std::fprintf(err, "fastpath: warning: %s: rule '%s' can never match: %s\n", r->where.c_str(),
                   r->id.c_str(), w.c_str());
      ++warnings;
    }
  }
  std::fprintf(out,
               "%zu rules loaded (%zu EventBridge patterns, %zu Sigma), %zu tests, %zu problems, "
               "%zu warnings\n",
               set.rules.size(), patterns, sigma, tests, set.problems.size(), warnings);
  return set.problems.empty() ? 0 : 2;
}

namespace {

struct Envelope {
  const char* path;
  std::string bytes;
};

// Every envelope the test event could arrive in.
Result<std::vector<Envelope>> EnvelopesFor(const std::string& event_json) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(event_json).get_object().get(obj) != simdjson::SUCCESS) {
    return Status::InvalidArgument("test event is not a JSON object");
  }
  std::string record;
  std::string_view detail_type;
  simdjson::dom::object detail;
  if (JsonGet(obj["eventVersion"].get_string(), detail_type)) {
    record = event_json;
  } else if (JsonGet(obj["detail-type"].get_string(), detail_type) && detail_type.size() > 14 &&
             detail_type.substr(detail_type.size() - 14) == "via CloudTrail" &&
             JsonGet(obj["detail"].get_object(), detail)) {
    record = simdjson::to_string(detail);
  }
  std::vector<Envelope> out;
  if (record.empty()) {
    out.push_back({"eventbridge", event_json});  // only EventBridge carries other events
    return out;
  }
  simdjson::dom::parser p2;
  simdjson::dom::object rec;
  if (p2.parse(record).get_object().get(rec) != simdjson::SUCCESS)
    return Status::InvalidArgument("bad record");
  std::string_view account = "123456789012", region = "us-east-1", time;
  JsonGet(rec["recipientAccountId"].get_string(), account);
  JsonGet(rec["awsRegion"].get_string(), region);
  JsonGet(rec["eventTime"].get_string(), time);
  const int64_t ms = ParseRfc3339(time).value_or(0) / kNsPerMs;
  out.push_back({"s3", GzipCompress(EncodeCloudTrailLogFile({record}))});
  const std::string cwl = EncodeCwlDataMessage(
      account, "aws-cloudtrail-logs", std::string(account) + "_CloudTrail_" + std::string(region),
      {{"1", ms, record}});
  out.push_back(
      {"cloudwatch_logs", EncodeFirehoseHttpBody("rules-test", ms + 60000, {GzipCompress(cwl)})});
  auto eb = EncodeEventBridgeForCloudTrail(record);
  if (!eb.ok()) return eb.status();
  out.push_back({"eventbridge", eb.value()});
  return out;
}

}  // namespace

int RunRulesTest(const std::vector<std::string>& paths, std::FILE* out, std::FILE* err) {
  RuleSet set = LoadRules(paths);
  PrintRuleProblems(set, err);
  size_t passed = 0, failed = 0;
  PipelineCounters counters;
  ErrorLog errors;
  EnvelopeDecoder decoder({}, &counters, &errors);
  for (const auto& rule : set.rules) {
    // Each rule alone, so a test checks its own rule (enabled or not).
    auto copy = std::make_shared<Rule>(*rule);
    copy->enabled = true;
    RuleEngine engine({copy});
    RuleEngine::Matcher matcher(engine);
    for (const RuleTest& t : rule->tests) {
      auto envelopes = EnvelopesFor(t.event_json);
      if (!envelopes.ok()) {
        std::fprintf(out, "FAIL %s: %s: %s: %s\n", t.where.c_str(), rule->id.c_str(),
                     t.name.c_str(), envelopes.status().message().c_str());
        ++failed;
        continue;
      }
      for (const Envelope& env : envelopes.value()) {
        bool matched = false;
        size_t events = 0;
        RecordParser parser(&counters, &errors, [&](Event&& e, const simdjson::dom::element*) {
          ++events;
          std::vector<uint32_t> hits;
          matcher.Match(e, &hits);
          matched = matched || !hits.empty();
        });
        RecordContext ctx;
        ctx.source = "rules test";
        decoder.DecodeStream(std::make_unique<MemoryReader>(env.bytes), ctx, &parser);
        const bool ok = events > 0 && matched == t.expect_match;
        std::fprintf(
            out, "%s %s: %s via %s: expected %s, %s\n", ok ? "ok  " : "FAIL", rule->id.c_str(),
            t.name.c_str(), env.path, t.expect_match ? "a match" : "no match",
            events == 0 ? "the envelope gave no event" : (matched ? "matched" : "no match"));
        (ok ? passed : failed)++;
      }
    }
  }
  std::fprintf(out, "%zu passed, %zu failed\n", passed, failed);
  if (!set.problems.empty()) return 2;
  return failed == 0 ? 0 : 1;
}

int RunRulesCoverage(const std::vector<std::string>& paths, const std::string& check,
                     std::FILE* out, std::FILE* err) {
  RuleSet set = LoadRules(paths);
  PrintRuleProblems(set, err);
  if (!set.problems.empty()) return 2;
  std::string source;
  for (const std::string& p : paths) source += (source.empty() ? "" : " ") + p;
  const std::string doc = RuleCoverageMarkdown(set, source);
  if (check.empty()) {
    std::fputs(doc.c_str(), out);
    return 0;
  }
  std::ifstream f(check, std::ios::binary);
  const std::string have((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (!f && !f.eof()) {
    std::fprintf(err, "fastpath: %s: cannot be read\n", check.c_str());
    return 2;
  }
  if (have != doc) {
    std::fprintf(err,
                 "fastpath: %s is not the coverage of %s: regenerate it with fastpath rules "
                 "coverage rules/ > %s\n",
                 check.c_str(), source.c_str(), check.c_str());
    return 1;
  }
  std::fprintf(out, "%s matches the coverage of %s\n", check.c_str(), source.c_str());
  return 0;
}

}  // namespace fastpath
