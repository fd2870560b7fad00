#include "rules/rule.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>

#include <yaml-cpp/yaml.h>

#include "config/yaml_keys.h"
#include "core/event.h"

namespace fastpath {
namespace {

namespace fs = std::filesystem;

std::string Where(const std::string& file, const YAML::Node& n) {
  return n.IsDefined() ? file + ":" + std::to_string(n.Mark().line + 1) : file;
}

bool IsPlainNumber(const std::string& s) {
  static const std::regex kNumber(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?)");
  return std::regex_match(s, kNumber);
}

// YAML to JSON: plain scalars become null, booleans or numbers when they read as such (YAML 1.2
// core schema); quoted scalars stay strings, so "5" and 5 remain different as patterns need.
void YamlToJson(const YAML::Node& n, std::string* out) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out->append("null");
      return;
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (n.Tag() != "!") {
        if (s == "null" || s == "~" || s == "Null" || s == "NULL") {
          out->append("null");
          return;
        }
        if (s == "true" || s == "false") {
          out->append(s);
          return;
        }
        if (IsPlainNumber(s)) {
          out->append(s);
          return;
        }
      }
      AppendJsonString(out, s);
      return;
    }
    case YAML::NodeType::Sequence: {
      out->push_back('[');
      bool first = true;
      for (const auto& e : n) {
        if (!first) out->push_back(',');
        first = false;
        YamlToJson(e, out);
      }
      out->push_back(']');
      return;
    }
    case YAML::NodeType::Map: {
      out->push_back('{');
      bool first = true;
      for (const auto& kv : n) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(out, kv.first.Scalar());
        out->push_back(':');
        YamlToJson(kv.second, out);
      }
      out->push_back('}');
      return;
    }
  }
}

std::string ReadText(const std::string& path, bool* ok) {
  std::ifstream f(path, std::ios::binary);
  *ok = static_cast<bool>(f);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

Result<LogType> LogTypeFromName(const std::string& name) {
  for (int i = 0; i < kNumLogTypes; ++i) {
    if (LogTypeName(static_cast<LogType>(i)) == name) return static_cast<LogType>(i);
  }
  return Status::InvalidArgument("unknown log type '" + name + "'");
}

std::vector<std::string> StringList(const YAML::Node& n) {
  std::vector<std::string> out;
  if (!n.IsDefined()) return out;
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
  } else if (n.IsSequence()) {
    for (const auto& e : n) out.push_back(e.as<std::string>());
  }
  return out;
}

Result<std::shared_ptr<const EventBridgePattern>> PatternFrom(const YAML::Node& n) {
  std::string json;
  if (n.IsScalar()) {
    json = n.Scalar();  // JSON text in the YAML
  } else {
    YamlToJson(n, &json);
  }
  return EventBridgePattern::Compile(json);
}

Result<TimeNs> Window(const YAML::Node& n) {
  auto d = ParseDuration(n.Scalar());
  if (!d)
    return Status::InvalidArgument("'" + n.Scalar() + "' is not a duration like 10m, 1h, 30s");
  if (*d <= 0) return Status::InvalidArgument("a window must be longer than 0s");
  return *d;
}

std::shared_ptr<Rule> FromSigma(std::shared_ptr<const SigmaRule> s, const std::string& where) {
  auto r = std::make_shared<Rule>();
  r->id = s->id().empty() ? where : s->id();
  r->title = s->title();
  r->severity = s->level().empty() ? "medium" : s->level();
  r->description = s->description();
  r->references = s->references();
  r->tags = s->tags();
  r->log_types = s->log_types();
  r->sigma = std::move(s);
  r->where = where;
  return r;
}

// A path as one spelling of the file (for telling whether a rule names a file); the path as given
// when it cannot be resolved.
std::string Canonical(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return ec ? p.string() : c.string();
}

// A fastpath rule file document. Every problem it has is reported (each at its own line), not
// only the first; a rule with any problem is not loaded. `referenced` collects the event_file
// paths its tests name.
void ParseRuleDoc(const YAML::Node& doc, const std::string& file, RuleSet* out,
                  std::set<std::string>* referenced) {
  static const std::vector<std::string> kKeys = {
      "id",        "title",   "severity", "description", "references", "runbook",
      "tags",      "enabled", "staged",   "log_types",   "pattern",    "sigma",
      "threshold", "dedup",   "suppress", "outputs",     "tests"};
  auto rule = std::make_shared<Rule>();
  rule->where = Where(file, doc);
  size_t problems = 0;
  auto bad = [&](const std::string& where, const std::string& message) {
    out->problems.push_back({where, message});
    ++problems;
  };
  // Each key's own YAML errors (a list where a scalar belongs) are that key's problem.
  auto guarded = [&](const YAML::Node& n, const auto& fn) {
    try {
      fn();
    } catch (const YAML::Exception& e) {
      bad(Where(file, n), e.msg);
    }
  };
  for (const auto& unknown : UnknownKeys(doc, kKeys))
    bad(Where(file, unknown.node), "unknown key '" + unknown.key + "'");
  auto get = [&](const char* k) { return doc[k]; };
  if (!get("id") || !get("id").IsScalar()) {
    bad(Where(file, doc), "a rule needs an id");
  } else {
    rule->id = get("id").Scalar();
  }
  guarded(doc, [&] {
    rule->title = get("title") ? get("title").as<std::string>() : rule->id;
    if (get("description")) rule->description = get("description").as<std::string>();
    if (get("runbook")) rule->runbook = get("runbook").as<std::string>();
    rule->references = StringList(get("references"));
    rule->tags = StringList(get("tags"));
    rule->outputs = StringList(get("outputs"));
    if (get("enabled")) rule->enabled = get("enabled").as<bool>();
    if (get("staged")) rule->staged = get("staged").as<bool>();
  });
  if (get("severity")) {
    guarded(get("severity"), [&] {
      rule->severity = get("severity").as<std::string>();
      static const char* kSev[] = {"info", "informational", "low", "medium", "high", "critical"};
      if (std::find(std::begin(kSev), std::end(kSev), rule->severity) == std::end(kSev))
        bad(Where(file, get("severity")), "severity must be info, low, medium, high or critical");
    });
  }
  guarded(get("log_types"), [&] {
    for (const std::string& t : StringList(get("log_types"))) {
      auto lt = LogTypeFromName(t);
      if (!lt.ok()) {
        bad(Where(file, get("log_types")), lt.status().message());
      } else {
        rule->log_types.push_back(lt.value());
      }
    }
  });
  if (get("pattern") && get("sigma")) {
    bad(Where(file, get("sigma")), "a rule has a pattern or a sigma rule, not both");
  } else if (get("pattern")) {
    auto p = PatternFrom(get("pattern"));
    if (!p.ok()) {
      bad(Where(file, get("pattern")), "invalid pattern: " + p.status().message());
    } else {
      rule->pattern = p.value();
    }
  } else if (get("sigma")) {
    const YAML::Node s = get("sigma");
    Result<std::shared_ptr<const SigmaRule>> sigma = Status::InvalidArgument("");
    bool readable = true;
    if (s.IsScalar()) {
      const fs::path path = fs::path(file).parent_path() / s.Scalar();
      if (referenced != nullptr) referenced->insert(Canonical(path));
      bool ok = false;
      const std::string text = ReadText(path.string(), &ok);
      if (!ok) {
        bad(Where(file, s), "cannot read Sigma rule " + path.string());
        readable = false;
      } else {
        sigma = SigmaRule::Parse(text, path.string());
      }
    } else {
      sigma = SigmaRule::FromYaml(s, file);
    }
    if (readable && !sigma.ok()) {
      // The Sigma loader's message starts with file:line.
      const std::string& m = sigma.status().message();
      const size_t sep = m.find(": ");
      bad(m.substr(0, sep), sep == std::string::npos ? m : m.substr(sep + 2));
    } else if (readable) {
      rule->sigma = sigma.value();
      if (rule->log_types.empty()) rule->log_types = sigma.value()->log_types();
    }
  } else {
    bad(Where(file, doc), "rule '" + rule->id + "' has neither a pattern nor a sigma rule");
  }
  if (const YAML::Node t = get("threshold")) {
    guarded(t, [&] {
      if (t["count"]) rule->threshold.count = t["count"].as<int>();
      if (rule->threshold.count < 1) bad(Where(file, t), "threshold count must be >= 1");
      if (t["window"]) {
        auto w = Window(t["window"]);
        if (!w.ok()) {
          bad(Where(file, t["window"]), w.status().message());
        } else {
          rule->threshold.window = w.value();
        }
      } else if (rule->threshold.count > 1) {
        bad(Where(file, t), "a threshold above 1 needs a window");
      }
      rule->threshold.group_by = StringList(t["group_by"]);
    });
  }
  if (const YAML::Node d = get("dedup")) {
    guarded(d, [&] {
      rule->dedup.keys = StringList(d["keys"]);
      if (!d["window"]) {
        bad(Where(file, d), "dedup needs a window");
      } else if (auto w = Window(d["window"]); !w.ok()) {
        bad(Where(file, d["window"]), w.status().message());
      } else {
        rule->dedup.window = w.value();
      }
    });
  }
  if (const YAML::Node s = get("suppress")) {
    if (!s.IsSequence()) {
      bad(Where(file, s), "suppress is a list of patterns");
    } else {
      for (const auto& p : s) {
        auto c = PatternFrom(p);
        if (!c.ok()) {
          bad(Where(file, p), "invalid suppress pattern: " + c.status().message());
        } else {
          rule->suppress.push_back(c.value());
        }
      }
    }
  }
  if (const YAML::Node tests = get("tests")) {
    if (!tests.IsSequence()) {
      bad(Where(file, tests), "tests is a list");
    } else {
      for (const auto& t : tests) {
        guarded(t, [&] {
          RuleTest rt;
          rt.where = Where(file, t);
          rt.name = t["name"] ? t["name"].as<std::string>() : rt.where;
          if (!t["match"]) {
            bad(rt.where, "test '" + rt.name + "' needs match: true or false");
            return;
          }
          rt.expect_match = t["match"].as<bool>();
          if (t["event"]) {
            YamlToJson(t["event"], &rt.event_json);
          } else if (t["event_file"]) {
            bool ok = false;
            const fs::path path = fs::path(file).parent_path() / t["event_file"].as<std::string>();
            if (referenced != nullptr) referenced->insert(Canonical(path));
            rt.event_json = ReadText(path.string(), &ok);
            if (!ok) {
              bad(rt.where, "cannot read event_file " + t["event_file"].as<std::string>());
              return;
            }
          } else {
            bad(rt.where, "test '" + rt.name + "' needs an event or an event_file");
            return;
          }
          rule->tests.push_back(std::move(rt));
        });
      }
    }
  }
  if (problems == 0) out->rules.push_back(std::move(rule));
}

void LoadFile(const std::string& path, bool named, RuleSet* out,
              std::set<std::string>* referenced) {
  const std::string ext = fs::path(path).extension().string();
  bool ok = false;
  if (ext == ".json") {
    const std::string text = ReadText(path, &ok);
    auto p = EventBridgePattern::Compile(text);
    if (!ok || !p.ok()) {
      out->problems.push_back(
          {path, ok ? "invalid pattern: " + p.status().message() : "cannot be read"});
      return;
    }
    auto r = std::make_shared<Rule>();
    r->id = fs::path(path).stem().string();
    r->title = r->id;
    r->pattern = p.value();
    r->where = path;
    out->rules.push_back(std::move(r));
    return;
  }
  if (ext == ".yml" || ext == ".yaml") {
    const std::string text = ReadText(path, &ok);
    if (!ok) {
      out->problems.push_back({path, "cannot be read"});
      return;
    }
    ParseRuleYaml(text, path, out, referenced);
    return;
  }
  if (named) out->problems.push_back({path, "not a rule file (.json pattern, .yml/.yaml rule)"});
}

}  // namespace

void ParseRuleYaml(const std::string& text, const std::string& where, RuleSet* out,
                   std::set<std::string>* referenced) {
  if (Status st = CheckYamlText(text); !st.ok()) {
    out->problems.push_back({where, st.message()});
    return;
  }
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    out->problems.push_back({where + ":" + std::to_string(e.mark.line + 1), e.msg});
    return;
  }
  for (const YAML::Node& doc : docs) {
    if (doc.IsNull()) continue;
    try {
      if (!doc.IsMap()) {
        out->problems.push_back({Where(where, doc), "a rule is a YAML mapping"});
        continue;
      }
      if (doc["detection"]) {
        auto s = SigmaRule::FromYaml(doc, where);
        if (!s.ok()) {
          // The Sigma loader's message already starts with file:line.
          const std::string& m = s.status().message();
          const size_t sep = m.find(": ");
          out->problems.push_back(
              {m.substr(0, sep), sep == std::string::npos ? m : m.substr(sep + 2)});
          continue;
        }
        out->rules.push_back(FromSigma(s.value(), Where(where, doc)));
        continue;
      }
      ParseRuleDoc(doc, where, out, referenced);
    } catch (const YAML::Exception& e) {
      out->problems.push_back({where + ":" + std::to_string(e.mark.line + 1), e.msg});
    }
  }
}

RuleSet LoadRules(const std::vector<std::string>& paths) {
  RuleSet out;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> files;
      for (auto it = fs::recursive_directory_iterator(p, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file()) files.push_back(it->path().string());
      }
      std::sort(files.begin(), files.end());
      // A file a rule names (a test's event_file, a sigma: path) is part of that rule, not a
      // rule of its own: the documented layout keeps events/ and Sigma files beside the rules.
      std::set<std::string> referenced;
      std::vector<std::pair<std::string, RuleSet>> loaded;
      for (const auto& f : files) {
        loaded.emplace_back(f, RuleSet{});
        LoadFile(f, false, &loaded.back().second, &referenced);
      }
      for (auto& [f, set] : loaded) {
        if (referenced.count(Canonical(f))) continue;
        for (auto& r : set.rules) out.rules.push_back(std::move(r));
        for (auto& pr : set.problems) out.problems.push_back(std::move(pr));
      }
    } else if (fs::exists(p, ec)) {
      LoadFile(p, true, &out, nullptr);
    } else {
      out.problems.push_back({p, "no such file or folder"});
    }
  }
  // Alert ids, dedup and thresholds are keyed by rule id: two rules with one id would merge each
  // other's alerts. The first keeps it; each later one is a problem (and refused by --strict).
  std::map<std::string, std::string> first_at;
  std::vector<std::shared_ptr<const Rule>> unique;
  for (auto& r : out.rules) {
    auto [it, fresh] = first_at.emplace(r->id, r->where);
    if (fresh) {
      unique.push_back(std::move(r));
    } else {
      out.problems.push_back(
          {r->where, "duplicate rule id '" + r->id + "' (first at " + it->second + "); skipped"});
    }
  }
  out.rules = std::move(unique);
  return out;
}

}  // namespace fastpath
