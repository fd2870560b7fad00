// The one list of built-in source types. A new source type is its file (class and descriptor)
// plus one line here.
#include "sources/source.h"

#include <filesystem>

namespace fastpath {

extern const SourceDescriptor kSqsS3SourceType;
extern const SourceDescriptor kKinesisSourceType;
extern const SourceDescriptor kFirehoseReceiverType;
extern const SourceDescriptor kEventBridgeReceiverType;

const MetricFamily kAwsApiErrors = {"fastpath_aws_api_errors_total", "counter",
                                    "AWS API calls of a source that failed."};

std::string SourceConfigContext::StatePath(const std::string& file) const {
  return (std::filesystem::path(state_dir) / file).string();
}

const std::vector<const SourceDescriptor*>& SourceTypes() {
  static const std::vector<const SourceDescriptor*> kTypes = {
      &kSqsS3SourceType,
      &kKinesisSourceType,
      &kFirehoseReceiverType,
      &kEventBridgeReceiverType,
  };
  return kTypes;
}

const SourceDescriptor* FindSourceType(std::string_view type) {
  for (const SourceDescriptor* d : SourceTypes()) {
    if (type == d->type) return d;
  }
  return nullptr;
}

}  // namespace fastpath
