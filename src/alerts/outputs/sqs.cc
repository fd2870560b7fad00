#include "aws/sqs.h"
#include "alerts/outputs/output_support.h"

namespace fastpath {
namespace outputs {
namespace {

class SqsOutput final : public AlertOutput {
 public:
  SqsOutput(const OutputConfig& c, const aws::AwsClient* client) : c_(c), client_(client) {}
  SendResult Send(const StoredAlert& a) override {
    return FromStatus(aws::SqsClient(client_).Send(Get(c_, "queue_url"), a.json).status());
  }

 private:
  const OutputConfig c_;
  const aws::AwsClient* client_;
};

Result<std::unique_ptr<AlertOutput>> BuildSqs(const OutputConfig& c, const aws::AwsClient* aws) {
  if (Status s = Need(c, "queue_url"); !s.ok()) return s;
  return std::unique_ptr<AlertOutput>(new SqsOutput(c, aws));
}

}  // namespace
}  // namespace outputs

extern const OutputDescriptor kSqsOutputType = {"sqs",
                                                "an SQS queue (SendMessage of the alert line)",
                                                {{"queue_url", "the queue URL (required)"}},
                                                /*needs_aws=*/true,
                                                outputs::BuildSqs};

}  // namespace fastpath
