#include "aws/kinesis.h"
#include "alerts/outputs/output_support.h"

namespace fastpath {
namespace outputs {
namespace {

class KinesisOutput final : public AlertOutput {
 public:
  KinesisOutput(const OutputConfig& c, const aws::AwsClient* client) : c_(c), client_(client) {}
  SendResult Send(const StoredAlert& a) override {
    return FromStatus(
        aws::KinesisClient(client_).PutRecord(Get(c_, "stream"), a.id, a.json).status());
  }

 private:
  const OutputConfig c_;
  const aws::AwsClient* client_;
};

Result<std::unique_ptr<AlertOutput>> BuildKinesis(const OutputConfig& c,
                                                  const aws::AwsClient* aws) {
  if (Status s = Need(c, "stream"); !s.ok()) return s;
  return std::unique_ptr<AlertOutput>(new KinesisOutput(c, aws));
}

}  // namespace
}  // namespace outputs

extern const OutputDescriptor kKinesisOutputType = {
    "kinesis",
    "a Kinesis data stream (PutRecord, the alert id as partition key)",
    {{"stream", "the stream name (required)"}},
    /*needs_aws=*/true,
    outputs::BuildKinesis};

}  // namespace fastpath
