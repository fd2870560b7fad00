// Fuzzes what comes off a Kinesis stream and its control plane: KPL aggregated records (the
// protobuf and its checksum), GetRecords and ListShards responses, DynamoDB lease items.
#include <cstddef>
#include <cstdint>
#include <string>

#include "aws/dynamodb.h"
#include "aws/kinesis.h"
#include "decode/kpl_aggregation.h"
#include "sources/kinesis_leases.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  (void)fastpath::Deaggregate(bytes, "pk");
  // The same bytes behind a valid KPL header, so the protobuf reader is reached.
  (void)fastpath::Deaggregate(
      fastpath::Aggregate({{"pk", bytes, fastpath::PartitionKeyHash("pk"), 0}}), "pk");
  (void)fastpath::ParseHashKey(bytes);
  (void)fastpath::aws::ParseGetRecords(bytes);
  std::string token;
  (void)fastpath::aws::ParseListShards(bytes, &token);
  auto item = fastpath::aws::ParseItem(bytes);
  if (item.ok()) (void)fastpath::LeaseFromItem(item.value());
  return 0;
}
