#include "alerts/outputs/output_support.h"
#include "aws/sqs.h"

namespace fastpath {
namespace outputs {
namespace {

class SnsOutput final : public AlertOutput {
 public:
  SnsOutput(const OutputConfig& c, const aws::AwsClient* client) : c_(c), client_(client) {}
  SendResult Send(const StoredAlert& a) override {
    auto r = aws::SnsClient(client_).Publish(Get(c_, "topic_arn"), a.json,
                                             AlertSummary(a).substr(0, 99));
    return FromStatus(r.status());
  }

 private:
  const OutputConfig c_;
  const aws::AwsClient* client_;
};

Result<std::unique_ptr<AlertOutput>> BuildSns(const OutputConfig& c, const aws::AwsClient* aws) {
  if (Status s = Need(c, "topic_arn"); !s.ok()) return s;
  return std::unique_ptr<AlertOutput>(new SnsOutput(c, aws));
}

}  // namespace
}  // namespace outputs

extern const OutputDescriptor kSnsOutputType = {
    "sns",
    "an SNS topic (Publish of the alert line, the summary as subject)",
    {{"topic_arn", "the topic ARN (required)"}},
    /*needs_aws=*/true,
    outputs::BuildSns};

}  // namespace fastpath
