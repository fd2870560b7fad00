// AlertClaims: exactly one alert across processes. In the distributed mode several fastpath
// processes may each see the same event (on different paths, or again after a lease moved); the
// first to claim the alert id with a conditional write raises it, the others drop their copy.
// Claims live in a DynamoDB table (hash key `alertId`) with a TTL attribute `expiresAt`, so the
// table does not grow. A claim that cannot be written (DynamoDB unreachable) raises the alert
// anyway: a duplicate alert is better than a lost one.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "aws/dynamodb.h"
#include "core/alert.h"
#include "core/metrics_writer.h"

namespace fastpath {

class ClaimingAlertSink final : public AlertSink {
 public:
  ClaimingAlertSink(const aws::DynamoDbClient* db, std::string table, TimeNs ttl, AlertSink* next,
                    std::function<void(const std::string&)> log);
  Status Init();
  void Write(const Alert& a) override;
  void Merged(const std::string& alert_id) override { next_->Merged(alert_id); }
  void Flush() override { next_->Flush(); }
  uint64_t claimed() const { return claimed_.load(); }
  uint64_t claimed_elsewhere() const { return elsewhere_.load(); }
  uint64_t claim_errors() const { return errors_.load(); }
  void WriteMetrics(MetricsWriter* w) const;

 private:
  const aws::DynamoDbClient* db_;
  const std::string table_;
  const TimeNs ttl_;
  AlertSink* next_;
  std::function<void(const std::string&)> log_;
  std::atomic<uint64_t> claimed_{0}, elsewhere_{0}, errors_{0};
};

}  // namespace fastpath
