#include "aws/sqs.h"

#include <simdjson.h>

#include "core/event.h"
#include "core/json_get.h"

namespace fastpath::aws {
Result<std::vector<SqsMessage>> ParseReceiveMessage(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) {
    return Status::Corrupt("ReceiveMessage: response is not JSON");
  }
  std::vector<SqsMessage> out;
  simdjson::dom::array msgs;
  if (!JsonGet(doc["Messages"], msgs)) return out;  // no messages
  for (simdjson::dom::element m : msgs) {
    SqsMessage s;
    std::string_view v;
    if (JsonGet(m["MessageId"], v)) s.message_id = v;
    if (JsonGet(m["ReceiptHandle"], v)) s.receipt_handle = v;
    if (JsonGet(m["Body"], v)) s.body = v;
    if (JsonGet(m["Attributes"]["ApproximateReceiveCount"], v)) {
      s.receive_count = std::atoi(std::string(v).c_str());
    }
    if (JsonGet(m["Attributes"]["SentTimestamp"], v)) {
      s.sent = static_cast<TimeNs>(std::strtoll(std::string(v).c_str(), nullptr, 10)) * 1000000;
    }
    if (s.receipt_handle.empty())
      return Status::Corrupt("ReceiveMessage: message without ReceiptHandle");
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<SqsMessage>> SqsClient::Receive(const std::string& queue_url, int max_messages,
                                                   int wait_seconds, int visibility_timeout_seconds,
                                                   const std::atomic<bool>* cancel) const {
  std::string body = "{" + JsonField("QueueUrl", queue_url) +
                     ",\"MaxNumberOfMessages\":" + std::to_string(max_messages) +
                     ",\"WaitTimeSeconds\":" + std::to_string(wait_seconds);
  if (visibility_timeout_seconds > 0) {
    body += ",\"VisibilityTimeout\":" + std::to_string(visibility_timeout_seconds);
  }
  body += R"(,"AttributeNames":["All"],"MessageSystemAttributeNames":["All"]})";
  auto resp = client_->CallJson("sqs", "AmazonSQS", "ReceiveMessage", std::move(body), "1.0",
                                nullptr, cancel);
  if (!resp.ok()) return resp.status();
  return ParseReceiveMessage(resp.value());
}

Status SqsClient::Delete(const std::string& queue_url, const std::string& receipt_handle) const {
  auto resp = client_->CallJson("sqs", "AmazonSQS", "DeleteMessage",
                                "{" + JsonField("QueueUrl", queue_url) + "," +
                                    JsonField("ReceiptHandle", receipt_handle) + "}");
  return resp.ok() ? Status::Ok() : resp.status();
}

Status SqsClient::ChangeVisibility(const std::string& queue_url, const std::string& receipt_handle,
                                   int seconds) const {
  auto resp = client_->CallJson("sqs", "AmazonSQS", "ChangeMessageVisibility",
                                "{" + JsonField("QueueUrl", queue_url) + "," +
                                    JsonField("ReceiptHandle", receipt_handle) +
                                    ",\"VisibilityTimeout\":" + std::to_string(seconds) + "}");
  return resp.ok() ? Status::Ok() : resp.status();
}

Result<std::string> SqsClient::Send(const std::string& queue_url, const std::string& body) const {
  auto resp = client_->CallJson(
      "sqs", "AmazonSQS", "SendMessage",
      "{" + JsonField("QueueUrl", queue_url) + "," + JsonField("MessageBody", body) + "}");
  if (!resp.ok()) return resp.status();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view id;
  if (parser.parse(resp.value()).get(doc) != simdjson::SUCCESS || !JsonGet(doc["MessageId"], id)) {
    return Status::Corrupt("SendMessage: response has no MessageId");
  }
  return std::string(id);
}

Result<std::string> SnsClient::Publish(const std::string& topic_arn, const std::string& message,
                                       const std::string& subject) const {
  std::vector<std::pair<std::string, std::string>> params = {{"TopicArn", topic_arn},
                                                             {"Message", message}};
  if (!subject.empty()) params.emplace_back("Subject", subject);
  auto resp = client_->CallQuery("sns", "Publish", "2010-03-31", params);
  if (!resp.ok()) return resp.status();
  const std::string id = XmlText(resp.value(), "MessageId");
  if (id.empty()) return Status::Corrupt("Publish: response has no MessageId");
  return id;
}

}  // namespace fastpath::aws
