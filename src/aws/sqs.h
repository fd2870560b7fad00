// SQS over its JSON 1.0 protocol (AmazonSQS.<Operation>), and SNS Publish over query.
#pragma once

#include <string>
#include <vector>

#include "aws/aws_client.h"

namespace fastpath::aws {

struct SqsMessage {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
  int receive_count = 0;  // ApproximateReceiveCount
  TimeNs sent = 0;        // SentTimestamp
};

// Parses a ReceiveMessage response.
Result<std::vector<SqsMessage>> ParseReceiveMessage(std::string_view json);

class SqsClient {
 public:
  explicit SqsClient(const AwsClient* client) : client_(client) {}
  // Long polls up to `wait_seconds` (0..20); given to a stop flag, the poll ends within about a
  // second of it turning true (messages SQS was handing out reappear after their visibility
  // timeout).
  Result<std::vector<SqsMessage>> Receive(const std::string& queue_url, int max_messages,
                                          int wait_seconds, int visibility_timeout_seconds,
                                          const std::atomic<bool>* cancel = nullptr) const;
  Status Delete(const std::string& queue_url, const std::string& receipt_handle) const;
  Status ChangeVisibility(const std::string& queue_url, const std::string& receipt_handle,
                          int seconds) const;
  Result<std::string> Send(const std::string& queue_url, const std::string& body) const;

 private:
  const AwsClient* client_;
};

class SnsClient {
 public:
  explicit SnsClient(const AwsClient* client) : client_(client) {}
  // Returns the MessageId.
  Result<std::string> Publish(const std::string& topic_arn, const std::string& message,
                              const std::string& subject = "") const;

 private:
  const AwsClient* client_;
};

}  // namespace fastpath::aws
