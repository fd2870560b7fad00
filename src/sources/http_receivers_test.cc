#include "sources/http_receivers.h"

#include <condition_variable>
#include <future>
#include <mutex>

#include <gtest/gtest.h>
#include <httplib.h>

namespace fastpath {
namespace {

TEST(Receivers, FirehoseBodyShape) {
  const std::string id = "11111111-2222-3333-4444-555555555555";
  EXPECT_TRUE(
      ValidateFirehoseBody(
          R"({"requestId":"11111111-2222-3333-4444-555555555555","timestamp":1,"records":[{"data":"e30="}]})",
          id)
          .ok());
  EXPECT_EQ(ValidateFirehoseBody("{", id).message(), "body is not JSON");
  EXPECT_EQ(ValidateFirehoseBody(R"({"requestId":"x","records":[]})", id).message(),
            "requestId in the body differs from X-Amz-Firehose-Request-Id");
  EXPECT_EQ(
      ValidateFirehoseBody(
          R"({"requestId":"11111111-2222-3333-4444-555555555555","records":[{"data":"a"},{}]})", id)
          .message(),
      "records[1] lacks data");
  EXPECT_FALSE(ValidateFirehoseBody(R"({"records":[]})", id).ok());
}

TEST(Receivers, EventBridgeBodyShape) {
  EXPECT_TRUE(ValidateEventBridgeBody(R"({"detail-type":"x"})").ok());
  EXPECT_TRUE(ValidateEventBridgeBody(R"([{"detail-type":"x"}])").ok());
  EXPECT_FALSE(ValidateEventBridgeBody("42").ok());
  EXPECT_FALSE(ValidateEventBridgeBody("{").ok());
}

TEST(Receivers, SecretEquals) {
  EXPECT_TRUE(SecretEquals("abc", "abc"));
  EXPECT_FALSE(SecretEquals("abd", "abc"));
  EXPECT_FALSE(SecretEquals("", "abc"));
  EXPECT_FALSE(SecretEquals("abcd", "abc"));
}

// Holds every input until released, as a pipeline that cannot keep up would.
class StalledPipeline final : public InputQueue {
 public:
  bool Submit(InputSpec spec) override {
    std::unique_lock<std::mutex> l(mu_);
    ++submitted_;
    cv_.notify_all();
    cv_.wait(l, [&] { return released_; });
    InputOutcome done;
    done.stored = true;
    l.unlock();
    spec.done(done);
    return true;
  }
  void WaitSubmitted(int n) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return submitted_ >= n; });
  }
  void Release() {
    std::lock_guard<std::mutex> l(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int submitted_ = 0;
  bool released_ = false;
};

std::string FirehoseBody(const std::string& id) {
  return R"({"requestId":")" + id + R"(","timestamp":1,"records":[{"data":"e30="}]})";
}

TEST(Receivers, OverloadIsAnswered503WithRetryAfter) {
  StalledPipeline pipeline;
  ReceiverOptions o;
  o.name = "firehose";
  o.access_key = "k";
  o.max_in_flight = 1;
  HttpReceiver receiver(o, &pipeline, [](const std::string&) {});
  ASSERT_TRUE(receiver.Start().ok());
  const std::string url = "http://127.0.0.1:" + std::to_string(receiver.port());
  auto post = [&](const std::string& id) {
    httplib::Client c(url);
    c.set_read_timeout(30, 0);
    httplib::Headers h = {{"X-Amz-Firehose-Access-Key", "k"}, {"X-Amz-Firehose-Request-Id", id}};
    return c.Post("/", h, FirehoseBody(id), "application/json");
  };
  auto first = std::async(std::launch::async, [&] { return post("r1"); });
  pipeline.WaitSubmitted(1);  // the first request holds the only slot
  auto second = post("r2");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 503);
  EXPECT_EQ(second->get_header_value("Retry-After"), "1");
  EXPECT_NE(second->body.find("max_in_flight"), std::string::npos) << second->body;
  pipeline.Release();
  auto r1 = first.get();
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->status, 200);
  EXPECT_EQ(receiver.count(HttpReceiver::kOverloaded), 1u);
  // The slot is free again: the sender's retry goes through.
  auto retry = post("r2");
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->status, 200);
  receiver.Stop();
}

TEST(Receivers, AConnectionThatWaitedTooLongForAThreadIsAnswered503) {
  StalledPipeline pipeline;
  ReceiverOptions o;
  o.name = "firehose";
  o.access_key = "k";
  o.threads = 1;
  o.max_queue_wait_ms = 100;
  HttpReceiver receiver(o, &pipeline, [](const std::string&) {});
  ASSERT_TRUE(receiver.Start().ok());
  const std::string url = "http://127.0.0.1:" + std::to_string(receiver.port());
  auto post = [&](const std::string& id) {
    httplib::Client c(url);
    c.set_read_timeout(30, 0);
    httplib::Headers h = {{"X-Amz-Firehose-Access-Key", "k"}, {"X-Amz-Firehose-Request-Id", id}};
    return c.Post("/", h, FirehoseBody(id), "application/json");
  };
  auto first = std::async(std::launch::async, [&] { return post("r1"); });
  pipeline.WaitSubmitted(1);  // the only thread is taken
  auto second = std::async(std::launch::async, [&] { return post("r2"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // r2 waits in the queue
  pipeline.Release();
  EXPECT_EQ(first.get()->status, 200);
  auto r2 = second.get();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 503);
  EXPECT_NE(r2->body.find("max_queue_wait"), std::string::npos) << r2->body;
  receiver.Stop();
}

}  // namespace
}  // namespace fastpath
