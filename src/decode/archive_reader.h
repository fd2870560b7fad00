// ArchiveReader: the members of a zip or tar archive (a tar possibly gzip'd), one after another,
// each as a ByteReader, so the decode stage reads an archive a responder was handed as the files
// it holds. libarchive does the reading; memory stays bounded by its buffers, whatever the size of
// the archive or of its members.
//
// Not thread-safe: one reader belongs to one worker at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "decode/byte_reader.h"

struct archive;

namespace fastpath {

class ArchiveReader {
 public:
  // "zip" or "tar" when the first bytes of a (decompressed) stream are those of an archive
  // fastpath opens, else empty. Needs at least 512 bytes to see a tar header.
  static std::string_view Kind(std::string_view head);

  // Reads an archive from `src` (streaming; the zip reader then goes by the local headers).
  static Result<std::unique_ptr<ArchiveReader>> Open(std::unique_ptr<ByteReader> src);
  // Reads an archive held in memory; `bytes` must outlive the reader. A zip is read by its
  // central directory.
  static Result<std::unique_ptr<ArchiveReader>> OpenMemory(std::string_view bytes);
  ~ArchiveReader();

  // Moves to the next regular file (folders and links are passed over). Returns false at the end
  // of the archive, or an error when the archive is damaged (the members before it were read).
  Result<bool> Next();
  const std::string& name() const { return name_; }
  // The current member's bytes; valid until the next call to Next().
  ByteReader* member() { return &member_; }

 private:
  class MemberReader final : public ByteReader {
   public:
    explicit MemberReader(ArchiveReader* owner) : owner_(owner) {}
    Result<size_t> Read(char* buf, size_t n) override;
    uint64_t raw_offset() const override { return offset_; }
    void Reset() { offset_ = 0; }

   private:
    ArchiveReader* owner_;
    uint64_t offset_ = 0;
  };

  ArchiveReader();
  static long ReadCallback(struct archive* a, void* self, const void** buffer);
  std::string Error() const;

  struct archive* a_ = nullptr;
  std::unique_ptr<ByteReader> src_;
  std::string buf_;  // what the read callback hands libarchive
  std::string name_;
  MemberReader member_{this};
};

}  // namespace fastpath
