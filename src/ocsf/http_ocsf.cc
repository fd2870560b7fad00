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
  // OCSF 1.1's http_method enum has the eight methods HttpActivity knows; others (PATCH, or a
  // template's placeholder) stay in activity_name.
  const int known = HttpActivity(method);
  if (known >= 1 && known <= 8) w.Str("http_method", method);
  w.Str("user_agent", user_agent);
  w.Str("version", version);
  w.Str("uid", uid);
  // A Host header may carry a port ("localhost:1989").
  std::string_view host_only = host;
  if (const size_t colon = host.rfind(':');
      colon != std::string_view::npos && host.find(':') == colon) {
    std::optional<int64_t> host_port;
    SplitHostPort(host, &host_only, &host_port);
    if (!port) port = host_port;
  }
  if (!IsHostname(host_only)) host_only = {};
  std::string composed;
  if (url_string.empty() && !host_only.empty() && !path.empty() && path.front() == '/') {
    composed = std::string(scheme.empty() ? "https" : scheme) + "://" + std::string(host);
    composed.append(path);
    if (!query.empty()) composed.append("?").append(query);
    url_string = composed;
  }
  // url names a url_string or a path (its at_least_one constraint), else it is left out.
  if (!url_string.empty() || (!path.empty() && path != "-")) {
    w.Open("url");
    w.Str("url_string", url_string);
    w.Str("scheme", scheme);
    w.Str("hostname", host_only);
    w.Port(port);
    w.Str("path", path);
    w.Str("query_string", query);
    w.Close();
  }
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
  const auto code = r.I("/elb_status_code");
  Header h;
  // An HTTP exchange has a request and a response; TCP/SSL listener records and connection logs
  // ("- - -" request, no status) are Network Activity.
  const bool http = !req.method.empty() && code.has_value();
  h.cls = http ? kHttp : kNetwork;
  h.activity_id = http ? HttpActivity(req.method) : 6;  // Traffic
  h.activity_name = req.method;
  h.product = "Elastic Load Balancing";
  if (http) h.status_id = StatusFromCode(code);
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
  if (http) {
    HttpRequest(w, req.method, req.url, req.scheme, req.host, req.port, req.path, req.query,
                r.S("/user_agent"), req.version, r.S("/trace_id"));
    HttpResponse(w, code);
  }
  std::string_view cipher = r.S("/ssl_cipher");
  if (cipher.empty()) cipher = r.S("/tls_cipher");
  std::string_view version = r.S("/ssl_protocol");
  if (version.empty()) version = r.S("/tls_protocol");
  if (!version.empty() && version != "-") {  // tls.version is required
    w.Open("tls");
    w.Str("cipher", cipher);
    w.Str("version", version);
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
  h.security_control = true;
  WriteHeader(w, e, h);
  w.Open("src_endpoint");
  if (IsIp(r.S("/httpRequest/clientIp"))) w.Str("ip", r.S("/httpRequest/clientIp"));
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
  // The response WAF itself sent: a custom code when the rule set one, else its defaults (403
  // for a block, 405 with a CAPTCHA puzzle, 202 with a challenge). A request WAF let through was
  // answered by the protected resource, which WAF's log does not record.
  std::optional<int64_t> sent = r.I("/responseCodeSent");
  if (!sent) {
    if (action == "BLOCK") sent = 403;
    if (action == "CAPTCHA") sent = 405;
    if (action == "CHALLENGE") sent = 202;
  }
  HttpResponse(w, sent);
  // The security_control profile's dispositions: Allowed, Blocked, Count, Captcha, Challenge.
  Disposition(w, action == "ALLOW"       ? 1
                 : action == "BLOCK"     ? 2
                 : action == "COUNT"     ? 20
                 : action == "CAPTCHA"   ? 22
                 : action == "CHALLENGE" ? 23
                                         : 0);
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
  // API Activity has no http_response: the status goes in api.response.code.
  if (code || !r.S("/error_code").empty()) {
    w.Open("response");
    w.OptInt("code", code);
    w.Str("error", r.S("/error_code"));
    w.Close();
  }
  w.Close();
  const RequestLine req = SplitRequest(r.S("/request_uri"));
  HttpRequest(w, req.method, req.url, {}, r.S("/host_header"), std::nullopt, req.path, req.query,
              r.S("/user_agent"), req.version);
  w.OpenArray("resources");
  w.Open();
  w.Str("uid", r.S("/bucket"));
  w.Str("type", "AWS::S3::Bucket");
  w.Close();
  w.Close();
  return h.cls.uid;
}

}  // namespace fastpath::ocsf
