#include "alerts/outputs/output_support.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace fastpath {
namespace outputs {
namespace {

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

Result<std::unique_ptr<AlertOutput>> BuildSyslog(const OutputConfig& c, const aws::AwsClient*) {
  const std::string t = Get(c, "transport", "udp");
  if (t != "udp" && t != "tcp" && t != "tls") {
    return Status::InvalidArgument("output " + c.name + ": transport must be udp, tcp or tls");
  }
  return std::unique_ptr<AlertOutput>(new SyslogOutput(c));
}

}  // namespace
}  // namespace outputs

extern const OutputDescriptor kSyslogOutputType = {
    "syslog",
    "RFC 5424 messages over UDP, TCP or TLS (octet-counted framing on streams)",
    {{"transport", "udp, tcp or tls (default udp)"},
     {"host", "the collector (default 127.0.0.1)"},
     {"port", "the collector's port (default 514, 6514 for tls)"},
     {"ca_file", "CA certificates that verify a TLS collector", ConfigValue::kPath},
     {"facility", "the syslog facility number (default 16, local0)"}},
    /*needs_aws=*/false,
    outputs::BuildSyslog};

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

}  // namespace fastpath
