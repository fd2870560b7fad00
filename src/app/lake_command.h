// The lake's commands: `search` (events or alerts from the lake, by partition and rule),
// `lake ddl` (the Athena/Glue table) and `lake compact` (small objects merged, duplicates
// dropped). Exit codes: 0 done, 1 something could not be read or written (reported, the rest
// done), 2 usage.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "app/aws_setup.h"
#include "core/status.h"
#include "dashboard/dashboard.h"
#include "lake/lake_reader.h"

namespace fastpath {

// --since/--until: an RFC 3339 time, a date (YYYY-MM-DD, midnight UTC) or a duration before
// `now` (30d, 6h, 15m).
std::optional<TimeNs> ParseTimeBound(std::string_view text, TimeNs now);

// The partition filters the lake commands share.
struct LakeFilterOptions {
  std::vector<std::string> log_types, accounts, regions;
  std::string since, until;
};
// Checks and converts them; the error names the option.
Result<lake::LakeFilter> MakeLakeFilter(const LakeFilterOptions& o, TimeNs now);

struct SearchCommandOptions {
  std::string lake;
  LakeFilterOptions filter;
  std::vector<std::string> rules;     // rule files and folders (patterns, rule YAML, Sigma)
  std::vector<std::string> patterns;  // EventBridge pattern JSON texts
  std::vector<std::string> where;     // FIELD=VALUE ('*' matches any run of characters)
  std::string output = "events";      // events | alerts
  int workers = 0;
  bool progress = true;
  size_t max_selected = 0;  // > 0: stop reading objects once this many events were selected
  AwsSettings aws;
};
int RunSearch(const SearchCommandOptions& options, std::FILE* out, std::FILE* err);
// The dashboard's Search page over `lake`: at most query.limit event lines, or the error the
// search command would print.
Result<std::vector<std::string>> SearchForDashboard(const std::string& lake, const AwsSettings& aws,
                                                    const DashboardSearchQuery& query);

// `rules backtest RULE... --lake LAKE`: per rule, the matches and alerts it would have raised
// over the lake, per day, with the top principals and source IPs.
struct BacktestOptions {
  SearchCommandOptions search;  // lake, filters (since defaults to 30d), rules
  bool json = false;
  int top = 5;
};
int RunRulesBacktest(const BacktestOptions& options, std::FILE* out, std::FILE* err);

// `rules sql RULE...`: each rule as Athena (Trino) SQL over the lake table. 0 every rule
// translated, 1 some refused (named, with the operator, on stderr), 2 a rule did not load.
struct RulesSqlOptions {
  std::vector<std::string> rules;
  std::string since, until;
  std::string database = "fastpath";
  std::string table = "events";
};
int RunRulesSql(const RulesSqlOptions& options, std::FILE* out, std::FILE* err);

struct LakeDdlOptions {
  std::string lake;  // s3://bucket/prefix (the table's LOCATION)
  std::string database = "fastpath";
  std::string table = "events";
  std::string format = "athena";       // athena | cloudformation
  std::string lake_format = "events";  // what the lake holds: events | ocsf
  std::vector<std::string> accounts;   // the account partition's values; empty: injected
  std::string since = "2015-01-01";    // first day the date projection covers
  AwsSettings aws;
};
int RunLakeDdl(const LakeDdlOptions& options, std::FILE* out, std::FILE* err);

struct LakeCompactOptions {
  std::string lake;
  LakeFilterOptions filter;
  size_t target_mib = 256;      // uncompressed size of a merged object
  std::string min_age = "10m";  // objects younger than this are left to their writers
  bool dry_run = false;
  AwsSettings aws;
};
int RunLakeCompact(const LakeCompactOptions& options, std::FILE* out, std::FILE* err);

}  // namespace fastpath
