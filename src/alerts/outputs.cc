#include "alerts/outputs.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <mutex>

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <simdjson.h>

#include "aws/http_client.h"
#include "aws/kinesis.h"
#include "aws/s3.h"
#include "aws/sigv4.h"
#include "aws/sqs.h"
#include "core/event.h"
#include "decode/byte_reader.h"

namespace fastpath {
namespace {

std::string Get(const OutputConfig& c, const std::string& key, const std::string& def = "") {
  auto it = c.settings.find(key);
  return it == c.settings.end() ? def : it->second;
}

std::string Upper(std::string s) {
  for (char& ch : s) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  return s;
}

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

std::string Or(const std::string& s, const char* def) {
  return s.empty() ? def : s;
}

// Scheme and host of a URL: what a log line may name (the path of a webhook URL is a secret).
std::string Redacted(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? url : url.substr(0, slash) + "/...";
}

// HTTP POST with JSON; 2xx is success, 408/429/5xx and transport errors are retried.
SendResult PostJson(const std::string& url, const std::string& body, aws::HeaderList headers) {
  aws::HttpRequest req;
  req.method = "POST";
  req.url = url;
  req.body = body;
  req.timeout_ms = 10000;
  headers.emplace_back("Content-Type", "application/json");
  req.headers = std::move(headers);
  auto r = aws::HttpSend(req);
  if (!r.ok()) {
    // Transport errors name the URL; webhook URLs carry their secret in the path.
    std::string msg = r.status().message();
    const size_t at = msg.find(url);
    if (at != std::string::npos) msg.replace(at, url.size(), Redacted(url));
    return SendResult::Retry(msg);
  }
  const long st = r.value().status;
  if (st >= 200 && st <= 299) return SendResult::Ok();
  std::string err = "HTTP " + std::to_string(st);
  if (!r.value().body.empty()) err += ": " + r.value().body.substr(0, 200);
  if (st == 408 || st == 429 || st >= 500) return SendResult::Retry(err);
  return SendResult::Permanent(err);
}

class LineOutput final : public AlertOutput {
 public:
  LineOutput(std::string path, uint64_t rotate_bytes, int keep)
      : path_(std::move(path)), rotate_bytes_(rotate_bytes), keep_(keep) {}
  SendResult Send(const StoredAlert& a) override {
    std::lock_guard<std::mutex> l(mu_);
    if (path_.empty()) {
      std::fprintf(stdout, "%s\n", a.json.c_str());
      std::fflush(stdout);
      return SendResult::Ok();
    }
    std::error_code ec;
    if (rotate_bytes_ > 0 && std::filesystem::exists(path_, ec) &&
        std::filesystem::file_size(path_, ec) + a.json.size() + 1 > rotate_bytes_) {
      // alerts.ndjson -> alerts.ndjson.1 -> ... -> alerts.ndjson.<keep> (dropped)
      for (int i = keep_; i >= 1; --i) {
        const std::string from = i == 1 ? path_ : path_ + "." + std::to_string(i - 1);
        std::filesystem::rename(from, path_ + "." + std::to_string(i), ec);
      }
    }
    std::FILE* f = std::fopen(path_.c_str(), "a");
    if (f == nullptr) return SendResult::Retry("cannot open " + path_);
    const bool ok =
        std::fprintf(f, "%s\n", a.json.c_str()) > 0 && std::fflush(f) == 0 && fsync(fileno(f)) == 0;
    std::fclose(f);
    return ok ? SendResult::Ok() : SendResult::Retry("cannot write " + path_);
  }

 private:
  const std::string path_;
  const uint64_t rotate_bytes_;
  const int keep_;
  std::mutex mu_;
};

class WebhookOutput final : public AlertOutput {
 public:
  WebhookOutput(std::string url, std::string secret, std::map<std::string, std::string> headers)
      : url_(std::move(url)), secret_(std::move(secret)), headers_(std::move(headers)) {}
  SendResult Send(const StoredAlert& a) override {
    aws::HeaderList h = {{"X-Fastpath-Alert-Id", a.id}, {"Idempotency-Key", a.id}};
    if (!secret_.empty()) {
      const std::string ts = std::to_string(NowNs() / 1000000000);
      h.emplace_back("X-Fastpath-Timestamp", ts);
      h.emplace_back("X-Fastpath-Signature", "sha256=" + WebhookSignature(secret_, ts, a.json));
    }
    for (const auto& [k, v] : headers_) h.emplace_back(k, v);
    return PostJson(url_, a.json, std::move(h));
  }

 private:
  const std::string url_, secret_;
  const std::map<std::string, std::string> headers_;
};

std::string Where(const StoredAlert& a) {
  return Or(a.account, "unknown account") + " / " + Or(a.region, "unknown region");
}

class SlackOutput final : public AlertOutput {
 public:
  explicit SlackOutput(std::string url) : url_(std::move(url)) {}
  SendResult Send(const StoredAlert& a) override {
    auto field = [](const char* k, const std::string& v) {
      return "{\"type\":\"mrkdwn\",\"text\":" + Json(std::string("*") + k + "*\n" + v) + "}";
    };
    std::string body = "{\"text\":" + Json(AlertSummary(a)) + ",\"blocks\":[";
    body += "{\"type\":\"header\",\"text\":{\"type\":\"plain_text\",\"text\":" +
            Json("[" + Upper(a.severity) + "] " + a.title) + "}},";
    body += "{\"type\":\"section\",\"fields\":[" + field("Severity", a.severity) + "," +
            field("Rule", a.rule_id) + "," + field("Account / region", Where(a)) + "," +
            field("Event", Or(a.event_name, "-")) + "," + field("Principal", Or(a.principal, "-")) +
            "," + field("Source IP", Or(a.source_ip, "-")) + "]}";
    if (!a.runbook.empty()) {
      body += ",{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":" +
              Json("*Runbook*: " + a.runbook) + "}}";
    }
    body += ",{\"type\":\"context\",\"elements\":[{\"type\":\"mrkdwn\",\"text\":" +
            Json("alert " + a.id + " · event " + a.event_id + " · " + FormatRfc3339(a.event_time)) +
            "}]}]}";
    return PostJson(url_, body, {});
  }

 private:
  const std::string url_;
};

class TeamsOutput final : public AlertOutput {
 public:
  explicit TeamsOutput(std::string url) : url_(std::move(url)) {}
  SendResult Send(const StoredAlert& a) override {
    auto fact = [](const char* k, const std::string& v) {
      return "{\"title\":" + Json(k) + ",\"value\":" + Json(v) + "}";
    };
    std::string card =
        "{\"$schema\":\"http://adaptivecards.io/schemas/adaptive-card.json\",\"type\":"
        "\"AdaptiveCard\",\"version\":\"1.4\",\"body\":[{\"type\":\"TextBlock\",\"size\":"
        "\"Medium\",\"weight\":\"Bolder\",\"wrap\":true,\"text\":" +
        Json("[" + Upper(a.severity) + "] " + a.title) + "},{\"type\":\"FactSet\",\"facts\":[" +
        fact("Severity", a.severity) + "," + fact("Rule", a.rule_id) + "," +
        fact("Account / region", Where(a)) + "," + fact("Event", Or(a.event_name, "-")) + "," +
        fact("Principal", Or(a.principal, "-")) + "," + fact("Source IP", Or(a.source_ip, "-")) +
        "," + fact("Alert id", a.id) + "]}";
    if (!a.runbook.empty()) {
      card +=
          ",{\"type\":\"TextBlock\",\"wrap\":true,\"text\":" + Json("Runbook: " + a.runbook) + "}";
    }
    card += "]}";
    const std::string body =
        "{\"type\":\"message\",\"attachments\":[{\"contentType\":\"application/"
        "vnd.microsoft.card.adaptive\",\"contentUrl\":null,\"content\":" +
        card + "}]}";
    return PostJson(url_, body, {});
  }

 private:
  const std::string url_;
};

class PagerDutyOutput final : public AlertOutput {
 public:
  PagerDutyOutput(std::string url, std::string routing_key)
      : url_(std::move(url)), key_(std::move(routing_key)) {}
  SendResult Send(const StoredAlert& a) override {
    const std::string body =
        "{\"routing_key\":" + Json(key_) +
        ",\"event_action\":\"trigger\",\"dedup_key\":" + Json(a.id) +
        ",\"payload\":{\"summary\":" + Json(AlertSummary(a).substr(0, 1024)) +
        ",\"source\":" + Json(Where(a)) + ",\"severity\":" + Json(PagerDutySeverity(a.severity)) +
        ",\"timestamp\":" + Json(FormatRfc3339(a.event_time)) +
        ",\"component\":" + Json(Or(a.event_name, "aws")) +
        ",\"group\":" + Json(Or(a.account, "aws")) + ",\"class\":" + Json(a.rule_id) +
        ",\"custom_details\":" + a.json + "},\"client\":\"fastpath\"}";
    return PostJson(url_, body, {});
  }

 private:
  const std::string url_, key_;
};

class OpsgenieOutput final : public AlertOutput {
 public:
  OpsgenieOutput(std::string url, std::string key) : url_(std::move(url)), key_(std::move(key)) {}
  SendResult Send(const StoredAlert& a) override {
    const std::string body =
        "{\"message\":" + Json(AlertSummary(a).substr(0, 130)) + ",\"alias\":" + Json(a.id) +
        ",\"description\":" +
        Json(a.title + "\n" + a.runbook + "\nprincipal: " + Or(a.principal, "-") +
             "\nsource IP: " + Or(a.source_ip, "-")) +
        ",\"priority\":" + Json(OpsgeniePriority(a.severity)) + ",\"source\":\"fastpath\"," +
        "\"entity\":" + Json(Where(a)) + ",\"tags\":[" + Json(a.rule_id) + "," + Json(a.severity) +
        "],\"details\":{\"alert_id\":" + Json(a.id) + ",\"rule_id\":" + Json(a.rule_id) +
        ",\"account\":" + Json(a.account) + ",\"region\":" + Json(a.region) +
        ",\"event_id\":" + Json(a.event_id) + "}}";
    return PostJson(url_, body, {{"Authorization", "GenieKey " + key_}});
  }

 private:
  const std::string url_, key_;
};

SendResult FromStatus(const Status& s) {
  if (s.ok()) return SendResult::Ok();
  const std::string& m = s.message();
  const bool permanent =
      m.find("(HTTP 4") != std::string::npos && m.find("(HTTP 408") == std::string::npos &&
      m.find("(HTTP 429") == std::string::npos && m.find("Throttl") == std::string::npos;
  return permanent ? SendResult::Permanent(m) : SendResult::Retry(m);
}

class AwsOutput final : public AlertOutput {
 public:
  AwsOutput(std::string type, const OutputConfig& c, const aws::AwsClient* client)
      : type_(std::move(type)), c_(c), client_(client) {}
  SendResult Send(const StoredAlert& a) override {
    if (type_ == "sns") {
      auto r = aws::SnsClient(client_).Publish(Get(c_, "topic_arn"), a.json,
                                               AlertSummary(a).substr(0, 99));
      return FromStatus(r.status());
    }
    if (type_ == "sqs") {
      return FromStatus(aws::SqsClient(client_).Send(Get(c_, "queue_url"), a.json).status());
    }
    if (type_ == "kinesis") {
      return FromStatus(
          aws::KinesisClient(client_).PutRecord(Get(c_, "stream"), a.id, a.json).status());
    }
    if (type_ == "firehose") {
      // A trailing newline keeps records apart in the objects Firehose writes.
      std::string body = "{\"DeliveryStreamName\":" + Json(Get(c_, "delivery_stream")) +
                         ",\"Records\":[{\"Data\":\"" + Base64Encode(a.json + "\n") + "\"}]}";
      auto r = client_->CallJson("firehose", "Firehose_20150804", "PutRecordBatch", body, "1.1");
      if (!r.ok()) return FromStatus(r.status());
      simdjson::dom::parser parser;
      simdjson::dom::element doc;
      int64_t failed = -1;
      if (parser.parse(r.value()).get(doc) != simdjson::SUCCESS ||
          doc["FailedPutCount"].get(failed) != simdjson::SUCCESS) {
        return SendResult::Retry("PutRecordBatch: response has no FailedPutCount");
      }
      if (failed != 0) {
        return SendResult::Retry("PutRecordBatch: the record failed: " + r.value().substr(0, 200));
      }
      return SendResult::Ok();
    }
    // s3
    const std::string date = FormatRfc3339(a.created).substr(0, 10);  // YYYY-MM-DD
    std::string prefix = Get(c_, "prefix", "fastpath/alerts");
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    const std::string key = prefix + "/" + date.substr(0, 4) + "/" + date.substr(5, 2) + "/" +
                            date.substr(8, 2) + "/" + a.id + ".json";
    return FromStatus(aws::S3Client(client_).PutObject(Get(c_, "bucket"), key, a.json + "\n",
                                                       "application/json"));
  }

 private:
  const std::string type_;
  const OutputConfig c_;
  const aws::AwsClient* client_;
};

// Syslog: one connection per message (alerts are rare; no state to go stale).
class SyslogOutput final : public AlertOutput {
 public:
  SyslogOutput(const OutputConfig& c)
      : transport_(Get(c, "transport", "udp")),
        host_(Get(c, "host", "127.0.0.1")),
        port_(Get(c, "port", transport_ == "tls" ? "6514" : "514")),
        ca_file_(Get(c, "ca_file")),
        facility_(std::atoi(Get(c, "facility", "16").c_str())) {
    char h[256] = {0};
    gethostname(h, sizeof h - 1);
    hostname_ = h;
  }
  SendResult Send(const StoredAlert& a) override {
    const std::string msg = SyslogMessage(a, facility_, hostname_);
    addrinfo hints{};
    hints.ai_socktype = transport_ == "udp" ? SOCK_DGRAM : SOCK_STREAM;
    addrinfo* res = nullptr;
    if (getaddrinfo(host_.c_str(), port_.c_str(), &hints, &res) != 0 || res == nullptr) {
      return SendResult::Retry("syslog: cannot resolve " + host_);
    }
    const int fd = socket(res->ai_family, res->ai_socktype, 0);
    if (fd < 0) {
      freeaddrinfo(res);
      return SendResult::Retry("syslog: socket failed");
    }
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    SendResult result = SendResult::Ok();
    if (transport_ == "udp") {
      if (sendto(fd, msg.data(), msg.size(), 0, res->ai_addr, res->ai_addrlen) !=
          static_cast<ssize_t>(msg.size())) {
        result = SendResult::Retry("syslog: UDP send failed");
      }
    } else if (connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
      result = SendResult::Retry("syslog: cannot connect to " + host_ + ":" + port_);
    } else {
      // RFC 6587 / RFC 5425 octet counting: "LEN SP MSG".
      const std::string framed = std::to_string(msg.size()) + " " + msg;
      result = transport_ == "tls" ? SendTls(fd, framed) : SendAll(fd, framed);
    }
    close(fd);
    freeaddrinfo(res);
    return result;
  }

 private:
  static SendResult SendAll(int fd, const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
      const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return SendResult::Retry("syslog: TCP send failed");
      off += static_cast<size_t>(n);
    }
    return SendResult::Ok();
  }
  SendResult SendTls(int fd, const std::string& data) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == nullptr) return SendResult::Retry("syslog: TLS init failed");
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    if (!ca_file_.empty()) {
      SSL_CTX_load_verify_locations(ctx, ca_file_.c_str(), nullptr);
    } else {
      SSL_CTX_set_default_verify_paths(ctx);
    }
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, host_.c_str());
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (inet_addr(host_.c_str()) != INADDR_NONE) {
      X509_VERIFY_PARAM_set1_ip_asc(param, host_.c_str());
    } else {
      X509_VERIFY_PARAM_set1_host(param, host_.c_str(), 0);
    }
    SendResult r = SendResult::Ok();
    if (SSL_connect(ssl) != 1) {
      char err[256];
      ERR_error_string_n(ERR_get_error(), err, sizeof err);
      r = SendResult::Retry(std::string("syslog: TLS handshake failed: ") + err);
    } else if (SSL_write(ssl, data.data(), static_cast<int>(data.size())) !=
               static_cast<int>(data.size())) {
      r = SendResult::Retry("syslog: TLS write failed");
    } else {
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return r;
  }
  const std::string transport_, host_, port_, ca_file_;
  const int facility_;
  std::string hostname_;
};

struct MailBody {
  std::string data;
  size_t pos = 0;
};

size_t ReadMail(char* buf, size_t size, size_t nmemb, void* user) {
  auto* m = static_cast<MailBody*>(user);
  const size_t n = std::min(size * nmemb, m->data.size() - m->pos);
  std::memcpy(buf, m->data.data() + m->pos, n);
  m->pos += n;
  return n;
}

class EmailOutput final : public AlertOutput {
 public:
  EmailOutput(const OutputConfig& c, std::vector<std::string> to)
      : url_(Get(c, "url")),
        from_(Get(c, "from", "fastpath@localhost")),
        user_(Get(c, "username")),
        password_(Get(c, "password")),
        starttls_(Get(c, "starttls", "false") == "true"),
        to_(std::move(to)) {}
  SendResult Send(const StoredAlert& a) override {
    MailBody body;
    char date[64];
    const time_t now = time(nullptr);
    struct tm tm {};
    gmtime_r(&now, &tm);
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    std::string to_line;
    for (const std::string& t : to_) to_line += (to_line.empty() ? "" : ", ") + t;
    body.data = "Date: " + std::string(date) + "\r\nFrom: " + from_ + "\r\nTo: " + to_line +
                "\r\nSubject: " + AlertSummary(a).substr(0, 200) + "\r\nMessage-ID: <" + a.id +
                "@fastpath>\r\nX-Fastpath-Alert-Id: " + a.id +
                "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
                a.title + "\r\n\r\nseverity: " + a.severity + "\r\nrule: " + a.rule_id +
                "\r\naccount / region: " + Where(a) + "\r\nevent: " + Or(a.event_name, "-") +
                "\r\nprincipal: " + Or(a.principal, "-") +
                "\r\nsource IP: " + Or(a.source_ip, "-") + "\r\nrunbook: " + Or(a.runbook, "-") +
                "\r\nalert id: " + a.id + "\r\n\r\n" + a.json + "\r\n";
    CURL* c = curl_easy_init();
    if (c == nullptr) return SendResult::Retry("email: curl init failed");
    curl_slist* rcpt = nullptr;
    for (const std::string& t : to_) rcpt = curl_slist_append(rcpt, t.c_str());
    curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadMail);
    curl_easy_setopt(c, CURLOPT_READDATA, &body);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (starttls_) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!user_.empty()) {
      curl_easy_setopt(c, CURLOPT_USERNAME, user_.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, password_.c_str());
    }
    const CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    if (rc == CURLE_OK) return SendResult::Ok();
    const std::string err = std::string("email: ") + curl_easy_strerror(rc) +
                            (code ? " (SMTP " + std::to_string(code) + ")" : "");
    if (code >= 500 && code < 600) return SendResult::Permanent(err);
    return SendResult::Retry(err);
  }

 private:
  const std::string url_, from_, user_, password_;
  const bool starttls_;
  const std::vector<std::string> to_;
};

}  // namespace

std::string AlertSummary(const StoredAlert& a) {
  std::string s = "[" + Upper(a.severity) + "] " + a.title;
  if (!a.event_name.empty()) s += ": " + a.event_name;
  if (!a.principal.empty()) s += " by " + a.principal;
  s += " in " + Where(a);
  return s;
}

std::string PagerDutySeverity(std::string_view severity) {
  if (severity == "critical") return "critical";
  if (severity == "high") return "error";
  if (severity == "medium") return "warning";
  return "info";
}

std::string OpsgeniePriority(std::string_view severity) {
  if (severity == "critical") return "P1";
  if (severity == "high") return "P2";
  if (severity == "medium") return "P3";
  if (severity == "low") return "P4";
  return "P5";
}

int SyslogSeverity(std::string_view severity) {
  if (severity == "critical") return 2;
  if (severity == "high") return 3;
  if (severity == "medium") return 4;
  if (severity == "low") return 5;
  return 6;
}

std::string SyslogMessage(const StoredAlert& a, int facility, const std::string& hostname) {
  // Structured data values escape '"', '\' and ']' (RFC 5424 section 6.3.3).
  auto sd = [](const std::string& v) {
    std::string out;
    for (char c : v) {
      if (c == '"' || c == '\\' || c == ']') out.push_back('\\');
      out.push_back(c);
    }
    return out;
  };
  const int pri = facility * 8 + SyslogSeverity(a.severity);
  std::string msg = "<" + std::to_string(pri) + ">1 " + FormatRfc3339(NowNs()) + " " +
                    (hostname.empty() ? "-" : hostname) + " fastpath " + std::to_string(getpid()) +
                    " alert [fastpath@32473 alert_id=\"" + sd(a.id) + "\" rule_id=\"" +
                    sd(a.rule_id) + "\" severity=\"" + sd(a.severity) + "\" account=\"" +
                    sd(a.account) + "\" region=\"" + sd(a.region) + "\"] ";
  msg += "\xEF\xBB\xBF" + AlertSummary(a);  // BOM: the MSG is UTF-8
  return msg;
}

std::string WebhookSignature(const std::string& secret, const std::string& timestamp,
                             const std::string& body) {
  return aws::HexEncode(aws::HmacSha256(secret, timestamp + "." + body));
}

Result<std::unique_ptr<AlertOutput>> MakeOutput(const OutputConfig& c, const aws::AwsClient* aws) {
  auto need = [&](const char* key) -> Status {
    if (Get(c, key).empty()) {
      return Status::InvalidArgument("output " + c.name + " (" + c.type + ") needs " + key);
    }
    return Status::Ok();
  };
  if (c.type == "stdout") return std::unique_ptr<AlertOutput>(new LineOutput("", 0, 0));
  if (c.type == "file") {
    if (Status s = need("path"); !s.ok()) return s;
    return std::unique_ptr<AlertOutput>(new LineOutput(
        Get(c, "path"), std::strtoull(Get(c, "rotate_bytes", "104857600").c_str(), nullptr, 10),
        std::atoi(Get(c, "keep", "5").c_str())));
  }
  if (c.type == "webhook" || c.type == "slack" || c.type == "teams") {
    if (Status s = need("url"); !s.ok()) return s;
    if (c.type == "slack") return std::unique_ptr<AlertOutput>(new SlackOutput(Get(c, "url")));
    if (c.type == "teams") return std::unique_ptr<AlertOutput>(new TeamsOutput(Get(c, "url")));
    return std::unique_ptr<AlertOutput>(
        new WebhookOutput(Get(c, "url"), Get(c, "secret"), c.headers));
  }
  if (c.type == "pagerduty") {
    if (Status s = need("routing_key"); !s.ok()) return s;
    return std::unique_ptr<AlertOutput>(new PagerDutyOutput(
        Get(c, "url", "https://events.pagerduty.com/v2/enqueue"), Get(c, "routing_key")));
  }
  if (c.type == "opsgenie") {
    if (Status s = need("api_key"); !s.ok()) return s;
    return std::unique_ptr<AlertOutput>(
        new OpsgenieOutput(Get(c, "url", "https://api.opsgenie.com/v2/alerts"), Get(c, "api_key")));
  }
  if (c.type == "sns" || c.type == "sqs" || c.type == "kinesis" || c.type == "firehose" ||
      c.type == "s3") {
    const char* key = c.type == "sns"        ? "topic_arn"
                      : c.type == "sqs"      ? "queue_url"
                      : c.type == "kinesis"  ? "stream"
                      : c.type == "firehose" ? "delivery_stream"
                                             : "bucket";
    if (Status s = need(key); !s.ok()) return s;
    return std::unique_ptr<AlertOutput>(new AwsOutput(c.type, c, aws));
  }
  if (c.type == "syslog") {
    const std::string t = Get(c, "transport", "udp");
    if (t != "udp" && t != "tcp" && t != "tls") {
      return Status::InvalidArgument("output " + c.name + ": transport must be udp, tcp or tls");
    }
    return std::unique_ptr<AlertOutput>(new SyslogOutput(c));
  }
  if (c.type == "email") {
    if (Status s = need("url"); !s.ok()) return s;
    if (c.to.empty()) return Status::InvalidArgument("output " + c.name + " (email) needs to");
    return std::unique_ptr<AlertOutput>(new EmailOutput(c, c.to));
  }
  return Status::InvalidArgument("output " + c.name + ": unknown type " + c.type);
}

}  // namespace fastpath
