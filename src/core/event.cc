#include "core/event.h"

namespace fastpath {

std::string_view DeliveryPathName(DeliveryPath p) {
  switch (p) {
    case DeliveryPath::kFile:
      return "file";
    case DeliveryPath::kS3:
      return "s3";
    case DeliveryPath::kCloudWatchLogs:
      return "cloudwatch_logs";
    case DeliveryPath::kEventBridge:
      return "eventbridge";
    case DeliveryPath::kFirehose:
      return "firehose";
  }
  return "file";
}

std::string_view LogTypeName(LogType t) {
  switch (t) {
    case LogType::kUnknown:
      return "unknown";
    case LogType::kCloudTrail:
      return "aws.cloudtrail";
    case LogType::kCloudTrailDigest:
      return "aws.cloudtrail.digest";
    case LogType::kCloudTrailInsight:
      return "aws.cloudtrail.insight";
    case LogType::kEventBridge:
      return "aws.eventbridge";
    case LogType::kVpcFlow:
      return "aws.vpcflow";
    case LogType::kConfig:
      return "aws.config";
    case LogType::kGuardDuty:
      return "aws.guardduty";
    case LogType::kSecurityHub:
      return "aws.securityhub";
    case LogType::kInspector:
      return "aws.inspector";
    case LogType::kMacie:
      return "aws.macie";
    case LogType::kTrustedAdvisor:
      return "aws.trustedadvisor";
    case LogType::kS3Access:
      return "aws.s3access";
    case LogType::kElb:
      return "aws.elb";
    case LogType::kAlb:
      return "aws.alb";
    case LogType::kNlb:
      return "aws.nlb";
    case LogType::kCloudFront:
      return "aws.cloudfront";
    case LogType::kApiGateway:
      return "aws.apigateway";
    case LogType::kLambda:
      return "aws.lambda";
    case LogType::kRds:
      return "aws.rds";
    case LogType::kRoute53:
      return "aws.route53";
    case LogType::kRoute53Resolver:
      return "aws.route53resolver";
    case LogType::kWaf:
      return "aws.waf";
    case LogType::kNetworkFirewall:
      return "aws.networkfirewall";
  }
  return "unknown";
}

void AppendJsonString(std::string* out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the current run of bytes that need no escaping
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendEventCoreFields(const Event& e, std::string* out) {
  out->append("\"log_type\":\"");
  out->append(LogTypeName(e.log_type));
  out->append("\",\"path\":\"");
  out->append(DeliveryPathName(e.path));
  out->append("\",\"account\":");
  AppendJsonString(out, e.account);
  out->append(",\"region\":");
  AppendJsonString(out, e.region);
  out->append(",\"time\":\"");
  out->append(FormatRfc3339(e.time));
  out->push_back('"');
}

void AppendEventJsonLine(const Event& e, std::string* out) {
  out->push_back('{');
  AppendEventCoreFields(e, out);
  out->append(",\"received\":\"");
  out->append(FormatRfc3339(e.received));
  out->append("\",\"id\":");
  AppendJsonString(out, e.id);
  out->append(",\"event\":");
  out->append(e.json.empty() ? std::string_view("null") : std::string_view(e.json));
  out->append("}\n");
}

}  // namespace fastpath
