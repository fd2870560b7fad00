#include "audit/audit_util.h"

#include "core/json_get.h"

namespace fastpath::audit {

std::string_view JStr(simdjson::dom::element el, std::string_view key) {
  std::string_view v;
  return JsonGet(el[key], v) ? v : std::string_view();
}

bool JBool(simdjson::dom::element el, std::string_view key, bool fallback) {
  bool v = fallback;
  return JsonGet(el[key], v) ? v : fallback;
}

std::vector<simdjson::dom::element> JArr(simdjson::dom::element el, std::string_view key) {
  std::vector<simdjson::dom::element> out;
  simdjson::dom::array a;
  if (JsonGet(el[key], a)) {
    for (simdjson::dom::element e : a) out.push_back(e);
  }
  return out;
}

std::string XText(const pugi::xml_node& node, const char* name) {
  pugi::xml_node n = node.find_node([name](pugi::xml_node x) {
    return x.type() == pugi::node_element && std::string_view(x.name()) == name;
  });
  return n ? n.text().as_string() : "";
}

std::string ShellQuote(std::string_view s) {
  bool plain = !s.empty();
  for (char c : s) {
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/' ||
          c == ':' || c == '=' || c == ',' || c == '@' || c == '+')) {
      plain = false;
    }
  }
  if (plain) return std::string(s);
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string ArnName(std::string_view arn) {
  const size_t p = arn.find_last_of(":/");
  return std::string(p == std::string_view::npos ? arn : arn.substr(p + 1));
}

namespace {
std::string ArnField(std::string_view arn, int index) {
  size_t start = 0;
  for (int i = 0; i < index; ++i) {
    start = arn.find(':', start);
    if (start == std::string_view::npos) return "";
    ++start;
  }
  const size_t end = arn.find(':', start);
  if (end == std::string_view::npos) return "";
  return std::string(arn.substr(start, end - start));
}
}  // namespace

std::string ArnAccount(std::string_view arn) {
  return ArnField(arn, 4);
}
std::string ArnRegion(std::string_view arn) {
  return ArnField(arn, 3);
}

std::optional<std::vector<std::string>> ListVpcs(AuditContext& ctx) {
  std::vector<std::string> vpcs;
  std::string token;
  do {
    std::vector<std::pair<std::string, std::string>> params;
    if (!token.empty()) params.emplace_back("NextToken", token);
    Reply r = ctx.Query("ec2", "DescribeVpcs", "2016-11-15", params);
    pugi::xml_document doc;
    if (!ctx.ParseXml(r, &doc, "ec2:DescribeVpcs")) return std::nullopt;
    pugi::xml_node set = doc.first_child().child("vpcSet");
    for (pugi::xml_node item : set.children("item")) {
      vpcs.push_back(item.child("vpcId").text().as_string());
    }
    token = doc.first_child().child("nextToken").text().as_string();
  } while (!token.empty());
  return vpcs;
}

}  // namespace fastpath::audit
