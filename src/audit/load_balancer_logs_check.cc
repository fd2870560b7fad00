// Load balancer access logs: every Application and Network Load Balancer writes its access log.
#include "audit/audit_util.h"

namespace fastpath::audit {
namespace {

void Check(AuditContext& ctx) {
  struct Lb {
    std::string arn, name, type;
  };
  std::vector<Lb> lbs;
  std::string marker;
  do {
    std::vector<std::pair<std::string, std::string>> params;
    if (!marker.empty()) params.emplace_back("Marker", marker);
    Reply r = ctx.Query("elasticloadbalancing", "DescribeLoadBalancers", "2015-12-01", params);
    pugi::xml_document doc;
    if (!ctx.ParseXml(r, &doc, "elasticloadbalancing:DescribeLoadBalancers")) return;
    pugi::xml_node result = doc.first_child().child("DescribeLoadBalancersResult");
    for (pugi::xml_node m : result.child("LoadBalancers").children("member")) {
      lbs.push_back({m.child("LoadBalancerArn").text().as_string(),
                     m.child("LoadBalancerName").text().as_string(),
                     m.child("Type").text().as_string()});
    }
    marker = result.child("NextMarker").text().as_string();
  } while (!marker.empty());
  if (lbs.empty()) ctx.Note("no load balancers in this region");
  for (const Lb& lb : lbs) {
    if (lb.type == "gateway") continue;  // gateway load balancers have no access log
    Reply r = ctx.Query("elasticloadbalancing", "DescribeLoadBalancerAttributes", "2015-12-01",
                        {{"LoadBalancerArn", lb.arn}});
    pugi::xml_document doc;
    if (!ctx.ParseXml(r, &doc, "elasticloadbalancing:DescribeLoadBalancerAttributes")) return;
    bool enabled = false;
    std::string bucket;
    for (pugi::xml_node m : doc.first_child()
                                .child("DescribeLoadBalancerAttributesResult")
                                .child("Attributes")
                                .children("member")) {
      std::string key = m.child("Key").text().as_string();
      if (key == "access_logs.s3.enabled")
        enabled = std::string(m.child("Value").text().as_string()) == "true";
      if (key == "access_logs.s3.bucket") bucket = m.child("Value").text().as_string();
    }
    if (enabled) {
      ctx.Ok("load_balancer_logs.enabled", lb.arn, lb.type + " " + lb.name + " -> s3://" + bucket);
    } else {
      ctx.Gap("load_balancer_logs.missing", lb.arn,
              lb.type + " load balancer " + lb.name + " writes no access log",
              "Turn on the load balancer's access log to the bucket fastpath reads.",
              "aws elbv2 modify-load-balancer-attributes --load-balancer-arn " + lb.arn +
                  " --attributes Key=access_logs.s3.enabled,Value=true "
                  "Key=access_logs.s3.bucket,Value=BUCKET --region " +
                  ctx.region());
    }
  }
}

}  // namespace

extern const ComponentDescriptor kLoadBalancerLogsComponent = {
    "load_balancer_logs",
    "Load balancer logs",
    "Requests reaching every ALB and NLB: web attacks, scanners, TLS clients.",
    false,
    {"elasticloadbalancing:DescribeLoadBalancers",
     "elasticloadbalancing:DescribeLoadBalancerAttributes"},
    &Check};

}  // namespace fastpath::audit
