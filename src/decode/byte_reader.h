// ByteReader: a pull stream of bytes, and the readers the decode stage stacks on each other:
// a file descriptor, an in-memory buffer, and gzip/zlib (streaming, multi-member).
//
// Not thread-safe: one reader belongs to one worker at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <zlib.h>

#include "core/status.h"

namespace fastpath {

class ByteReader {
 public:
  virtual ~ByteReader() = default;
  // Reads up to `n` bytes into `buf`. Returns 0 at the end of the stream, or an error.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // Bytes consumed from the underlying input so far (compressed bytes, for a decompressor).
  virtual uint64_t raw_offset() const = 0;
};

// Reads a file descriptor it owns (or stdin, which it does not close).
class FdReader final : public ByteReader {
 public:
  // REQUIRES: fd >= 0.
  FdReader(int fd, bool owns) : fd_(fd), owns_(owns) {}
  ~FdReader() override;
  static Result<std::unique_ptr<FdReader>> Open(const std::string& path);
  Result<size_t> Read(char* buf, size_t n) override;
  uint64_t raw_offset() const override { return offset_; }

 private:
  int fd_;
  bool owns_;
  uint64_t offset_ = 0;
};

// Reads a buffer. The buffer must outlive the reader.
class MemoryReader final : public ByteReader {
 public:
  explicit MemoryReader(std::string_view data) : data_(data) {}
  Result<size_t> Read(char* buf, size_t n) override;
  uint64_t raw_offset() const override { return pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// Reads a buffer it shares ownership of (request bodies, record batches handed between threads).
class SharedStringReader final : public ByteReader {
 public:
  explicit SharedStringReader(std::shared_ptr<const std::string> data)
      : data_(std::move(data)), reader_(*data_) {}
  Result<size_t> Read(char* buf, size_t n) override { return reader_.Read(buf, n); }
  uint64_t raw_offset() const override { return reader_.raw_offset(); }

 private:
  std::shared_ptr<const std::string> data_;
  MemoryReader reader_;
};

// Inflates gzip (any number of members, as `cat a.gz b.gz` makes) or zlib, streaming: memory use
// is the window plus one input chunk whatever the size of the object.
class InflateReader final : public ByteReader {
 public:
  // `prefix` holds bytes already read from `src` (the sniffed magic); they are inflated first.
  InflateReader(std::unique_ptr<ByteReader> src, std::string prefix);
  ~InflateReader() override;
  Result<size_t> Read(char* buf, size_t n) override;
  uint64_t raw_offset() const override { return consumed_; }

 private:
  Status Refill();
  std::unique_ptr<ByteReader> src_;
  std::string in_;
  z_stream zs_{};
  bool zs_ready_ = false;
  bool src_eof_ = false;
  bool member_done_ = false;  // the last member reached its trailer
  bool failed_ = false;
  uint64_t consumed_ = 0;  // compressed bytes handed to zlib and used
};

// Reads `prefix` (bytes already taken from `rest`), then the rest of `rest`. The raw offset is
// `rest`'s less the prefix bytes not yet read again; when the prefix holds bytes `rest` produced
// rather than raw ones (decompressed bytes peeked from an inflater), say so and the raw offset is
// `rest`'s own.
class ConcatReader final : public ByteReader {
 public:
  enum class Prefix { kRaw, kDecoded };
  ConcatReader(std::string prefix, std::unique_ptr<ByteReader> rest, Prefix kind = Prefix::kRaw)
      : prefix_(std::move(prefix)), rest_(std::move(rest)), kind_(kind) {}
  Result<size_t> Read(char* buf, size_t n) override;
  uint64_t raw_offset() const override {
    return rest_->raw_offset() - (kind_ == Prefix::kRaw ? prefix_.size() - pos_ : 0);
  }

 private:
  std::string prefix_;
  size_t pos_ = 0;
  std::unique_ptr<ByteReader> rest_;
  Prefix kind_;
};

enum class Compression { kNone, kGzip, kZlib };
// Looks at the first bytes of a stream.
Compression SniffCompression(std::string_view head);

// Wraps `src` in an InflateReader when its first bytes say gzip or zlib. Reads a few bytes ahead.
Result<std::unique_ptr<ByteReader>> OpenMaybeCompressed(std::unique_ptr<ByteReader> src);

// Inflates a whole in-memory gzip/zlib payload (multi-member), refusing output past `max_out`.
// Uses libdeflate (two to three times zlib's speed) and falls back to zlib's streaming inflater
// for anything libdeflate refuses, so errors are told apart (truncated vs corrupt) the same way.
Result<std::string> InflateBuffer(std::string_view in, size_t max_out);

// libdeflate over every member of an in-memory gzip object; false (and *out unspecified) when it
// cannot: bad data, truncation, output past `max_out`, or not gzip. Callers then use the zlib
// streaming path, which tells truncation from corruption and keeps what came before.
bool InflateGzipWhole(std::string_view in, size_t max_out, std::string* out);

// Reads all of `reader` into *out when it holds at most `limit` bytes; otherwise returns false and
// leaves in *out the bytes read so far (limit + 1 of them), for a ConcatReader to replay.
Result<bool> ReadAllUpTo(ByteReader* reader, size_t limit, std::string* out);

// Compresses `in` as one gzip member (level 6). Used by the envelope encoders and tests.
std::string GzipCompress(std::string_view in, int level = 6);

// Standard base64 (RFC 4648) as Kinesis, Firehose and CloudWatch Logs use it.
Result<std::string> Base64Decode(std::string_view in);
std::string Base64Encode(std::string_view in);

}  // namespace fastpath
