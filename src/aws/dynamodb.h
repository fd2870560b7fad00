// DynamoDB over its JSON 1.0 protocol (DynamoDB_20120810.<Operation>): the few operations the
// lease table and the alert claims need. Items are maps of typed attribute values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"

namespace fastpath::aws {

struct AttributeValue {
  enum class Type { kS, kN, kSS, kBool, kNull };
  Type type = Type::kS;
  std::string s;                // S, and N as its decimal text
  std::vector<std::string> ss;  // SS
  bool b = false;
  static AttributeValue S(std::string v) { return {Type::kS, std::move(v), {}, false}; }
  static AttributeValue N(long long v) { return {Type::kN, std::to_string(v), {}, false}; }
  static AttributeValue SS(std::vector<std::string> v) {
    return {Type::kSS, "", std::move(v), false};
  }
};
using Item = std::map<std::string, AttributeValue>;

// JSON of an item ({"name":{"S":"..."},...}).
std::string ItemJson(const Item& item);
Result<Item> ParseItem(std::string_view json_object);

struct ConditionalWrite {
  std::string condition;                     // ConditionExpression ("" for none)
  std::string update;                        // UpdateExpression (UpdateItem)
  Item values;                               // ExpressionAttributeValues (":v")
  std::map<std::string, std::string> names;  // ExpressionAttributeNames ("#n")
};

class DynamoDbClient {
 public:
  explicit DynamoDbClient(const AwsClient* client) : client_(client) {}

  // Creates a table with a string hash key (on-demand billing) unless it exists; waits until it
  // is ACTIVE. `ttl_attribute` (optional) turns on TTL for that attribute.
  Status EnsureTable(const std::string& table, const std::string& hash_key,
                     const std::string& ttl_attribute = "") const;
  // A full consistent scan.
  Result<std::vector<Item>> Scan(const std::string& table) const;
  Result<std::optional<Item>> GetItem(const std::string& table, const Item& key) const;
  // false: the condition did not hold (ConditionalCheckFailedException).
  Result<bool> PutItem(const std::string& table, const Item& item, const ConditionalWrite& w) const;
  Result<bool> UpdateItem(const std::string& table, const Item& key,
                          const ConditionalWrite& w) const;
  Result<bool> DeleteItem(const std::string& table, const Item& key,
                          const ConditionalWrite& w) const;

 private:
  Result<bool> Conditional(std::string_view op, std::string body) const;
  const AwsClient* client_;
};

}  // namespace fastpath::aws
