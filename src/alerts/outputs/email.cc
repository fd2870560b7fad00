#include "alerts/outputs/output_support.h"

#include <cstring>
#include <ctime>

#include <curl/curl.h>

namespace fastpath {
namespace outputs {
namespace {

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

Result<std::unique_ptr<AlertOutput>> BuildEmail(const OutputConfig& c, const aws::AwsClient*) {
  if (Status s = Need(c, "url"); !s.ok()) return s;
  if (c.to.empty()) return Status::InvalidArgument("output " + c.name + " (email) needs to");
  return std::unique_ptr<AlertOutput>(new EmailOutput(c, c.to));
}

}  // namespace
}  // namespace outputs

extern const OutputDescriptor kEmailOutputType = {
    "email",
    "a plain-text mail over SMTP (or SMTPS, or STARTTLS) through libcurl",
    {{"url", "smtp://host:port or smtps://host:port (required)"},
     {"from", "the sender (default fastpath@localhost)"},
     {"to", "one recipient or a list (required)", ConfigValue::kList},
     {"username", "SMTP user name"},
     {"password", "SMTP password", ConfigValue::kSecret},
     {"starttls", "true: require STARTTLS"}},
    /*needs_aws=*/false,
    outputs::BuildEmail};

}  // namespace fastpath
