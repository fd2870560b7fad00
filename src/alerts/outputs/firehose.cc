#include "alerts/outputs/output_support.h"

#include <simdjson.h>

#include "decode/byte_reader.h"

namespace fastpath {
namespace outputs {
namespace {

class FirehoseOutput final : public AlertOutput {
 public:
  FirehoseOutput(const OutputConfig& c, const aws::AwsClient* client) : c_(c), client_(client) {}
  SendResult Send(const StoredAlert& a) override {
    // A trailing newline keeps records apart in the objects Firehose writes.
    std::string body = "{\"DeliveryStreamName\":" + Json(Get(c_, "delivery_stream")) +
                       ",\"Records\":[{\"Data\":\"" + Base64Encode(a.json + "\n") + "\"}]}";
    auto r = client_->CallJson("firehose", "Firehose_20150804", "PutRecordBatch", body, "1.1");
    if (!r.ok()) return FromStatus(r.status());
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    int64_t failed = -1;
    if (parser.parse(r.value()).get(doc) != simdjson::SUCCESS ||
        doc["FailedPutCount"].get(failed) != simdjson::SUCCESS) {
      return SendResult::Retry("PutRecordBatch: response has no FailedPutCount");
    }
    if (failed != 0) {
      return SendResult::Retry("PutRecordBatch: the record failed: " + r.value().substr(0, 200));
    }
    return SendResult::Ok();
  }

 private:
  const OutputConfig c_;
  const aws::AwsClient* client_;
};

Result<std::unique_ptr<AlertOutput>> BuildFirehose(const OutputConfig& c,
                                                   const aws::AwsClient* aws) {
  if (Status s = Need(c, "delivery_stream"); !s.ok()) return s;
  return std::unique_ptr<AlertOutput>(new FirehoseOutput(c, aws));
}

}  // namespace
}  // namespace outputs

extern const OutputDescriptor kFirehoseOutputType = {
    "firehose",
    "a Firehose delivery stream (PutRecordBatch of the alert line)",
    {{"delivery_stream", "the delivery stream name (required)"}},
    /*needs_aws=*/true,
    outputs::BuildFirehose};

}  // namespace fastpath
