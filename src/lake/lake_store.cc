#include "lake/lake_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "aws/s3.h"

namespace fastpath::lake {

namespace fs = std::filesystem;

namespace {

Status WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(std::strerror(errno));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

class LocalStore final : public LakeStore {
 public:
  explicit LocalStore(LakeLocation loc) : LakeStore(std::move(loc)) {}

  Status List(const std::string& rel, std::vector<LakeEntry>* out) const override {
    out->clear();
    std::error_code ec;
    fs::directory_iterator it(Path(rel), ec);
    if (ec) return Status::IoError(Describe(rel) + ": " + ec.message());
    for (const fs::directory_entry& d : it) {
      LakeEntry e;
      e.name = d.path().filename().string();
      std::error_code ec2;
      e.folder = d.is_directory(ec2);
      if (!e.folder) {
        e.size = d.file_size(ec2);
        struct stat sb {};
        if (::stat(d.path().c_str(), &sb) == 0) {
          e.modified = static_cast<TimeNs>(sb.st_mtim.tv_sec) * 1000000000 + sb.st_mtim.tv_nsec;
        }
      }
      out->push_back(std::move(e));
    }
    std::sort(out->begin(), out->end(),
              [](const LakeEntry& a, const LakeEntry& b) { return a.name < b.name; });
    return Status::Ok();
  }

  Result<std::unique_ptr<ByteReader>> Open(const std::string& rel) const override {
    auto r = FdReader::Open(Path(rel));
    if (!r.ok()) return r.status();
    return std::unique_ptr<ByteReader>(std::move(r).value());
  }

  Status Write(const std::string& rel, std::string_view body) const override {
    const fs::path final_path = Path(rel);
    std::error_code ec;
    fs::create_directories(final_path.parent_path(), ec);
    if (ec) return Status::IoError(final_path.parent_path().string() + ": " + ec.message());
    static std::atomic<uint64_t> counter{0};
    const fs::path tmp =
        final_path.parent_path() / ("." + final_path.filename().string() + ".tmp-" +
                                    std::to_string(::getpid()) + "-" + std::to_string(++counter));
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Status::IoError(tmp.string() + ": " + std::strerror(errno));
    Status st = WriteAll(fd, body.data(), body.size());
    if (st.ok() && ::fdatasync(fd) != 0) st = Status::IoError(std::strerror(errno));
    ::close(fd);
    if (st.ok() && ::rename(tmp.c_str(), final_path.c_str()) != 0) {
      st = Status::IoError(std::strerror(errno));
    }
    if (!st.ok()) {
      ::unlink(tmp.c_str());
      return Status::IoError("writing " + final_path.string() + ": " + st.message());
    }
    return Status::Ok();
  }

  Status Remove(const std::string& rel) const override {
    if (::unlink(Path(rel).c_str()) != 0 && errno != ENOENT) {
      return Status::IoError(Describe(rel) + ": " + std::strerror(errno));
    }
    return Status::Ok();
  }

  std::string Describe(const std::string& rel) const override { return Path(rel).string(); }

 private:
  fs::path Path(const std::string& rel) const {
    return rel.empty() ? fs::path(location_.dir) : fs::path(location_.dir) / rel;
  }
};

class S3Store final : public LakeStore {
 public:
  S3Store(LakeLocation loc, const aws::AwsClient* client, LakeStoreOptions options)
      : LakeStore(std::move(loc)), s3_(client), options_(options) {}

  Status List(const std::string& rel, std::vector<LakeEntry>* out) const override {
    out->clear();
    const std::string prefix = location_.prefix + rel;
    std::string token;
    do {
      auto page = s3_.ListObjectsV2(location_.bucket, prefix, "", token, 1000, "/");
      if (!page.ok()) return page.status();
      for (const std::string& p : page.value().common_prefixes) {
        std::string name = p.substr(prefix.size());
        if (!name.empty() && name.back() == '/') name.pop_back();
        out->push_back(LakeEntry{std::move(name), true, 0, 0});
      }
      for (const aws::S3Object& o : page.value().objects) {
        if (o.key.size() <= prefix.size()) continue;  // the "folder" object itself
        out->push_back(LakeEntry{o.key.substr(prefix.size()), false, o.size, o.last_modified});
      }
      token = page.value().next_continuation_token;
    } while (!token.empty());
    std::sort(out->begin(), out->end(),
              [](const LakeEntry& a, const LakeEntry& b) { return a.name < b.name; });
    return Status::Ok();
  }

  Result<std::unique_ptr<ByteReader>> Open(const std::string& rel) const override {
    auto r = s3_.GetObject(location_.bucket, location_.prefix + rel);
    if (!r.ok()) return r.status();
    return std::unique_ptr<ByteReader>(std::move(r).value());
  }

  Status Write(const std::string& rel, std::string_view body) const override {
    const std::string key = location_.prefix + rel;
    if (body.size() <= options_.part_bytes) {
      return s3_.PutObject(location_.bucket, key, std::string(body), "application/gzip");
    }
    auto id = s3_.CreateMultipartUpload(location_.bucket, key, "application/gzip");
    if (!id.ok()) return id.status();
    std::vector<std::string> etags;
    for (size_t off = 0; off < body.size(); off += options_.part_bytes) {
      const size_t n = std::min(options_.part_bytes, body.size() - off);
      auto etag =
          s3_.UploadPart(location_.bucket, key, id.value(), static_cast<int>(etags.size() + 1),
                         std::string(body.substr(off, n)));
      if (!etag.ok()) {
        (void)s3_.AbortMultipartUpload(location_.bucket, key, id.value());
        return etag.status();
      }
      etags.push_back(std::move(etag).value());
    }
    Status st = s3_.CompleteMultipartUpload(location_.bucket, key, id.value(), etags);
    if (!st.ok()) (void)s3_.AbortMultipartUpload(location_.bucket, key, id.value());
    return st;
  }

  Status Remove(const std::string& rel) const override {
    return s3_.DeleteObject(location_.bucket, location_.prefix + rel);
  }

  std::string Describe(const std::string& rel) const override {
    return "s3://" + location_.bucket + "/" + location_.prefix + rel;
  }

 private:
  aws::S3Client s3_;
  LakeStoreOptions options_;
};

}  // namespace

Result<std::unique_ptr<LakeStore>> OpenLakeStore(const LakeLocation& location,
                                                 const aws::AwsClient* client,
                                                 LakeStoreOptions options) {
  if (location.is_s3) {
    if (client == nullptr) {
      return Status::InvalidArgument("lake " + location.uri + ": no AWS client for S3");
    }
    return std::unique_ptr<LakeStore>(new S3Store(location, client, options));
  }
  return std::unique_ptr<LakeStore>(new LocalStore(location));
}

}  // namespace fastpath::lake
