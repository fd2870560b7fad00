#include "simulate/delivery_simulator.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include <simdjson.h>

#include "core/json_get.h"

#include "decode/byte_reader.h"
#include "decode/envelope_decoder.h"
#include "decode/envelope_encoder.h"
#include "sources/file_source.h"

namespace fastpath {
namespace {

struct SimRecord {
  std::string json;
  TimeNs time = 0;
  std::string account, region, event_id, event_type;
  bool read_only = false;
};

Result<SimRecord> Inspect(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::object rec;
  if (parser.parse(json).get_object().get(rec) != simdjson::SUCCESS) {
    return Status::Corrupt("record is not a JSON object");
  }
  SimRecord r;
  r.json = json;
  std::string_view s;
  if (rec["eventTime"].get_string().get(s) != simdjson::SUCCESS || !ParseRfc3339(s)) {
    return Status::Corrupt("record without an RFC 3339 eventTime");
  }
  r.time = *ParseRfc3339(s);
  if (rec["recipientAccountId"].get_string().get(s) == simdjson::SUCCESS) r.account = s;
  if (rec["awsRegion"].get_string().get(s) == simdjson::SUCCESS) r.region = s;
  if (rec["eventID"].get_string().get(s) == simdjson::SUCCESS) r.event_id = s;
  if (rec["eventType"].get_string().get(s) == simdjson::SUCCESS) r.event_type = s;
  bool ro = false;
  if (rec["readOnly"].get_bool().get(ro) == simdjson::SUCCESS) {
    r.read_only = ro;
  } else {
    std::string_view name;
    JsonGet(rec["eventName"].get_string(), name);
    r.read_only = name.substr(0, 3) == "Get" || name.substr(0, 4) == "List" ||
                  name.substr(0, 8) == "Describe";
  }
  return r;
}

// "..._20230710T1145Z_..." in a CloudTrail object name: when the trail delivered it.
bool DeliveryTimeFromName(std::string_view name, TimeNs* out) {
  for (size_t i = 0; i + 15 <= name.size(); ++i) {
    if (name[i] != '_' || name[i + 9] != 'T' || name[i + 14] != 'Z') continue;
    const std::string iso =
        std::string(name.substr(i + 1, 4)) + "-" + std::string(name.substr(i + 5, 2)) + "-" +
        std::string(name.substr(i + 7, 2)) + "T" + std::string(name.substr(i + 10, 2)) + ":" +
        std::string(name.substr(i + 12, 2)) + ":00Z";
    if (auto t = ParseRfc3339(iso)) {
      *out = *t;
      return true;
    }
  }
  return false;
}

std::string Compact(TimeNs t) {  // 20230710T1145Z
  const std::string iso = FormatRfc3339(t);
  return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + "T" + iso.substr(11, 2) +
         iso.substr(14, 2) + "Z";
}

class Collector final : public RecordSink {
 public:
  explicit Collector(std::vector<std::string>* out) : out_(out) {}
  void OnJsonRecord(simdjson::dom::element record, std::string_view, bool,
                    const RecordContext&) override {
    out_->push_back(simdjson::to_string(record));
  }
  void OnTextLine(std::string_view, const RecordContext&) override {}

 private:
  std::vector<std::string>* out_;
};

}  // namespace

Result<std::vector<TrailObject>> LoadTrailObjects(const std::vector<std::string>& paths) {
  ListedInputs listed = ListInputs(paths);
  if (!listed.problems.empty()) return Status::NotFound(listed.problems.front());
  std::sort(listed.inputs.begin(), listed.inputs.end(),
            [](const InputSpec& a, const InputSpec& b) { return a.path < b.path; });
  PipelineCounters counters;
  ErrorLog errors;
  EnvelopeDecoder decoder(EnvelopeDecoder::Limits{}, &counters, &errors);
  std::vector<TrailObject> out;
  for (const InputSpec& in : listed.inputs) {
    auto reader = FdReader::Open(in.path);
    if (!reader.ok()) return reader.status();
    TrailObject obj;
    obj.name = std::filesystem::path(in.path).filename().string();
    Collector collector(&obj.records);
    RecordContext ctx;
    ctx.source = in.path;
    decoder.DecodeStream(std::move(reader.value()), ctx, &collector);
    if (!obj.records.empty()) out.push_back(std::move(obj));
  }
  return out;
}

Result<std::vector<SimulatedDelivery>> SimulateDeliveries(const std::vector<TrailObject>& objects,
                                                          const SimulationOptions& options) {
  std::mt19937_64 rng(options.seed);
  auto uniform = [&rng](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  auto secs = [](double s) { return static_cast<TimeNs>(s * 1e9); };
  std::vector<SimulatedDelivery> out;

  std::vector<SimRecord> all;
  for (const TrailObject& obj : objects) {
    std::vector<SimRecord> recs;
    for (const std::string& json : obj.records) {
      auto r = Inspect(json);
      if (!r.ok()) return Status::Corrupt(obj.name + ": " + r.status().message());
      recs.push_back(std::move(r.value()));
    }
    if (recs.empty()) continue;
    all.insert(all.end(), recs.begin(), recs.end());
    if (!options.s3) continue;
    // S3: one object per original object, delivered when its name says, or ~5 minutes after.
    TimeNs newest = 0;
    for (const SimRecord& r : recs) newest = std::max(newest, r.time);
    TimeNs delivered;
    if (DeliveryTimeFromName(obj.name, &delivered)) {
      delivered += secs(uniform(5, 55));
      delivered = std::max(delivered, newest + secs(uniform(20, 60)));
    } else {
      delivered = newest + secs(uniform(180, 420));
    }
    std::vector<std::string> jsons;
    for (const SimRecord& r : recs) jsons.push_back(r.json);
    const std::string& account = recs.front().account;
    const std::string& region = recs.front().region;
    const std::string iso = FormatRfc3339(delivered);
    SimulatedDelivery d;
    d.path = DeliveryPath::kS3;
    char tail[24];
    std::snprintf(tail, sizeof tail, "%08llx",
                  static_cast<unsigned long long>(rng() & 0xffffffffULL));
    d.relative_path = "s3/AWSLogs/" + account + "/CloudTrail/" + region + "/" + iso.substr(0, 4) +
                      "/" + iso.substr(5, 2) + "/" + iso.substr(8, 2) + "/" + account +
                      "_CloudTrail_" + region + "_" + Compact(delivered) + "_" + tail + ".json.gz";
    d.bytes = GzipCompress(EncodeCloudTrailLogFile(jsons));
    d.received = delivered;
    d.records = recs.size();
    out.push_back(std::move(d));
  }
  std::sort(all.begin(), all.end(),
            [](const SimRecord& a, const SimRecord& b) { return a.time < b.time; });

  if (options.cloudwatch_logs) {
    // CloudWatch Logs: into the log group 1-4 min after the event; Firehose buffers 60 s.
    std::map<std::pair<TimeNs, std::string>, std::vector<std::pair<TimeNs, const SimRecord*>>>
        windows;
    for (const SimRecord& r : all) {
      const TimeNs ingested = r.time + secs(uniform(60, 240));
      const TimeNs window = ingested / (60 * kNsPerSec);
      windows[{window, r.account + "_CloudTrail_" + r.region}].push_back({ingested, &r});
    }
    uint64_t seq = 0;
    for (auto& [key, recs] : windows) {
      const TimeNs posted = (key.first + 1) * 60 * kNsPerSec + secs(uniform(0.2, 3));
      std::vector<CwlLogEvent> events;
      for (auto& [ingested, r] : recs) {
        events.push_back(CwlLogEvent{std::to_string(ingested / kNsPerMs) + std::to_string(++seq),
                                     ingested / kNsPerMs, r->json});
      }
      const std::string& owner = recs.front().second->account;
      const std::string msg =
          EncodeCwlDataMessage(owner, "aws-cloudtrail-logs", key.second, events);
      char rid[48];
      std::snprintf(rid, sizeof rid, "%016llx-%04llx", static_cast<unsigned long long>(rng()),
                    static_cast<unsigned long long>(seq & 0xffff));
      SimulatedDelivery d;
      d.path = DeliveryPath::kCloudWatchLogs;
      d.relative_path = "firehose/" + Compact(posted) + "-" + rid + ".json";
      d.bytes = EncodeFirehoseHttpBody(rid, posted / kNsPerMs, {GzipCompress(msg)});
      d.received = posted;
      d.records = recs.size();
      out.push_back(std::move(d));
    }
  }

  if (options.eventbridge) {
    // EventBridge: write events and sign-ins, 0.5-3 s after the event, 5-second Kinesis batches.
    std::map<TimeNs, std::vector<KinesisRecordOut>> batches;
    uint64_t seq = 100000;
    for (const SimRecord& r : all) {
      if (r.read_only && r.event_type != "AwsConsoleSignIn") continue;
      auto eb = EncodeEventBridgeForCloudTrail(r.json);
      if (!eb.ok()) return eb.status();
      KinesisRecordOut k;
      k.payload = std::move(eb.value());
      k.partition_key = r.event_id;
      k.sequence_number =
          "4959033827149025660855969253836157109592157598913658" + std::to_string(++seq);
      k.arrival = r.time + secs(uniform(0.5, 3.0));
      batches[k.arrival / (5 * kNsPerSec)].push_back(std::move(k));
    }
    for (auto& [window, recs] : batches) {
      std::sort(recs.begin(), recs.end(), [](const KinesisRecordOut& a, const KinesisRecordOut& b) {
        return a.arrival < b.arrival;
      });
      SimulatedDelivery d;
      d.path = DeliveryPath::kEventBridge;
      d.received = recs.back().arrival + secs(uniform(0.05, 0.3));  // the consumer's poll
      d.relative_path = "kinesis/" + Compact(d.received) + "-" + std::to_string(window) + ".json";
      d.records = recs.size();
      d.bytes =
          EncodeKinesisEvent("arn:aws:kinesis:us-east-1:000000000000:stream/security-events", recs);
      out.push_back(std::move(d));
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const SimulatedDelivery& a, const SimulatedDelivery& b) {
                     return a.received < b.received;
                   });
  return out;
}

Status WriteDeliveries(const std::string& dir, const std::vector<SimulatedDelivery>& deliveries) {
  namespace fs = std::filesystem;
  for (const SimulatedDelivery& d : deliveries) {
    const fs::path p = fs::path(dir) / d.relative_path;
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    if (ec) return Status::IoError(p.parent_path().string() + ": " + ec.message());
    {
      std::ofstream f(p, std::ios::binary);
      f.write(d.bytes.data(), static_cast<std::streamsize>(d.bytes.size()));
      if (!f) return Status::IoError(p.string() + ": write failed");
    }
    struct timespec times[2];
    times[0].tv_sec = times[1].tv_sec = d.received / kNsPerSec;
    times[0].tv_nsec = times[1].tv_nsec = d.received % kNsPerSec;
    if (::utimensat(AT_FDCWD, p.c_str(), times, 0) != 0) {
      return Status::IoError(p.string() + ": cannot set its modification time");
    }
  }
  return Status::Ok();
}

}  // namespace fastpath
