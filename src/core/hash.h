// The hashes fastpath uses, in one place: SHA-256 (content ids of JSON records, SigV4, alert ids,
// the demo's EventBridge ids), HMAC-SHA256 (SigV4 signing keys, webhook signatures) and XXH3-128
// (ids of text log lines, where SHA-256 cost a third of the parse time), and hex of their bytes.
//
// Thread-safe: per-thread state only.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace fastpath {

constexpr size_t kSha256Bytes = 32;

// SHA-256 of the concatenation of `parts` into md[0..32). The algorithm is fetched once and the
// context kept per thread (OpenSSL 3's one-shot EVP_Digest looks the algorithm up under a lock on
// every call).
void Sha256(std::initializer_list<std::string_view> parts, unsigned char* md);
// Lowercase hex of the whole SHA-256 (64 characters).
std::string Sha256Hex(std::string_view data);
// HMAC-SHA256 of `data` with `key`: the raw 32 bytes.
std::string HmacSha256(std::string_view key, std::string_view data);
// XXH3-128 of the parts, each followed by a line feed, as 16 bytes (high half first).
void Xxh3_128(std::initializer_list<std::string_view> parts, unsigned char* md);

// Lowercase hex of bytes.
std::string HexEncode(std::string_view bytes);
// Lowercase hex of md[0..16): the 128-bit ids.
std::string Hex128(const unsigned char* md);

}  // namespace fastpath
