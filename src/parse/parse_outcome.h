// ParseOutcome: what a parser made of one record. Every parser of the parse stage (CloudTrail,
// flow logs and the other text formats, the JSON service records) returns one, so the stage
// handles them all the same way: an event goes on, a header or a record that is not the parser's
// is no loss, and a malformed record is counted under its drop reason and reported with `what`.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "core/counters.h"

namespace fastpath {

struct ParseOutcome {
  enum class Kind : uint8_t {
    kEvent,      // the event (or events) are in the parser's output
    kHeader,     // a header line: it names the fields of the lines after it; not an event
    kNotMine,    // not this parser's format: the caller tries the next parser
    kMalformed,  // this parser's format, but unusable: `reason` and `what` say why
  };
  Kind kind = Kind::kNotMine;
  DropReason reason = DropReason::kMalformedLine;  // for kMalformed
  std::string what;                                // for kMalformed: what was wrong, and where

  static ParseOutcome Event() { return {Kind::kEvent, DropReason::kMalformedLine, {}}; }
  static ParseOutcome Header() { return {Kind::kHeader, DropReason::kHeaderLine, {}}; }
  static ParseOutcome NotMine() { return {Kind::kNotMine, DropReason::kMalformedLine, {}}; }
  static ParseOutcome Malformed(DropReason reason, std::string what) {
    return {Kind::kMalformed, reason, std::move(what)};
  }
  bool is_event() const { return kind == Kind::kEvent; }
};

}  // namespace fastpath
