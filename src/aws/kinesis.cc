#include "aws/kinesis.h"

#include <simdjson.h>

#include "core/event.h"
#include "core/json_get.h"
#include "decode/byte_reader.h"

namespace fastpath::aws {
namespace {

constexpr std::string_view kPrefix = "Kinesis_20131202";

}  // namespace

bool IsThroughputExceeded(const Status& s) {
  return s.message().find("ProvisionedThroughputExceededException") != std::string::npos ||
         s.message().find("LimitExceededException") != std::string::npos;
}

bool IsExpiredIterator(const Status& s) {
  return s.message().find("ExpiredIteratorException") != std::string::npos;
}

Result<GetRecordsResult> ParseGetRecords(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) {
    return Status::Corrupt("GetRecords: response is not JSON");
  }
  GetRecordsResult out;
  simdjson::dom::array records;
  if (JsonGet(doc["Records"], records)) {
    for (simdjson::dom::element r : records) {
      KinesisRecord k;
      std::string_view v;
      if (!JsonGet(r["SequenceNumber"], v))
        return Status::Corrupt("GetRecords: record without SequenceNumber");
      k.sequence_number = v;
      if (JsonGet(r["PartitionKey"], v)) k.partition_key = v;
      if (!JsonGet(r["Data"], v)) return Status::Corrupt("GetRecords: record without Data");
      auto data = Base64Decode(v);
      if (!data.ok())
        return Status::Corrupt("GetRecords: record " + k.sequence_number + ": Data is not base64");
      k.data = std::move(data.value());
      double ts = 0;
      if (JsonGet(r["ApproximateArrivalTimestamp"], ts)) {
        if (auto t = EpochSecondsToNs(ts)) k.arrival = *t;
      }
      out.records.push_back(std::move(k));
    }
  }
  std::string_view it;
  if (JsonGet(doc["NextShardIterator"], it)) out.next_iterator = it;
  int64_t behind = 0;
  if (JsonGet(doc["MillisBehindLatest"], behind)) out.millis_behind_latest = behind;
  simdjson::dom::array children;
  if (JsonGet(doc["ChildShards"], children)) {
    for (simdjson::dom::element c : children) {
      std::string_view id;
      if (JsonGet(c["ShardId"], id)) out.child_shards.emplace_back(id);
    }
  }
  return out;
}

Result<std::vector<KinesisShard>> ParseListShards(std::string_view json, std::string* next_token) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) {
    return Status::Corrupt("ListShards: response is not JSON");
  }
  std::vector<KinesisShard> out;
  simdjson::dom::array shards;
  if (JsonGet(doc["Shards"], shards)) {
    for (simdjson::dom::element s : shards) {
      KinesisShard k;
      std::string_view v;
      if (!JsonGet(s["ShardId"], v)) return Status::Corrupt("ListShards: shard without ShardId");
      k.shard_id = v;
      if (JsonGet(s["ParentShardId"], v)) k.parents.emplace_back(v);
      if (JsonGet(s["AdjacentParentShardId"], v)) k.parents.emplace_back(v);
      if (JsonGet(s["HashKeyRange"]["StartingHashKey"], v)) k.starting_hash_key = v;
      if (JsonGet(s["HashKeyRange"]["EndingHashKey"], v)) k.ending_hash_key = v;
      if (JsonGet(s["SequenceNumberRange"]["StartingSequenceNumber"], v)) {
        k.starting_sequence_number = v;
      }
      if (JsonGet(s["SequenceNumberRange"]["EndingSequenceNumber"], v)) {
        k.ending_sequence_number = v;
      }
      out.push_back(std::move(k));
    }
  }
  std::string_view token;
  next_token->clear();
  if (JsonGet(doc["NextToken"], token)) *next_token = token;
  return out;
}

Result<std::vector<KinesisShard>> KinesisClient::ListShards(const std::string& stream) const {
  std::vector<KinesisShard> all;
  std::string token;
  do {
    // With NextToken, StreamName must be left out.
    const std::string body = token.empty() ? "{" + JsonField("StreamName", stream) + "}"
                                           : "{" + JsonField("NextToken", token) + "}";
    auto resp = client_->CallJson("kinesis", kPrefix, "ListShards", body, "1.1");
    if (!resp.ok()) return resp.status();
    auto page = ParseListShards(resp.value(), &token);
    if (!page.ok()) return page.status();
    for (auto& s : page.value()) all.push_back(std::move(s));
  } while (!token.empty());
  return all;
}

Result<std::string> KinesisClient::GetShardIterator(const std::string& stream,
                                                    const std::string& shard_id,
                                                    const std::string& type,
                                                    const std::string& sequence,
                                                    TimeNs timestamp) const {
  std::string body = "{" + JsonField("StreamName", stream) + "," + JsonField("ShardId", shard_id) +
                     "," + JsonField("ShardIteratorType", type);
  if (!sequence.empty()) body += "," + JsonField("StartingSequenceNumber", sequence);
  if (type == "AT_TIMESTAMP") {
    body += ",\"Timestamp\":" + std::to_string(static_cast<double>(timestamp) / 1e9);
  }
  body += "}";
  auto resp = client_->CallJson("kinesis", kPrefix, "GetShardIterator", body, "1.1");
  if (!resp.ok()) return resp.status();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view it;
  if (parser.parse(resp.value()).get(doc) != simdjson::SUCCESS ||
      !JsonGet(doc["ShardIterator"], it)) {
    return Status::Corrupt("GetShardIterator: no ShardIterator in the response");
  }
  return std::string(it);
}

Result<GetRecordsResult> KinesisClient::GetRecords(const std::string& iterator, int limit) const {
  auto resp = client_->CallJson(
      "kinesis", kPrefix, "GetRecords",
      "{" + JsonField("ShardIterator", iterator) + ",\"Limit\":" + std::to_string(limit) + "}",
      "1.1");
  if (!resp.ok()) return resp.status();
  return ParseGetRecords(resp.value());
}

Result<std::string> KinesisClient::PutRecord(const std::string& stream,
                                             const std::string& partition_key,
                                             const std::string& data) const {
  auto resp = client_->CallJson("kinesis", kPrefix, "PutRecord",
                                "{" + JsonField("StreamName", stream) + "," +
                                    JsonField("PartitionKey", partition_key) + "," +
                                    JsonField("Data", Base64Encode(data)) + "}",
                                "1.1");
  if (!resp.ok()) return resp.status();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view seq;
  if (parser.parse(resp.value()).get(doc) != simdjson::SUCCESS ||
      !JsonGet(doc["SequenceNumber"], seq)) {
    return Status::Corrupt("PutRecord: no SequenceNumber in the response");
  }
  return std::string(seq);
}

}  // namespace fastpath::aws
