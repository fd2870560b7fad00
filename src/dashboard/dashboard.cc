#include "dashboard/dashboard.h"

#include <openssl/crypto.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <httplib.h>
#include <simdjson.h>

#include "core/hash.h"
#include "core/time_util.h"
#include "dashboard/assets.h"

namespace fastpath {

namespace dashboard {

const Asset* FindAsset(std::string_view url) {
  for (size_t i = 0; i < kAssetCount; ++i) {
    if (url == kAssets[i].url) return &kAssets[i];
  }
  return nullptr;
}

}  // namespace dashboard

namespace {

constexpr const char* kCookie = "fastpath_session";
constexpr const char* kJson = "application/json";

// Equal in constant time whatever the lengths (both are hashed first).
bool SameSecret(std::string_view given, std::string_view want) {
  unsigned char a[kSha256Bytes], b[kSha256Bytes];
  Sha256({given}, a);
  Sha256({want}, b);
  return CRYPTO_memcmp(a, b, kSha256Bytes) == 0;
}

void JsonError(httplib::Response& res, int status, std::string_view message) {
  std::string body = "{\"error\":";
  AppendJsonString(&body, message);
  body += "}";
  res.status = status;
  res.set_content(body, kJson);
}

void AppendField(std::string* out, const char* key, std::string_view value, bool first = false) {
  if (!first) out->push_back(',');
  out->push_back('"');
  out->append(key);
  out->append("\":");
  AppendJsonString(out, value);
}

std::string TimeText(TimeNs t) {
  return t == 0 ? std::string() : FormatRfc3339(t);
}

std::string AlertJson(const StoredAlert& a) {
  std::string out = "{";
  AppendField(&out, "id", a.id, true);
  AppendField(&out, "rule_id", a.rule_id);
  AppendField(&out, "title", a.title);
  AppendField(&out, "severity", a.severity);
  AppendField(&out, "runbook", a.runbook);
  AppendField(&out, "log_type", a.log_type);
  AppendField(&out, "account", a.account);
  AppendField(&out, "region", a.region);
  AppendField(&out, "principal", a.principal);
  AppendField(&out, "source_ip", a.source_ip);
  AppendField(&out, "event_name", a.event_name);
  AppendField(&out, "event_id", a.event_id);
  AppendField(&out, "event_time", TimeText(a.event_time));
  AppendField(&out, "created", TimeText(a.created));
  AppendField(&out, "state", a.state);
  AppendField(&out, "acked", TimeText(a.acked));
  AppendField(&out, "ack_note", a.ack_note);
  // The path its event first came by and when, from the alert line.
  simdjson::dom::parser p;
  simdjson::dom::element line;
  std::string_view path, received;
  if (p.parse(a.json).get(line) == simdjson::SUCCESS) {
    if (line["path"].get_string().get(path) != simdjson::SUCCESS) path = {};
    if (line["received"].get_string().get(received) != simdjson::SUCCESS) received = {};
  }
  AppendField(&out, "path", path);
  AppendField(&out, "received", received);
  out += ",\"matches\":" + std::to_string(a.matches) + "}";
  return out;
}

void AppendStrings(std::string* out, const char* key, const std::vector<std::string>& v) {
  out->append(",\"").append(key).append("\":[");
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(out, v[i]);
  }
  out->push_back(']');
}

// "" -> 0; a duration ("24h": that long before now) or an RFC 3339 time.
bool ParseBound(const std::string& text, TimeNs now, TimeNs* out) {
  *out = 0;
  if (text.empty()) return true;
  if (auto d = ParseDuration(text)) {
    *out = now - *d;
    return true;
  }
  if (auto t = ParseRfc3339(text)) {
    *out = *t;
    return true;
  }
  return false;
}

const char kLoginPage[] =
    "<!doctype html><meta charset=utf-8><title>fastpath: token required</title>"
    "<body style=\"font-family:sans-serif;margin:3em\"><h1>fastpath</h1>"
    "<p>This dashboard needs its access token (the one in the daemon's "
    "<code>http.dashboard_token_env</code> or <code>_file</code>, or the demo's).</p>"
    "<form method=post action=\"/login\">"
    "<input type=password name=token id=token autofocus size=40> "
    "<button type=submit>Open</button></form></body>";

}  // namespace

Dashboard::Dashboard(DashboardOptions options, DashboardSources sources)
    : options_(std::move(options)), sources_(std::move(sources)) {
  if (!options_.token.empty()) {
    session_ = HexEncode(HmacSha256(options_.token, "fastpath dashboard session v1"));
  }
  if (!options_.now) options_.now = [] { return NowNs(); };
}

std::string Dashboard::CookieFrom(std::string_view header, std::string_view name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    pos = end + 1;
  }
  return {};
}

namespace {

// `s` itself when it is valid UTF-8, else with every byte above 0x7F replaced by '?': a JSON
// string must be UTF-8, and label values can come from records.
std::string Utf8(std::string_view s) {
  if (simdjson::validate_utf8(s.data(), s.size())) return std::string(s);
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) > 0x7F) c = '?';
  }
  return out;
}

}  // namespace

std::string Dashboard::MetricsToJson(std::string_view text) {
  struct Family {
    std::string name, type, help;
    std::string samples;  // JSON objects, comma-separated
  };
  std::vector<Family> families;
  auto family = [&](std::string_view name) -> Family& {
    for (Family& f : families) {
      if (f.name == name) return f;
    }
    families.push_back(Family{std::string(name), "", "", ""});
    return families.back();
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    if (line.substr(0, 7) == "# HELP " || line.substr(0, 7) == "# TYPE ") {
      std::string_view rest = line.substr(7);
      const size_t sp = rest.find(' ');
      if (sp == std::string_view::npos) continue;
      Family& f = family(rest.substr(0, sp));
      (line[2] == 'H' ? f.help : f.type) = std::string(rest.substr(sp + 1));
      continue;
    }
    if (line.front() == '#') continue;
    // name{k="v",...} value
    size_t name_end = line.find_first_of("{ ");
    if (name_end == std::string_view::npos) continue;
    std::string labels = "{";
    size_t i = name_end;
    bool ok = true;
    if (line[i] == '{') {
      ++i;
      while (ok && i < line.size() && line[i] != '}') {
        const size_t eq = line.find("=\"", i);
        if (eq == std::string_view::npos) {
          ok = false;
          break;
        }
        std::string_view key = line.substr(i, eq - i);
        std::string value;
        size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\' && j + 1 < line.size()) {
            ++j;
            value.push_back(line[j] == 'n' ? '\n' : line[j]);
          } else {
            value.push_back(line[j]);
          }
        }
        if (j >= line.size()) {
          ok = false;
          break;
        }
        if (labels.size() > 1) labels.push_back(',');
        AppendJsonString(&labels, Utf8(key));
        labels.push_back(':');
        AppendJsonString(&labels, Utf8(value));
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) ok = false;
      ++i;  // '}'
    }
    if (!ok) continue;
    labels.push_back('}');
    while (i < line.size() && line[i] == ' ') ++i;
    std::string_view value = line.substr(i);
    const size_t sp = value.find(' ');  // a timestamp may follow
    if (sp != std::string_view::npos) value = value.substr(0, sp);
    char* parse_end = nullptr;
    const std::string v(value);
    const double number = std::strtod(v.c_str(), &parse_end);
    if (v.empty() || parse_end != v.c_str() + v.size()) continue;
    // Histogram and summary series (_bucket, _sum, _count) belong to their family.
    std::string_view name = line.substr(0, name_end);
    Family* f = nullptr;
    for (Family& candidate : families) {
      if (name == candidate.name || (name.size() > candidate.name.size() &&
                                     name.substr(0, candidate.name.size()) == candidate.name &&
                                     (name.substr(candidate.name.size()) == "_bucket" ||
                                      name.substr(candidate.name.size()) == "_sum" ||
                                      name.substr(candidate.name.size()) == "_count"))) {
        f = &candidate;
        break;
      }
    }
    if (f == nullptr) f = &family(name);
    char num[64];
    std::snprintf(num, sizeof num, "%.17g", number);
    if (!std::isfinite(number)) std::snprintf(num, sizeof num, "null");
    if (!f->samples.empty()) f->samples.push_back(',');
    f->samples += "{\"series\":";
    AppendJsonString(&f->samples, Utf8(name));
    f->samples += ",\"labels\":" + labels + ",\"value\":" + num + "}";
  }
  std::string out = "[";
  for (const Family& f : families) {
    if (out.size() > 1) out.push_back(',');
    out += "{";
    AppendField(&out, "name", Utf8(f.name), true);
    AppendField(&out, "type", Utf8(f.type));
    AppendField(&out, "help", Utf8(f.help));
    out += ",\"samples\":[" + f.samples + "]}";
  }
  return out + "]";
}

std::optional<StoredAlert> Dashboard::AlertOrError(const std::string& id, httplib::Response& res) {
  if (!sources_.outbox) {
    JsonError(res, 404, "no alert outbox is configured");
    return std::nullopt;
  }
  auto got = sources_.outbox->Get(id);
  if (!got.ok()) {
    JsonError(res, 500, got.status().ToString());
    return std::nullopt;
  }
  if (!got.value()) JsonError(res, 404, "no alert " + id);
  return std::move(got.value());
}

void Dashboard::Mount(httplib::Server* server) {
  // Every route checks the token first.
  auto guard = [this](const httplib::Request& req, httplib::Response& res) {
    if (options_.token.empty()) return true;
    const std::string auth = req.get_header_value("Authorization");
    if (auth.size() > 7 && auth.substr(0, 7) == "Bearer " &&
        SameSecret(auth.substr(7), options_.token)) {
      return true;
    }
    const std::string cookie = CookieFrom(req.get_header_value("Cookie"), kCookie);
    if (!cookie.empty() && SameSecret(cookie, session_)) return true;
    if (req.path.rfind("/api/", 0) == 0) {
      JsonError(res, 401, "this dashboard needs its token (Authorization: Bearer TOKEN)");
    } else {
      res.status = 401;
      res.set_content(kLoginPage, "text/html; charset=utf-8");
    }
    return false;
  };
  auto action = [guard](const httplib::Request& req, httplib::Response& res) {
    if (!guard(req, res)) return false;
    if (req.get_header_value("X-Fastpath-Action") != "1") {
      JsonError(res, 403, "actions need the header X-Fastpath-Action: 1");
      return false;
    }
    return true;
  };

  // The login form posts the token (form-encoded), so it never appears in an address.
  server->Post("/login", [this](const httplib::Request& req, httplib::Response& res) {
    if (!options_.token.empty() && SameSecret(req.get_param_value("token"), options_.token)) {
      res.set_header("Set-Cookie",
                     std::string(kCookie) + "=" + session_ + "; Path=/; HttpOnly; SameSite=Strict");
      res.set_redirect("/", 303);
      return;
    }
    res.status = 401;
    res.set_content(kLoginPage, "text/html; charset=utf-8");
  });
  server->Get("/", [this, guard](const httplib::Request& req, httplib::Response& res) {
    if (!options_.token.empty() && req.has_param("token")) {
      if (SameSecret(req.get_param_value("token"), options_.token)) {
        res.set_header("Set-Cookie", std::string(kCookie) + "=" + session_ +
                                         "; Path=/; HttpOnly; SameSite=Strict");
        res.set_redirect("/", 303);  // the token leaves the address bar and the history
        return;
      }
    }
    if (!guard(req, res)) return;
    const dashboard::Asset* a = dashboard::FindAsset("/");
    res.set_header("Cache-Control", "no-store");
    res.set_content(reinterpret_cast<const char*>(a->data), a->size, a->type);
  });
  server->Get(R"(/assets/([A-Za-z0-9._-]+))",
              [guard](const httplib::Request& req, httplib::Response& res) {
                if (!guard(req, res)) return;
                const dashboard::Asset* a = dashboard::FindAsset(req.path);
                if (a == nullptr) {
                  res.status = 404;
                  return;
                }
                res.set_content(reinterpret_cast<const char*>(a->data), a->size, a->type);
              });

  server->Get("/api/info", [this, guard](const httplib::Request& req, httplib::Response& res) {
    if (!guard(req, res)) return;
    std::string out = "{";
    AppendField(&out, "title", options_.title, true);
    AppendField(&out, "note", options_.note);
    AppendField(&out, "now", FormatRfc3339(options_.now()));
    out += std::string(",\"alerts\":") + (sources_.outbox ? "true" : "false") +
           ",\"paths\":" + (sources_.timeline ? "true" : "false") +
           ",\"coverage\":" + (options_.audit_report.empty() ? "false" : "true") +
           ",\"search\":" + (sources_.search ? "true" : "false") + "}";
    res.set_content(out, kJson);
  });

  server->Get("/api/alerts", [this, guard](const httplib::Request& req, httplib::Response& res) {
    if (!guard(req, res)) return;
    if (!sources_.outbox) return JsonError(res, 404, "no alert outbox is configured");
    AlertFilter f;
    f.rule_id = req.get_param_value("rule");
    f.severity = req.get_param_value("severity");
    f.state = req.get_param_value("state");
    f.account = req.get_param_value("account");
    f.by_event_time = req.get_param_value("by") == "event";
    const TimeNs now = NowNs();
    if (!ParseBound(req.get_param_value("since"), now, &f.since) ||
        !ParseBound(req.get_param_value("until"), now, &f.until)) {
      return JsonError(res, 400, "since/until take a duration (24h) or an RFC 3339 time");
    }
    if (req.has_param("limit")) {
      f.limit = std::atoi(req.get_param_value("limit").c_str());
      if (f.limit <= 0 || f.limit > 10000) {
        return JsonError(res, 400, "limit must be between 1 and 10000");
      }
    }
    auto listed = sources_.outbox->List(f);
    if (!listed.ok()) return JsonError(res, 500, listed.status().ToString());
    auto facets = sources_.outbox->Facets();
    if (!facets.ok()) return JsonError(res, 500, facets.status().ToString());
    std::string out = "{\"alerts\":[";
    for (size_t i = 0; i < listed.value().size(); ++i) {
      if (i) out.push_back(',');
      out += AlertJson(listed.value()[i]);
    }
    out += "],\"facets\":{\"_\":0";
    AppendStrings(&out, "rule", facets.value().rule_ids);
    AppendStrings(&out, "severity", facets.value().severities);
    AppendStrings(&out, "account", facets.value().accounts);
    AppendStrings(&out, "state", facets.value().states);
    out += "}}";
    res.set_content(out, kJson);
  });

  server->Get(
      R"(/api/alerts/([^/]+))", [this, guard](const httplib::Request& req, httplib::Response& res) {
        if (!guard(req, res)) return;
        const std::string id = req.matches[1];
        const std::optional<StoredAlert> got = AlertOrError(id, res);
        if (!got) return;
        auto deliveries = sources_.outbox->Deliveries(id);
        if (!deliveries.ok()) return JsonError(res, 500, deliveries.status().ToString());
        std::string out = "{\"alert\":" + AlertJson(*got);
        // The alert as outputs receive it, the event that raised it inside.
        simdjson::dom::parser p;
        const std::string& line = got->json;
        out += ",\"line\":";
        if (p.parse(line).error() == simdjson::SUCCESS) {
          out += line;
        } else {
          AppendJsonString(&out, line);
        }
        out += ",\"deliveries\":[";
        for (size_t i = 0; i < deliveries.value().size(); ++i) {
          const Delivery& d = deliveries.value()[i];
          if (i) out.push_back(',');
          out += "{";
          AppendField(&out, "output", d.output, true);
          AppendField(&out, "state", d.state);
          AppendField(&out, "next_attempt", d.state == "pending" ? TimeText(d.next_attempt) : "");
          AppendField(&out, "delivered", TimeText(d.delivered));
          AppendField(&out, "last_error", d.last_error);
          out += ",\"attempts\":" + std::to_string(d.attempts) + "}";
        }
        out += "]}";
        res.set_content(out, kJson);
      });

  server->Post(R"(/api/alerts/([^/]+)/(ack|retry))", [this, action](const httplib::Request& req,
                                                                    httplib::Response& res) {
    if (!action(req, res)) return;
    const std::string id = req.matches[1];
    if (!AlertOrError(id, res)) return;
    if (req.matches[2] == "ack") {
      // The note comes as a form field (the page posts it) or a query parameter.
      const std::string note = req.get_param_value("note");
      if (note.size() > 4096) return JsonError(res, 413, "note over 4096 bytes");
      auto acked = sources_.outbox->Ack(id, NowNs(), note);
      if (!acked.ok()) return JsonError(res, 500, acked.status().ToString());
      res.set_content(acked.value() ? "{\"acked\":true}" : "{\"acked\":true,\"already\":true}",
                      kJson);
      return;
    }
    auto retried = sources_.outbox->Retry(id, NowNs());
    if (!retried.ok()) return JsonError(res, 500, retried.status().ToString());
    if (retried.value() > 0 && sources_.on_retry) sources_.on_retry();
    res.set_content("{\"retried\":" + std::to_string(retried.value()) + "}", kJson);
  });

  server->Get("/api/paths", [this, guard](const httplib::Request& req, httplib::Response& res) {
    if (!guard(req, res)) return;
    if (!sources_.timeline) return JsonError(res, 404, "no path timeline in this process");
    const TimeNs now = options_.now();
    std::string out = "{";
    AppendField(&out, "now", FormatRfc3339(now), true);
    out += ",\"timeline\":" + sources_.timeline->ToJson(req.get_param_value("log_type"),
                                                        req.get_param_value("account"),
                                                        req.get_param_value("region"));
    out += ",\"liveness\":" + (sources_.liveness ? sources_.liveness->StatusJson(now) : "[]");
    out += "}";
    res.set_content(out, kJson);
  });

  server->Get("/api/coverage", [this, guard](const httplib::Request& req, httplib::Response& res) {
    if (!guard(req, res)) return;
    std::string out = "{\"available\":";
    if (options_.audit_report.empty()) {
      out += "false,\"reason\":";
      AppendJsonString(&out,
                       "no audit report is configured: run `fastpath audit --format json --output "
                       "FILE` and set http.audit_report to FILE");
      res.set_content(out + "}", kJson);
      return;
    }
    std::ifstream in(options_.audit_report, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    simdjson::dom::parser p;
    const std::string report = text.str();
    if (!in.is_open()) {
      out += "false,\"reason\":";
      AppendJsonString(&out, options_.audit_report + ": cannot read it (has the audit run?)");
    } else if (p.parse(report).error() != simdjson::SUCCESS) {
      out += "false,\"reason\":";
      AppendJsonString(&out, options_.audit_report + ": not a JSON audit report");
    } else {
      out += "true,\"file\":";
      AppendJsonString(&out, options_.audit_report);
      out += ",\"report\":" + report;
    }
    res.set_content(out + "}", kJson);
  });

  server->Get("/api/health", [this, guard](const httplib::Request& req, httplib::Response& res) {
    if (!guard(req, res)) return;
    std::string out = "{\"health\":";
    out += sources_.health_json ? sources_.health_json() : "null";
    out += ",\"metrics\":";
    out += sources_.metrics_text ? MetricsToJson(sources_.metrics_text()) : "[]";
    res.set_content(out + "}", kJson);
  });

  server->Get("/api/search", [this, guard](const httplib::Request& req, httplib::Response& res) {
    if (!guard(req, res)) return;
    if (!sources_.search) return JsonError(res, 404, "no lake to search in this process");
    DashboardSearchQuery q;
    q.log_type = req.get_param_value("log_type");
    q.account = req.get_param_value("account");
    q.region = req.get_param_value("region");
    q.since = req.get_param_value("since");
    q.until = req.get_param_value("until");
    for (size_t i = 0; i < req.get_param_value_count("where"); ++i) {
      const std::string w = req.get_param_value("where", i);
      if (!w.empty()) q.where.push_back(w);
    }
    if (req.has_param("limit")) {
      const int limit = std::atoi(req.get_param_value("limit").c_str());
      if (limit <= 0 || limit > 5000) return JsonError(res, 400, "limit must be 1 to 5000");
      q.limit = static_cast<size_t>(limit);
    }
    auto found = sources_.search(q);
    if (!found.ok()) return JsonError(res, 400, found.status().message());
    std::string out = "{\"events\":[";
    simdjson::dom::parser p;
    size_t n = 0;
    for (const std::string& line : found.value()) {
      if (p.parse(line).error() != simdjson::SUCCESS) continue;
      if (n++) out.push_back(',');
      out += line;
    }
    out += "],\"truncated\":" + std::string(n >= q.limit ? "true" : "false") + "}";
    res.set_content(out, kJson);
  });
}

}  // namespace fastpath
