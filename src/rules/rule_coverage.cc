#include "rules/rule_coverage.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

namespace fastpath {
namespace {

// ATT&CK (Enterprise, IaaS platform) techniques whose use CloudTrail records, with their names.
struct Technique {
  const char* id;
  const char* name;
};
constexpr Technique kTechniques[] = {
    {"T1021", "Remote Services"},
    {"T1021.004", "Remote Services: SSH"},
    {"T1021.008", "Remote Services: Direct Cloud VM Connections"},
    {"T1059.009", "Command and Scripting Interpreter: Cloud API"},
    {"T1069.003", "Permission Groups Discovery: Cloud Groups"},
    {"T1078.004", "Valid Accounts: Cloud Accounts"},
    {"T1087.004", "Account Discovery: Cloud Account"},
    {"T1098", "Account Manipulation"},
    {"T1098.001", "Account Manipulation: Additional Cloud Credentials"},
    {"T1098.003", "Account Manipulation: Additional Cloud Roles"},
    {"T1098.004", "Account Manipulation: SSH Authorized Keys"},
    {"T1110", "Brute Force"},
    {"T1136.003", "Create Account: Cloud Account"},
    {"T1190", "Exploit Public-Facing Application"},
    {"T1485", "Data Destruction"},
    {"T1486", "Data Encrypted for Impact"},
    {"T1490", "Inhibit System Recovery"},
    {"T1496", "Resource Hijacking"},
    {"T1526", "Cloud Service Discovery"},
    {"T1530", "Data from Cloud Storage"},
    {"T1531", "Account Access Removal"},
    {"T1535", "Unused/Unsupported Cloud Regions"},
    {"T1537", "Transfer Data to Cloud Account"},
    {"T1550.001", "Use Alternate Authentication Material: Application Access Token"},
    {"T1552", "Unsecured Credentials"},
    {"T1552.005", "Unsecured Credentials: Cloud Instance Metadata API"},
    {"T1555.006", "Credentials from Password Stores: Cloud Secrets Management Stores"},
    {"T1556.006", "Modify Authentication Process: Multi-Factor Authentication"},
    {"T1562", "Impair Defenses"},
    {"T1562.001", "Impair Defenses: Disable or Modify Tools"},
    {"T1562.007", "Impair Defenses: Disable or Modify Cloud Firewall"},
    {"T1562.008", "Impair Defenses: Disable or Modify Cloud Logs"},
    {"T1578", "Modify Cloud Compute Infrastructure"},
    {"T1578.001", "Modify Cloud Compute Infrastructure: Create Snapshot"},
    {"T1578.002", "Modify Cloud Compute Infrastructure: Create Cloud Instance"},
    {"T1578.005", "Modify Cloud Compute Infrastructure: Modify Cloud Compute Configurations"},
    {"T1580", "Cloud Infrastructure Discovery"},
    {"T1619", "Cloud Storage Object Discovery"},
    {"T1621", "Multi-Factor Authentication Request Generation"},
    {"T1648", "Serverless Execution"},
    {"T1651", "Cloud Administration Command"},
    {"T1666", "Modify Cloud Resource Hierarchy"},
};

// ATT&CK's tactics in kill-chain order.
constexpr const char* kTactics[] = {
    "initial-access",  "execution",         "persistence", "privilege-escalation",
    "defense-evasion", "credential-access", "discovery",   "lateral-movement",
    "collection",      "exfiltration",      "impact",
};

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

int TacticRank(const std::string& t) {
  for (size_t i = 0; i < std::size(kTactics); ++i) {
    if (t == kTactics[i]) return static_cast<int>(i);
  }
  return static_cast<int>(std::size(kTactics));
}

std::string NameOf(const std::string& id) {
  for (const Technique& t : kTechniques) {
    if (id == t.id) return t.name;
  }
  return "";
}

std::string Joined(const std::set<std::string>& items, const char* sep) {
  std::string out;
  for (const std::string& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

}  // namespace

std::string RuleCoverageMarkdown(const RuleSet& set, const std::string& source) {
  struct Row {
    std::set<std::string> tactics, rules;
    size_t matches = 0, near_misses = 0;
  };
  std::map<std::string, Row> by_technique;
  std::vector<std::string> untagged;
  for (const auto& r : set.rules) {
    std::set<std::string> tactics, techniques;
    for (const std::string& tag : r->tags) {
      if (!tag.starts_with("attack.")) continue;
      const std::string v = tag.substr(7);
      if (v.size() > 1 && (v[0] == 't' || v[0] == 'T') &&
          std::isdigit(static_cast<unsigned char>(v[1]))) {
        techniques.insert(Upper(v));
      } else if (TacticRank(v) < static_cast<int>(std::size(kTactics))) {
        tactics.insert(v);
      }
    }
    if (techniques.empty()) {
      untagged.push_back(r->id);
      continue;
    }
    size_t matches = 0, near = 0;
    for (const RuleTest& t : r->tests) (t.expect_match ? matches : near)++;
    for (const std::string& id : techniques) {
      Row& row = by_technique[id];
      row.tactics.insert(tactics.begin(), tactics.end());
      row.rules.insert(r->id);
      row.matches += matches;
      row.near_misses += near;
    }
  }
  // Rows in kill-chain order of their first tactic, then by technique id.
  std::vector<std::pair<std::string, const Row*>> rows;
  for (const auto& [id, row] : by_technique) rows.push_back({id, &row});
  auto first_tactic = [](const Row& r) {
    int best = static_cast<int>(std::size(kTactics));
    for (const std::string& t : r.tactics) best = std::min(best, TacticRank(t));
    return best;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    const int ra = first_tactic(*a.second), rb = first_tactic(*b.second);
    return ra != rb ? ra < rb : a.first < b.first;
  });

  std::string out = "# Detection coverage\n\n";
  out += "Generated by `fastpath rules coverage " + source +
         "`: each MITRE ATT&CK technique the rules are tagged with (`attack.t...`), the tactics "
         "tagged beside it, the rules, and their tests (events that must match, and near misses "
         "that must not). `fastpath rules test` runs the tests.\n\n";
  out += "| tactics | technique | rules | tests: match / near miss |\n|---|---|---|---|\n";
  size_t rules_tagged = set.rules.size() - untagged.size();
  for (const auto& [id, row] : rows) {
    const std::string name = NameOf(id);
    out += "| " + Joined(row->tactics, ", ") + " | " + id + (name.empty() ? "" : " " + name) +
           " | " + Joined(row->rules, ", ") + " | " + std::to_string(row->matches) + " / " +
           std::to_string(row->near_misses) + " |\n";
  }
  out += "\n" + std::to_string(rows.size()) + " techniques, " + std::to_string(rules_tagged) +
         " of " + std::to_string(set.rules.size()) + " rules tagged with one.\n";
  if (!untagged.empty()) {
    std::sort(untagged.begin(), untagged.end());
    out += "\nRules without a technique tag: ";
    for (size_t i = 0; i < untagged.size(); ++i) out += (i ? ", " : "") + untagged[i];
    out += ".\n";
  }
  std::string gaps;
  for (const Technique& t : kTechniques) {
    if (by_technique.count(t.id)) continue;
    // A sub-technique counts as covered by neither its parent nor its siblings.
    gaps += std::string(gaps.empty() ? "" : "\n") + "- " + t.id + " " + t.name;
  }
  if (!gaps.empty()) {
    out +=
        "\nCloud techniques that CloudTrail can show and no rule is tagged with:\n\n" + gaps + "\n";
  }
  return out;
}

}  // namespace fastpath
