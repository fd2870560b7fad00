// Logging of the network edge: WAFv2 web ACLs, Network Firewall firewalls (regional), and the
// global services Route 53 (public hosted zone query logs) and CloudFront (standard logs),
// checked once per account.
#include <set>

#include "audit/audit_util.h"

namespace fastpath::audit {
namespace {

void CheckWaf(AuditContext& ctx) {
  std::vector<std::pair<std::string, std::string>> acls;  // arn, name
  std::string marker;
  do {
    std::string body = "{\"Scope\":\"REGIONAL\",\"Limit\":100";
    if (!marker.empty()) body += "," + aws::JsonField("NextMarker", marker);
    body += "}";
    Reply r = ctx.Json("wafv2", "AWSWAF_20190729", "ListWebACLs", body);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (!ctx.ParseJson(r, &parser, &doc, "wafv2:ListWebACLs")) return;
    for (simdjson::dom::element a : JArr(doc, "WebACLs")) {
      acls.emplace_back(std::string(JStr(a, "ARN")), std::string(JStr(a, "Name")));
    }
    // WAF returns a marker even on the last page when the page is full; an empty page ends it.
    marker = JArr(doc, "WebACLs").empty() ? "" : std::string(JStr(doc, "NextMarker"));
  } while (!marker.empty());
  if (acls.empty()) {
    ctx.Note("no regional web ACLs");
    return;
  }
  std::set<std::string> logged;
  marker.clear();
  do {
    std::string body = "{\"Scope\":\"REGIONAL\",\"Limit\":100";
    if (!marker.empty()) body += "," + aws::JsonField("NextMarker", marker);
    body += "}";
    Reply r = ctx.Json("wafv2", "AWSWAF_20190729", "ListLoggingConfigurations", body);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (!ctx.ParseJson(r, &parser, &doc, "wafv2:ListLoggingConfigurations")) return;
    auto configs = JArr(doc, "LoggingConfigurations");
    for (simdjson::dom::element c : configs) logged.emplace(JStr(c, "ResourceArn"));
    marker = configs.empty() ? "" : std::string(JStr(doc, "NextMarker"));
  } while (!marker.empty());
  for (const auto& [arn, name] : acls) {
    if (logged.count(arn) != 0) {
      ctx.Ok("waf_logging.enabled", arn, "web ACL " + name + " logs its requests");
    } else {
      ctx.Gap("waf_logging.missing", arn, "web ACL " + name + " logs no requests",
              "Send the web ACL's logs to a Firehose stream or bucket fastpath reads.",
              "aws wafv2 put-logging-configuration --logging-configuration "
              "ResourceArn=" +
                  arn + ",LogDestinationConfigs=DESTINATION_ARN --region " + ctx.region());
    }
  }
}

void CheckNetworkFirewall(AuditContext& ctx) {
  std::vector<std::pair<std::string, std::string>> firewalls;
  std::string token;
  do {
    std::string body = "{";
    if (!token.empty()) body += aws::JsonField("NextToken", token);
    body += "}";
    Reply r =
        ctx.Json("network-firewall", "NetworkFirewall_20201112", "ListFirewalls", body, "1.0");
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (!ctx.ParseJson(r, &parser, &doc, "network-firewall:ListFirewalls")) return;
    for (simdjson::dom::element f : JArr(doc, "Firewalls")) {
      firewalls.emplace_back(std::string(JStr(f, "FirewallArn")),
                             std::string(JStr(f, "FirewallName")));
    }
    token = std::string(JStr(doc, "NextToken"));
  } while (!token.empty());
  if (firewalls.empty()) {
    ctx.Note("no Network Firewall firewalls");
    return;
  }
  for (const auto& [arn, name] : firewalls) {
    Reply r =
        ctx.Json("network-firewall", "NetworkFirewall_20201112", "DescribeLoggingConfiguration",
                 "{" + aws::JsonField("FirewallArn", arn) + "}", "1.0");
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (!ctx.ParseJson(r, &parser, &doc, "network-firewall:DescribeLoggingConfiguration")) return;
    std::set<std::string> types;
    simdjson::dom::element lc;
    if (JsonGet(doc["LoggingConfiguration"], lc)) {
      for (simdjson::dom::element d : JArr(lc, "LogDestinationConfigs")) {
        types.emplace(JStr(d, "LogType"));
      }
    }
    if (types.count("ALERT") != 0) {
      ctx.Ok("network_firewall_logging.enabled", arn, "firewall " + name + " logs its alerts");
    } else {
      ctx.Gap("network_firewall_logging.missing", arn,
              "firewall " + name + " logs no ALERT records",
              "Send the firewall's ALERT (and FLOW) logs to the bucket fastpath reads.",
              "aws network-firewall update-logging-configuration --firewall-arn " + arn +
                  " --logging-configuration "
                  "'{\"LogDestinationConfigs\":[{\"LogType\":\"ALERT\",\"LogDestinationType\":"
                  "\"S3\",\"LogDestination\":{\"bucketName\":\"BUCKET\"}}]}' --region " +
                  ctx.region());
    }
  }
}

void CheckRoute53(AuditContext& ctx) {
  struct Zone {
    std::string id, name;
  };
  std::vector<Zone> zones;
  std::string marker;
  do {
    Reply r = ctx.Rest("route53", "GET",
                       "/2013-04-01/hostedzone" + (marker.empty() ? "" : "?marker=" + marker));
    pugi::xml_document doc;
    if (!ctx.ParseXml(r, &doc, "route53:ListHostedZones")) return;
    pugi::xml_node root = doc.first_child();
    for (pugi::xml_node z : root.child("HostedZones").children("HostedZone")) {
      if (std::string_view(z.child("Config").child("PrivateZone").text().as_string()) == "true") {
        continue;
      }
      std::string id = z.child("Id").text().as_string();
      if (id.rfind("/hostedzone/", 0) == 0) id = id.substr(12);
      zones.push_back({id, z.child("Name").text().as_string()});
    }
    marker = std::string_view(root.child("IsTruncated").text().as_string()) == "true"
                 ? root.child("NextMarker").text().as_string()
                 : "";
  } while (!marker.empty());
  if (zones.empty()) {
    ctx.Note("no public hosted zones");
    return;
  }
  std::set<std::string> logged;
  std::string token;
  do {
    Reply r =
        ctx.Rest("route53", "GET",
                 "/2013-04-01/queryloggingconfig" + (token.empty() ? "" : "?nexttoken=" + token));
    pugi::xml_document doc;
    if (!ctx.ParseXml(r, &doc, "route53:ListQueryLoggingConfigs")) return;
    pugi::xml_node root = doc.first_child();
    for (pugi::xml_node c : root.child("QueryLoggingConfigs").children("QueryLoggingConfig")) {
      logged.insert(c.child("HostedZoneId").text().as_string());
    }
    token = root.child("NextToken").text().as_string();
  } while (!token.empty());
  for (const Zone& z : zones) {
    if (logged.count(z.id) != 0) {
      ctx.Ok("route53_query_logs.enabled", z.id, "zone " + z.name + " logs its queries");
    } else {
      ctx.Gap("route53_query_logs.missing", z.id,
              "public hosted zone " + z.name + " (" + z.id + ") logs no queries",
              "Log the zone's queries to a log group in us-east-1 subscribed to fastpath.",
              "aws route53 create-query-logging-config --hosted-zone-id " + z.id +
                  " --cloud-watch-logs-log-group-arn "
                  "arn:aws:logs:us-east-1:" +
                  ctx.account() + ":log-group:/aws/route53/" + z.name);
    }
  }
}

void CheckCloudFront(AuditContext& ctx) {
  std::vector<std::pair<std::string, std::string>> dists;  // id, domain
  std::string marker;
  do {
    Reply r = ctx.Rest("cloudfront", "GET",
                       "/2020-05-31/distribution" + (marker.empty() ? "" : "?Marker=" + marker));
    pugi::xml_document doc;
    if (!ctx.ParseXml(r, &doc, "cloudfront:ListDistributions")) return;
    pugi::xml_node root = doc.first_child();
    for (pugi::xml_node d : root.child("Items").children("DistributionSummary")) {
      dists.emplace_back(d.child("Id").text().as_string(),
                         d.child("DomainName").text().as_string());
    }
    marker = std::string_view(root.child("IsTruncated").text().as_string()) == "true"
                 ? root.child("NextMarker").text().as_string()
                 : "";
  } while (!marker.empty());
  if (dists.empty()) {
    ctx.Note("no CloudFront distributions");
    return;
  }
  for (const auto& [id, domain] : dists) {
    Reply r = ctx.Rest("cloudfront", "GET", "/2020-05-31/distribution/" + id + "/config");
    pugi::xml_document doc;
    if (!ctx.ParseXml(r, &doc, "cloudfront:GetDistributionConfig")) return;
    pugi::xml_node logging = doc.first_child().child("Logging");
    if (std::string_view(logging.child("Enabled").text().as_string()) == "true") {
      ctx.Ok("cloudfront_logging.enabled", id,
             "distribution " + domain + " -> " + logging.child("Bucket").text().as_string());
    } else {
      ctx.Gap("cloudfront_logging.missing", id,
              "distribution " + id + " (" + domain + ") writes no standard log",
              "Turn on the distribution's standard logging to the bucket fastpath reads.",
              "aws cloudfront get-distribution-config --id " + id +
                  " (set Logging.Enabled=true, Bucket=BUCKET.s3.amazonaws.com) then aws "
                  "cloudfront update-distribution --id " +
                  id + " --distribution-config file://config.json --if-match ETAG");
    }
  }
}

}  // namespace

extern const ComponentDescriptor kWafLoggingComponent = {
    "waf_logging",
    "WAF logging",
    "Requests every web ACL saw, blocked or allowed.",
    false,
    {"wafv2:ListWebACLs", "wafv2:ListLoggingConfigurations"},
    &CheckWaf};

extern const ComponentDescriptor kNetworkFirewallLoggingComponent = {
    "network_firewall_logging",
    "Network Firewall logging",
    "Alerts and flows of every Network Firewall.",
    false,
    {"network-firewall:ListFirewalls", "network-firewall:DescribeLoggingConfiguration"},
    &CheckNetworkFirewall};

extern const ComponentDescriptor kRoute53QueryLogsComponent = {
    "route53_query_logs",
    "Route 53 query logs",
    "Queries to every public hosted zone (subdomain takeover, DNS reconnaissance).",
    true,
    {"route53:ListHostedZones", "route53:ListQueryLoggingConfigs"},
    &CheckRoute53};

extern const ComponentDescriptor kCloudFrontLoggingComponent = {
    "cloudfront_logging",
    "CloudFront logging",
    "Requests to every CloudFront distribution.",
    true,
    {"cloudfront:ListDistributions", "cloudfront:GetDistributionConfig"},
    &CheckCloudFront};

}  // namespace fastpath::audit
