// KPL aggregated records: [F3 89 9A C2][protobuf AggregatedRecord][MD5 of the protobuf bytes].
// A Kinesis record is treated as aggregated only when the magic matches and the MD5 checks;
// anything else passes through as one plain record, as the KCL does.
//
//   AggregatedRecord { repeated string partition_key_table = 1;
//                      repeated string explicit_hash_key_table = 2; repeated Record records = 3; }
//   Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2;
//            required bytes data = 3; repeated Tag tags = 4; }
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace fastpath {

__extension__ typedef unsigned __int128 HashKey;

struct UserRecord {
  std::string partition_key;
  std::string data;
  HashKey hash_key = 0;  // explicit hash key, else MD5(partition key) as a big-endian integer
  uint32_t sub_sequence = 0;
};

// True when `data` starts with the KPL magic (whether or not the rest checks out).
bool HasKplMagic(std::string_view data);

// De-aggregates one Kinesis record. A plain record gives itself (sub_sequence 0). An aggregated
// record whose MD5 does not match is passed through whole, as the KCL does; one whose MD5
// matches but whose protobuf is malformed is an error naming what was wrong.
Result<std::vector<UserRecord>> Deaggregate(std::string_view data, std::string_view partition_key);

// Encodes user records as one aggregated record (tests and the benchmark's producer).
std::string Aggregate(const std::vector<UserRecord>& records);

HashKey PartitionKeyHash(std::string_view partition_key);
// Decimal text (as ListShards gives hash key ranges) to a 128-bit integer.
std::optional<HashKey> ParseHashKey(std::string_view decimal);

}  // namespace fastpath
