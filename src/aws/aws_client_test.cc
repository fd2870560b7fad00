#include "aws/aws_client.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "aws/loopback_server_for_tests.h"

#include "aws/s3.h"
#include "aws/sqs.h"

namespace fastpath::aws {
namespace {

AwsClient Client(const std::string& url, int attempts = 3) {
  AwsClientOptions o;
  o.region = "eu-west-1";
  o.endpoints = {{"sqs", url}, {"s3", url}, {"sns", url}};
  o.max_attempts = attempts;
  o.backoff_base_seconds = 0.01;
  return AwsClient(o, std::make_shared<StaticCredentialProvider>(
                          Credentials{"AKIDEXAMPLE", "secret", "token", 0, "test"}));
}

TEST(AwsClient, RetriesThrottlingAndServerErrorsThenSucceeds) {
  LoopbackServer svc;
  std::atomic<int> calls{0};
  std::string target, auth, token;
  svc.server.Post("/", [&](const httplib::Request& req, httplib::Response& res) {
    const int n = ++calls;
    target = req.get_header_value("X-Amz-Target");
    auth = req.get_header_value("Authorization");
    token = req.get_header_value("X-Amz-Security-Token");
    if (n == 1) {
      res.status = 400;
      res.set_content(R"({"__type":"com.amazonaws.sqs#ThrottlingException","message":"slow down"})",
                      "application/x-amz-json-1.0");
    } else if (n == 2) {
      res.status = 503;
    } else {
      res.set_content(R"({"MessageId":"m-1"})", "application/x-amz-json-1.0");
    }
  });
  svc.Start();
  AwsClient client = Client(svc.url());
  SqsClient sqs(&client);
  auto id = sqs.Send("https://sqs.eu-west-1.amazonaws.com/1/q", "hello");
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_EQ(id.value(), "m-1");
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(target, "AmazonSQS.SendMessage");
  EXPECT_NE(auth.find("/eu-west-1/sqs/aws4_request"), std::string::npos) << auth;
  EXPECT_EQ(token, "token");
}

TEST(AwsClient, ClientErrorsAreNotRetriedAndNameCodeAndMessage) {
  LoopbackServer svc;
  std::atomic<int> calls{0};
  svc.server.Post("/", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 400;
    res.set_content(
        R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."})",
        "application/x-amz-json-1.0");
  });
  svc.Start();
  AwsClient client = Client(svc.url());
  SqsClient sqs(&client);
  Status s = sqs.Delete("q", "r");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(calls.load(), 1);
  EXPECT_NE(s.message().find("DeleteMessage: sqs: QueueDoesNotExist: The specified queue does not "
                             "exist. (HTTP 400)"),
            std::string::npos)
      << s.message();
}

TEST(AwsClient, GivesUpAfterMaxAttempts) {
  LoopbackServer svc;
  std::atomic<int> calls{0};
  svc.server.Post("/", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 500;
    res.set_content("<Error><Code>InternalError</Code><Message>boom</Message></Error>", "text/xml");
  });
  svc.Start();
  AwsClient client = Client(svc.url(), 4);
  SnsClient sns(&client);
  auto r = sns.Publish("arn:aws:sns:eu-west-1:1:t", "m");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(calls.load(), 4);
  EXPECT_NE(r.status().message().find("InternalError: boom (HTTP 500) after 4 attempts"),
            std::string::npos)
      << r.status().message();
}

TEST(AwsClient, TransportErrorsAreRetriedAndReported) {
  AwsClient client = Client("http://127.0.0.1:1", 2);
  SqsClient sqs(&client);
  auto r = sqs.Receive("q", 1, 0, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("after 2 attempts"), std::string::npos)
      << r.status().message();
}

TEST(S3, StreamsAnObjectInSmallReadsAndEncodesKeys) {
  LoopbackServer svc;
  const std::string big(5u << 20, 'x');
  std::string path, sha;
  svc.server.Get(R"(/bucket/.*)", [&](const httplib::Request& req, httplib::Response& res) {
    path = req.path;
    sha = req.get_header_value("x-amz-content-sha256");
    res.set_content(big, "application/octet-stream");
  });
  svc.Start();
  AwsClient client = Client(svc.url());
  S3Client s3(&client);
  auto r = s3.GetObject("bucket", "AWSLogs/1/a b+c%.json.gz");
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::string got;
  char buf[1000];
  for (;;) {
    auto n = r.value()->Read(buf, sizeof buf);
    ASSERT_TRUE(n.ok());
    if (n.value() == 0) break;
    got.append(buf, n.value());
  }
  EXPECT_EQ(got.size(), big.size());
  EXPECT_EQ(path, "/bucket/AWSLogs/1/a b+c%.json.gz");  // httplib decodes the path
  EXPECT_EQ(sha, Sha256Hex(""));
  EXPECT_EQ(s3.ObjectUrl("bucket", "a b+c%"), svc.url() + "/bucket/a%20b%2Bc%25");
}

TEST(S3, MissingObjectIsNotFound) {
  LoopbackServer svc;
  svc.server.Get(R"(/bucket/.*)", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content(
        "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist."
        "</Message></Error>",
        "application/xml");
  });
  svc.Start();
  AwsClient client = Client(svc.url());
  S3Client s3(&client);
  auto r = s3.GetObject("bucket", "k");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  EXPECT_NE(r.status().message().find("GetObject s3://bucket/k: s3: NoSuchKey"), std::string::npos)
      << r.status().message();
}

TEST(S3, VirtualHostedOnAwsPathStyleForDottedBuckets) {
  AwsClientOptions o;
  o.region = "eu-west-1";
  AwsClient client(o, std::make_shared<StaticCredentialProvider>(Credentials{}));
  S3Client s3(&client);
  EXPECT_EQ(s3.ObjectUrl("trail", "k"), "https://trail.s3.eu-west-1.amazonaws.com/k");
  EXPECT_EQ(s3.ObjectUrl("my.trail", "k"), "https://s3.eu-west-1.amazonaws.com/my.trail/k");
}

TEST(S3, ParsesListObjectsV2) {
  auto page = ParseListObjectsV2(
      "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>tok"
      "</NextContinuationToken><Contents><Key>a &amp; b</Key><Size>12</Size><LastModified>"
      "2024-01-01T00:00:00.000Z</LastModified></Contents></ListBucketResult>");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].key, "a & b");
  EXPECT_EQ(page->objects[0].size, 12u);
  EXPECT_EQ(page->next_continuation_token, "tok");
  EXPECT_FALSE(ParseListObjectsV2("<Error/>").ok());
  EXPECT_FALSE(ParseListObjectsV2("not xml <").ok());
}

TEST(Sqs, ParsesReceiveMessage) {
  auto m = ParseReceiveMessage(
      R"({"Messages":[{"MessageId":"m","ReceiptHandle":"r","Body":"b","Attributes":{"ApproximateReceiveCount":"3","SentTimestamp":"1700000000123"}}]})");
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].receive_count, 3);
  EXPECT_EQ((*m)[0].sent, 1700000000123LL * 1000000);
  EXPECT_TRUE(ParseReceiveMessage("{}").ok());
  EXPECT_FALSE(ParseReceiveMessage(R"({"Messages":[{"Body":"b"}]})").ok());
}

}  // namespace
}  // namespace fastpath::aws
