#include "decode/archive_reader.h"

#include <archive.h>
#include <archive_entry.h>

namespace fastpath {

std::string_view ArchiveReader::Kind(std::string_view head) {
  // A zip starts with a local file header, or (an empty archive) with the end of its directory.
  if (head.starts_with(std::string_view("PK\x03\x04", 4)) ||
      head.starts_with(std::string_view("PK\x05\x06", 4))) {
    return "zip";
  }
  // POSIX ustar and GNU tar both write "ustar" at offset 257 of the first header.
  if (head.size() >= 512 && head.substr(257, 5) == "ustar") return "tar";
  return {};
}

ArchiveReader::ArchiveReader() : a_(archive_read_new()) {
  archive_read_support_format_zip(a_);
  archive_read_support_format_tar(a_);
  archive_read_support_filter_gzip(a_);
}

ArchiveReader::~ArchiveReader() {
  if (a_ != nullptr) archive_read_free(a_);
}

std::string ArchiveReader::Error() const {
  const char* e = archive_error_string(a_);
  return e != nullptr ? e : "unknown archive error";
}

long ArchiveReader::ReadCallback(struct archive* a, void* self, const void** buffer) {
  auto* r = static_cast<ArchiveReader*>(self);
  auto n = r->src_->Read(r->buf_.data(), r->buf_.size());
  if (!n.ok()) {
    archive_set_error(a, EIO, "%s", n.status().message().c_str());
    return -1;
  }
  *buffer = r->buf_.data();
  return static_cast<long>(n.value());
}

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::Open(std::unique_ptr<ByteReader> src) {
  std::unique_ptr<ArchiveReader> r(new ArchiveReader());
  if (r->a_ == nullptr) return Status::IoError("archive: out of memory");
  r->src_ = std::move(src);
  r->buf_.resize(64 * 1024);
  if (archive_read_open(r->a_, r.get(), nullptr, &ArchiveReader::ReadCallback, nullptr) !=
      ARCHIVE_OK) {
    return Status::Corrupt("archive: " + r->Error());
  }
  return r;
}

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::OpenMemory(std::string_view bytes) {
  std::unique_ptr<ArchiveReader> r(new ArchiveReader());
  if (r->a_ == nullptr) return Status::IoError("archive: out of memory");
  if (archive_read_open_memory(r->a_, bytes.data(), bytes.size()) != ARCHIVE_OK) {
    return Status::Corrupt("archive: " + r->Error());
  }
  return r;
}

Result<bool> ArchiveReader::Next() {
  for (;;) {
    struct archive_entry* entry = nullptr;
    const int rc = archive_read_next_header(a_, &entry);
    if (rc == ARCHIVE_EOF) return false;
    if (rc < ARCHIVE_WARN) return Status::Corrupt("archive: " + Error());
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    const char* name = archive_entry_pathname_utf8(entry);
    if (name == nullptr) name = archive_entry_pathname(entry);
    name_ = name != nullptr ? name : "";
    member_.Reset();
    return true;
  }
}

Result<size_t> ArchiveReader::MemberReader::Read(char* buf, size_t n) {
  const la_ssize_t got = archive_read_data(owner_->a_, buf, n);
  if (got < 0) return Status::Corrupt("archive member: " + owner_->Error());
  offset_ += static_cast<uint64_t>(got);
  return static_cast<size_t>(got);
}

}  // namespace fastpath
