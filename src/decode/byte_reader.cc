#include "decode/byte_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <libdeflate.h>
#include <openssl/evp.h>

namespace fastpath {

FdReader::~FdReader() {
  if (owns_) ::close(fd_);
}

Result<std::unique_ptr<FdReader>> FdReader::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return Status::NotFound(path + ": " + std::strerror(err));
    return Status::IoError(path + ": " + std::strerror(err));
  }
  return std::make_unique<FdReader>(fd, true);
}

Result<size_t> FdReader::Read(char* buf, size_t n) {
  for (;;) {
    ssize_t r = ::read(fd_, buf, n);
    if (r >= 0) {
      offset_ += static_cast<uint64_t>(r);
      return static_cast<size_t>(r);
    }
    if (errno == EINTR) continue;
    return Status::IoError(std::string("read failed: ") + std::strerror(errno));
  }
}

Result<size_t> ConcatReader::Read(char* buf, size_t n) {
  if (pos_ < prefix_.size()) {
    const size_t k = std::min(n, prefix_.size() - pos_);
    std::memcpy(buf, prefix_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  return rest_->Read(buf, n);
}

Result<bool> ReadAllUpTo(ByteReader* reader, size_t limit, std::string* out) {
  out->clear();
  size_t chunk = 256 * 1024;
  for (;;) {
    const size_t have = out->size();
    const size_t want = std::min(chunk, limit + 1 - have);
    out->resize(have + want);
    auto r = reader->Read(out->data() + have, want);
    if (!r.ok()) {
      out->resize(have);
      return r.status();
    }
    out->resize(have + r.value());
    if (r.value() == 0) return true;
    if (out->size() > limit) return false;
    chunk = std::min<size_t>(chunk * 2, 8u << 20);
  }
}

Result<size_t> MemoryReader::Read(char* buf, size_t n) {
  const size_t k = std::min(n, data_.size() - pos_);
  std::memcpy(buf, data_.data() + pos_, k);
  pos_ += k;
  return k;
}

Compression SniffCompression(std::string_view head) {
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
      static_cast<unsigned char>(head[1]) == 0x8b) {
    return Compression::kGzip;
  }
  // zlib: CMF 0x78 (deflate, 32K window) and a header checksum divisible by 31.
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x78 &&
      ((static_cast<unsigned char>(head[0]) << 8) | static_cast<unsigned char>(head[1])) % 31 ==
          0) {
    return Compression::kZlib;
  }
  return Compression::kNone;
}

namespace {
constexpr size_t kInChunk = 256 * 1024;
}

InflateReader::InflateReader(std::unique_ptr<ByteReader> src, std::string prefix)
    : src_(std::move(src)), in_(std::move(prefix)) {
  // 15 + 32: a 32K window and automatic gzip/zlib header detection.
  zs_ready_ = inflateInit2(&zs_, 15 + 32) == Z_OK;
  zs_.next_in = reinterpret_cast<Bytef*>(in_.data());
  zs_.avail_in = static_cast<uInt>(in_.size());
}

InflateReader::~InflateReader() {
  if (zs_ready_) inflateEnd(&zs_);
}

Status InflateReader::Refill() {
  // Keep the unread tail, then append a new chunk.
  std::string rest(reinterpret_cast<const char*>(zs_.next_in), zs_.avail_in);
  in_.swap(rest);
  const size_t have = in_.size();
  in_.resize(have + kInChunk);
  auto r = src_->Read(in_.data() + have, kInChunk);
  if (!r.ok()) return r.status();
  in_.resize(have + r.value());
  if (r.value() == 0) src_eof_ = true;
  zs_.next_in = reinterpret_cast<Bytef*>(in_.data());
  zs_.avail_in = static_cast<uInt>(in_.size());
  return Status::Ok();
}

Result<size_t> InflateReader::Read(char* buf, size_t n) {
  if (!zs_ready_) return Status::Corrupt("zlib could not be initialised");
  if (failed_) return Status::Corrupt("gzip stream already failed");
  zs_.next_out = reinterpret_cast<Bytef*>(buf);
  zs_.avail_out = static_cast<uInt>(n);
  while (zs_.avail_out == n) {
    if (member_done_) {
      // Skip zero padding some writers leave after a member, then look for another member.
      while (zs_.avail_in > 0 && *zs_.next_in == 0) {
        ++zs_.next_in;
        --zs_.avail_in;
        ++consumed_;
      }
      if (zs_.avail_in == 0) {
        if (src_eof_) return size_t{0};
        Status s = Refill();
        if (!s.ok()) return s;
        continue;
      }
      inflateReset(&zs_);
      member_done_ = false;
    }
    if (zs_.avail_in == 0 && !src_eof_) {
      Status s = Refill();
      if (!s.ok()) return s;
    }
    const uInt before_in = zs_.avail_in;
    int rc = inflate(&zs_, Z_NO_FLUSH);
    consumed_ += before_in - zs_.avail_in;
    if (rc == Z_STREAM_END) {
      member_done_ = true;
      continue;
    }
    if (rc == Z_BUF_ERROR || (rc == Z_OK && zs_.avail_in == 0 && src_eof_)) {
      if (zs_.avail_out != n) break;  // made progress; report it first
      if (src_eof_ && zs_.avail_in == 0) {
        failed_ = true;
        return Status::Truncated("gzip stream ends before the end of its member");
      }
      continue;
    }
    if (rc != Z_OK) {
      failed_ = true;
      return Status::Corrupt(std::string("corrupt gzip stream: ") +
                             (zs_.msg ? zs_.msg : "inflate error"));
    }
  }
  return n - zs_.avail_out;
}

Result<std::unique_ptr<ByteReader>> OpenMaybeCompressed(std::unique_ptr<ByteReader> src) {
  std::string head(2, '\0');
  size_t got = 0;
  while (got < head.size()) {
    auto r = src->Read(head.data() + got, head.size() - got);
    if (!r.ok()) return r.status();
    if (r.value() == 0) break;
    got += r.value();
  }
  head.resize(got);
  if (SniffCompression(head) == Compression::kNone) {
    // Put the sniffed bytes back in front.
    return std::unique_ptr<ByteReader>(
        std::make_unique<ConcatReader>(std::move(head), std::move(src)));
  }
  return std::unique_ptr<ByteReader>(
      std::make_unique<InflateReader>(std::move(src), std::move(head)));
}

bool InflateGzipWhole(std::string_view in, size_t max_out, std::string* out) {
  if (SniffCompression(in) != Compression::kGzip || in.size() < 18) return false;
  struct Free {
    void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
  };
  thread_local std::unique_ptr<libdeflate_decompressor, Free> d(libdeflate_alloc_decompressor());
  if (!d) return false;
  // The last member's trailer holds its size mod 2^32: the exact answer for a one-member file.
  uint32_t isize;
  std::memcpy(&isize, in.data() + in.size() - 4, 4);
  // The last member alone is larger than allowed: the whole is too, and streaming will say so.
  if (isize > max_out) return false;
  size_t cap = std::max<size_t>({static_cast<size_t>(isize) + 64, in.size() * 4, 4096});
  out->clear();
  size_t pos = 0;
  while (pos < in.size()) {
    if (SniffCompression(in.substr(pos)) != Compression::kGzip) return false;  // padding, garbage
    for (;;) {
      cap = std::min(cap, max_out + 1);
      const size_t have = out->size();
      out->resize(have + cap);
      size_t used_in = 0, used_out = 0;
      const libdeflate_result r = libdeflate_gzip_decompress_ex(
          d.get(), in.data() + pos, in.size() - pos, out->data() + have, cap, &used_in, &used_out);
      if (r == LIBDEFLATE_SUCCESS) {
        out->resize(have + used_out);
        pos += used_in;
        break;
      }
      out->resize(have);
      if (r != LIBDEFLATE_INSUFFICIENT_SPACE || have + cap > max_out) return false;
      cap *= 2;
    }
    if (out->size() > max_out) return false;
    cap = std::max<size_t>(in.size() - pos, 4096) * 8;
  }
  return true;
}

Result<std::string> InflateBuffer(std::string_view in, size_t max_out) {
  std::string fast;
  if (InflateGzipWhole(in, max_out, &fast)) return fast;
  InflateReader reader(std::make_unique<MemoryReader>(in), std::string());
  std::string out;
  size_t chunk = std::min<size_t>(std::max<size_t>(in.size() * 4, 4096), max_out + 1);
  for (;;) {
    const size_t have = out.size();
    out.resize(have + chunk);
    auto r = reader.Read(out.data() + have, chunk);
    if (!r.ok()) return r.status();
    out.resize(have + r.value());
    if (r.value() == 0) break;
    if (out.size() > max_out) {
      return Status::TooLarge("decompressed payload exceeds " + std::to_string(max_out) + " bytes");
    }
    chunk = std::min<size_t>(chunk * 2, 1 << 22);
  }
  return out;
}

std::string GzipCompress(std::string_view in, int level) {
  // libdeflate: about twice zlib's speed at the same level and ratio, one gzip member.
  libdeflate_compressor* c = libdeflate_alloc_compressor(std::clamp(level, 0, 12));
  if (c == nullptr) return {};
  std::string out(libdeflate_gzip_compress_bound(c, in.size()), '\0');
  const size_t n = libdeflate_gzip_compress(c, in.data(), in.size(), out.data(), out.size());
  libdeflate_free_compressor(c);
  out.resize(n);
  return out;
}

Result<std::string> Base64Decode(std::string_view in) {
  // Strip surrounding whitespace; base64 from AWS has none inside.
  while (!in.empty() && (in.front() == ' ' || in.front() == '\n' || in.front() == '\r'))
    in.remove_prefix(1);
  while (!in.empty() && (in.back() == ' ' || in.back() == '\n' || in.back() == '\r'))
    in.remove_suffix(1);
  if (in.size() % 4 != 0) return Status::Corrupt("base64 length is not a multiple of 4");
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0) return Status::Corrupt("invalid base64 character");
  size_t pad = 0;
  if (!in.empty() && in.back() == '=') ++pad;
  if (in.size() > 1 && in[in.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string Base64Encode(std::string_view in) {
  std::string out((in.size() + 2) / 3 * 4 + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace fastpath
