#include "lake/lake_writer.h"

#include <fcntl.h>
#include <libdeflate.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "ocsf/ocsf_mapper.h"

namespace fastpath::lake {

namespace fs = std::filesystem;

namespace {

constexpr size_t kPendingLimit = 1u << 20;  // lines kept in memory per object before a write
constexpr std::string_view kSpoolSuffix = ".ndjson";
constexpr std::string_view kLockName = ".lock";

std::string DefaultWriterId() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  std::string id;
  for (const char* p = host; *p != 0 && id.size() < 40; ++p) {
    const char c = *p;
    const bool plain =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    id.push_back(plain ? c : '-');
  }
  if (id.empty()) id = "host";
  return id + "-" + std::to_string(NowNs() / 1000000000) + "-" + std::to_string(::getpid());
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t w = ::write(fd, data.data(), data.size());
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(std::strerror(errno));
    }
    data.remove_prefix(static_cast<size_t>(w));
  }
  return Status::Ok();
}

// Takes an exclusive lock on `dir`/.lock without waiting; -1 when another process holds it.
int TryLock(const fs::path& dir, std::string* error) {
  const fs::path p = dir / kLockName;
  const int fd = ::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = p.string() + ": " + std::strerror(errno);
    return -1;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    *error = p.string() + ": held by another process";
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

struct LakeWriter::OpenObject {
  std::string partition;
  std::string name;  // the object's name, without folders
  std::string spool_path;
  int fd = -1;
  std::string pending;
  std::shared_ptr<MemObject> mem;  // in memory mode
  uint64_t bytes = 0;              // pending + written
  uint64_t written = 0;            // in the spool file
  TimeNs opened = 0;
  uint64_t last_use = 0;
  bool dirty = false;
};

LakeWriter::LakeWriter(std::shared_ptr<const LakeStore> store, LakeWriterOptions options)
    : store_(std::move(store)), options_(std::move(options)) {
  if (options_.writer_id.empty()) options_.writer_id = DefaultWriterId();
  if (!options_.log) {
    options_.log = [](const std::string& m) { std::fprintf(stderr, "lake: %s\n", m.c_str()); };
  }
  if (options_.max_open_objects == 0) options_.max_open_objects = 1;
}

Result<std::unique_ptr<LakeWriter>> LakeWriter::Open(std::shared_ptr<const LakeStore> store,
                                                     LakeWriterOptions options) {
  if (options.spool_dir.empty()) {
    return Status::InvalidArgument("lake: no spool folder");
  }
  std::unique_ptr<LakeWriter> w(new LakeWriter(std::move(store), std::move(options)));
  if (Status st = w->TakeSpool(); !st.ok()) return st;
  w->AdoptDeadSpools();
  w->shipper_ = std::thread([p = w.get()] { p->ShipLoop(); });
  return w;
}

LakeWriter::~LakeWriter() {
  if (!closed_) (void)Close();
  for (int fd : lock_fds_) ::close(fd);
  if (compressor_ != nullptr) libdeflate_free_compressor(compressor_);
}

Status LakeWriter::TakeSpool() {
  std::error_code ec;
  const fs::path own = fs::path(options_.spool_dir) / options_.writer_id;
  fs::create_directories(own, ec);
  if (ec) return Status::IoError("lake spool " + own.string() + ": " + ec.message());
  std::string error;
  const int fd = TryLock(own, &error);
  if (fd < 0) return Status::IoError("lake spool " + error);
  lock_fds_.push_back(fd);
  own_spool_ = own.string();
  return Status::Ok();
}

// A writer's spool folder whose lock is free belongs to a process that ended: its files are
// objects it never shipped. Each is cut back to its last whole line and shipped under its name.
void LakeWriter::AdoptDeadSpools() {
  std::error_code ec;
  for (const fs::directory_entry& d : fs::directory_iterator(options_.spool_dir, ec)) {
    if (!d.is_directory(ec) || d.path().filename() == options_.writer_id) continue;
    std::string error;
    const int fd = TryLock(d.path(), &error);
    if (fd < 0) continue;  // a live writer's
    lock_fds_.push_back(fd);
    adopted_.push_back(d.path().string());
    for (auto it = fs::recursive_directory_iterator(d.path(), ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::path& p = it->path();
      const std::string name = p.filename().string();
      const bool gz = name.ends_with(kObjectSuffix);
      if (!it->is_regular_file() || !(gz || name.ends_with(kSpoolSuffix))) continue;
      const std::string rel = fs::relative(p, d.path()).string();
      Shipment s;
      s.spool_path = p.string();
      s.key =
          gz ? rel : rel.substr(0, rel.size() - kSpoolSuffix.size()) + std::string(kObjectSuffix);
      s.recovered = true;
      s.precompressed = gz;
      Enqueue(std::move(s));
    }
  }
}

LakeWriter::OpenObject* LakeWriter::Find(const std::string& partition) {
  auto it = open_.find(partition);
  if (it != open_.end()) return it->second.get();
  if (open_.size() >= options_.max_open_objects) {
    // The least recently written object closes early; compaction merges small objects later.
    const OpenObject* lru = nullptr;
    for (const auto& [k, o] : open_) {
      if (lru == nullptr || o->last_use < lru->last_use) lru = o.get();
    }
    (void)CloseObject(lru->partition);
  }
  auto o = std::make_unique<OpenObject>();
  o->partition = partition;
  o->name = ObjectName(options_.writer_id, seq_++);
  const fs::path spool = fs::path(own_spool_) / partition;
  o->spool_path = (spool / (o->name.substr(0, o->name.size() - kObjectSuffix.size()) +
                            std::string(kSpoolSuffix)))
                      .string();
  o->opened = NowNs();
  if (options_.in_memory) o->mem = std::make_shared<MemObject>();
  OpenObject* raw = o.get();
  open_.emplace(partition, std::move(o));
  open_count_.store(open_.size());
  return raw;
}

void LakeWriter::Write(const Event& e) {
  std::lock_guard<std::mutex> l(mu_);
  partition_scratch_.clear();
  AppendPartitionPrefix(e, &partition_scratch_);
  OpenObject* o = Find(partition_scratch_);
  const size_t before = o->pending.size();
  if (options_.format == LakeFormat::kOcsf) {
    AppendOcsfJsonLine(e, &o->pending);
  } else {
    AppendEventJsonLine(e, &o->pending);
  }
  o->bytes += o->pending.size() - before;
  o->last_use = ++tick_;
  events_.fetch_add(1, std::memory_order_relaxed);
  if (!o->dirty) {
    o->dirty = true;
    dirty_.push_back(o);
  }
  if (options_.in_memory) {
    memory_.fetch_add(o->pending.size() - before);
    if (o->pending.size() >= kPendingLimit) EnqueueChunk(o);
    if (o->bytes >= options_.max_object_bytes) {
      (void)CloseObject(o->partition);
    } else if (memory_.load() > options_.memory_budget) {
      const OpenObject* largest = nullptr;
      for (const auto& [k, x] : open_) {
        if (largest == nullptr || x->bytes > largest->bytes) largest = x.get();
      }
      (void)CloseObject(largest->partition);
    }
    // Backpressure: wait while what waits to be shipped is over the budget.
    if (memory_.load() > options_.memory_budget) {
      std::unique_lock<std::mutex> wait_lock(ship_mu_);
      ship_cv_.wait(wait_lock,
                    [&] { return memory_.load() <= options_.memory_budget || queue_.empty(); });
    }
    return;
  }
  if (o->pending.size() >= kPendingLimit) (void)WritePending(o);
  if (o->bytes >= options_.max_object_bytes) (void)CloseObject(o->partition);
}

void LakeWriter::EnqueueChunk(OpenObject* o) {
  Shipment s;
  s.mem = o->mem;
  s.bytes = o->pending.size();
  s.chunk = std::move(o->pending);
  o->pending = std::string();
  o->pending.reserve(kPendingLimit + (64u << 10));
  Enqueue(std::move(s));
}

Status LakeWriter::WritePending(OpenObject* o) {
  if (o->pending.empty() || options_.in_memory) return Status::Ok();
  if (o->fd < 0) {
    std::error_code ec;
    fs::create_directories(fs::path(o->spool_path).parent_path(), ec);
    o->fd = ::open(o->spool_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (o->fd < 0) {
      spool_failures_.fetch_add(1);
      return Status::IoError("lake spool " + o->spool_path + ": " + std::strerror(errno));
    }
    // Reopened after a failure: drop whatever a partial write left past the last whole write.
    if (::ftruncate(o->fd, static_cast<off_t>(o->written)) != 0) {
      spool_failures_.fetch_add(1);
      return Status::IoError("lake spool " + o->spool_path + ": " + std::strerror(errno));
    }
  }
  Status st = WriteAll(o->fd, o->pending);
  if (!st.ok()) {
    spool_failures_.fetch_add(1);
    // The file is cut back to what it held and the lines are retried whole, so none is split or
    // written twice.
    if (::ftruncate(o->fd, static_cast<off_t>(o->written)) != 0) {
      ::close(o->fd);
      o->fd = -1;
    }
    return Status::IoError("lake spool " + o->spool_path + ": " + st.message());
  }
  o->written += o->pending.size();
  o->pending.clear();
  if (options_.fsync && ::fdatasync(o->fd) != 0) {
    spool_failures_.fetch_add(1);
    return Status::IoError("lake spool " + o->spool_path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Status LakeWriter::Commit() {
  std::lock_guard<std::mutex> l(mu_);
  Status first;
  std::vector<OpenObject*> still;
  for (OpenObject* o : dirty_) {
    Status st = WritePending(o);
    if (st.ok()) {
      o->dirty = false;
    } else {
      still.push_back(o);
      if (first.ok()) first = st;
    }
  }
  dirty_.swap(still);
  return first;
}

Status LakeWriter::CloseObject(const std::string& partition) {
  auto it = open_.find(partition);
  if (it == open_.end()) return Status::Ok();
  OpenObject* o = it->second.get();
  if (Status st = WritePending(o); !st.ok()) return st;  // stays open; retried later
  if (o->fd >= 0) ::close(o->fd);
  if (o->dirty) std::erase(dirty_, o);
  Shipment s;
  s.spool_path = o->spool_path;
  s.key = o->partition + o->name;
  if (options_.in_memory) {
    if (!o->pending.empty()) EnqueueChunk(o);
    s.mem = o->mem;
    s.finish = true;
  }
  const bool empty = o->bytes == 0;
  open_.erase(it);
  open_count_.store(open_.size());
  if (!empty) Enqueue(std::move(s));
  return Status::Ok();
}

void LakeWriter::Enqueue(Shipment s) {
  std::lock_guard<std::mutex> l(ship_mu_);
  queue_.push_back(std::move(s));
  queued_.store(queue_.size());
  ship_cv_.notify_all();
}

Status LakeWriter::Ship(const Shipment& s) {
  if (s.mem && !s.finish) {
    const size_t n = Deflate(s.chunk.data(), s.chunk.size());
    if (n == 0) return Status::IoError("libdeflate: compression failed");
    s.mem->gz.append(ship_gz_.get(), n);
    s.mem->raw += s.chunk.size();
    memory_.fetch_add(n);
    return Status::Ok();
  }
  if (s.mem) return Upload(s, s.mem->gz, s.mem->raw);
  // The spool file in one read, compressed with libdeflate into a buffer never zero-filled: at
  // 64 MiB an object, copies and clears cost as much as the compression.
  const int fd = ::open(s.spool_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::Ok();  // shipped already
    return Status::IoError(s.spool_path + ": " + std::strerror(errno));
  }
  struct stat st {};
  size_t size = 0;
  Status read_status;
  if (::fstat(fd, &st) != 0) {
    read_status = Status::IoError(s.spool_path + ": " + std::strerror(errno));
  } else {
    size = static_cast<size_t>(st.st_size);
    if (size > ship_raw_cap_) {  // kept between objects: a fresh buffer costs its page faults
      ship_raw_.reset(new char[size]);
      ship_raw_cap_ = size;
    }
    size_t got = 0;
    while (got < size) {
      const ssize_t n = ::pread(fd, ship_raw_.get() + got, size - got, static_cast<off_t>(got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    size = got;
  }
  ::close(fd);
  if (!read_status.ok()) return read_status;
  if (s.precompressed) {
    if (Status u = Upload(s, std::string_view(ship_raw_.get(), size), 0); !u.ok()) return u;
  } else if (Status c = Compress(s, ship_raw_.get(), size); !c.ok()) {
    return c;
  }
  ::unlink(s.spool_path.c_str());
  return Status::Ok();
}

size_t LakeWriter::Deflate(const char* raw, size_t size) {
  if (compressor_ == nullptr) {
    compressor_ = libdeflate_alloc_compressor(std::clamp(options_.compression_level, 0, 12));
    if (compressor_ == nullptr) return 0;
  }
  const size_t bound = libdeflate_gzip_compress_bound(compressor_, size);
  if (bound > ship_gz_cap_) {
    ship_gz_.reset(new char[bound]);
    ship_gz_cap_ = bound;
  }
  return libdeflate_gzip_compress(compressor_, raw, size, ship_gz_.get(), bound);
}

Status LakeWriter::Compress(const Shipment& s, const char* raw, size_t size) {
  // A writer killed mid-write can leave half a line: it was never acknowledged.
  while (size > 0 && raw[size - 1] != '\n') --size;
  if (size == 0) return Status::Ok();
  const size_t n = Deflate(raw, size);
  if (n == 0) return Status::IoError("libdeflate: compression failed");
  return Upload(s, std::string_view(ship_gz_.get(), n), size);
}

Status LakeWriter::Upload(const Shipment& s, std::string_view gz, size_t raw) {
  if (gz.empty()) return Status::Ok();
  if (Status w = store_->Write(s.key, gz); !w.ok()) return w;
  objects_.fetch_add(1);
  bytes_raw_.fetch_add(raw);
  bytes_gzip_.fetch_add(gz.size());
  if (s.recovered) recovered_.fetch_add(1);
  return Status::Ok();
}

void LakeWriter::ShipLoop() {
  std::unique_lock<std::mutex> l(ship_mu_);
  while (true) {
    ship_cv_.wait_for(l, std::chrono::seconds(1), [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      idle_ = true;
      ship_cv_.notify_all();
      if (stopping_) return;
      l.unlock();
      {
        // Objects past their age close here, so a quiet partition still reaches the lake.
        std::lock_guard<std::mutex> g(mu_);
        const TimeNs now = NowNs();
        std::vector<std::string> aged;
        for (const auto& [k, o] : open_) {
          if (now - o->opened >= options_.max_age) aged.push_back(k);
        }
        for (const std::string& k : aged) (void)CloseObject(k);
      }
      l.lock();
      continue;
    }
    idle_ = false;
    Shipment s = std::move(queue_.front());
    queue_.pop_front();
    l.unlock();
    Status st = Ship(s);
    l.lock();
    if (st.ok()) {
      // A chunk's lines are compressed (its members are counted instead); a finished object's
      // members are uploaded.
      if (s.mem && s.finish) memory_.fetch_sub(s.mem->gz.size());
      if (s.bytes > 0) memory_.fetch_sub(s.bytes);
      ship_cv_.notify_all();
    }
    if (!st.ok()) {
      ship_failures_.fetch_add(1);
      options_.log("shipping " + store_->Describe(s.key) + " (from " + s.spool_path +
                   "): " + st.message());
      ++s.attempts;
      if (options_.ship_attempts > 0 && s.attempts >= options_.ship_attempts) {
        if (s.mem) {
          // In memory mode the spool is where an object that cannot be shipped goes, gzip'd as
          // it is: the next writer on this spool ships it.
          const std::string path =
              s.spool_path.substr(0, s.spool_path.size() - kSpoolSuffix.size()) +
              std::string(kObjectSuffix);
          std::error_code ec;
          fs::create_directories(fs::path(path).parent_path(), ec);
          const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
          const bool written = fd >= 0 && WriteAll(fd, s.mem->gz).ok();
          if (fd >= 0) ::close(fd);
          failures_.push_back(store_->Describe(s.key) + ": " + st.message() +
                              (written ? " (kept in " + path + ")"
                                       : " (and it could not be spooled to " + path + ")"));
          memory_.fetch_sub(s.mem->gz.size());
        } else {
          failures_.push_back(store_->Describe(s.key) + ": " + st.message() + " (kept in " +
                              s.spool_path + ")");
        }
      } else {
        // Back off (1 s, 2 s, ... 30 s), then try again at the back of the queue.
        const int wait = std::min(30, 1 << std::min(s.attempts - 1, 5));
        queue_.push_back(std::move(s));
        if (options_.ship_attempts > 0) {
          l.unlock();
          std::this_thread::sleep_for(std::chrono::seconds(wait));
          l.lock();
        } else {
          ship_cv_.wait_for(l, std::chrono::seconds(wait), [&] { return stopping_; });
        }
        if (stopping_ && options_.ship_attempts == 0) {
          // Stopping with the store unreachable: what is left stays spooled for the next start.
          queued_.store(queue_.size());
          idle_ = true;
          ship_cv_.notify_all();
          return;
        }
      }
    }
    queued_.store(queue_.size());
  }
}

Status LakeWriter::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  Status first;
  {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<std::string> keys;
    for (const auto& [k, o] : open_) keys.push_back(k);
    for (const std::string& k : keys) {
      Status st = CloseObject(k);
      if (!st.ok() && first.ok()) first = st;
    }
  }
  {
    std::unique_lock<std::mutex> l(ship_mu_);
    stopping_ = true;
    ship_cv_.notify_all();
  }
  if (shipper_.joinable()) shipper_.join();
  std::lock_guard<std::mutex> l(ship_mu_);
  if (first.ok() && !failures_.empty()) {
    first = Status::IoError("lake: " + std::to_string(failures_.size()) +
                            " object(s) not shipped; first: " + failures_.front());
  }
  if (first.ok() && !queue_.empty()) {
    first = Status::IoError("lake: " + std::to_string(queue_.size()) +
                            " object(s) not shipped yet; they stay in " + options_.spool_dir +
                            " and are shipped by the next writer there");
  }
  if (first.ok()) {
    // Everything shipped: the spool folders (this writer's and those it adopted) go, and the
    // spool root too when no other writer uses it.
    std::error_code ec;
    for (int fd : lock_fds_) ::close(fd);
    lock_fds_.clear();
    fs::remove_all(own_spool_, ec);
    for (const std::string& d : adopted_) fs::remove_all(d, ec);
    fs::remove(options_.spool_dir, ec);
  }
  return first;
}

LakeWriterStats LakeWriter::stats() const {
  LakeWriterStats s;
  s.events = events_.load();
  s.objects = objects_.load();
  s.bytes_raw = bytes_raw_.load();
  s.bytes_gzip = bytes_gzip_.load();
  s.ship_failures = ship_failures_.load();
  s.spool_failures = spool_failures_.load();
  s.recovered = recovered_.load();
  s.open_objects = open_count_.load();
  s.queued_objects = queued_.load();
  return s;
}

void LakeWriter::WriteMetrics(MetricsWriter* w) const {
  static constexpr MetricFamily kEvents = {"fastpath_lake_events_total", "counter",
                                           "Events written to the lake."};
  static constexpr MetricFamily kObjects = {"fastpath_lake_objects_total", "counter",
                                            "Lake objects shipped."};
  static constexpr MetricFamily kBytes = {"fastpath_lake_bytes_total", "counter",
                                          "Bytes shipped to the lake, by encoding."};
  static constexpr MetricFamily kFailures = {
      "fastpath_lake_failures_total", "counter",
      "Lake shipping and spool write failures (each retried), by kind."};
  static constexpr MetricFamily kRecovered = {
      "fastpath_lake_recovered_objects_total", "counter",
      "Objects shipped from the spool of a writer that ended before shipping them."};
  static constexpr MetricFamily kOpen = {"fastpath_lake_open_objects", "gauge",
                                         "Lake objects open for writing."};
  static constexpr MetricFamily kQueued = {"fastpath_lake_queued_objects", "gauge",
                                           "Closed lake objects waiting to be shipped."};
  const LakeWriterStats s = stats();
  w->Add(kEvents, {}, s.events);
  w->Add(kObjects, {}, s.objects);
  w->Add(kBytes, {{"encoding", "raw"}}, s.bytes_raw);
  w->Add(kBytes, {{"encoding", "gzip"}}, s.bytes_gzip);
  w->Add(kFailures, {{"kind", "ship"}}, s.ship_failures);
  w->Add(kFailures, {{"kind", "spool"}}, s.spool_failures);
  w->Add(kRecovered, {}, s.recovered);
  w->Add(kOpen, {}, s.open_objects);
  w->Add(kQueued, {}, s.queued_objects);
}

}  // namespace fastpath::lake
