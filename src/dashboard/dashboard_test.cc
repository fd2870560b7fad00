#include "dashboard/dashboard.h"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>

#include "aws/loopback_server_for_tests.h"
#include "config/config_section.h"
#include "dashboard/assets.h"

namespace fastpath {
namespace {

constexpr char kToken[] = "s3cret-token-of-the-dashboard";

class DashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("fastpath_dashboard_" + std::to_string(getpid()) + ".sqlite"))
                .string();
    Clean();
    outbox_ = std::make_unique<Outbox>(path_);
    ASSERT_TRUE(outbox_->Open().ok());
    StoredAlert a;
    a.id = "alert-1";
    a.rule_id = "fastpath-cloudtrail-logging-stopped";
    a.title = "CloudTrail trail stopped";
    a.severity = "critical";
    a.account = "111122223333";
    a.region = "us-east-1";
    a.event_name = "StopLogging";
    a.event_time = 1700000000LL * kNsPerSec;
    a.created = NowNs();
    a.json = R"({"alert_id":"alert-1","event":{"eventName":"StopLogging"}})";
    ASSERT_TRUE(outbox_->Add(a, {"file"}).ok());
    a.id = "alert-2";
    a.severity = "low";
    a.account = "444455556666";
    ASSERT_TRUE(outbox_->Add(a, {"file"}).ok());
  }
  void TearDown() override {
    server_.reset();
    outbox_.reset();
    Clean();
  }
  void Clean() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  void Serve(const std::string& token) {
    DashboardOptions o;
    o.token = token;
    DashboardSources s;
    s.outbox = outbox_.get();
    s.timeline = std::make_shared<PathTimeline>();
    s.metrics_text = [] {
      return std::string(
          "# HELP fastpath_events_total Events out.\n# TYPE fastpath_events_total counter\n"
          "fastpath_events_total{path=\"s3\",note=\"a \\\"q\\\"\"} 42\n");
    };
    dashboard_ = std::make_unique<Dashboard>(o, s);
    server_ = std::make_unique<aws::LoopbackServer>();
    dashboard_->Mount(&server_->server);
    server_->Start();
    client_ = std::make_unique<httplib::Client>(server_->url());
  }
  std::string path_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<Dashboard> dashboard_;
  std::unique_ptr<aws::LoopbackServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(DashboardTest, ServesThePageAndItsAssets) {
  Serve("");
  auto page = client_->Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("/assets/app.js"), std::string::npos);
  for (const char* asset : {"/assets/app.js", "/assets/style.css", "/assets/uPlot.iife.min.js"}) {
    auto r = client_->Get(asset);
    ASSERT_TRUE(r) << asset;
    EXPECT_EQ(r->status, 200) << asset;
    EXPECT_EQ(r->body.size(), dashboard::FindAsset(asset)->size) << asset;
  }
  EXPECT_EQ(client_->Get("/assets/nope.js")->status, 404);
}

TEST_F(DashboardTest, AlertsFilterAndAckNeedsTheActionHeader) {
  Serve("");
  auto all = client_->Get("/api/alerts");
  ASSERT_EQ(all->status, 200);
  simdjson::dom::parser p;
  EXPECT_EQ(simdjson::dom::array(p.parse(all->body)["alerts"]).size(), 2u);
  auto one = client_->Get("/api/alerts?account=444455556666");
  EXPECT_EQ(simdjson::dom::array(p.parse(one->body)["alerts"]).size(), 1u);
  auto by_time = client_->Get("/api/alerts?by=event&since=2023-11-14T22:13:21Z");
  EXPECT_EQ(simdjson::dom::array(p.parse(by_time->body)["alerts"]).size(), 0u);
  EXPECT_EQ(client_->Get("/api/alerts?since=yesterday")->status, 400);

  auto detail = client_->Get("/api/alerts/alert-1");
  ASSERT_EQ(detail->status, 200);
  simdjson::dom::element d = p.parse(detail->body);
  EXPECT_EQ(std::string_view(d["line"]["event"]["eventName"]), "StopLogging");
  EXPECT_EQ(std::string_view(d["deliveries"].at(0)["output"]), "file");
  EXPECT_EQ(client_->Get("/api/alerts/nope")->status, 404);

  EXPECT_EQ(client_->Post("/api/alerts/alert-1/ack")->status, 403);  // a cross-site form
  httplib::Headers action = {{"X-Fastpath-Action", "1"}};
  auto acked = client_->Post("/api/alerts/alert-1/ack", action, "note=known+test+trail",
                             "application/x-www-form-urlencoded");
  ASSERT_EQ(acked->status, 200);
  EXPECT_EQ(outbox_->Get("alert-1").value()->state, "acked");
  EXPECT_EQ(outbox_->Get("alert-1").value()->ack_note, "known test trail");
  // A second ack is no error; the first note stays.
  auto again = client_->Post("/api/alerts/alert-1/ack", action, "note=other",
                             "application/x-www-form-urlencoded");
  ASSERT_EQ(again->status, 200);
  EXPECT_NE(again->body.find("\"already\":true"), std::string::npos) << again->body;
  EXPECT_EQ(outbox_->Get("alert-1").value()->ack_note, "known test trail");
  EXPECT_EQ(client_->Post("/api/alerts/nope/ack", action, "", "text/plain")->status, 404);
}

TEST_F(DashboardTest, TokenByHeaderOrByTheCookieItsFirstVisitSets) {
  Serve(kToken);
  EXPECT_EQ(client_->Get("/")->status, 401);
  EXPECT_EQ(client_->Get("/api/alerts")->status, 401);
  EXPECT_EQ(client_->Get("/assets/app.js")->status, 401);
  EXPECT_EQ(client_->Get("/api/alerts", {{"Authorization", "Bearer wrong"}})->status, 401);
  EXPECT_EQ(
      client_->Get("/api/alerts", {{"Authorization", std::string("Bearer ") + kToken}})->status,
      200);
  EXPECT_EQ(client_->Get("/?token=wrong")->status, 401);
  auto visit = client_->Get(std::string("/?token=") + kToken);
  ASSERT_EQ(visit->status, 303);
  const std::string cookie = visit->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(cookie.find(kToken), std::string::npos);  // the cookie is not the token
  const std::string value = cookie.substr(0, cookie.find(';'));
  EXPECT_EQ(client_->Get("/api/alerts", {{"Cookie", value}})->status, 200);
  EXPECT_EQ(client_->Get("/api/alerts", {{"Cookie", "fastpath_session=forged"}})->status, 401);
  // The login form posts the token instead.
  EXPECT_EQ(client_->Post("/login", "token=wrong", "application/x-www-form-urlencoded")->status,
            401);
  auto login =
      client_->Post("/login", std::string("token=") + kToken, "application/x-www-form-urlencoded");
  ASSERT_EQ(login->status, 303);
  EXPECT_EQ(login->get_header_value("Set-Cookie").substr(0, value.size()), value);
}

TEST_F(DashboardTest, HealthParsesTheMetricsAndMissingPartsSaySo) {
  Serve("");
  auto health = client_->Get("/api/health");
  ASSERT_EQ(health->status, 200);
  simdjson::dom::parser p;
  simdjson::dom::element m = p.parse(health->body)["metrics"].at(0);
  EXPECT_EQ(std::string_view(m["name"]), "fastpath_events_total");
  EXPECT_EQ(std::string_view(m["type"]), "counter");
  EXPECT_EQ(double(m["samples"].at(0)["value"]), 42.0);
  EXPECT_EQ(std::string_view(m["samples"].at(0)["labels"]["note"]), "a \"q\"");
  EXPECT_EQ(client_->Get("/api/search")->status, 404);
  auto coverage = client_->Get("/api/coverage");
  EXPECT_NE(coverage->body.find("\"available\":false"), std::string::npos);
  EXPECT_EQ(client_->Get("/api/paths")->status, 200);
}

TEST(Dashboard, LoopbackAddresses) {
  for (const char* h : {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"}) {
    EXPECT_TRUE(IsLoopbackHost(h)) << h;
  }
  for (const char* h : {"0.0.0.0", "::", "10.0.0.1", "", "example.com", "1127.0.0.1"}) {
    EXPECT_FALSE(IsLoopbackHost(h)) << h;
  }
}

TEST(Dashboard, MetricsWithInvalidUtf8StayValidJson) {
  const std::string json = Dashboard::MetricsToJson("x\xa1\x86{a=\"\xff\"} 1\n");
  simdjson::dom::parser p;
  ASSERT_EQ(p.parse(json).error(), simdjson::SUCCESS) << json;
  EXPECT_NE(json.find("\"x??\""), std::string::npos) << json;
}

TEST(Dashboard, MetricsTextWithBadLinesKeepsTheGoodOnes) {
  const std::string json = Dashboard::MetricsToJson(
      "x_total 1\nbroken{a=\"b 2\ny{a=\"1\"} nan-ish\nz{a=\"1\",b=\"2\"} 3 1700000000\n");
  simdjson::dom::parser p;
  simdjson::dom::array families = p.parse(json);
  ASSERT_EQ(families.size(), 2u) << json;
  EXPECT_EQ(std::string_view(families.at(1)["samples"].at(0)["labels"]["b"]), "2");
}

}  // namespace
}  // namespace fastpath
