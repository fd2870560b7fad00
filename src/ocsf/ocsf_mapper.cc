#include "ocsf/ocsf_mapper.h"

#include <simdjson.h>

#include "core/log_types.h"
#include "ocsf/ocsf_internal.h"

namespace fastpath {

using namespace ocsf;  // NOLINT: the class families of this folder

int AppendOcsfJsonLine(const Event& e, std::string* out) {
  thread_local simdjson::dom::parser parser;
  Rec r;
  if (parser.parse(e.json).get(r.root) != simdjson::SUCCESS) {
    // Events always carry valid JSON; keep the promise of one line per event regardless.
    static const simdjson::padded_string kEmpty(std::string_view("{}"));
    r.root = parser.parse(kEmpty).value();
  }
  Writer w(out);
  w.Open();
  int cls = 0;
  const LogTypeInfo& facts = LogTypeFacts(e.log_type);
  switch (facts.ocsf) {
    case OcsfMapping::kCloudTrail:
      cls = CloudTrail(w, e, r);
      break;
    case OcsfMapping::kVpcFlow:
      cls = VpcFlow(w, e, r);
      break;
    case OcsfMapping::kNlb:
      cls = Nlb(w, e, r);
      break;
    case OcsfMapping::kNetworkFirewall:
      cls = NetworkFirewall(w, e, r);
      break;
    case OcsfMapping::kLoadBalancer:
      cls = LoadBalancer(w, e, r);
      break;
    case OcsfMapping::kCloudFront:
      cls = CloudFront(w, e, r);
      break;
    case OcsfMapping::kWaf:
      cls = Waf(w, e, r);
      break;
    case OcsfMapping::kDns:
      cls = Dns(w, e, r);
      break;
    case OcsfMapping::kS3Access:
      cls = S3Access(w, e, r);
      break;
    case OcsfMapping::kGuardDuty:
      cls = GuardDuty(w, e, r);
      break;
    case OcsfMapping::kMacie:
      cls = Macie(w, e, r);
      break;
    case OcsfMapping::kTrustedAdvisor:
      cls = TrustedAdvisor(w, e, r);
      break;
    case OcsfMapping::kSecurityHub:
      cls = r.Has("/Id") ? SecurityHub(w, e, r) : BaseEvent(w, e, r, facts.product);
      break;
    case OcsfMapping::kInspector:
      cls = r.Has("/findingArn") ? Inspector(w, e, r) : BaseEvent(w, e, r, facts.product);
      break;
    case OcsfMapping::kConfig:
      cls = r.S("/messageType") == "ComplianceChangeNotification"
                ? ConfigCompliance(w, e, r)
                : BaseEvent(w, e, r, facts.product);
      break;
    case OcsfMapping::kApiGateway:
      // An access log record with a request and a numeric status; execution logs, and records
      // whose fields are still $context variables (a format template), are Base Events.
      cls = (r.Has("/httpMethod") || r.Has("/routeKey") || r.Has("/resourcePath") ||
             r.Has("/request")) &&
                    r.I("/status")
                ? ApiGatewayAccess(w, e, r)
                : BaseEvent(w, e, r, facts.product);
      break;
    case OcsfMapping::kBase:
      cls = BaseEvent(w, e, r, facts.product);
      break;
  }
  // raw_data holds the native record as a JSON string, so nothing the mapping left out is lost.
  w.Str("raw_data", e.json);
  w.Close();
  out->push_back('\n');
  return cls;
}

}  // namespace fastpath
