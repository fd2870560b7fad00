#include "core/hash.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <xxhash.h>

namespace fastpath {

void Sha256(std::initializer_list<std::string_view> parts, unsigned char* md) {
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local struct Ctx {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(ctx); }
  } t;
  unsigned int len = 0;
  EVP_DigestInit_ex2(t.ctx, kSha256, nullptr);
  for (std::string_view p : parts) EVP_DigestUpdate(t.ctx, p.data(), p.size());
  EVP_DigestFinal_ex(t.ctx, md, &len);
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  Sha256({data}, md);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(md), kSha256Bytes));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

void Xxh3_128(std::initializer_list<std::string_view> parts, unsigned char* md) {
  // One call over the joined bytes is faster than the streaming interface for lines of a few
  // hundred bytes. Parts end in a line feed, which no part (a line, a name, a number) holds.
  thread_local std::string joined;
  joined.clear();
  for (std::string_view p : parts) {
    joined.append(p);
    joined.push_back('\n');
  }
  const XXH128_hash_t h = XXH3_128bits(joined.data(), joined.size());
  for (int i = 0; i < 8; ++i) {
    md[i] = static_cast<unsigned char>(h.high64 >> (56 - 8 * i));
    md[8 + i] = static_cast<unsigned char>(h.low64 >> (56 - 8 * i));
  }
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kHex[c >> 4];
    out[2 * i + 1] = kHex[c & 15];
  }
  return out;
}

std::string Hex128(const unsigned char* md) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(md), 16));
}

}  // namespace fastpath
