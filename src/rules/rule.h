// Rule: one detection rule as fastpath runs it, whichever file it came from: a fastpath rule file
// (YAML with metadata, a `pattern` or `sigma`, threshold, dedup, suppress, outputs and tests), a
// bare EventBridge pattern (.json) or a Sigma rule (.yml). RuleSet loading reports each bad rule
// with file:line and reason and keeps the others. Rules are immutable once loaded.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "config/yaml_text.h"
#include "core/event.h"
#include "core/time_util.h"
#include "rules/eventbridge_pattern.h"
#include "rules/sigma_rule.h"

namespace fastpath {

struct RuleTest {
  std::string name;
  std::string event_json;  // a CloudTrail record or an EventBridge event
  bool expect_match = true;
  std::string where;  // file:line
};

struct Rule {
  std::string id;
  std::string title;
  std::string severity = "medium";  // info, low, medium, high, critical
  std::string description;
  std::string runbook;
  std::vector<std::string> references;
  std::vector<std::string> tags;     // ATT&CK: attack.t1562.008, ...
  std::vector<std::string> outputs;  // names of configured outputs (the alerting stage uses them)
  bool enabled = true;
  bool staged = false;             // matches are reported as staged, for tuning before going live
  std::vector<LogType> log_types;  // empty: every log type
  std::shared_ptr<const EventBridgePattern> pattern;  // exactly one of pattern and sigma
  std::shared_ptr<const SigmaRule> sigma;
  struct {
    int count = 1;  // alert when this many matches arrive within `window`
    TimeNs window = 0;
    std::vector<std::string> group_by;  // dotted paths into the record
  } threshold;
  struct {
    std::vector<std::string> keys;  // dotted paths; empty with a window: one alert per window
    TimeNs window = 0;              // 0: no de-duplication
  } dedup;
  std::vector<std::shared_ptr<const EventBridgePattern>>
      suppress;  // a match of any silences the rule
  std::vector<RuleTest> tests;
  std::string where;  // file:line where the rule starts
};

struct RuleProblem {
  std::string where;  // file:line
  std::string message;
};

struct RuleSet {
  std::vector<std::shared_ptr<const Rule>> rules;
  std::vector<RuleProblem> problems;
};

// Loads files and folders (recursively): .json are bare EventBridge patterns, .yml/.yaml are
// fastpath rule files or Sigma rules (told apart by their keys). Other files in folders are
// skipped, and so are the files in a folder that its rules name (a test's event_file, a sigma:
// path): they are part of those rules. A named file of another kind is a problem.
RuleSet LoadRules(const std::vector<std::string>& paths);

// Parses one YAML text (one or more documents) as rule files; `where` is its file name. Every
// problem of every document is reported. The files the rules name (tests' event_file, sigma:
// paths) are added to *referenced when given.
void ParseRuleYaml(const std::string& text, const std::string& where, RuleSet* out,
                   std::set<std::string>* referenced = nullptr);

}  // namespace fastpath
