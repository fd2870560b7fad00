// LakeWriter: the lake stage. Every event the pipeline lets through (first arrivals only) is
// appended to the open object of its partition; objects close by size or age and are shipped,
// gzip'd, to the lake (a local folder or S3).
//
// In memory mode (a scan) there is no spool: each 1 MiB of an object's lines is compressed into
// a gzip member on the shipping thread as the object fills, and the object is uploaded at close.
//
// Durability and acknowledgement. Lines are first appended to a spool file per open object (a
// local folder, one subfolder per writer, locked while the writer lives). Commit(), which the
// pipeline calls before an input is acknowledged, writes every pending line to its spool file
// (and fdatasyncs it with `fsync`), so an acknowledged event is in the lake or in a spool file
// that survives kill -9. A writer that starts ships what dead writers left in the spool (their
// lock is free) under the names those writers chose, so a crash between upload and cleanup
// re-uploads the same object rather than a copy.
//
// Threads: Write, Commit and Close are called from the pipeline's consumer thread; a shipping
// thread closes objects that reached their age and uploads closed ones.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/event_sink.h"
#include "core/metrics_writer.h"
#include "lake/lake_store.h"

struct libdeflate_compressor;

namespace fastpath::lake {

enum class LakeFormat { kEvents, kOcsf };

struct LakeWriterOptions {
  LakeFormat format = LakeFormat::kEvents;
  size_t max_object_bytes = 64u << 20;  // uncompressed
  TimeNs max_age = 5LL * 60 * 1000000000;
  std::string spool_dir;  // required
  std::string writer_id;  // empty: <host>-<start time>-<pid>
  size_t max_open_objects = 256;
  bool fsync = false;
  int compression_level = 6;
  // Open objects kept in memory rather than spooled to disk (a scan, which acknowledges nothing:
  // a rerun redoes what a crash lost); at most `memory_budget` bytes, open and waiting to ship,
  // past which the largest open object closes early and writers wait for the shipping.
  bool in_memory = false;
  size_t memory_budget = size_t{1} << 30;
  // Shipping attempts per object before Close gives up on it (it stays in the spool); 0: retry
  // until shipped (the daemon).
  int ship_attempts = 0;
  std::function<void(const std::string&)> log;  // shipping errors; default: stderr
};

struct LakeWriterStats {
  uint64_t events = 0;
  uint64_t objects = 0;     // shipped
  uint64_t bytes_raw = 0;   // uncompressed bytes shipped
  uint64_t bytes_gzip = 0;  // compressed bytes shipped
  uint64_t ship_failures = 0;
  uint64_t spool_failures = 0;
  uint64_t recovered = 0;  // objects shipped from dead writers' spools
  uint64_t open_objects = 0;
  uint64_t queued_objects = 0;  // closed, not yet shipped
};

class LakeWriter final : public EventSink {
 public:
  static Result<std::unique_ptr<LakeWriter>> Open(std::shared_ptr<const LakeStore> store,
                                                  LakeWriterOptions options);
  ~LakeWriter() override;

  void Write(const Event& e) override;
  void Flush() override { (void)Commit(); }
  // Every event written so far is in a spool file (see above); an error when one is not.
  Status Commit() override;
  // Closes every object and ships all; returns the first error (what failed stays spooled).
  Status Close();

  const std::string& writer_id() const { return options_.writer_id; }
  const std::string& spool() const { return own_spool_; }
  LakeWriterStats stats() const;
  void WriteMetrics(MetricsWriter* w) const;

 private:
  struct OpenObject;
  // In memory mode an object is compressed as it fills: each 1 MiB chunk of lines becomes one
  // gzip member (a gzip file may hold several; every reader of gzip reads them in turn), so
  // compression runs beside the pipeline instead of after it.
  struct MemObject {
    std::string gz;  // the members so far (shipping thread only)
    size_t raw = 0;  // uncompressed bytes in them
  };
  struct Shipment {
    std::shared_ptr<MemObject> mem;  // in memory mode
    bool finish = false;             // in memory mode: all chunks are in; upload the object
    std::string chunk;               // in memory mode: lines to compress into mem
    size_t bytes = 0;                // memory this shipment holds (for the budget)
    bool precompressed = false;      // a spooled .json.gz: shipped as it is
    std::string spool_path;
    std::string key;  // relative to the lake root
    bool recovered = false;
    int attempts = 0;
  };
  LakeWriter(std::shared_ptr<const LakeStore> store, LakeWriterOptions options);
  Status TakeSpool();
  void AdoptDeadSpools();
  OpenObject* Find(const std::string& partition);
  Status WritePending(OpenObject* o);
  Status CloseObject(const std::string& partition);
  void Enqueue(Shipment s);
  void ShipLoop();
  Status Ship(const Shipment& s);
  Status Compress(const Shipment& s, const char* raw, size_t size);
  Status Upload(const Shipment& s, std::string_view gz, size_t raw);
  // Deflates `size` bytes into ship_gz_ as one gzip member; returns its size (0: failure).
  size_t Deflate(const char* raw, size_t size);
  void EnqueueChunk(OpenObject* o);

  const std::shared_ptr<const LakeStore> store_;
  LakeWriterOptions options_;
  std::string own_spool_;
  std::vector<int> lock_fds_;
  std::vector<std::string> adopted_;  // dead writers' spool folders taken over

  std::mutex mu_;  // the open objects
  std::unordered_map<std::string, std::unique_ptr<OpenObject>> open_;
  std::vector<OpenObject*> dirty_;
  std::string partition_scratch_;
  uint64_t seq_ = 0;
  uint64_t tick_ = 0;

  std::mutex ship_mu_;
  std::condition_variable ship_cv_;
  std::deque<Shipment> queue_;
  bool stopping_ = false;
  bool idle_ = true;
  std::vector<std::string> failures_;  // objects given up on (ship_attempts reached)
  std::thread shipper_;
  // The shipping thread's: the compressor and the buffers of the object being shipped.
  libdeflate_compressor* compressor_ = nullptr;
  std::unique_ptr<char[]> ship_raw_, ship_gz_;
  size_t ship_raw_cap_ = 0, ship_gz_cap_ = 0;
  bool closed_ = false;

  std::atomic<uint64_t> events_{0}, objects_{0}, bytes_raw_{0}, bytes_gzip_{0}, ship_failures_{0},
      spool_failures_{0}, recovered_{0}, open_count_{0}, queued_{0};
  std::atomic<uint64_t> memory_{0};  // in memory mode: bytes open and waiting to ship
};

}  // namespace fastpath::lake
