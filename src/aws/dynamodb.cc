#include "aws/dynamodb.h"

#include <chrono>
#include <thread>

#include <simdjson.h>

#include "core/event.h"
#include "core/json_get.h"

namespace fastpath::aws {
namespace {

constexpr std::string_view kPrefix = "DynamoDB_20120810";

void AppendValue(std::string* out, const AttributeValue& v) {
  switch (v.type) {
    case AttributeValue::Type::kS:
      out->append("{\"S\":");
      AppendJsonString(out, v.s);
      break;
    case AttributeValue::Type::kN:
      out->append("{\"N\":");
      AppendJsonString(out, v.s);
      break;
    case AttributeValue::Type::kSS: {
      out->append("{\"SS\":[");
      for (size_t i = 0; i < v.ss.size(); ++i) {
        if (i) out->push_back(',');
        AppendJsonString(out, v.ss[i]);
      }
      out->append("]");
      break;
    }
    case AttributeValue::Type::kBool:
      out->append(v.b ? "{\"BOOL\":true" : "{\"BOOL\":false");
      break;
    case AttributeValue::Type::kNull:
      out->append("{\"NULL\":true");
      break;
  }
  out->push_back('}');
}

void AppendWrite(std::string* body, const ConditionalWrite& w) {
  if (!w.condition.empty()) {
    body->append(",\"ConditionExpression\":");
    AppendJsonString(body, w.condition);
  }
  if (!w.update.empty()) {
    body->append(",\"UpdateExpression\":");
    AppendJsonString(body, w.update);
  }
  if (!w.values.empty()) body->append(",\"ExpressionAttributeValues\":" + ItemJson(w.values));
  if (!w.names.empty()) {
    body->append(",\"ExpressionAttributeNames\":{");
    bool first = true;
    for (const auto& [k, v] : w.names) {
      if (!first) body->push_back(',');
      first = false;
      AppendJsonString(body, k);
      body->push_back(':');
      AppendJsonString(body, v);
    }
    body->push_back('}');
  }
}

std::string TableField(const std::string& table) {
  std::string out = "\"TableName\":";
  AppendJsonString(&out, table);
  return out;
}

Result<Item> ItemFrom(simdjson::dom::object obj) {
  Item item;
  for (auto [key, val] : obj) {
    simdjson::dom::object typed;
    if (!JsonGet(val, typed))
      return Status::Corrupt("attribute " + std::string(key) + " is not typed");
    AttributeValue v;
    for (auto [t, x] : typed) {
      std::string_view sv;
      if (t == "S" && JsonGet(x, sv)) {
        v = AttributeValue::S(std::string(sv));
      } else if (t == "N" && JsonGet(x, sv)) {
        v.type = AttributeValue::Type::kN;
        v.s = sv;
      } else if (t == "SS") {
        v.type = AttributeValue::Type::kSS;
        simdjson::dom::array arr;
        if (!JsonGet(x, arr)) return Status::Corrupt("SS is not an array");
        for (simdjson::dom::element e : arr) {
          if (!JsonGet(e, sv)) return Status::Corrupt("SS holds a non-string");
          v.ss.emplace_back(sv);
        }
      } else if (t == "BOOL") {
        v.type = AttributeValue::Type::kBool;
        JsonGet(x, v.b);
      } else if (t == "NULL") {
        v.type = AttributeValue::Type::kNull;
      } else {
        continue;  // types fastpath does not store (L, M, B, ...)
      }
    }
    item[std::string(key)] = std::move(v);
  }
  return item;
}

}  // namespace

std::string ItemJson(const Item& item) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : item) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(&out, k);
    out.push_back(':');
    AppendValue(&out, v);
  }
  out.push_back('}');
  return out;
}

Result<Item> ParseItem(std::string_view json_object) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(json_object.data(), json_object.size()).get(obj) != simdjson::SUCCESS) {
    return Status::Corrupt("item is not a JSON object");
  }
  return ItemFrom(obj);
}

Status DynamoDbClient::EnsureTable(const std::string& table, const std::string& hash_key,
                                   const std::string& ttl_attribute) const {
  std::string body = "{" + TableField(table) + ",\"AttributeDefinitions\":[{\"AttributeName\":";
  AppendJsonString(&body, hash_key);
  body += ",\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":";
  AppendJsonString(&body, hash_key);
  body += ",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}";
  auto created = client_->CallJson("dynamodb", kPrefix, "CreateTable", body);
  if (!created.ok() &&
      created.status().message().find("ResourceInUseException") == std::string::npos) {
    return created.status();
  }
  for (int i = 0; i < 600; ++i) {  // up to a minute
    auto d = client_->CallJson("dynamodb", kPrefix, "DescribeTable", "{" + TableField(table) + "}");
    if (!d.ok()) return d.status();
    if (d.value().find("\"TableStatus\":\"ACTIVE\"") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!ttl_attribute.empty() && created.ok()) {
    std::string ttl = "{" + TableField(table) +
                      ",\"TimeToLiveSpecification\":{\"Enabled\":true,\"AttributeName\":";
    AppendJsonString(&ttl, ttl_attribute);
    ttl += "}}";
    // Best effort: local servers may not implement TTL; expired claims then simply stay.
    (void)client_->CallJson("dynamodb", kPrefix, "UpdateTimeToLive", ttl);
  }
  return Status::Ok();
}

Result<std::vector<Item>> DynamoDbClient::Scan(const std::string& table) const {
  std::vector<Item> out;
  std::string start_key;
  do {
    std::string body = "{" + TableField(table) + ",\"ConsistentRead\":true";
    if (!start_key.empty()) body += ",\"ExclusiveStartKey\":" + start_key;
    body += "}";
    auto resp = client_->CallJson("dynamodb", kPrefix, "Scan", body);
    if (!resp.ok()) return resp.status();
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(resp.value()).get(doc) != simdjson::SUCCESS) {
      return Status::Corrupt("Scan: response is not JSON");
    }
    simdjson::dom::array items;
    if (JsonGet(doc["Items"], items)) {
      for (simdjson::dom::element e : items) {
        simdjson::dom::object obj;
        if (!JsonGet(e, obj)) return Status::Corrupt("Scan: item is not an object");
        auto item = ItemFrom(obj);
        if (!item.ok()) return item.status();
        out.push_back(std::move(item.value()));
      }
    }
    start_key.clear();
    simdjson::dom::object last;
    if (JsonGet(doc["LastEvaluatedKey"], last)) start_key = simdjson::minify(last);
  } while (!start_key.empty());
  return out;
}

Result<std::optional<Item>> DynamoDbClient::GetItem(const std::string& table,
                                                    const Item& key) const {
  auto resp = client_->CallJson(
      "dynamodb", kPrefix, "GetItem",
      "{" + TableField(table) + ",\"ConsistentRead\":true,\"Key\":" + ItemJson(key) + "}");
  if (!resp.ok()) return resp.status();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(resp.value()).get(doc) != simdjson::SUCCESS) {
    return Status::Corrupt("GetItem: response is not JSON");
  }
  simdjson::dom::object obj;
  if (!JsonGet(doc["Item"], obj)) return std::optional<Item>();
  auto item = ItemFrom(obj);
  if (!item.ok()) return item.status();
  return std::optional<Item>(std::move(item.value()));
}

Result<bool> DynamoDbClient::Conditional(std::string_view op, std::string body) const {
  auto resp = client_->CallJson("dynamodb", kPrefix, op, std::move(body));
  if (resp.ok()) return true;
  if (resp.status().message().find("ConditionalCheckFailedException") != std::string::npos) {
    return false;
  }
  return resp.status();
}

Result<bool> DynamoDbClient::PutItem(const std::string& table, const Item& item,
                                     const ConditionalWrite& w) const {
  std::string body = "{" + TableField(table) + ",\"Item\":" + ItemJson(item);
  AppendWrite(&body, w);
  body += "}";
  return Conditional("PutItem", std::move(body));
}

Result<bool> DynamoDbClient::UpdateItem(const std::string& table, const Item& key,
                                        const ConditionalWrite& w) const {
  std::string body = "{" + TableField(table) + ",\"Key\":" + ItemJson(key);
  AppendWrite(&body, w);
  body += "}";
  return Conditional("UpdateItem", std::move(body));
}

Result<bool> DynamoDbClient::DeleteItem(const std::string& table, const Item& key,
                                        const ConditionalWrite& w) const {
  std::string body = "{" + TableField(table) + ",\"Key\":" + ItemJson(key);
  AppendWrite(&body, w);
  body += "}";
  return Conditional("DeleteItem", std::move(body));
}

}  // namespace fastpath::aws
