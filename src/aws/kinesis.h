// Kinesis Data Streams over JSON 1.1 (Kinesis_20131202.<Operation>): what a polling consumer
// needs (ListShards, GetShardIterator, GetRecords) and PutRecord/PutRecords for producers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"

namespace fastpath::aws {

struct KinesisShard {
  std::string shard_id;
  std::vector<std::string> parents;                // ParentShardId, AdjacentParentShardId
  std::string starting_hash_key, ending_hash_key;  // decimal, 0 .. 2^128-1
  std::string starting_sequence_number, ending_sequence_number;  // ending: closed shards only
};

struct KinesisRecord {
  std::string sequence_number;
  std::string partition_key;
  std::string data;  // decoded bytes
  TimeNs arrival = 0;
};

struct GetRecordsResult {
  std::vector<KinesisRecord> records;
  std::string next_iterator;  // empty: the shard is closed and fully read (SHARD_END)
  int64_t millis_behind_latest = 0;
  std::vector<std::string> child_shards;
};

// Errors the polling loop handles itself.
bool IsThroughputExceeded(const Status& s);
bool IsExpiredIterator(const Status& s);

Result<GetRecordsResult> ParseGetRecords(std::string_view json);
Result<std::vector<KinesisShard>> ParseListShards(std::string_view json, std::string* next_token);

class KinesisClient {
 public:
  explicit KinesisClient(const AwsClient* client) : client_(client) {}
  Result<std::vector<KinesisShard>> ListShards(const std::string& stream) const;
  // type: TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, AT_TIMESTAMP.
  Result<std::string> GetShardIterator(const std::string& stream, const std::string& shard_id,
                                       const std::string& type, const std::string& sequence = "",
                                       TimeNs timestamp = 0) const;
  Result<GetRecordsResult> GetRecords(const std::string& iterator, int limit) const;
  // Returns the sequence number.
  Result<std::string> PutRecord(const std::string& stream, const std::string& partition_key,
                                const std::string& data) const;

 private:
  const AwsClient* client_;
};

}  // namespace fastpath::aws
