#include "pipeline/bounded_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace fastpath {
namespace {

TEST(BoundedQueue, ProducerWaitsWhenFull) {
  BoundedQueue<int> q(2);
  std::atomic<int> pushed{0};
  std::thread producer([&] {
    for (int i = 0; i < 5; ++i) {
      q.Push(i);
      ++pushed;
    }
    q.Close();
  });
  // The producer cannot get more than capacity ahead of the consumer.
  while (pushed.load() < 2) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(pushed.load(), 2);
  int expect = 0;
  while (auto v = q.Pop()) EXPECT_EQ(*v, expect++);
  EXPECT_EQ(expect, 5);
  producer.join();
}

TEST(BoundedQueue, CloseWakesBlockedPushers) {
  BoundedQueue<int> q(1);
  q.Push(1);
  std::thread t([&] { EXPECT_FALSE(q.Push(2)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  q.Close();
  t.join();
  EXPECT_EQ(*q.Pop(), 1);
  EXPECT_FALSE(q.Pop().has_value());
}

}  // namespace
}  // namespace fastpath
