// OCSF rendering: DNS Activity: Route 53 public zone query logs and Resolver query logs.
#include "ocsf/ocsf_internal.h"

#include <optional>
#include <string>
#include <vector>

namespace fastpath::ocsf {

int Dns(Writer& w, const Event& e, const Rec& r) {
  const bool resolver = e.log_type == LogType::kRoute53Resolver;
  Header h;
  h.cls = kDns;
  h.activity_id = 1;  // Query
  h.activity_name = "Query";
  h.product = resolver ? "Route 53 Resolver" : "Route 53";
  const std::string_view fw = resolver ? r.S("/firewall_rule_action") : std::string_view();
  h.security_control = !fw.empty();
  WriteHeader(w, e, h);
  const std::string_view rcode = resolver ? r.S("/rcode") : r.S("/response_code");
  w.Open("query");
  // Query logs write the name fully qualified ("example.com."); hostname_t has no final dot.
  std::string_view qname = r.S("/query_name");
  if (qname.size() > 1 && qname.back() == '.') qname.remove_suffix(1);
  w.Str("hostname", qname);
  w.Str("type", r.S("/query_type"));
  w.Str("class", resolver ? r.S("/query_class") : "IN");
  w.Close();
  if (const int id = DnsRcode(rcode); id >= 0) {
    w.Int("rcode_id", id);
    const char* caption = DnsRcodeCaption(id);
    w.Str("rcode", caption != nullptr ? std::string_view(caption) : rcode);
  }
  if (resolver) {
    w.Open("src_endpoint");
    if (IsIp(r.S("/srcaddr"))) w.Str("ip", r.S("/srcaddr"));
    w.Port(r.I("/srcport"));
    w.Str("vpc_uid", r.S("/vpc_id"));
    w.Str("instance_uid", r.S("/srcids/instance"));
    w.Close();
    Endpoint(w, "dst_endpoint", {}, std::nullopt, {}, "Route 53 Resolver");
    w.Open("connection_info");
    w.Str("protocol_name", r.S("/transport"));
    w.Int("boundary_id", 0);
    Direction(w, 2);  // a VPC resource's query going out to the Resolver
    w.Close();
    if (auto ans = r.E("/answers"); ans && ans->is_array()) {
      w.OpenArray("answers");
      for (element a : ans->get_array()) {
        std::string_view rdata, type, cls;
        JsonGet(a["Rdata"].get_string(), rdata);
        JsonGet(a["Type"].get_string(), type);
        JsonGet(a["Class"].get_string(), cls);
        w.Open();
        w.Str("rdata", rdata);
        w.Str("type", type);
        w.Str("class", cls);
        w.Close();
      }
      w.Close();
    }
    // DNS Firewall: ALLOW, BLOCK, ALERT.
    if (!fw.empty()) Disposition(w, fw == "BLOCK" ? 2 : fw == "ALLOW" ? 1 : fw == "ALERT" ? 19 : 0);
  } else {
    Endpoint(w, "src_endpoint", r.S("/resolver_ip"), std::nullopt);
    Endpoint(w, "dst_endpoint", {}, std::nullopt, {}, r.S("/edge_location"));
    w.Open("connection_info");
    w.Str("protocol_name", r.S("/protocol"));
    w.Int("boundary_id", 0);
    Direction(w, 1);  // a query arriving at the zone's authoritative servers
    w.Close();
  }
  return h.cls.uid;
}

}  // namespace fastpath::ocsf
