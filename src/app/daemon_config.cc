#include "app/daemon_config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "core/time_util.h"
#include "rules/rule.h"

namespace fastpath {
namespace {

namespace fs = std::filesystem;

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {
    base_ = fs::path(file_).parent_path();
  }

  std::string At(const YAML::Node& n) const {
    return file_ + ":" + std::to_string(n.Mark().line + 1);
  }
  void Problem(const YAML::Node& n, const std::string& msg) {
    problems_.push_back(At(n) + ": " + msg);
  }
  const std::vector<std::string>& problems() const { return problems_; }

  // Every key of `map` must be in `allowed`.
  bool Keys(const YAML::Node& map, const std::string& where,
            std::initializer_list<const char*> allowed) {
    if (!map.IsMap()) {
      Problem(map, where + " must be a mapping");
      return false;
    }
    const std::set<std::string> ok(allowed.begin(), allowed.end());
    for (const auto& kv : map) {
      const std::string key = kv.first.Scalar();
      if (ok.count(key) == 0) {
        std::string list;
        for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
        Problem(kv.first,
                "unknown key '" + key + "' in " + where + " (expected one of: " + list + ")");
      }
    }
    return true;
  }

  bool Str(const YAML::Node& map, const char* key, std::string* out) {
    const YAML::Node n = map[key];
    if (!n) return false;
    if (!n.IsScalar()) {
      Problem(n, std::string(key) + " must be a string");
      return false;
    }
    *out = n.Scalar();
    return true;
  }

  template <typename Int>
  void Int_(const YAML::Node& map, const char* key, Int* out, long long lo, long long hi) {
    const YAML::Node n = map[key];
    if (!n) return;
    long long v = 0;
    try {
      v = n.as<long long>();
    } catch (const YAML::Exception&) {
      Problem(n, std::string(key) + " must be an integer");
      return;
    }
    if (v < lo || v > hi) {
      Problem(n, std::string(key) + " must be between " + std::to_string(lo) + " and " +
                     std::to_string(hi));
      return;
    }
    *out = static_cast<Int>(v);
  }

  void Bool(const YAML::Node& map, const char* key, bool* out) {
    const YAML::Node n = map[key];
    if (!n) return;
    try {
      *out = n.as<bool>();
    } catch (const YAML::Exception&) {
      Problem(n, std::string(key) + " must be true or false");
    }
  }

  // A duration ("5m", "30s") as whole seconds.
  void Seconds(const YAML::Node& map, const char* key, int* out, int lo, int hi) {
    const YAML::Node n = map[key];
    if (!n) return;
    auto d = n.IsScalar() ? ParseDuration(n.Scalar()) : std::nullopt;
    if (!d) {
      Problem(n, std::string(key) + " must be a duration like 30s or 5m");
      return;
    }
    const long long s = *d / 1000000000;
    if (s < lo || s > hi) {
      Problem(n, std::string(key) + " must be between " + std::to_string(lo) + "s and " +
                     std::to_string(hi) + "s");
      return;
    }
    *out = static_cast<int>(s);
  }

  // A duration in milliseconds.
  void Millis(const YAML::Node& map, const char* key, int* out, int lo, int hi) {
    const YAML::Node n = map[key];
    if (!n) return;
    auto d = n.IsScalar() ? ParseDuration(n.Scalar()) : std::nullopt;
    if (!d) {
      Problem(n, std::string(key) + " must be a duration like 250ms or 10s");
      return;
    }
    const long long ms = *d / 1000000;
    if (ms < lo || ms > hi) {
      Problem(n, std::string(key) + " must be between " + std::to_string(lo) + "ms and " +
                     std::to_string(hi) + "ms");
      return;
    }
    *out = static_cast<int>(ms);
  }

  std::string PathOf(const std::string& p) const {
    if (p.empty() || fs::path(p).is_absolute()) return p;
    return (base_ / p).lexically_normal().string();
  }

  // A secret given as `<key>_env` (variable name) or `<key>_file`; never inline.
  void Secret(const YAML::Node& map, const std::string& key, std::string* out,
              bool allow_inline = false) {
    if (map[key] && allow_inline) {
      if (map[key + "_env"] || map[key + "_file"]) {
        Problem(map[key], "give " + key + ", " + key + "_env or " + key + "_file, only one");
      }
      return;
    }
    if (map[key]) {
      Problem(map[key], key + " cannot be written in the configuration; use " + key + "_env or " +
                            key + "_file");
      return;
    }
    std::string env, file;
    const bool has_env = Str(map, (key + "_env").c_str(), &env);
    const bool has_file = Str(map, (key + "_file").c_str(), &file);
    if (has_env && has_file) {
      Problem(map[key + "_env"], "give " + key + "_env or " + key + "_file, not both");
      return;
    }
    if (has_env) {
      const char* v = std::getenv(env.c_str());
      if (v == nullptr || *v == '\0') {
        Problem(map[key + "_env"], "environment variable " + env + " (" + key + ") is not set");
        return;
      }
      *out = v;
    } else if (has_file) {
      std::ifstream in(PathOf(file));
      if (!in) {
        Problem(map[key + "_file"], key + "_file " + file + " cannot be read");
        return;
      }
      std::getline(in, *out);
      while (!out->empty() && (out->back() == '\r' || out->back() == ' ')) out->pop_back();
    }
  }

  void Listen(const YAML::Node& map, std::string* host, int* port) {
    std::string listen;
    if (!Str(map, "listen", &listen)) return;
    const size_t colon = listen.rfind(':');
    char* end = nullptr;
    const long p =
        colon == std::string::npos ? -1 : std::strtol(listen.c_str() + colon + 1, &end, 10);
    if (colon == std::string::npos || end == nullptr || *end != '\0' || p < 0 || p > 65535) {
      Problem(map["listen"], "listen must be host:port, got '" + listen + "'");
      return;
    }
    *host = listen.substr(0, colon);
    *port = static_cast<int>(p);
  }

 private:
  std::string file_;
  fs::path base_;
  std::vector<std::string> problems_;
};

}  // namespace

Result<DaemonConfig> LoadDaemonConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(path + ": cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseDaemonConfig(ss.str(), path);
}

Result<DaemonConfig> ParseDaemonConfig(const std::string& text, const std::string& path) {
  if (Status st = CheckYamlText(text); !st.ok())
    return Status::InvalidArgument(path + ": " + st.message());
  YAML::Node loaded;
  try {
    loaded = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  const YAML::Node& root = loaded;  // const: lookups must not add keys
  if (!root.IsMap()) return Status::InvalidArgument(path + ": the configuration must be a mapping");
  Loader L(path);
  DaemonConfig c;
  c.path = path;
  L.Keys(root, "the configuration",
         {"state_dir", "aws", "rules", "strict_rules", "events", "alerts", "workers", "dedupe",
          "http", "sources", "vpc_flow_formats"});
  if (L.Str(root, "state_dir", &c.state_dir)) c.state_dir = L.PathOf(c.state_dir);
  if (!root["state_dir"]) c.state_dir = L.PathOf(".");
  c.outbox_path = (fs::path(c.state_dir) / "alerts.sqlite").string();
  if (const YAML::Node a = root["aws"]) {
    if (L.Keys(a, "aws", {"region", "profile", "endpoint_url", "endpoints"})) {
      L.Str(a, "region", &c.aws.region);
      L.Str(a, "profile", &c.aws.profile);
      L.Str(a, "endpoint_url", &c.aws.endpoint_url);
      if (const YAML::Node e = a["endpoints"]) {
        if (L.Keys(
                e, "aws.endpoints",
                {"s3", "sqs", "sns", "sts", "kinesis", "dynamodb", "firehose", "logs", "events"})) {
          for (const auto& kv : e) c.aws.endpoints[kv.first.Scalar()] = kv.second.Scalar();
        }
      }
    }
  }
  if (const YAML::Node r = root["rules"]) {
    if (r.IsScalar()) {
      c.rules.push_back(L.PathOf(r.Scalar()));
    } else if (r.IsSequence()) {
      for (const auto& x : r) c.rules.push_back(L.PathOf(x.Scalar()));
    } else {
      L.Problem(r, "rules must be a path or a list of paths");
    }
  }
  L.Bool(root, "strict_rules", &c.strict_rules);
  if (const YAML::Node n = root["events"]) {
    if (L.Keys(n, "events", {"output"}) && L.Str(n, "output", &c.events_output)) {
      if (c.events_output != "stdout" && c.events_output != "none") {
        c.events_output = L.PathOf(c.events_output);
      }
    }
  }
  if (const YAML::Node n = root["alerts"]) {
    if (L.Keys(n, "alerts", {"output", "claim_table", "claim_ttl", "outbox", "outputs"})) {
      if (L.Str(n, "outbox", &c.outbox_path)) c.outbox_path = L.PathOf(c.outbox_path);
      if (const YAML::Node outs = n["outputs"]) {
        if (!outs.IsSequence()) {
          L.Problem(outs, "alerts.outputs must be a list");
        } else {
          std::set<std::string> names;
          for (size_t i = 0; i < outs.size(); ++i) {
            const YAML::Node o = outs[i];
            const std::string where = "alerts.outputs[" + std::to_string(i) + "]";
            OutputConfig oc;
            if (!o.IsMap() || !L.Str(o, "type", &oc.type)) {
              L.Problem(o, where + " needs a type");
              continue;
            }
            oc.name = oc.type;
            L.Str(o, "name", &oc.name);
            if (!names.insert(oc.name).second)
              L.Problem(o, "output name '" + oc.name + "' is used twice");
            // Keys each type takes, besides the common ones.
            static const std::map<std::string, std::vector<std::string>> kTypeKeys = {
                {"stdout", {}},
                {"file", {"path", "rotate_bytes", "keep"}},
                {"webhook", {"url", "url_env", "url_file", "secret_env", "secret_file", "headers"}},
                {"slack", {"url", "url_env", "url_file"}},
                {"teams", {"url", "url_env", "url_file"}},
                {"pagerduty", {"url", "routing_key_env", "routing_key_file"}},
                {"opsgenie", {"url", "api_key_env", "api_key_file"}},
                {"sns", {"topic_arn"}},
                {"sqs", {"queue_url"}},
                {"kinesis", {"stream"}},
                {"firehose", {"delivery_stream"}},
                {"s3", {"bucket", "prefix"}},
                {"syslog", {"transport", "host", "port", "ca_file", "facility"}},
                {"email",
                 {"url", "from", "to", "username", "password_env", "password_file", "starttls"}},
            };
            auto tk = kTypeKeys.find(oc.type);
            if (tk == kTypeKeys.end()) {
              L.Problem(o["type"], "unknown output type '" + oc.type + "'");
              continue;
            }
            std::set<std::string> allowed = {"name",  "type",    "rate_per_second",
                                             "burst", "max_age", "severities"};
            allowed.insert(tk->second.begin(), tk->second.end());
            for (const auto& kv : o) {
              const std::string key = kv.first.Scalar();
              if (allowed.count(key) != 0) continue;
              std::string list;
              for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
              L.Problem(kv.first, "unknown key '" + key + "' in " + where + " (" + oc.type +
                                      " takes: " + list + ")");
            }
            for (const std::string& key : tk->second) {
              const bool secret_ref =
                  key.ends_with("_env") || (key.ends_with("_file") && key != "ca_file");
              if (key == "headers" || key == "to" || secret_ref) continue;
              std::string v;
              if (L.Str(o, key.c_str(), &v)) oc.settings[key] = v;
            }
            for (const char* secret : {"url", "secret", "routing_key", "api_key", "password"}) {
              const std::string k = secret;
              if (!o[k + "_env"] && !o[k + "_file"]) continue;
              std::string v;
              L.Secret(o, k, &v, /*allow_inline=*/k == "url");
              if (!v.empty()) oc.settings[k] = v;
            }
            if (oc.type == "file" && oc.settings.count("path")) {
              oc.settings["path"] = L.PathOf(oc.settings["path"]);
            }
            if (oc.type == "syslog" && oc.settings.count("ca_file")) {
              oc.settings["ca_file"] = L.PathOf(oc.settings["ca_file"]);
            }
            if (const YAML::Node h = o["headers"]) {
              if (!h.IsMap()) {
                L.Problem(h, "headers must be a mapping");
              } else {
                for (const auto& kv : h) oc.headers[kv.first.Scalar()] = kv.second.Scalar();
              }
            }
            if (const YAML::Node to = o["to"]) {
              if (to.IsScalar()) {
                oc.to.push_back(to.Scalar());
              } else if (to.IsSequence()) {
                for (const auto& x : to) oc.to.push_back(x.Scalar());
              }
            }
            if (const YAML::Node sv = o["severities"]) {
              if (sv.IsSequence()) {
                for (const auto& x : sv) oc.severities.push_back(x.Scalar());
              } else {
                L.Problem(sv, "severities must be a list");
              }
            }
            if (const YAML::Node r = o["rate_per_second"]) {
              try {
                oc.rate_per_second = r.as<double>();
              } catch (const YAML::Exception&) {
                L.Problem(r, "rate_per_second must be a number");
              }
              if (oc.rate_per_second <= 0) L.Problem(r, "rate_per_second must be positive");
            }
            L.Int_(o, "burst", &oc.burst, 1, 100000);
            std::string age;
            if (L.Str(o, "max_age", &age)) {
              auto d = ParseDuration(age);
              if (!d) {
                L.Problem(o["max_age"], "max_age must be a duration like 24h");
              } else {
                oc.max_age = *d;
              }
            }
            c.alert_outputs.push_back(std::move(oc));
          }
        }
      }
      if (L.Str(n, "output", &c.alerts_output) && c.alerts_output != "stdout" &&
          c.alerts_output != "none") {
        c.alerts_output = L.PathOf(c.alerts_output);
      }
      L.Str(n, "claim_table", &c.alert_claim_table);
      if (L.Str(n, "claim_ttl", &c.alert_claim_ttl) && !ParseDuration(c.alert_claim_ttl)) {
        L.Problem(n["claim_ttl"], "claim_ttl must be a duration like 24h");
      }
    }
  }
  // Flow logs delivered through CloudWatch Logs have no header line: their custom formats,
  // by log group ({"/aws/vpc/flowlogs": "${version} ${interface-id} ..."}).
  if (const YAML::Node v = root["vpc_flow_formats"]) {
    if (!v.IsMap()) {
      L.Problem(v, "vpc_flow_formats maps log groups (name, prefix* or *) to flow log formats");
    } else {
      for (const auto& kv : v) {
        auto f = ParseConfiguredVpcFlowFormat(kv.first.Scalar() + "=" + kv.second.Scalar());
        if (f.ok()) {
          c.vpc_flow_formats.push_back(std::move(f.value()));
        } else {
          L.Problem(kv.second, f.status().message());
        }
      }
    }
  }
  L.Int_(root, "workers", &c.workers, 0, 256);
  if (const YAML::Node d = root["dedupe"]) {
    if (L.Keys(d, "dedupe", {"window", "memory_mib"})) {
      if (L.Str(d, "window", &c.dedupe_window) && !ParseDuration(c.dedupe_window)) {
        L.Problem(d["window"], "window must be a duration like 24h");
      }
      L.Int_(d, "memory_mib", &c.dedupe_memory_mib, 1, 1 << 20);
    }
  }
  if (const YAML::Node h = root["http"]) {
    if (L.Keys(h, "http", {"listen", "enabled"})) {
      L.Listen(h, &c.http_host, &c.http_port);
      bool enabled = true;
      L.Bool(h, "enabled", &enabled);
      if (!enabled) c.http_port = -1;
    }
  }
  const YAML::Node sources = root["sources"];
  if (!sources || !sources.IsSequence() || sources.size() == 0) {
    L.Problem(sources ? sources : root, "sources must be a non-empty list");
  } else {
    std::set<std::string> names;
    for (size_t i = 0; i < sources.size(); ++i) {
      const YAML::Node s = sources[i];
      const std::string where = "sources[" + std::to_string(i) + "]";
      DaemonSource d;
      if (!s.IsMap()) {
        L.Problem(s, where + " must be a mapping");
        continue;
      }
      if (!L.Str(s, "type", &d.type)) {
        L.Problem(s, where + " needs a type: s3_sqs, kinesis, firehose or eventbridge");
        continue;
      }
      d.name = d.type + "-" + std::to_string(i);
      L.Str(s, "name", &d.name);
      if (!names.insert(d.name).second) L.Problem(s, "source name '" + d.name + "' is used twice");
      if (d.type == "s3_sqs") {
        L.Keys(s, where,
               {"type", "name", "queue_url", "wait_time", "visibility_timeout", "max_messages",
                "max_receive_count", "dead_letter_file", "max_in_flight"});
        if (!L.Str(s, "queue_url", &d.sqs.queue_url)) L.Problem(s, where + " needs queue_url");
        L.Seconds(s, "wait_time", &d.sqs.wait_seconds, 0, 20);
        L.Seconds(s, "visibility_timeout", &d.sqs.visibility_timeout, 2, 43200);
        L.Int_(s, "max_messages", &d.sqs.max_messages, 1, 10);
        L.Int_(s, "max_receive_count", &d.sqs.max_receive_count, 1, 1000);
        L.Int_(s, "max_in_flight", &d.sqs.max_in_flight, 1, 100000);
        d.sqs.dead_letter_file =
            (fs::path(c.state_dir) / (d.name + ".dead-letters.ndjson")).string();
        if (L.Str(s, "dead_letter_file", &d.sqs.dead_letter_file)) {
          d.sqs.dead_letter_file = L.PathOf(d.sqs.dead_letter_file);
        }
      } else if (d.type == "kinesis") {
        L.Keys(s, where,
               {"type", "name", "stream", "application", "lease_store", "lease_file",
                "initial_position", "initial_timestamp", "failover_time", "poll_interval",
                "max_records", "shard_sync", "worker_id"});
        if (!L.Str(s, "stream", &d.kinesis.stream)) L.Problem(s, where + " needs stream");
        d.application = "fastpath-" + d.kinesis.stream;
        L.Str(s, "application", &d.application);
        L.Str(s, "lease_store", &d.lease_store);
        if (d.lease_store != "dynamodb" && d.lease_store != "sqlite") {
          L.Problem(s["lease_store"], "lease_store must be dynamodb or sqlite");
        }
        d.lease_file = (fs::path(c.state_dir) / (d.name + ".leases.sqlite")).string();
        if (L.Str(s, "lease_file", &d.lease_file)) d.lease_file = L.PathOf(d.lease_file);
        L.Str(s, "initial_position", &d.kinesis.initial_position);
        if (d.kinesis.initial_position != "TRIM_HORIZON" &&
            d.kinesis.initial_position != "LATEST" &&
            d.kinesis.initial_position != "AT_TIMESTAMP") {
          L.Problem(s["initial_position"],
                    "initial_position must be TRIM_HORIZON, LATEST or AT_TIMESTAMP");
        }
        std::string ts;
        if (L.Str(s, "initial_timestamp", &ts)) {
          auto t = ParseRfc3339(ts);
          if (!t) {
            L.Problem(s["initial_timestamp"], "initial_timestamp must be an RFC 3339 time");
          } else {
            d.kinesis.initial_timestamp = *t;
          }
        }
        if (d.kinesis.initial_position == "AT_TIMESTAMP" && !s["initial_timestamp"]) {
          L.Problem(s, where + ": AT_TIMESTAMP needs initial_timestamp");
        }
        L.Millis(s, "failover_time", &d.kinesis.failover_ms, 1000, 600000);
        L.Millis(s, "poll_interval", &d.kinesis.poll_ms, 200, 60000);
        L.Millis(s, "shard_sync", &d.kinesis.shard_sync_ms, 1000, 3600000);
        L.Int_(s, "max_records", &d.kinesis.max_records, 1, 10000);
        L.Str(s, "worker_id", &d.kinesis.worker_id);
        d.kinesis.region = c.aws.region;
      } else if (d.type == "firehose" || d.type == "eventbridge") {
        const bool fh = d.type == "firehose";
        d.receiver.kind =
            fh ? ReceiverOptions::Kind::kFirehose : ReceiverOptions::Kind::kEventBridge;
        d.receiver.name = d.name;
        if (fh) {
          L.Keys(s, where,
                 {"type", "name", "listen", "path", "tls", "max_body_mib", "read_timeout",
                  "access_key_env", "access_key_file", "access_key"});
          L.Secret(s, "access_key", &d.receiver.access_key);
          d.receiver.max_body_bytes = 64u << 20;
        } else {
          L.Keys(s, where,
                 {"type", "name", "listen", "path", "tls", "max_body_mib", "read_timeout",
                  "api_key_header", "api_key_env", "api_key_file", "api_key", "basic_user",
                  "basic_password_env", "basic_password_file", "basic_password"});
          L.Str(s, "api_key_header", &d.receiver.api_key_header);
          L.Secret(s, "api_key", &d.receiver.api_key);
          L.Str(s, "basic_user", &d.receiver.basic_user);
          L.Secret(s, "basic_password", &d.receiver.basic_password);
          d.receiver.max_body_bytes = 1u << 20;
          if (!s["api_key_env"] && !s["api_key_file"] && !s["basic_user"]) {
            L.Problem(s, where +
                             " needs api_key_env/api_key_file or basic_user: an open endpoint "
                             "would take events from anyone");
          }
        }
        if (!s["listen"]) L.Problem(s, where + " needs listen: host:port");
        L.Listen(s, &d.receiver.host, &d.receiver.port);
        L.Str(s, "path", &d.receiver.path);
        size_t mib = d.receiver.max_body_bytes >> 20;
        L.Int_(s, "max_body_mib", &mib, 1, 1024);
        d.receiver.max_body_bytes = mib << 20;
        L.Seconds(s, "read_timeout", &d.receiver.read_timeout_seconds, 1, 600);
        if (const YAML::Node t = s["tls"]) {
          if (L.Keys(t, where + ".tls", {"cert_file", "key_file"})) {
            if (L.Str(t, "cert_file", &d.receiver.tls_cert_file)) {
              d.receiver.tls_cert_file = L.PathOf(d.receiver.tls_cert_file);
            }
            if (L.Str(t, "key_file", &d.receiver.tls_key_file)) {
              d.receiver.tls_key_file = L.PathOf(d.receiver.tls_key_file);
            }
            if (d.receiver.tls_cert_file.empty() || d.receiver.tls_key_file.empty()) {
              L.Problem(t, where + ".tls needs cert_file and key_file");
            }
          }
        }
      } else {
        L.Problem(s["type"], "unknown source type '" + d.type +
                                 "' (expected s3_sqs, kinesis, firehose or eventbridge)");
        continue;
      }
      c.sources.push_back(std::move(d));
    }
  }
  if (!L.problems().empty()) {
    std::string msg;
    for (const std::string& p : L.problems()) msg += (msg.empty() ? "" : "\n") + p;
    return Status::InvalidArgument(msg);
  }
  return c;
}

}  // namespace fastpath
