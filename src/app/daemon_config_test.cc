#include "app/daemon_config.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "sources/http_receivers.h"
#include "sources/sqs_s3_source.h"

namespace fastpath {
namespace {

TEST(DaemonConfig, ParsesEverySourceTypeAndResolvesRelativePaths) {
  setenv("FASTPATH_TEST_FH_KEY", "k1", 1);
  auto c = ParseDaemonConfig(R"(state_dir: state
aws:
  region: eu-west-1
  endpoints:
    sqs: http://127.0.0.1:4566
rules: [rules, /abs/rules]
events:
  output: out/events.ndjson
alerts:
  output: stdout
dedupe:
  window: 12h
http:
  listen: 127.0.0.1:0
sources:
  - type: s3_sqs
    queue_url: https://sqs.eu-west-1.amazonaws.com/1/q
    visibility_timeout: 10m
    max_receive_count: 3
  - name: fh
    type: firehose
    listen: 0.0.0.0:8443
    access_key_env: FASTPATH_TEST_FH_KEY
    max_body_mib: 8
)",
                             "/etc/fastpath/fastpath.yml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->state_dir, "/etc/fastpath/state");
  EXPECT_EQ(c->aws.region, "eu-west-1");
  EXPECT_EQ(c->aws.endpoints.at("sqs"), "http://127.0.0.1:4566");
  ASSERT_EQ(c->rules.size(), 2u);
  EXPECT_EQ(c->rules[0], "/etc/fastpath/rules");
  EXPECT_EQ(c->rules[1], "/abs/rules");
  EXPECT_EQ(c->events_output, "/etc/fastpath/out/events.ndjson");
  EXPECT_EQ(c->alerts_output, "stdout");
  EXPECT_EQ(c->http_port, 0);
  ASSERT_EQ(c->sources.size(), 2u);
  EXPECT_EQ(c->sources[0].name, "s3_sqs-0");
  EXPECT_EQ(c->sources[0].type, FindSourceType("s3_sqs"));
  const auto& sqs = static_cast<const SqsS3SourceSettings&>(*c->sources[0].settings).options;
  EXPECT_EQ(sqs.visibility_timeout, 600);
  EXPECT_EQ(sqs.max_receive_count, 3);
  EXPECT_EQ(sqs.dead_letter_file, "/etc/fastpath/state/s3_sqs-0.dead-letters.ndjson");
  EXPECT_EQ(c->sources[1].type, FindSourceType("firehose"));
  const auto& fh = static_cast<const ReceiverSettings&>(*c->sources[1].settings).options;
  EXPECT_EQ(fh.name, "fh");
  EXPECT_EQ(fh.access_key, "k1");
  EXPECT_EQ(fh.host, "0.0.0.0");
  EXPECT_EQ(fh.port, 8443);
  EXPECT_EQ(fh.max_body_bytes, 8u << 20);
}

TEST(DaemonConfig, UnknownKeysAreErrorsWithFileAndLine) {
  auto c = ParseDaemonConfig(R"(sources:
  - type: s3_sqs
    queue_url: q
    visibilty_timeout: 5m
evnets:
  output: stdout
)",
                             "f.yml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("f.yml:4: unknown key 'visibilty_timeout' in sources[0]"),
            std::string::npos)
      << c.status().message();
  EXPECT_NE(c.status().message().find("f.yml:5: unknown key 'evnets' in the configuration"),
            std::string::npos)
      << c.status().message();
}

TEST(DaemonConfig, SecretsAreNeverInline) {
  auto c = ParseDaemonConfig(R"(sources:
  - type: firehose
    listen: 127.0.0.1:1
    access_key: hunter2
)",
                             "f.yml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("f.yml:4: access_key cannot be written in the configuration"),
            std::string::npos)
      << c.status().message();
  EXPECT_EQ(c.status().message().find("hunter2"), std::string::npos);
}

TEST(DaemonConfig, BadValuesNameTheirLine) {
  auto c = ParseDaemonConfig(R"(http:
  listen: nowhere
sources:
  - type: s3_sqs
    queue_url: q
    wait_time: 60s
  - type: kafka
  - type: eventbridge
    listen: 127.0.0.1:9
)",
                             "f.yml");
  ASSERT_FALSE(c.ok());
  const std::string& m = c.status().message();
  EXPECT_NE(m.find("f.yml:2: listen must be host:port"), std::string::npos) << m;
  EXPECT_NE(m.find("f.yml:6: wait_time must be between 0s and 20s"), std::string::npos) << m;
  EXPECT_NE(m.find("f.yml:7: unknown source type 'kafka'"), std::string::npos) << m;
  EXPECT_NE(m.find("needs api_key_env/api_key_file or basic_user"), std::string::npos) << m;
}

TEST(DaemonConfig, FlowLogFormatsByLogGroup) {
  auto c = ParseDaemonConfig(R"(sources:
  - type: s3_sqs
    queue_url: https://sqs.eu-west-1.amazonaws.com/1/q
vpc_flow_formats:
  /aws/vpc/flowlogs: ${version} ${interface-id} ${srcaddr} ${dstaddr}
  "/aws/vpc/custom*": version srcaddr
)",
                             "f.yml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->vpc_flow_formats.size(), 2u);
  EXPECT_EQ(c->vpc_flow_formats[0].log_groups, "/aws/vpc/flowlogs");
  EXPECT_EQ(c->vpc_flow_formats[0].format.fields.size(), 4u);
  EXPECT_TRUE(LogGroupMatches(c->vpc_flow_formats[1].log_groups, "/aws/vpc/custom-a"));
  auto bad = ParseDaemonConfig(R"(sources:
  - type: s3_sqs
    queue_url: https://sqs.eu-west-1.amazonaws.com/1/q
vpc_flow_formats:
  g: ${version} ${nonsense}
)",
                               "f.yml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(
      bad.status().message().find("f.yml:5: flow log format for 'g': unknown field 'nonsense'"),
      std::string::npos)
      << bad.status().message();
}

TEST(DaemonConfig, NoSources) {
  auto c = ParseDaemonConfig("workers: 2\n", "f.yml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("sources must be a non-empty list"), std::string::npos);
}

// The descriptors are the configuration reference: every key a descriptor lists is one the
// configuration reader accepts, and a key no descriptor lists is refused.
TEST(DaemonConfig, EveryDescribedKeyIsAcceptedAndNoOther) {
  for (const SourceDescriptor* d : SourceTypes()) {
    for (const std::string& key : AllowedKeys({}, d->keys)) {
      auto c = ParseDaemonConfig(
          std::string("sources:\n  - type: ") + d->type + "\n    " + key + ": x\n", "f.yml");
      const std::string m = c.ok() ? "" : c.status().message();
      EXPECT_EQ(m.find("unknown key"), std::string::npos) << d->type << "." << key << ": " << m;
    }
    auto c = ParseDaemonConfig(std::string("sources:\n  - type: ") + d->type + "\n    nope: x\n",
                               "f.yml");
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.status().message().find("f.yml:3: unknown key 'nope' in sources[0]"),
              std::string::npos)
        << c.status().message();
  }
  for (const OutputDescriptor* d : OutputTypes()) {
    for (const std::string& key : AllowedKeys({}, d->keys)) {
      auto c = ParseDaemonConfig(std::string("sources:\n  - type: s3_sqs\n    queue_url: q\n"
                                             "alerts:\n  outputs:\n    - type: ") +
                                     d->type + "\n      " + key + ": x\n",
                                 "f.yml");
      const std::string m = c.ok() ? "" : c.status().message();
      EXPECT_EQ(m.find("unknown key"), std::string::npos) << d->type << "." << key << ": " << m;
    }
  }
  // Every type appears in the reference, with each of its keys.
  const std::string ref = ConfigurationReference();
  for (const SourceDescriptor* d : SourceTypes()) {
    EXPECT_NE(ref.find(std::string("#### `") + d->type + "`"), std::string::npos) << d->type;
    for (const ConfigKeyDoc& k : d->keys) {
      EXPECT_NE(ref.find("| `" + KeyForReference(k) + "` |"), std::string::npos) << k.key;
    }
  }
  for (const OutputDescriptor* d : OutputTypes()) {
    EXPECT_NE(ref.find(std::string("#### `") + d->type + "`"), std::string::npos) << d->type;
  }
}

TEST(DaemonConfig, SecretsInOutputsOnlyByReference) {
  auto c = ParseDaemonConfig(R"(sources:
  - type: s3_sqs
    queue_url: q
alerts:
  outputs:
    - type: pagerduty
      routing_key: hunter2
)",
                             "f.yml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(
      c.status().message().find("f.yml:7: routing_key cannot be written in the configuration"),
      std::string::npos)
      << c.status().message();
  EXPECT_EQ(c.status().message().find("hunter2"), std::string::npos);
  setenv("FASTPATH_TEST_PD_KEY", "k2", 1);
  auto ok = ParseDaemonConfig(R"(sources:
  - type: s3_sqs
    queue_url: q
alerts:
  outputs:
    - type: pagerduty
      routing_key_env: FASTPATH_TEST_PD_KEY
    - name: hook
      type: webhook
      url: https://example.com/x
      headers: {X-A: b}
      severities: [high, critical]
      max_age: 2h
    - type: email
      url: smtp://127.0.0.1:25
      to: [a@example.com, b@example.com]
)",
                              "f.yml");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  ASSERT_EQ(ok->alert_outputs.size(), 3u);
  EXPECT_EQ(ok->alert_outputs[0].settings.at("routing_key"), "k2");
  EXPECT_EQ(ok->alert_outputs[1].name, "hook");
  EXPECT_EQ(ok->alert_outputs[1].settings.at("url"), "https://example.com/x");
  EXPECT_EQ(ok->alert_outputs[1].headers.at("X-A"), "b");
  EXPECT_EQ(ok->alert_outputs[1].severities.size(), 2u);
  EXPECT_EQ(ok->alert_outputs[1].max_age, 2LL * 3600 * 1000000000);
  EXPECT_EQ(ok->alert_outputs[2].to.size(), 2u);
}

TEST(DaemonConfig, HeaderValuesMustBeStrings) {
  // A nested value would otherwise be sent as an empty header.
  auto c = ParseDaemonConfig(R"(sources:
  - type: s3_sqs
    queue_url: q
alerts:
  outputs:
    - type: webhook
      url: https://example.com/x
      headers: {A: {b: c}}
)",
                             "f.yml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("f.yml:8: headers.A must be a string"), std::string::npos)
      << c.status().message();
}

TEST(DaemonConfig, AlertFileAndLakeFolderMustBeWritable) {
  auto c = ParseDaemonConfig(R"(sources:
  - type: s3_sqs
    queue_url: q
alerts:
  outputs:
    - type: file
      path: /nonexistent-folder/alerts.ndjson
lake:
  uri: /proc/version/lake
)",
                             "/tmp/f.yml", /*check_files=*/true);
  ASSERT_FALSE(c.ok());
  const std::string& m = c.status().message();
  EXPECT_NE(m.find("f.yml:7: folder /nonexistent-folder does not exist"), std::string::npos) << m;
  EXPECT_NE(m.find("f.yml:9: lake: /proc/version is not a folder"), std::string::npos) << m;
}

TEST(DaemonConfig, DashboardOffLoopbackNeedsAToken) {
  auto c = ParseDaemonConfig(R"(sources:
  - type: s3_sqs
    queue_url: q
http:
  listen: 0.0.0.0:9108
  dashboard: true
)",
                             "f.yml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("not loopback) needs a token"), std::string::npos)
      << c.status().message();
  setenv("FASTPATH_TEST_DASH_TOKEN", "short", 1);
  auto short_token = ParseDaemonConfig(R"(sources:
  - type: s3_sqs
    queue_url: q
http:
  listen: 0.0.0.0:9108
  dashboard: true
  dashboard_token_env: FASTPATH_TEST_DASH_TOKEN
)",
                                       "f.yml");
  ASSERT_FALSE(short_token.ok());
  EXPECT_NE(short_token.status().message().find("at least 16 characters"), std::string::npos);
  setenv("FASTPATH_TEST_DASH_TOKEN", "a-long-enough-dashboard-token", 1);
  auto ok = ParseDaemonConfig(R"(sources:
  - type: s3_sqs
    queue_url: q
http:
  listen: 0.0.0.0:9108
  dashboard: true
  dashboard_token_env: FASTPATH_TEST_DASH_TOKEN
)",
                              "f.yml");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_TRUE(ok.value().dashboard);
  EXPECT_EQ(ok.value().dashboard_token, "a-long-enough-dashboard-token");
}

}  // namespace
}  // namespace fastpath
