// What a rule set covers, in MITRE ATT&CK terms: each technique its rules are tagged with
// (`attack.t1552`, `attack.t1555.006`) and the tactics beside them (`attack.credential-access`),
// the rules and their tests (matches and near misses), and the cloud techniques CloudTrail can show
// that no rule is tagged with. `fastpath rules coverage` prints it; docs/coverage.md is its output
// for the bundled pack.
#pragma once

#include <string>

#include "rules/rule.h"

namespace fastpath {

// The coverage of `set` as a Markdown document; `source` names the rules in its heading.
std::string RuleCoverageMarkdown(const RuleSet& set, const std::string& source);

}  // namespace fastpath
