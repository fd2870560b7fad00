// The one list of alert output types, reading an output's configuration from its descriptor, and
// the message texts the human-facing outputs share. Each output type is one file under
// src/alerts/outputs/ (its class and descriptor); a new one is that file plus one line here.
#include "alerts/outputs.h"

#include "alerts/outputs/output_support.h"

namespace fastpath {

extern const OutputDescriptor kStdoutOutputType;
extern const OutputDescriptor kFileOutputType;
extern const OutputDescriptor kWebhookOutputType;
extern const OutputDescriptor kSlackOutputType;
extern const OutputDescriptor kTeamsOutputType;
extern const OutputDescriptor kPagerDutyOutputType;
extern const OutputDescriptor kOpsgenieOutputType;
extern const OutputDescriptor kSnsOutputType;
extern const OutputDescriptor kSqsOutputType;
extern const OutputDescriptor kKinesisOutputType;
extern const OutputDescriptor kFirehoseOutputType;
extern const OutputDescriptor kS3OutputType;
extern const OutputDescriptor kSyslogOutputType;
extern const OutputDescriptor kEmailOutputType;

const std::vector<const OutputDescriptor*>& OutputTypes() {
  static const std::vector<const OutputDescriptor*> kTypes = {
      &kStdoutOutputType, &kFileOutputType,      &kWebhookOutputType,  &kSlackOutputType,
      &kTeamsOutputType,  &kPagerDutyOutputType, &kOpsgenieOutputType, &kSnsOutputType,
      &kSqsOutputType,    &kKinesisOutputType,   &kFirehoseOutputType, &kS3OutputType,
      &kSyslogOutputType, &kEmailOutputType,
  };
  return kTypes;
}

const OutputDescriptor* FindOutputType(std::string_view type) {
  for (const OutputDescriptor* d : OutputTypes()) {
    if (type == d->type) return d;
  }
  return nullptr;
}

void ReadOutputConfig(const ConfigSection& o, const OutputDescriptor& d, OutputConfig* oc) {
  o.CheckKeys(AllowedKeys(kCommonOutputKeys, d.keys));
  for (const ConfigKeyDoc& k : d.keys) {
    std::string v;
    switch (k.value) {
      case ConfigValue::kText:
        if (o.Str(k.key, &v)) oc->settings[k.key] = v;
        break;
      case ConfigValue::kPath:
        if (o.Path(k.key, &v)) oc->settings[k.key] = v;
        break;
      case ConfigValue::kList:
        o.StrList(k.key, &oc->to);
        break;
      case ConfigValue::kMap:
        o.StrMap(k.key, &oc->headers);
        break;
      case ConfigValue::kSection:
        break;
      case ConfigValue::kSecretOrText:
        if (o.Str(k.key, &v)) oc->settings[k.key] = v;
        [[fallthrough]];
      case ConfigValue::kSecret: {
        const std::string key = k.key;
        const bool by_reference = o.Has(key + "_env") || o.Has(key + "_file");
        if (!by_reference && !(k.value == ConfigValue::kSecret && o.Has(key))) break;
        v.clear();
        if (o.Secret(key, &v, k.value == ConfigValue::kSecretOrText) && !v.empty()) {
          oc->settings[key] = v;
        }
        break;
      }
    }
  }
  o.StrList("severities", &oc->severities);
  if (o.Number("rate_per_second", &oc->rate_per_second) && oc->rate_per_second <= 0) {
    o.Problem("rate_per_second", "rate_per_second must be positive");
  }
  o.Int("burst", &oc->burst, 1, 100000);
  o.Duration("max_age", &oc->max_age);
}

Result<std::unique_ptr<AlertOutput>> MakeOutput(const OutputConfig& c, const aws::AwsClient* aws) {
  const OutputDescriptor* d = FindOutputType(c.type);
  if (d == nullptr) return Status::InvalidArgument("output " + c.name + ": unknown type " + c.type);
  return d->build(c, aws);
}

std::string AlertSummary(const StoredAlert& a) {
  std::string s = "[" + outputs::Upper(a.severity) + "] " + a.title;
  if (!a.event_name.empty()) s += ": " + a.event_name;
  if (!a.principal.empty()) s += " by " + a.principal;
  s += " in " + outputs::Where(a);
  return s;
}

}  // namespace fastpath
