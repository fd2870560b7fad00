#include "aws/s3.h"
#include "alerts/outputs/output_support.h"

namespace fastpath {
namespace outputs {
namespace {

class S3Output final : public AlertOutput {
 public:
  S3Output(const OutputConfig& c, const aws::AwsClient* client) : c_(c), client_(client) {}
  SendResult Send(const StoredAlert& a) override {
    const std::string date = FormatRfc3339(a.created).substr(0, 10);  // YYYY-MM-DD
    std::string prefix = Get(c_, "prefix", "fastpath/alerts");
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    const std::string key = prefix + "/" + date.substr(0, 4) + "/" + date.substr(5, 2) + "/" +
                            date.substr(8, 2) + "/" + a.id + ".json";
    return FromStatus(aws::S3Client(client_).PutObject(Get(c_, "bucket"), key, a.json + "\n",
                                                       "application/json"));
  }

 private:
  const OutputConfig c_;
  const aws::AwsClient* client_;
};

Result<std::unique_ptr<AlertOutput>> BuildS3(const OutputConfig& c, const aws::AwsClient* aws) {
  if (Status s = Need(c, "bucket"); !s.ok()) return s;
  return std::unique_ptr<AlertOutput>(new S3Output(c, aws));
}

}  // namespace
}  // namespace outputs

extern const OutputDescriptor kS3OutputType = {
    "s3",
    "an S3 bucket (PutObject at <prefix>/YYYY/MM/DD/<alert id>.json)",
    {{"bucket", "the bucket (required)"}, {"prefix", "key prefix (default fastpath/alerts)"}},
    /*needs_aws=*/true,
    outputs::BuildS3};

}  // namespace fastpath
