#include "app/daemon_config.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/time_util.h"

namespace fastpath {
namespace {

namespace fs = std::filesystem;

// The top-level sections, in the order the reference lists them.
const std::vector<ConfigKeyDoc>& TopLevelKeys() {
  static const std::vector<ConfigKeyDoc> kKeys = {
      {"state_dir", "folder for the outbox, leases, dead letters (default: the file's folder)",
       ConfigValue::kPath},
      {"umask",
       "octal mask of the files and folders the daemon creates (default 0077: files 0600, "
       "folders 0700)"},
      {"aws",
       "region, profile, endpoint_url, endpoints (per service: s3, sqs, sns, sts, "
       "kinesis, dynamodb, firehose, logs, events)",
       ConfigValue::kSection},
      {"rules", "a rule file or folder, or a list of them", ConfigValue::kList},
      {"strict_rules", "true: refuse to start when a rule has a problem"},
      {"events", "output: stdout, none or a file (appended)", ConfigValue::kSection},
      {"fsync",
       "when the events and alerts output files and the dedupe state are forced to disk: "
       "always (after every acknowledged input), interval (the default: at most once per "
       "fsync_interval), never (left to the kernel); a crash of the process loses nothing "
       "either way, a power loss up to the last sync"},
      {"fsync_interval", "the interval of fsync: interval (default 1s)"},
      {"alerts",
       "output (stdout, none or a file), outbox (SQLite file), claim_table and "
       "claim_ttl (DynamoDB alert claims across processes), outputs (a list, below)",
       ConfigValue::kSection},
      {"workers", "decode/parse threads (default: one per core)"},
      {"dedupe",
       "window (default 24h) and memory_mib (default 512) of first-arrival dedupe, and "
       "persist (default true: the ids survive a restart, in <state_dir>/dedupe.journal)",
       ConfigValue::kSection},
      {"http",
       "listen (host:port of /healthz and /metrics, default 127.0.0.1:9108), enabled, "
       "dashboard (true: the web dashboard and /api/ on the same listener), "
       "dashboard_token_env or dashboard_token_file (its access token; required when listen is "
       "not loopback), audit_report (an audit JSON report for the Coverage page)",
       ConfigValue::kSection},
      {"sources", "a list of sources, each with a type (below) and an optional name",
       ConfigValue::kSection},
      {"vpc_flow_formats",
       "log group (name, prefix* or *) -> flow log format, for flow logs "
       "delivered by CloudWatch Logs",
       ConfigValue::kMap},
      {"lake", "every unique event kept in the lake (keys below; docs/lake.md)",
       ConfigValue::kSection},
      {"coverage",
       "silence alerts for delivery paths that went quiet, and the re-audit after a tamper "
       "alert (keys below; docs/audit.md)",
       ConfigValue::kSection},
  };
  return kKeys;
}

std::vector<std::string> KeyNames(const std::vector<ConfigKeyDoc>& keys);

const std::vector<ConfigKeyDoc>& LakeKeys() {
  static const std::vector<ConfigKeyDoc> kKeys = {
      {"uri", "a folder or s3://bucket/prefix (required)"},
      {"format", "events (canonical columns and the native record; default) or ocsf"},
      {"object_mib", "an object closes at this uncompressed size, MiB (default 64)"},
      {"max_age", "or at this age (default 5m)"},
      {"spool", "folder of the open objects (default: <state_dir>/lake-spool)", ConfigValue::kPath},
      {"fsync",
       "true: fdatasync the spool before each acknowledgement (default false: "
       "survives kill -9, not power loss)"},
      {"max_open_objects",
       "open objects at most; the least recently written closes first "
       "(default 256)"},
      {"part_mib", "S3 multipart part size, MiB (default 8, at least 5)"},
      {"compression_level", "gzip level, 1 (fastest) to 12 (smallest); default 6"},
  };
  return kKeys;
}

std::string DirNotWritable(const std::string& dir);

void ReadLake(const ConfigSection& n, DaemonConfig* c) {
  if (!n.CheckKeys(KeyNames(LakeKeys()))) return;
  LakeSettings l;
  if (!n.Str("uri", &l.uri)) {
    n.Problem("lake needs a uri: a folder or s3://bucket/prefix");
    return;
  }
  if (!l.uri.starts_with("s3://")) {
    l.uri = n.file().PathOf(l.uri);
    if (n.file().check_files()) {
      if (std::string why = DirNotWritable(l.uri); !why.empty()) n.Problem("uri", "lake: " + why);
    }
  }
  if (n.Str("format", &l.format) && l.format != "events" && l.format != "ocsf") {
    n.Problem("format", "format must be events or ocsf");
  }
  n.Int("object_mib", &l.object_mib, 1, 4096);
  if (n.Str("max_age", &l.max_age) && !ParseDuration(l.max_age)) {
    n.Problem("max_age", "max_age must be a duration like 5m");
  }
  l.spool = (fs::path(c->state_dir) / "lake-spool").string();
  n.Path("spool", &l.spool);
  n.Bool("fsync", &l.fsync);
  n.Int("max_open_objects", &l.max_open_objects, 1, 4096);
  n.Int("part_mib", &l.part_mib, 5, 4096);
  n.Int("compression_level", &l.compression_level, 1, 12);
  c->lake = std::move(l);
}

const std::vector<ConfigKeyDoc>& CoverageKeys() {
  static const std::vector<ConfigKeyDoc> kKeys = {
      {"silence_alerts",
       "true (default): alert when a path that delivered stays quiet for 3 x its p99 delay or "
       "gap, at least the floor below"},
      {"silence_floor_s3", "the least silence that counts on the S3 path (default 15m)"},
      {"silence_floor", "the same on the other paths (default 10m)"},
      {"check_every", "how often silences are looked for and the state saved (default 30s)"},
      {"reaudit_on_tamper",
       "true: when an alert's event disables collection (StopLogging, DeleteFlowLogs, "
       "DisableRule, ...), audit that component of that account and region and add the "
       "result to the alert (default false)"},
      {"role_name", "role assumed in other accounts for the re-audit (default fastpath-audit)"},
      {"external_id", "external id for that AssumeRole"},
      {"central_bus", "ARN of the central event bus the forwarding rules target"},
      {"data_events", "resource types the trail must record data events of", ConfigValue::kList},
      {"log_groups", "source log groups that must be subscribed (NAME or PREFIX*)",
       ConfigValue::kList},
  };
  return kKeys;
}

void ReadCoverage(const ConfigSection& n, DaemonConfig* c) {
  if (!n.CheckKeys(KeyNames(CoverageKeys()))) return;
  CoverageSettings& v = c->coverage;
  n.Bool("silence_alerts", &v.silence_alerts);
  n.Duration("silence_floor_s3", &v.silence_floor_s3);
  n.Duration("silence_floor", &v.silence_floor);
  n.Duration("check_every", &v.check_every);
  n.Bool("reaudit_on_tamper", &v.reaudit_on_tamper);
  n.Str("role_name", &v.role_name);
  n.Str("external_id", &v.external_id);
  n.Str("central_bus", &v.central_bus);
  n.StrList("data_events", &v.data_events);
  n.StrList("log_groups", &v.log_groups);
}

std::vector<std::string> KeyNames(const std::vector<ConfigKeyDoc>& keys) {
  std::vector<std::string> out;
  for (const ConfigKeyDoc& k : keys) out.emplace_back(k.key);
  return out;
}

std::string ListOfTypes() {
  std::string out;
  const auto& types = SourceTypes();
  for (size_t i = 0; i < types.size(); ++i) {
    out += i == 0 ? "" : (i + 1 == types.size() ? " or " : ", ");
    out += types[i]->type;
  }
  return out;
}

void ReadAws(const ConfigSection& a, AwsSettings* aws) {
  if (!a.CheckKeys({"region", "profile", "endpoint_url", "endpoints"})) return;
  a.Str("region", &aws->region);
  a.Str("profile", &aws->profile);
  a.Str("endpoint_url", &aws->endpoint_url);
  if (auto e = a.Section("endpoints")) {
    if (e->CheckKeys(
            {"s3", "sqs", "sns", "sts", "kinesis", "dynamodb", "firehose", "logs", "events"})) {
      for (const std::string& k : e->KeyNames()) e->Str(k, &aws->endpoints[k]);
    }
  }
}

// Why the daemon could not create or append to `file` ("" when it can): its folder must exist
// and be writable, unless it is (inside) the state folder, which the daemon creates.
std::string NotWritable(const std::string& file, const std::string& state_dir) {
  std::error_code ec;
  const fs::path path(file);
  if (fs::exists(path, ec)) {
    return ::access(file.c_str(), W_OK) == 0 ? "" : "cannot write " + file + ": permission denied";
  }
  fs::path dir = path.parent_path();
  const fs::path state = fs::path(state_dir).lexically_normal();
  const std::string rel = dir.lexically_normal().lexically_relative(state).string();
  const bool in_state = !rel.empty() && !rel.starts_with("..");
  if (!fs::exists(dir, ec) && !in_state) return "folder " + dir.string() + " does not exist";
  while (!dir.empty() && !fs::exists(dir, ec)) dir = dir.parent_path();
  if (dir.empty()) dir = ".";
  return ::access(dir.c_str(), W_OK) == 0
             ? ""
             : "cannot create files in " + dir.string() + ": permission denied";
}

// Why the daemon could not create files in folder `dir` (made if missing), "" when it can.
std::string DirNotWritable(const std::string& dir) {
  std::error_code ec;
  fs::path d(dir);
  while (!d.empty() && !fs::exists(d, ec)) d = d.parent_path();
  if (d.empty()) d = ".";
  if (!fs::is_directory(d, ec)) return d.string() + " is not a folder";
  return ::access(d.c_str(), W_OK | X_OK) == 0
             ? ""
             : "cannot create files in " + d.string() + ": permission denied";
}

// A sink output: stdout, none or a file (made absolute), which must be writable.
void ReadSinkOutput(const ConfigSection& s, const std::string& state_dir, std::string* out) {
  if (s.Str("output", out) && *out != "stdout" && *out != "none") {
    *out = s.file().PathOf(*out);
    if (!s.file().check_files()) return;
    if (std::string why = NotWritable(*out, state_dir); !why.empty()) s.Problem("output", why);
  }
}

void ReadAlerts(const ConfigSection& n, DaemonConfig* c) {
  if (!n.CheckKeys({"output", "claim_table", "claim_ttl", "outbox", "outputs"})) return;
  n.Path("outbox", &c->outbox_path);
  if (n.Has("outputs")) {
    std::set<std::string> names;
    if (!n.IsList("outputs")) n.Problem("outputs", "alerts.outputs must be a list");
    std::vector<ConfigSection> outs = n.List("outputs");
    for (const ConfigSection& o : outs) {
      OutputConfig oc;
      if (!o.IsMap() || !o.Str("type", &oc.type)) {
        o.Problem(o.where() + " needs a type");
        continue;
      }
      oc.name = oc.type;
      o.Str("name", &oc.name);
      if (!names.insert(oc.name).second) o.Problem("output name '" + oc.name + "' is used twice");
      const OutputDescriptor* d = FindOutputType(oc.type);
      if (d == nullptr) {
        o.Problem("type", "unknown output type '" + oc.type + "'");
        continue;
      }
      ReadOutputConfig(o, *d, &oc);
      if (oc.type == "file" && o.file().check_files() && !oc.settings["path"].empty()) {
        if (std::string why = NotWritable(oc.settings["path"], c->state_dir); !why.empty()) {
          o.Problem("path", why);
        }
      }
      c->alert_outputs.push_back(std::move(oc));
    }
  }
  ReadSinkOutput(n, c->state_dir, &c->alerts_output);
  n.Str("claim_table", &c->alert_claim_table);
  if (n.Str("claim_ttl", &c->alert_claim_ttl) && !ParseDuration(c->alert_claim_ttl)) {
    n.Problem("claim_ttl", "claim_ttl must be a duration like 24h");
  }
}

void ReadSources(const ConfigSection& root, DaemonConfig* c) {
  std::vector<ConfigSection> sources = root.List("sources");
  if (!root.IsList("sources") || sources.empty()) {
    root.Problem("sources", "sources must be a non-empty list");
    return;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < sources.size(); ++i) {
    const ConfigSection& s = sources[i];
    if (!s.IsMap()) {
      s.Problem(s.where() + " must be a mapping");
      continue;
    }
    std::string type;
    if (!s.Str("type", &type)) {
      s.Problem(s.where() + " needs a type: " + ListOfTypes());
      continue;
    }
    DaemonSource d;
    d.name = type + "-" + std::to_string(i);
    s.Str("name", &d.name);
    if (!names.insert(d.name).second) s.Problem("source name '" + d.name + "' is used twice");
    d.type = FindSourceType(type);
    if (d.type == nullptr) {
      s.Problem("type", "unknown source type '" + type + "' (expected " + ListOfTypes() + ")");
      continue;
    }
    s.CheckKeys(AllowedKeys({"type", "name"}, d.type->keys));
    SourceConfigContext ctx{d.name, c->state_dir, c->aws.region};
    std::unique_ptr<SourceSettings> settings = d.type->read(s, ctx);
    settings->name = d.name;
    d.settings = std::move(settings);
    c->sources.push_back(std::move(d));
  }
}

}  // namespace

Result<DaemonConfig> LoadDaemonConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(path + ": cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseDaemonConfig(ss.str(), path, /*check_files=*/true);
}

Result<DaemonConfig> ParseDaemonConfig(const std::string& text, const std::string& path,
                                       bool check_files) {
  auto parsed = ConfigFile::Parse(text, path);
  if (!parsed.ok()) return parsed.status();
  ConfigFile& file = *parsed.value();
  file.set_check_files(check_files);
  const ConfigSection root = file.Root();
  DaemonConfig c;
  c.path = path;
  root.CheckKeys(KeyNames(TopLevelKeys()));
  c.state_dir = file.PathOf(".");
  root.Path("state_dir", &c.state_dir);
  if (std::string mask; root.Str("umask", &mask)) {
    char* end = nullptr;
    const long v = std::strtol(mask.c_str(), &end, 8);
    if (mask.empty() || *end != '\0' || v < 0 || v > 0777) {
      root.Problem("umask", "umask must be an octal mask like 0077 or 0027");
    } else {
      c.umask = static_cast<int>(v);
    }
  }
  c.outbox_path = (fs::path(c.state_dir) / "alerts.sqlite").string();
  if (auto a = root.Section("aws")) ReadAws(*a, &c.aws);
  root.StrList("rules", &c.rules);
  for (std::string& r : c.rules) r = file.PathOf(r);
  root.Bool("strict_rules", &c.strict_rules);
  if (auto n = root.Section("events")) {
    if (n->CheckKeys({"output"})) ReadSinkOutput(*n, c.state_dir, &c.events_output);
  }
  if (auto n = root.Section("alerts")) ReadAlerts(*n, &c);
  // Flow logs delivered through CloudWatch Logs have no header line: their custom formats,
  // by log group ({"/aws/vpc/flowlogs": "${version} ${interface-id} ..."}).
  if (auto v = root.Section("vpc_flow_formats")) {
    if (!v->IsMap()) {
      root.Problem("vpc_flow_formats",
                   "vpc_flow_formats maps log groups (name, prefix* or *) to flow log formats");
    } else {
      for (const std::string& group : v->KeyNames()) {
        std::string format;
        if (!v->Str(group, &format)) continue;
        auto f = ParseConfiguredVpcFlowFormat(group + "=" + format);
        if (f.ok()) {
          c.vpc_flow_formats.push_back(std::move(f.value()));
        } else {
          v->Problem(group, f.status().message());
        }
      }
    }
  }
  root.Int("workers", &c.workers, 0, 256);
  if (std::string f; root.Str("fsync", &f) && !ParseFsyncPolicy(f, &c.fsync)) {
    root.Problem("fsync", "fsync must be always, interval or never");
  }
  if (std::string i; root.Str("fsync_interval", &i)) {
    auto d = ParseDuration(i);
    if (!d || *d <= 0) {
      root.Problem("fsync_interval", "fsync_interval must be a duration like 1s");
    } else {
      c.fsync_interval_ns = *d;
    }
  }
  if (auto d = root.Section("dedupe")) {
    if (d->CheckKeys({"window", "memory_mib", "persist"})) {
      d->Bool("persist", &c.dedupe_persist);
      if (d->Str("window", &c.dedupe_window) && !ParseDuration(c.dedupe_window)) {
        d->Problem("window", "window must be a duration like 24h");
      }
      d->Int("memory_mib", &c.dedupe_memory_mib, 1, 1 << 20);
    }
  }
  if (auto h = root.Section("http")) {
    if (h->CheckKeys({"listen", "enabled", "dashboard", "dashboard_token_env",
                      "dashboard_token_file", "dashboard_token", "audit_report"})) {
      h->Listen("listen", &c.http_host, &c.http_port);
      bool enabled = true;
      h->Bool("enabled", &enabled);
      if (!enabled) c.http_port = -1;
      h->Bool("dashboard", &c.dashboard);
      if (h->Secret("dashboard_token", &c.dashboard_token) && c.dashboard_token.size() < 16) {
        h->Problem("dashboard_token", "the dashboard token must be at least 16 characters");
      }
      h->Path("audit_report", &c.audit_report);
      if (c.dashboard && c.http_port >= 0 && c.dashboard_token.empty() &&
          !IsLoopbackHost(c.http_host)) {
        h->Problem("dashboard", "the dashboard on " + c.http_host +
                                    " (not loopback) needs a token: dashboard_token_env or "
                                    "dashboard_token_file");
      }
    }
  }
  if (auto l = root.Section("lake")) ReadLake(*l, &c);
  if (auto v = root.Section("coverage")) ReadCoverage(*v, &c);
  ReadSources(root, &c);
  if (Status st = file.ProblemsStatus(); !st.ok()) return st;
  return c;
}

std::string ConfigurationReference() {
  auto escape = [](std::string_view s) {  // Markdown table text
    std::string out;
    for (char ch : s) {
      if (ch == '|') {
        out += "\\|";
      } else if (ch == '<') {
        out += "&lt;";
      } else if (ch == '>') {
        out += "&gt;";
      } else {
        out += ch;
      }
    }
    return out;
  };
  auto sentence = [&](std::string_view s) {
    std::string out = escape(s);
    if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
    return out + ".";
  };
  auto table = [&](const std::vector<ConfigKeyDoc>& keys, std::string* out) {
    *out += "| key | meaning |\n|---|---|\n";
    for (const ConfigKeyDoc& k : keys) {
      *out += "| `" + KeyForReference(k) + "` | " + escape(k.doc) + " |\n";
    }
  };
  std::string out;
  out += "### Top-level keys\n\n";
  table(TopLevelKeys(), &out);
  out += "\n### The lake (`lake:`)\n\n";
  table(LakeKeys(), &out);
  out += "\n### Coverage (`coverage:`)\n\n";
  table(CoverageKeys(), &out);
  out +=
      "\n### Sources (`sources:`)\n\nEvery source takes `type` and `name` (default "
      "`<type>-<index>`; used in logs and metrics).\n";
  for (const SourceDescriptor* d : SourceTypes()) {
    out += "\n#### `" + std::string(d->type) + "`" + (d->needs_aws ? " (AWS)" : "") + "\n\n" +
           sentence(d->summary) + "\n\n";
    table(d->keys, &out);
  }
  out +=
      "\n### Alert outputs (`alerts.outputs:`)\n\nEvery output takes `type`, `name` (default: "
      "the type), `rate_per_second` (default 10), `burst` (default 10), `max_age` (a delivery "
      "not made by then is dead; default 24h) and `severities` (default: all).\n";
  for (const OutputDescriptor* d : OutputTypes()) {
    out += "\n#### `" + std::string(d->type) + "`" + (d->needs_aws ? " (AWS)" : "") + "\n\n" +
           sentence(d->summary) + "\n";
    if (!d->keys.empty()) {
      out += "\n";
      table(d->keys, &out);
    }
  }
  return out;
}

}  // namespace fastpath
