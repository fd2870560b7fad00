// Dashboard: the web pages of `fastpath run` (http.dashboard: true) and `fastpath demo`, served
// on the same listener as /metrics, and the JSON API under /api/ they are built on.
//
//   GET  /                      the single page (alerts, paths, coverage, health, search)
//   GET  /assets/NAME           its script, styles and the charting library (embedded)
//   GET  /api/alerts            ?rule=&severity=&state=&account=&since=&until=&by=event&limit=
//   GET  /api/alerts/ID         the alert, the event that raised it, its deliveries per output
//   POST /api/alerts/ID/ack     as `fastpath alerts ack ID`   (header X-Fastpath-Action: 1)
//   POST /api/alerts/ID/retry   as `fastpath alerts retry ID` (header X-Fastpath-Action: 1)
//   GET  /api/paths             ?log_type=&account=&region=: per-minute delays, lags,
//                               duplicates, and each path's liveness
//   GET  /api/coverage          the audit's report (accounts x regions x components)
//   GET  /api/health            /healthz and every metric, parsed
//   GET  /api/search            ?log_type=&account=&region=&since=&until=&where=F=V&limit=
//
// With a token (required by the callers on any bind address but loopback), every request needs
// it: `Authorization: Bearer TOKEN`, or a session cookie the page gets by visiting /?token=TOKEN
// once (an HMAC of the token, HttpOnly, SameSite=Strict). Tokens are compared in constant time.
// POSTs need the X-Fastpath-Action header, which a cross-site form cannot send.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "alerts/outbox.h"
#include "core/status.h"
#include "dedupe/path_timeline.h"
#include "dedupe/source_liveness.h"

namespace httplib {
class Server;
struct Response;
}  // namespace httplib

namespace fastpath {

struct DashboardSearchQuery {
  std::string log_type, account, region, since, until;
  std::vector<std::string> where;  // FIELD=VALUE
  size_t limit = 200;
};

struct DashboardOptions {
  std::string title = "fastpath";
  std::string token;         // empty: no token asked
  std::string audit_report;  // an audit JSON report (`fastpath audit --format json`); empty: none
  std::string note;          // a line shown under the title (the demo says what it replayed)
  // The clock liveness is judged by (the demo's: the end of its replay). Empty: the wall clock.
  std::function<TimeNs()> now;
};

struct DashboardSources {
  Outbox* outbox = nullptr;        // null: no alerts page
  std::function<void()> on_retry;  // wakes the dispatcher after a retry
  std::shared_ptr<PathTimeline> timeline;
  std::shared_ptr<SourceLiveness> liveness;
  std::function<std::string()> health_json;   // the /healthz body
  std::function<std::string()> metrics_text;  // the /metrics body
  // Events as NDJSON lines (at most query.limit), or an error. Empty: no lake to search.
  std::function<Result<std::vector<std::string>>(const DashboardSearchQuery&)> search;
};

class Dashboard {
 public:
  Dashboard(DashboardOptions options, DashboardSources sources);
  // Adds the routes above to `server`.
  void Mount(httplib::Server* server);

  // The Prometheus text format as JSON: [{"name","type","help","samples":[{"labels":{},
  // "value"}]}]. Lines it cannot read are skipped.
  static std::string MetricsToJson(std::string_view text);
  // The value of cookie `name` in a Cookie header ("" when absent).
  static std::string CookieFrom(std::string_view header, std::string_view name);

 private:
  // The stored alert `id`, or none with the answer (404 without an outbox or such an alert, 500
  // when the outbox cannot be read) already set on `res`.
  std::optional<StoredAlert> AlertOrError(const std::string& id, httplib::Response& res);

  DashboardOptions options_;
  DashboardSources sources_;
  std::string session_;  // the cookie value a valid token earns
};

}  // namespace fastpath
