// `fastpath alerts list|show|retry|ack`: the outbox, read and edited from the command line. A
// running daemon shares the file (SQLite WAL) and sees a retry within a second.
#include <unistd.h>

#include <cstdio>

#include "alerts/outbox.h"
#include "app/scan_command.h"

namespace fastpath {
namespace {

// "24h" (that long ago) or an RFC 3339 time; 0 for "".
bool ParseSince(const std::string& text, TimeNs* out) {
  if (text.empty()) {
    *out = 0;
    return true;
  }
  if (auto d = ParseDuration(text)) {
    *out = NowNs() - *d;
    return true;
  }
  if (auto t = ParseRfc3339(text)) {
    *out = *t;
    return true;
  }
  return false;
}

std::string Short(std::string s, size_t n) {
  if (s.size() > n) s = s.substr(0, n - 1) + "~";
  return s;
}

}  // namespace

int RunAlertsCommand(const AlertsCommandOptions& o, std::FILE* out, std::FILE* err) {
  // Reading an outbox that is not there would create an empty one and show "no alerts".
  if (::access(o.outbox.c_str(), F_OK) != 0) {
    std::fprintf(err,
                 "fastpath alerts: no outbox at %s (the daemon keeps it at "
                 "<state_dir>/alerts.sqlite; give --outbox FILE)\n",
                 o.outbox.c_str());
    return 1;
  }
  Outbox outbox(o.outbox);
  if (Status st = outbox.Open(); !st.ok()) {
    std::fprintf(err, "fastpath alerts: %s\n", st.message().c_str());
    return 1;
  }
  if (o.action == "list") {
    AlertFilter f;
    f.rule_id = o.rule;
    f.severity = o.severity;
    f.state = o.state;
    f.limit = o.limit;
    if (!ParseSince(o.since, &f.since) || !ParseSince(o.until, &f.until)) {
      std::fprintf(err,
                   "fastpath alerts: --since/--until take a duration (24h) or an RFC 3339 time\n");
      return 2;
    }
    auto list = outbox.List(f);
    if (!list.ok()) {
      std::fprintf(err, "fastpath alerts: %s\n", list.status().message().c_str());
      return 1;
    }
    if (o.json) {
      for (const StoredAlert& a : list.value()) std::fprintf(out, "%s\n", a.json.c_str());
      return 0;
    }
    std::fprintf(out, "%-32s  %-20s  %-9s  %-9s  %-40s  %s\n", "alert id", "raised", "severity",
                 "state", "rule", "account/region");
    for (const StoredAlert& a : list.value()) {
      std::fprintf(out, "%-32s  %-20s  %-9s  %-9s  %-40s  %s/%s\n", a.id.c_str(),
                   (FormatRfc3339(a.created).substr(0, 19) + "Z").c_str(), a.severity.c_str(),
                   a.state.c_str(), Short(a.rule_id, 40).c_str(), a.account.c_str(),
                   a.region.c_str());
    }
    return 0;
  }
  if (o.ids.empty() && !(o.action == "retry" && !o.state.empty())) {
    std::fprintf(err, "fastpath alerts %s: name an alert id\n", o.action.c_str());
    return 2;
  }
  std::vector<std::string> ids = o.ids;
  if (o.action == "retry" && ids.empty()) {
    AlertFilter f;
    f.state = o.state;
    f.rule_id = o.rule;
    f.severity = o.severity;
    f.limit = 1000000;
    auto list = outbox.List(f);
    if (!list.ok()) {
      std::fprintf(err, "fastpath alerts: %s\n", list.status().message().c_str());
      return 1;
    }
    for (const StoredAlert& a : list.value()) ids.push_back(a.id);
    if (ids.empty()) {
      // Silence would read as "done": say that nothing matched.
      std::fprintf(out, "no alert in state %s%s%s: nothing to retry\n", o.state.c_str(),
                   o.rule.empty() ? "" : (" for rule " + o.rule).c_str(),
                   o.severity.empty() ? "" : (" of severity " + o.severity).c_str());
      return 0;
    }
  }
  int rc = 0;
  for (const std::string& id : ids) {
    auto a = outbox.Get(id);
    if (!a.ok() || !a.value()) {
      std::fprintf(err, "fastpath alerts: no alert %s in %s\n", id.c_str(), o.outbox.c_str());
      rc = 1;
      continue;
    }
    if (o.action == "show") {
      const StoredAlert& s = *a.value();
      std::fprintf(out, "alert %s\n  rule      %s (%s)\n  severity  %s\n  state     %s\n",
                   s.id.c_str(), s.rule_id.c_str(), s.title.c_str(), s.severity.c_str(),
                   s.state.c_str());
      std::fprintf(out, "  raised    %s\n  event     %s %s at %s\n  principal %s\n  source IP %s\n",
                   FormatRfc3339(s.created).c_str(), s.event_name.c_str(), s.event_id.c_str(),
                   FormatRfc3339(s.event_time).c_str(), s.principal.c_str(), s.source_ip.c_str());
      std::fprintf(out, "  where     %s / %s\n  matches   %llu\n", s.account.c_str(),
                   s.region.c_str(), static_cast<unsigned long long>(s.matches));
      if (s.acked) {
        std::fprintf(out, "  acked     %s%s%s\n", FormatRfc3339(s.acked).c_str(),
                     s.ack_note.empty() ? "" : ": ", s.ack_note.c_str());
      }
      auto ds = outbox.Deliveries(id);
      if (ds.ok()) {
        std::fprintf(out, "  deliveries\n");
        for (const Delivery& d : ds.value()) {
          std::fprintf(out, "    %-16s %-9s attempts %d%s%s\n", d.output.c_str(), d.state.c_str(),
                       d.attempts,
                       d.delivered ? (", delivered " + FormatRfc3339(d.delivered)).c_str() : "",
                       d.last_error.empty() ? "" : (", last error: " + d.last_error).c_str());
        }
      }
      std::fprintf(out, "  %s\n", s.json.c_str());
    } else if (o.action == "retry") {
      auto n = outbox.Retry(id, NowNs());
      if (!n.ok()) {
        std::fprintf(err, "fastpath alerts: %s\n", n.status().message().c_str());
        rc = 1;
      } else {
        std::fprintf(out, "%s: %d deliveries queued again\n", id.c_str(), n.value());
      }
    } else if (o.action == "ack") {
      auto ok = outbox.Ack(id, NowNs(), o.note);
      if (!ok.ok()) {
        std::fprintf(err, "fastpath alerts: %s\n", ok.status().message().c_str());
        rc = 1;
      } else {
        std::fprintf(out, "%s: %s\n", id.c_str(),
                     ok.value() ? "acknowledged" : "already acknowledged");
      }
    }
  }
  return rc;
}

}  // namespace fastpath
