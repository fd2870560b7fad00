// What ties the audit to the running pipeline:
//   - the silence alert: a delivery path that delivered and then stayed quiet (SourceLiveness);
//   - the re-audit on a tamper alert: when an alert's event is a call that takes collection down
//     (StopLogging, DeleteFlowLogs, DisableRule, ...), the component it touched is audited again
//     in that account and region, and the alert carries the result: the gap confirmed, or the
//     wiring already restored;
//   - `fastpath audit --state DIR`: the daemon's silences joined into the report as `silent`.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "audit/auditor.h"
#include "core/alert.h"
#include "dedupe/source_liveness.h"

namespace fastpath::audit {

// The built-in rule of silence alerts (id fastpath-source-silent, severity high).
const Rule& SilenceRule();
Alert SilenceAlert(const SourceLiveness::Silence& s, TimeNs now);

// The component a CloudTrail call disables or changes, or null (not a collection-tampering call).
const ComponentDescriptor* TamperComponent(std::string_view event_source,
                                           std::string_view event_name);

// The component whose wiring brings (log type, path), or "" when none is audited for it.
std::string_view ComponentForPath(std::string_view log_type, std::string_view path);

// Marks each silent path's cell `silent` (a finding `<component>.silent` saying for how long),
// when the report holds that account, region and component.
void JoinLiveness(const SourceLiveness& liveness, TimeNs now, AuditReport* report);

// An AlertSink in front of `inner`: an alert on a tamper call is audited again (AuditOne) before
// it goes on, with `,"audit":{"verdict":"gap_confirmed"|"restored"|"unknown","cell":{...}}`
// added to it. Other alerts pass untouched.
class ReauditAlertSink final : public AlertSink {
 public:
  ReauditAlertSink(AlertSink* inner, AuditSettings settings, AuditEnvironment env,
                   std::function<void(const std::string&)> log)
      : inner_(inner), settings_(std::move(settings)), env_(std::move(env)), log_(std::move(log)) {}
  void Write(const Alert& a) override;
  void Merged(const std::string& alert_id) override { inner_->Merged(alert_id); }
  void Flush() override { inner_->Flush(); }
  uint64_t reaudits() const { return reaudits_; }

 private:
  AlertSink* inner_;
  AuditSettings settings_;
  AuditEnvironment env_;
  std::function<void(const std::string&)> log_;
  uint64_t reaudits_ = 0;
};

}  // namespace fastpath::audit
