// DeliverySimulator: replays CloudTrail records as AWS would deliver them on all three paths, with
// realistic delays, as files fastpath can scan (the demo's data, tests, benchmarks):
//   - S3: the trail's log objects, gzip'd, written about five minutes after their events
//     (the time in a CloudTrail object name is its delivery time; used when present);
//   - CloudWatch Logs: each record reaches the log group one to four minutes after the event and
//     leaves through a subscription to Firehose, which posts a gzip'd DATA_MESSAGE per minute to
//     an HTTP endpoint;
//   - EventBridge: write events and console sign-ins only (read-only API calls need a special
//     rule state), within seconds, batched on a Kinesis stream.
// Every delivery file's modification time is its receive time, so `scan` measures each path.
// Deterministic for a given seed. Thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/status.h"

namespace fastpath {

struct TrailObject {
  std::string name;                  // original object name (may carry its delivery time)
  std::vector<std::string> records;  // CloudTrail records as JSON texts
};

struct SimulatedDelivery {
  DeliveryPath path = DeliveryPath::kS3;
  std::string relative_path;  // where to write it, below the output folder
  std::string bytes;
  TimeNs received = 0;
  size_t records = 0;
};

struct SimulationOptions {
  uint64_t seed = 20190401;
  bool s3 = true;
  bool cloudwatch_logs = true;
  bool eventbridge = true;
};

Result<std::vector<SimulatedDelivery>> SimulateDeliveries(const std::vector<TrailObject>& objects,
                                                          const SimulationOptions& options);

// Writes each delivery below `dir` and sets its modification time to its receive time.
Status WriteDeliveries(const std::string& dir, const std::vector<SimulatedDelivery>& deliveries);

// Reads CloudTrail records (any form fastpath decodes) from files or folders into TrailObjects,
// one per input file.
Result<std::vector<TrailObject>> LoadTrailObjects(const std::vector<std::string>& paths);

}  // namespace fastpath
