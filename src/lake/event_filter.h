// EventFilter: which events a search or a scan keeps. Log types, accounts, regions and a time
// range (the lake's partition filter, lake/lake_reader.h), and FIELD=VALUE clauses on canonical
// columns or on dotted paths into the record ('*' matches any run of characters; an array
// matches on any element). All clauses must hold.
#pragma once

#include <string>
#include <vector>

#include <simdjson.h>

#include "core/event.h"
#include "core/status.h"
#include "lake/lake_reader.h"

namespace fastpath::lake {

class EventFilter {
 public:
  // The error names the clause that is not FIELD=VALUE.
  static Result<EventFilter> Make(LakeFilter partitions, const std::vector<std::string>& where);

  const LakeFilter& partitions() const { return partitions_; }
  bool empty() const;
  // Log type, account, region and time, then the clauses. `scratch` is the caller's, reused.
  bool Matches(const Event& e, simdjson::dom::element record, std::string* scratch) const;
  // The canonical fields alone (before a record is at hand).
  bool MatchesCanonical(const Event& e) const;
  bool needs_record() const;

  struct Clause {
    std::string field;              // as given
    bool canonical = false;         // a canonical column, not a path in the record
    std::vector<std::string> path;  // into the record
    std::string value;
  };

 private:
  LakeFilter partitions_;
  std::vector<Clause> clauses_;
};

}  // namespace fastpath::lake
