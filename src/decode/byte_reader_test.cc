#include "decode/byte_reader.h"

#include <gtest/gtest.h>

namespace fastpath {
namespace {

// Reads a whole stream with a given read size.
Result<std::string> Drain(ByteReader* r, size_t chunk) {
  std::string out, buf(chunk, '\0');
  for (;;) {
    auto n = r->Read(buf.data(), chunk);
    if (!n.ok()) return n.status();
    if (n.value() == 0) return out;
    out.append(buf.data(), n.value());
  }
}

// A reader that hands out at most one byte per call, to cross every boundary.
class TrickleReader final : public ByteReader {
 public:
  explicit TrickleReader(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ >= data_.size() || n == 0) return size_t{0};
    buf[0] = data_[pos_++];
    return size_t{1};
  }
  uint64_t raw_offset() const override { return pos_; }

 private:
  std::string data_;
  size_t pos_ = 0;
};

TEST(Inflate, MultiMemberGzipIsOneStream) {
  const std::string both = GzipCompress("{\"a\":1}\n") + GzipCompress("{\"b\":2}\n");
  auto r = OpenMaybeCompressed(std::make_unique<MemoryReader>(both));  // views `both`
  ASSERT_TRUE(r.ok());
  auto out = Drain(r.value().get(), 3);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out.value(), "{\"a\":1}\n{\"b\":2}\n");
}

TEST(Inflate, ByteAtATimeInput) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "line " + std::to_string(i) + "\n";
  auto r =
      OpenMaybeCompressed(std::make_unique<TrickleReader>(GzipCompress(text) + GzipCompress(text)));
  ASSERT_TRUE(r.ok());
  auto out = Drain(r.value().get(), 4096);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out.value(), text + text);
}

TEST(Inflate, TruncatedGzipIsReportedAfterTheDataBeforeIt) {
  std::string text(100000, 'x');
  std::string gz = GzipCompress(text);
  gz.resize(gz.size() / 2);
  InflateReader r(std::make_unique<MemoryReader>(gz), "");
  std::string buf(1 << 20, '\0');
  size_t total = 0;
  Status last;
  for (;;) {
    auto n = r.Read(buf.data(), buf.size());
    if (!n.ok()) {
      last = n.status();
      break;
    }
    if (n.value() == 0) break;
    total += n.value();
  }
  EXPECT_EQ(last.code(), Status::Code::kTruncated) << last.ToString();
  EXPECT_LE(total, text.size());
}

TEST(Inflate, CorruptGzipIsAnError) {
  std::string gz = GzipCompress(std::string(5000, 'y'));
  for (size_t i = 20; i < 40; ++i) gz[i] ^= 0x5a;
  InflateReader r(std::make_unique<MemoryReader>(gz), "");
  auto out = Drain(&r, 1 << 16);
  EXPECT_FALSE(out.ok());
}

TEST(Inflate, PlainInputPassesThrough) {
  auto r = OpenMaybeCompressed(std::make_unique<MemoryReader>("{\"x\":1}"));
  ASSERT_TRUE(r.ok());
  auto out = Drain(r.value().get(), 1);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.value(), "{\"x\":1}");
}

TEST(Inflate, InflateBufferRefusesBombs) {
  const std::string gz = GzipCompress(std::string(10 << 20, '\0'));
  auto r = InflateBuffer(gz, 1 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kTooLarge);
}

TEST(Base64, RoundTripAndErrors) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "hello world"}) {
    auto d = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d.value(), s);
  }
  EXPECT_EQ(Base64Decode("aGVsbG8=").value(), "hello");
  EXPECT_FALSE(Base64Decode("aGVsbG8").ok());
  EXPECT_FALSE(Base64Decode("aGV*bG8=").ok());
}

}  // namespace
}  // namespace fastpath
