#include "alerts/alert_claims.h"

#include "alerts/alert_policy.h"

namespace fastpath {

ClaimingAlertSink::ClaimingAlertSink(const aws::DynamoDbClient* db, std::string table, TimeNs ttl,
                                     AlertSink* next, std::function<void(const std::string&)> log)
    : db_(db), table_(std::move(table)), ttl_(ttl), next_(next), log_(std::move(log)) {}

Status ClaimingAlertSink::Init() {
  return db_->EnsureTable(table_, "alertId", "expiresAt");
}

void ClaimingAlertSink::Write(const Alert& a) {
  const std::string id = AlertId(a);
  aws::Item item = {{"alertId", aws::AttributeValue::S(id)},
                    {"ruleId", aws::AttributeValue::S(a.rule->id)},
                    {"eventId", aws::AttributeValue::S(a.event.id)},
                    {"claimedAt", aws::AttributeValue::S(FormatRfc3339(NowNs()))},
                    {"expiresAt", aws::AttributeValue::N((NowNs() + ttl_) / 1000000000)}};
  // Expired claims (TTL deletion lags by up to days) count as free.
  aws::ConditionalWrite w;
  w.condition = "attribute_not_exists(alertId) OR expiresAt < :now";
  w.values = {{":now", aws::AttributeValue::N(NowNs() / 1000000000)}};
  auto r = db_->PutItem(table_, item, w);
  if (!r.ok()) {
    errors_.fetch_add(1);
    log_("alert claim " + id + " in " + table_ + ": " + r.status().message() +
         "; raising the alert unclaimed");
  } else if (!r.value()) {
    elsewhere_.fetch_add(1);
    return;
  } else {
    claimed_.fetch_add(1);
  }
  next_->Write(a);
}

namespace {

constexpr MetricFamily kClaims = {"fastpath_alert_claims_total", "counter",
                                  "Cross-process alert claims, by result."};

}  // namespace

void ClaimingAlertSink::WriteMetrics(MetricsWriter* w) const {
  w->Add(kClaims, {{"result", "claimed"}}, claimed());
  w->Add(kClaims, {{"result", "claimed_elsewhere"}}, claimed_elsewhere());
  w->Add(kClaims, {{"result", "error"}}, claim_errors());
}

}  // namespace fastpath
