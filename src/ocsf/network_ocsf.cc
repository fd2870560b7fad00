// OCSF rendering: Network Activity: VPC and Transit Gateway flow logs, NLB, Network Firewall.
#include "ocsf/ocsf_internal.h"

#include <optional>
#include <string>
#include <vector>

namespace fastpath::ocsf {

int VpcFlow(Writer& w, const Event& e, const Rec& r) {
  Header h;
  h.cls = kNetwork;
  const std::string_view status = r.S("/log-status");
  const bool traffic = status.empty() || status == "OK";
  h.activity_id = traffic ? 6 : 99;  // Traffic, Other
  h.activity_name = traffic ? "Traffic" : status;
  h.product = "VPC Flow Logs";
  const std::string_view action = r.S("/action");
  h.security_control = action == "ACCEPT" || action == "REJECT";
  WriteHeader(w, e, h);
  std::string_view src = r.S("/pkt-srcaddr");
  if (src.empty()) src = r.S("/srcaddr");
  std::string_view dst = r.S("/pkt-dstaddr");
  if (dst.empty()) dst = r.S("/dstaddr");
  std::string_view eni = r.S("/interface-id");
  if (eni.empty()) eni = r.S("/tgw-src-eni");
  const std::string_view dir = r.S("/flow-direction");
  if (src.empty() && dst.empty()) {
    // NODATA / SKIPDATA: no traffic, only the interface that was observed.
    Endpoint(w, "src_endpoint", {}, std::nullopt, {}, {}, eni, r.S("/instance-id"));
    Endpoint(w, "dst_endpoint", {}, std::nullopt, {}, {}, eni, r.S("/instance-id"));
  } else if (dir == "ingress") {
    // The interface (and its instance) that logged the flow is the destination of an ingress
    // flow and the source of an egress one; without flow-direction (v2 records), the source.
    Endpoint(w, "src_endpoint", src, r.I("/srcport"), {}, {}, r.S("/tgw-src-eni"));
    Endpoint(w, "dst_endpoint", dst, r.I("/dstport"), {}, {}, eni, r.S("/instance-id"));
  } else {
    Endpoint(w, "src_endpoint", src, r.I("/srcport"), {}, {}, eni, r.S("/instance-id"));
    Endpoint(w, "dst_endpoint", dst, r.I("/dstport"), {}, {}, r.S("/tgw-dst-eni"));
  }
  if (h.security_control) Disposition(w, action == "ACCEPT" ? 1 : 2);
  w.Open("connection_info");
  w.OptInt("protocol_num", r.I("/protocol"));
  Direction(w, dir == "ingress" ? 1 : dir == "egress" ? 2 : 0);
  w.OptInt("tcp_flags", r.I("/tcp-flags"));
  w.Int("boundary_id", 0);
  w.Close();
  if (r.I("/bytes") || r.I("/packets")) {
    w.Open("traffic");
    w.OptInt("bytes", r.I("/bytes"));
    w.OptInt("packets", r.I("/packets"));
    w.Close();
  }
  if (auto s = r.I("/start")) w.Int("start_time", *s * 1000);
  if (auto s = r.I("/end")) w.Int("end_time", *s * 1000);
  w.Str("message", r.S("/log-status"));
  return h.cls.uid;
}

int Nlb(Writer& w, const Event& e, const Rec& r) {
  Header h;
  h.cls = kNetwork;
  h.activity_id = 6;
  h.activity_name = "Traffic";
  h.product = "Elastic Load Balancing";
  WriteHeader(w, e, h);
  std::string_view ip;
  std::optional<int64_t> port;
  SplitHostPort(r.S("/client:port"), &ip, &port);
  Endpoint(w, "src_endpoint", ip, port);
  SplitHostPort(r.S("/destination:port"), &ip, &port);
  Endpoint(w, "dst_endpoint", ip, port, r.S("/domain_name"), r.S("/elb"));
  w.Open("traffic");
  w.OptInt("bytes_in", r.I("/received_bytes"));
  w.OptInt("bytes_out", r.I("/sent_bytes"));
  w.Close();
  if (!r.S("/tls_protocol_version").empty()) {
    w.Open("tls");
    w.Str("version", r.S("/tls_protocol_version"));
    w.Str("cipher", r.S("/tls_cipher"));
    w.Str("sni", r.S("/domain_name"));
    w.Close();
  }
  return h.cls.uid;
}

int NetworkFirewall(Writer& w, const Event& e, const Rec& r) {
  Header h;
  h.cls = kNetwork;
  h.activity_id = 6;  // Traffic; the EVE event type is the log's own kind, kept in raw_data
  h.product = "Network Firewall";
  const std::string_view action = r.S("/event/alert/action");
  if (!action.empty()) h.severity_id = 3;
  h.security_control = !action.empty();
  WriteHeader(w, e, h);
  Endpoint(w, "src_endpoint", r.S("/event/src_ip"), r.I("/event/src_port"));
  Endpoint(w, "dst_endpoint", r.S("/event/dest_ip"), r.I("/event/dest_port"), {},
           r.S("/firewall_name"));
  w.Open("connection_info");
  w.Str("protocol_name", r.S("/event/proto"));
  w.Str("uid", r.S("/event/flow_id"));
  // Suricata's app-layer direction: to_server is the client's request (Outbound from the
  // source), to_client the reply; flow and alert records without one are Unknown.
  const std::string_view direction = r.S("/event/direction");
  Direction(w, direction == "to_server" ? 2 : direction == "to_client" ? 1 : 0);
  w.Int("boundary_id", 0);
  w.Close();
  if (r.Has("/event/netflow")) {
    w.Open("traffic");
    w.OptInt("bytes", r.I("/event/netflow/bytes"));
    w.OptInt("packets", r.I("/event/netflow/pkts"));
    w.Close();
  }
  if (!action.empty()) {
    Disposition(w, action == "blocked" ? 2 : action == "allowed" ? 1 : 0);
    w.Str("message", r.S("/event/alert/signature"));
  }
  if (!r.S("/event/tls/version").empty()) {  // tls.version is required
    w.Open("tls");
    w.Str("sni", r.S("/event/tls/sni"));
    w.Str("version", r.S("/event/tls/version"));
    w.Close();
  }
  return h.cls.uid;
}

}  // namespace fastpath::ocsf
