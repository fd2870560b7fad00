#include "alerts/outbox.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "alerts/dispatcher.h"
#include "alerts/outputs.h"
#include "storage/sqlite_db.h"

namespace fastpath {
namespace {

StoredAlert Sample(const std::string& id, const std::string& severity = "critical") {
  StoredAlert a;
  a.id = id;
  a.rule_id = "rule-" + severity;
  a.title = "Trail stopped";
  a.severity = severity;
  a.account = "111122223333";
  a.region = "us-east-1";
  a.principal = "arn:aws:iam::111122223333:user/mallory";
  a.source_ip = "198.51.100.7";
  a.event_name = "StopLogging";
  a.created = NowNs();
  a.json = "{\"alert_id\":\"" + id + "\"}";
  return a;
}

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("fastpath_outbox_" + std::to_string(getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".sqlite"))
                .string();
    Clean();
  }
  void TearDown() override { Clean(); }
  void Clean() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  std::string path_;
};

TEST_F(OutboxTest, DeliveriesMoveThroughTheirStatesAndSurviveReopening) {
  {
    Outbox box(path_);
    ASSERT_TRUE(box.Open().ok());
    ASSERT_TRUE(box.Add(Sample("a1"), {"slack", "pagerduty"}).value());
    EXPECT_FALSE(box.Add(Sample("a1"), {"slack", "pagerduty"}).value());  // same id: merged
    ASSERT_TRUE(box.AddMatch("a1").ok());
    auto due = box.Due("slack", NowNs(), 10).value();
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].second.matches, 3u);
    ASSERT_TRUE(box.MarkFailed("a1", "slack", "HTTP 503", NowNs() + 60000000000LL, false).ok());
    EXPECT_TRUE(box.Due("slack", NowNs(), 10).value().empty());  // not before its next attempt
    ASSERT_TRUE(box.MarkDelivered("a1", "pagerduty", NowNs()).ok());
  }
  Outbox box(path_);  // another process, after a crash: the state is on disk
  ASSERT_TRUE(box.Open().ok());
  auto a = box.Get("a1").value();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->state, "pending");
  auto ds = box.Deliveries("a1").value();
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds[0].output, "pagerduty");
  EXPECT_EQ(ds[0].state, "delivered");
  EXPECT_EQ(ds[1].attempts, 1);
  EXPECT_EQ(ds[1].last_error, "HTTP 503");
  ASSERT_TRUE(box.MarkFailed("a1", "slack", "HTTP 400", NowNs(), true).ok());
  EXPECT_EQ(box.Get("a1").value()->state, "dead");
  EXPECT_EQ(box.Retry("a1", NowNs()).value(), 1);
  EXPECT_EQ(box.Due("slack", NowNs(), 10).value().size(), 1u);
  EXPECT_TRUE(box.Ack("a1", NowNs()).value());
  EXPECT_FALSE(box.Ack("a1", NowNs()).value());
  EXPECT_EQ(box.Get("a1").value()->state, "acked");
}

TEST_F(OutboxTest, AckKeepsItsNoteAndOlderOutboxesGainTheColumn) {
  {
    // An outbox as written before acknowledgements had notes.
    Outbox box(path_);
    ASSERT_TRUE(box.Open().ok());
    ASSERT_TRUE(box.Add(Sample("a1"), {}).value());
  }
  {
    SqliteDb db("old outbox", path_);
    ASSERT_TRUE(db.Open("ALTER TABLE alerts DROP COLUMN ack_note;").ok());
  }
  Outbox box(path_);
  ASSERT_TRUE(box.Open().ok());
  EXPECT_TRUE(box.Ack("a1", NowNs(), "change window CHG-1234").value());
  EXPECT_FALSE(box.Ack("a1", NowNs(), "a second thought").value());
  auto a = box.Get("a1").value();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->state, "acked");
  EXPECT_EQ(a->ack_note, "change window CHG-1234");
}

TEST_F(OutboxTest, ListFilters) {
  Outbox box(path_);
  ASSERT_TRUE(box.Open().ok());
  ASSERT_TRUE(box.Add(Sample("c1", "critical"), {"o"}).ok());
  ASSERT_TRUE(box.Add(Sample("h1", "high"), {"o"}).ok());
  ASSERT_TRUE(box.MarkDelivered("h1", "o", NowNs()).ok());
  AlertFilter f;
  EXPECT_EQ(box.List(f).value().size(), 2u);
  f.severity = "high";
  EXPECT_EQ(box.List(f).value().size(), 1u);
  f = AlertFilter();
  f.state = "pending";
  ASSERT_EQ(box.List(f).value().size(), 1u);
  EXPECT_EQ(box.List(f).value()[0].id, "c1");
  f = AlertFilter();
  f.rule_id = "rule-high";
  EXPECT_EQ(box.List(f).value().size(), 1u);
  f = AlertFilter();
  f.since = NowNs() + 1000000000;
  EXPECT_TRUE(box.List(f).value().empty());
}

// A stand-in output that fails a set number of times first.
class CountingOutput final : public AlertOutput {
 public:
  explicit CountingOutput(int failures, bool permanent = false)
      : failures_(failures), permanent_(permanent) {}
  SendResult Send(const StoredAlert&) override {
    if (calls_.fetch_add(1) < failures_) {
      return permanent_ ? SendResult::Permanent("no") : SendResult::Retry("later");
    }
    return SendResult::Ok();
  }
  std::atomic<int> calls_{0};

 private:
  const int failures_;
  const bool permanent_;
};

TEST_F(OutboxTest, DispatcherRetriesUntilDeliveredAndGivesUpOnPermanentErrors) {
  Outbox box(path_);
  ASSERT_TRUE(box.Open().ok());
  AlertDispatcher d(&box, [](const std::string&) {});
  auto ok_later = std::make_unique<CountingOutput>(1);
  auto never = std::make_unique<CountingOutput>(1000, /*permanent=*/true);
  CountingOutput* ok_later_p = ok_later.get();
  OutputConfig a;
  a.name = "retrying";
  OutputConfig b;
  b.name = "refusing";
  d.Add(a, std::move(ok_later));
  d.Add(b, std::move(never));
  ASSERT_TRUE(box.Add(Sample("x"), {"retrying", "refusing"}).ok());
  d.Start();
  d.Wake();
  for (int i = 0; i < 100 && box.Deliveries("x").value()[0].state != "dead"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto ds = box.Deliveries("x").value();
  EXPECT_EQ(ds[0].output, "refusing");
  EXPECT_EQ(ds[0].state, "dead");
  EXPECT_EQ(ds[0].attempts, 1);
  // The retry waits its back-off (0.5-1 s after one failure).
  for (int i = 0; i < 100 && box.Deliveries("x").value()[1].state != "delivered"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  d.Stop();
  EXPECT_EQ(box.Deliveries("x").value()[1].state, "delivered");
  EXPECT_EQ(ok_later_p->calls_.load(), 2);
}

TEST(OutputFormats, SyslogMessageIsRfc5424) {
  StoredAlert a = Sample("id\"1]");
  const std::string m = SyslogMessage(a, 16, "host1");
  EXPECT_EQ(m.rfind("<130>1 ", 0), 0u) << m;  // local0 (16) * 8 + crit (2)
  EXPECT_NE(m.find(" host1 fastpath "), std::string::npos);
  EXPECT_NE(m.find("[fastpath@32473 alert_id=\"id\\\"1\\]\" rule_id=\"rule-critical\""),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("\xEF\xBB\xBF[CRITICAL] Trail stopped: StopLogging by "
                   "arn:aws:iam::111122223333:user/mallory in 111122223333 / us-east-1"),
            std::string::npos);
}

TEST(OutputFormats, SeverityMappings) {
  EXPECT_EQ(PagerDutySeverity("critical"), "critical");
  EXPECT_EQ(PagerDutySeverity("high"), "error");
  EXPECT_EQ(PagerDutySeverity("medium"), "warning");
  EXPECT_EQ(PagerDutySeverity("low"), "info");
  EXPECT_EQ(OpsgeniePriority("critical"), "P1");
  EXPECT_EQ(OpsgeniePriority("info"), "P5");
  EXPECT_EQ(SyslogSeverity("high"), 3);
}

TEST(OutputFormats, WebhookSignatureIsHmacSha256OfTimestampDotBody) {
  // Python: hmac.new(b"secret", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
  EXPECT_EQ(WebhookSignature("secret", "1700000000", "{\"a\":1}"),
            "49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686");
}

TEST(OutputFormats, ConfigurationErrorsNameTheOutput) {
  OutputConfig c;
  c.name = "pd";
  c.type = "pagerduty";
  auto r = MakeOutput(c, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "output pd (pagerduty) needs routing_key");
  c.type = "carrier-pigeon";
  EXPECT_FALSE(MakeOutput(c, nullptr).ok());
}

}  // namespace
}  // namespace fastpath

namespace fastpath {
namespace {

TEST(OutputFormats, TransportErrorsDoNotLogTheWebhookPath) {
  OutputConfig c;
  c.name = "slack";
  c.type = "slack";
  c.settings["url"] = "http://127.0.0.1:1/services/T000/B000/SECRETTOKEN";
  auto out = MakeOutput(c, nullptr);
  ASSERT_TRUE(out.ok());
  const SendResult r = out.value()->Send(Sample("x"));
  ASSERT_FALSE(r.ok);
  EXPECT_FALSE(r.permanent);
  EXPECT_EQ(r.error.find("SECRETTOKEN"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("http://127.0.0.1:1/..."), std::string::npos) << r.error;
}

}  // namespace
}  // namespace fastpath

namespace fastpath {
namespace {

TEST(OutputFormats, FileOutputRotatesBySize) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("fastpath_rotate_" + std::to_string(getpid())))
          .string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  OutputConfig c;
  c.name = "file";
  c.type = "file";
  c.settings = {{"path", dir + "/alerts.ndjson"}, {"rotate_bytes", "100"}, {"keep", "2"}};
  auto out = MakeOutput(c, nullptr);
  ASSERT_TRUE(out.ok());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(out.value()->Send(Sample("alert-number-" + std::to_string(i))).ok);
  }
  // Each line is 42 bytes: two fit in 100; the oldest files beyond `keep` are gone.
  EXPECT_TRUE(std::filesystem::exists(dir + "/alerts.ndjson"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/alerts.ndjson.1"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/alerts.ndjson.2"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/alerts.ndjson.3"));
  for (const char* f : {"/alerts.ndjson", "/alerts.ndjson.1", "/alerts.ndjson.2"}) {
    EXPECT_LE(std::filesystem::file_size(dir + f), 100u) << f;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fastpath
