#include "dedupe/dedupe_journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <simdjson.h>
#include <xxhash.h>

#include "core/json_get.h"

namespace fastpath {
namespace {

constexpr size_t kIdsPerLine = 1000;

std::string Checksum(std::string_view json) {
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(json.data(), json.size())));
  return hex;
}

bool LogTypeByName(std::string_view name, LogType* out) {
  for (int i = 0; i < kNumLogTypes; ++i) {
    if (LogTypeName(static_cast<LogType>(i)) == name) {
      *out = static_cast<LogType>(i);
      return true;
    }
  }
  return false;
}

bool PathByName(std::string_view name, DeliveryPath* out) {
  for (int i = 0; i < kNumDeliveryPaths; ++i) {
    if (DeliveryPathName(static_cast<DeliveryPath>(i)) == name) {
      *out = static_cast<DeliveryPath>(i);
      return true;
    }
  }
  return false;
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(path + ": " + std::strerror(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

std::string MarkJson(const OutputMark& mark) {
  std::string json = "{\"mark\":[";
  for (size_t i = 0; i < mark.size(); ++i) {
    json += i == 0 ? "[" : ",[";
    AppendJsonString(&json, mark[i].file);
    json += "," + std::to_string(mark[i].offset) + "]";
  }
  return json + "]}";
}

}  // namespace

void DedupeJournal::AppendLine(std::string_view json) {
  buf_ += Checksum(json);
  buf_ += ' ';
  buf_ += json;
  buf_ += '\n';
}

void DedupeJournal::CloseIdsLine() {
  if (ids_in_line_ == 0) return;
  ids_json_ += "]}";
  AppendLine(ids_json_);
  ids_json_.clear();
  ids_in_line_ = 0;
}

Status DedupeJournal::Add(LogType type, DeliveryPath path, TimeNs received, std::string_view id) {
  ids_json_ += ids_in_line_ == 0 ? "{\"ids\":[[" : ",[";
  AppendJsonString(&ids_json_, LogTypeName(type));
  ids_json_ += ',';
  AppendJsonString(&ids_json_, DeliveryPathName(path));
  ids_json_ += ',' + std::to_string(received) + ',';
  AppendJsonString(&ids_json_, id);
  ids_json_ += ']';
  if (++ids_in_line_ == kIdsPerLine) CloseIdsLine();
  if (buf_.size() >= (1u << 20)) return Write(false);
  return Status::Ok();
}

Status DedupeJournal::Write(bool sync) {
  if (!buf_.empty()) {
    if (Status st = WriteAll(fd_, buf_, options_.path); !st.ok()) {
      // No half line in front of the next one (a torn line ends the journal when read back).
      if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
        return Status::IoError(st.message() +
                               "; cutting back the partial line: " + std::strerror(errno));
      }
      buf_.clear();
      return st;
    }
    size_ += buf_.size();
    buf_.clear();
  }
  if (sync && !sync_.Sync(fd_)) {
    return Status::IoError("dedupe state " + options_.path + ": fsync: " + std::strerror(errno));
  }
  return Status::Ok();
}

Result<std::unique_ptr<DedupeJournal>> DedupeJournal::Open(Options options,
                                                           FirstArrivalDeduper* deduper) {
  std::unique_ptr<DedupeJournal> j(new DedupeJournal(std::move(options), deduper));
  if (Status st = j->Load(); !st.ok()) return st;
  if (Status st = j->Compact(); !st.ok()) return st;
  return j;
}

DedupeJournal::~DedupeJournal() {
  if (fd_ >= 0) {
    ::fdatasync(fd_);
    ::close(fd_);
  }
}

Status DedupeJournal::Load() {
  std::FILE* f = std::fopen(options_.path.c_str(), "rb");
  if (f == nullptr) {
    if (errno == ENOENT) return Status::Ok();
    return Status::IoError("dedupe state " + options_.path + ": " + std::strerror(errno));
  }
  std::string data;
  char chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), f)) > 0) data.append(chunk, n);
  std::fclose(f);
  simdjson::dom::parser parser;
  size_t pos = 0;
  size_t pending = 0;  // ids read since the last mark
  while (pos < data.size()) {
    const size_t nl = data.find('\n', pos);
    if (nl == std::string::npos) break;  // torn: the write of this line did not finish
    std::string_view line(data.data() + pos, nl - pos);
    if (line.size() < 18 || line[16] != ' ') break;
    std::string_view json = line.substr(17);
    if (Checksum(json) != line.substr(0, 16)) break;
    simdjson::dom::element doc;
    if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) break;
    simdjson::dom::array mark;
    bool abort = false;
    if (JsonGet(doc["mark"], mark)) {
      last_mark_.clear();
      for (simdjson::dom::element m : mark) {
        simdjson::dom::array a;
        std::string_view file;
        int64_t offset = -1;
        if (m.get(a) == simdjson::SUCCESS && a.size() == 2 &&
            a.at(0).get(file) == simdjson::SUCCESS && a.at(1).get(offset) == simdjson::SUCCESS) {
          last_mark_.push_back(FileMark{std::string(file), offset});
        }
      }
      recovered_ids_ += pending;  // the input they came from was acknowledged
      pending = 0;
    } else if (JsonGet(doc["abort"], abort) && abort) {
      deduper_->ForgetNewest(pending);
      pending = 0;
    }
    simdjson::dom::array ids;
    if (JsonGet(doc["ids"], ids)) {
      for (simdjson::dom::element e : ids) {
        simdjson::dom::array a;
        if (e.get(a) != simdjson::SUCCESS || a.size() != 4) continue;
        std::string_view type_name, path_name, id;
        int64_t received = 0;
        LogType type;
        DeliveryPath path;
        if (a.at(0).get(type_name) != simdjson::SUCCESS ||
            a.at(1).get(path_name) != simdjson::SUCCESS ||
            a.at(2).get(received) != simdjson::SUCCESS || a.at(3).get(id) != simdjson::SUCCESS ||
            !LogTypeByName(type_name, &type) || !PathByName(path_name, &path)) {
          continue;
        }
        if (deduper_->Observe(type, id, path, received).first) ++pending;
      }
    }
    pos = nl + 1;
  }
  // Ids with no mark after them: their input was never acknowledged, it comes again.
  deduper_->ForgetNewest(pending);
  dropped_bytes_ = data.size() - pos;
  recovered_mark_ = last_mark_;
  return Status::Ok();
}

Status DedupeJournal::Compact() {
  const std::string tmp = options_.path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("dedupe state " + tmp + ": " + std::strerror(errno));
  // The snapshot is written with this object's own line builder, into the new file.
  std::swap(fd_, fd);
  const uint64_t size_before = size_;
  size_ = 0;
  buf_.clear();
  ids_json_.clear();
  ids_in_line_ = 0;
  Status st;
  deduper_->ForEach([&](LogType type, std::string_view id, DeliveryPath path, TimeNs received) {
    if (st.ok()) st = Add(type, path, received, id);
  });
  if (st.ok()) {
    CloseIdsLine();
    AppendLine(MarkJson(last_mark_));
    st = Write(false);
  }
  std::swap(fd_, fd);  // fd is the new file again
  if (st.ok() && ::fdatasync(fd) != 0) {
    st = Status::IoError("dedupe state " + tmp + ": fsync: " + std::strerror(errno));
  }
  ::close(fd);
  if (st.ok() && ::rename(tmp.c_str(), options_.path.c_str()) != 0) {
    st = Status::IoError("dedupe state " + options_.path + ": " + std::strerror(errno));
  }
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    size_ = size_before;
    return st;
  }
  // The rename is durable once the folder is.
  const std::string dir = std::filesystem::path(options_.path).parent_path().string();
  if (const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(options_.path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) {
    return Status::IoError("dedupe state " + options_.path + ": " + std::strerror(errno));
  }
  compacted_size_ = size_;
  return Status::Ok();
}

Status DedupeJournal::Commit(const OutputMark& mark) {
  last_mark_ = mark;
  CloseIdsLine();
  AppendLine(MarkJson(mark));
  if (Status st = Write(true); !st.ok()) return st;
  ++records_;
  if (size_ > options_.compact_bytes && size_ > 2 * compacted_size_) return Compact();
  return Status::Ok();
}

Status DedupeJournal::Abort() {
  ids_json_.clear();
  ids_in_line_ = 0;
  AppendLine("{\"abort\":true}");
  return Write(false);
}

}  // namespace fastpath
