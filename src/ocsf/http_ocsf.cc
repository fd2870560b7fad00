// OCSF rendering: HTTP Activity (load balancers, CloudFront, WAF, API Gateway access logs) and S3
// server access logs as API Activity.
#include "ocsf/ocsf_internal.h"

#include <optional>
#include <string>
#include <vector>

namespace fastpath::ocsf {
namespace {

// "GET https://host:443/path?q HTTP/1.1" into method, url parts and version.
struct RequestLine {
  std::string_view method, url, version, scheme, host, path, query;
  std::optional<int64_t> port;
};

RequestLine SplitRequest(std::string_view req) {
  RequestLine l;
  const size_t a = req.find(' ');
  if (a == std::string_view::npos) return l;
  l.method = req.substr(0, a);
  const size_t b = req.rfind(' ');
  l.url = b > a ? req.substr(a + 1, b - a - 1) : req.substr(a + 1);
  l.version = b > a ? req.substr(b + 1) : std::string_view();
  std::string_view u = l.url;
  const size_t sch = u.find("://");
  if (sch != std::string_view::npos) {
    l.scheme = u.substr(0, sch);
    u = u.substr(sch + 3);
    const size_t slash = u.find('/');
    std::string_view hostport = u.substr(0, slash);
    u = slash == std::string_view::npos ? std::string_view() : u.substr(slash);
    std::string_view host;
    SplitHostPort(hostport, &host, &l.port);
    l.host = host;
  }
  const size_t q = u.find('?');
  l.path = u.substr(0, q);
  if (q != std::string_view::npos) l.query = u.substr(q + 1);
  if (l.method == "-") l = RequestLine();
  return l;
}

void HttpRequest(Writer& w, std::string_view method, std::string_view url_string,
                 std::string_view scheme, std::string_view host, std::optional<int64_t> port,
                 std::string_view path, std::string_view query, std::string_view user_agent,
                 std::string_view version, std::string_view uid = {}) {
  w.Open("http_request");
  w.Str("http_method", method);
  w.Str("user_agent", user_agent);
  w.Str("version", version);
  w.Str("uid", uid);
  w.Open("url");
  w.Str("url_string", url_string);
  w.Str("scheme", scheme);
  w.Str("hostname", host);
  w.Port(port);
  w.Str("path", path);
  w.Str("query_string", query);
  w.Close();
  w.Close();
}

void HttpResponse(Writer& w, std::optional<int64_t> code) {
  if (!code) return;
  w.Open("http_response");
  w.Int("code", *code);
  w.Close();
}

int StatusFromCode(std::optional<int64_t> code) {
  if (!code) return 0;
  return *code < 400 ? 1 : 2;
}

}  // namespace

int LoadBalancer(Writer& w, const Event& e, const Rec& r) {
  const RequestLine req = SplitRequest(r.S("/request"));
  Header h;
  h.cls = kHttp;
  h.activity_id = HttpActivity(req.method);
  h.activity_name = req.method;
  h.product = "Elastic Load Balancing";
  const auto code = r.I("/elb_status_code");
  h.status_id = StatusFromCode(code);
  WriteHeader(w, e, h);
  std::string_view ip;
  std::optional<int64_t> port;
  SplitHostPort(r.S("/client:port"), &ip, &port);
  if (ip.empty()) ip = r.S("/client_ip");  // connection logs
  if (!port) port = r.I("/client_port");
  Endpoint(w, "src_endpoint", ip, port);
  std::string_view target = r.S("/target:port");
  if (target.empty()) target = r.S("/backend:port");
  SplitHostPort(target, &ip, &port);
  if (!port) port = r.I("/listener_port");  // connection logs
  std::string_view lb = r.S("/elb");
  if (lb.empty() || lb == "-") lb = "Elastic Load Balancing";  // no target, or a connection log
  Endpoint(w, "dst_endpoint", ip, port, r.S("/domain_name"), lb);
  if (!req.method.empty()) {
    HttpRequest(w, req.method, req.url, req.scheme, req.host, req.port, req.path, req.query,
                r.S("/user_agent"), req.version, r.S("/trace_id"));
  }
  HttpResponse(w, code);
  std::string_view cipher = r.S("/ssl_cipher");
  if (cipher.empty()) cipher = r.S("/tls_cipher");
  if (!cipher.empty()) {
    w.Open("tls");
    w.Str("cipher", cipher);
    std::string_view v = r.S("/ssl_protocol");
    if (v.empty()) v = r.S("/tls_protocol");
    w.Str("version", v);
    w.Close();
  }
  w.Str("message", r.S("/error_reason"));
  return h.cls.uid;
}

int CloudFront(Writer& w, const Event& e, const Rec& r) {
  const std::string_view method = r.S("/cs-method");
  Header h;
  h.cls = kHttp;
  h.activity_id = HttpActivity(method);
  h.activity_name = method;
  h.product = "CloudFront";
  auto code = r.I("/sc-status");
  h.status_id = StatusFromCode(code);
  WriteHeader(w, e, h);
  Endpoint(w, "src_endpoint", r.S("/c-ip"), r.I("/c-port"));
  Endpoint(w, "dst_endpoint", {}, std::nullopt, r.S("/x-host-header"), r.S("/x-edge-location"));
  HttpRequest(w, method, {}, r.S("/cs-protocol"), r.S("/cs(Host)"), std::nullopt,
              r.S("/cs-uri-stem"), r.S("/cs-uri-query") == "-" ? "" : r.S("/cs-uri-query"),
              r.S("/cs(User-Agent)"), r.S("/cs-protocol-version"), r.S("/x-edge-request-id"));
  HttpResponse(w, code);
  return h.cls.uid;
}

int Waf(Writer& w, const Event& e, const Rec& r) {
  const std::string_view method = r.S("/httpRequest/httpMethod");
  const std::string_view action = r.S("/action");
  Header h;
  h.cls = kHttp;
  h.activity_id = HttpActivity(method);
  h.activity_name = method;
  h.product = "WAF";
  h.severity_id = action == "BLOCK" ? 3 : 1;
  WriteHeader(w, e, h);
  w.Open("src_endpoint");
  w.Str("ip", r.S("/httpRequest/clientIp"));
  if (!r.S("/httpRequest/country").empty()) {
    w.Open("location");
    w.Str("country", r.S("/httpRequest/country"));
    w.Close();
  }
  w.Close();
  const std::string_view source = r.S("/httpSourceName");  // ALB, CF, APIGW, ... or "-"
  Endpoint(w, "dst_endpoint", {}, std::nullopt, {},
           source.empty() || source == "-" ? "AWS WAF" : source, {}, r.S("/httpSourceId"));
  std::string_view ua, host;
  if (auto hs = r.E("/httpRequest/headers"); hs && hs->is_array()) {
    for (element x : hs->get_array()) {
      std::string_view n, v;
      JsonGet(x["name"].get_string(), n);
      JsonGet(x["value"].get_string(), v);
      if (n.size() == 10 && (n == "user-agent" || n == "User-Agent")) ua = v;
      if (n.size() == 4 && (n == "host" || n == "Host")) host = v;
    }
  }
  HttpRequest(w, method, {}, r.S("/httpRequest/scheme"), host, std::nullopt,
              r.S("/httpRequest/uri"), r.S("/httpRequest/args"), ua,
              r.S("/httpRequest/httpVersion"), r.S("/httpRequest/requestId"));
  HttpResponse(w, r.I("/responseCodeSent"));
  // OCSF 1.1 dispositions: 1 Allowed, 2 Blocked, 99 Other (COUNT, CAPTCHA, CHALLENGE).
  const int disposition = action == "ALLOW" ? 1 : action == "BLOCK" ? 2 : 99;
  w.Int("disposition_id", disposition);
  w.Str("disposition", disposition == 1 ? "Allowed" : disposition == 2 ? "Blocked" : action);
  w.Open("firewall_rule");
  w.Str("uid", r.S("/terminatingRuleId"));
  w.Str("type", r.S("/terminatingRuleType"));
  w.Close();
  return h.cls.uid;
}

int ApiGatewayAccess(Writer& w, const Event& e, const Rec& r) {
  std::string_view method = r.S("/httpMethod");
  std::string_view path = r.S("/resourcePath");
  if (path.empty()) path = r.S("/path");
  std::string_view route = r.S("/routeKey");
  if (method.empty() && !route.empty() && route.find(' ') != std::string_view::npos) {
    method = route.substr(0, route.find(' '));
    path = route.substr(route.find(' ') + 1);
  }
  const RequestLine clf = SplitRequest(r.S("/request"));
  if (method.empty()) {
    method = clf.method;
    path = clf.path;
  }
  Header h;
  h.cls = kHttp;
  h.activity_id = HttpActivity(method);
  h.activity_name = method;
  h.product = "API Gateway";
  auto code = r.I("/status");
  h.status_id = StatusFromCode(code);
  WriteHeader(w, e, h);
  std::string_view ip = r.S("/ip");
  if (ip.empty()) ip = r.S("/sourceIp");
  Endpoint(w, "src_endpoint", ip, std::nullopt);
  const std::string_view api_id = r.S("/apiId");
  Endpoint(w, "dst_endpoint", {}, std::nullopt, r.S("/domainName"),
           api_id.empty() ? "API Gateway" : api_id);
  HttpRequest(w, method, {}, {}, {}, std::nullopt, path, {}, r.S("/userAgent"), r.S("/protocol"),
              r.S("/requestId"));
  HttpResponse(w, code);
  return h.cls.uid;
}

int S3Access(Writer& w, const Event& e, const Rec& r) {
  const std::string_view op = r.S("/operation");
  Header h;
  h.cls = kApi;
  h.activity_id = ApiActivity(op);
  h.activity_name = op;
  h.product = "S3";
  auto code = r.I("/http_status");
  h.status_id = StatusFromCode(code);
  WriteHeader(w, e, h);
  w.Open("actor");
  w.Open("user");
  w.Str("uid", r.S("/requester").empty() ? "anonymous" : r.S("/requester"));
  w.Close();
  w.Close();
  // S3's own requests (lifecycle expiry, replication) carry no remote address.
  const std::string_view remote = r.S("/remote_ip");
  Endpoint(w, "src_endpoint", remote, std::nullopt, {},
           remote.empty() || remote == "-" ? "s3.amazonaws.com" : "");
  w.Open("api");
  w.Str("operation", op);
  w.Open("service");
  w.Str("name", "s3.amazonaws.com");
  w.Close();
  w.Open("request");
  w.Str("uid", r.S("/request_id"));
  w.Close();
  if (!r.S("/error_code").empty()) {
    w.Open("response");
    w.Str("error", r.S("/error_code"));
    w.Close();
  }
  w.Close();
  const RequestLine req = SplitRequest(r.S("/request_uri"));
  HttpRequest(w, req.method, req.url, {}, r.S("/host_header"), std::nullopt, req.path, req.query,
              r.S("/user_agent"), req.version);
  HttpResponse(w, code);
  w.OpenArray("resources");
  w.Open();
  w.Str("uid", r.S("/bucket"));
  w.Str("type", "AWS::S3::Bucket");
  w.Close();
  w.Close();
  return h.cls.uid;
}

}  // namespace fastpath::ocsf
