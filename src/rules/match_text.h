// Value comparisons shared by the rule languages: ASCII case folding and IP address ranges.
// Pure functions, thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace fastpath {

inline char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);

// An IPv4 or IPv6 address range (a CIDR block, or a single address).
struct IpRange {
  int family = 0;  // 4 or 6; 0: empty
  std::array<uint8_t, 16> lo{}, hi{};
  bool Contains(std::string_view address, bool eventbridge_forms) const;
};

// Parses an address. With `eventbridge_forms`, only what EventBridge recognises as an IP literal:
// dotted-quad IPv4 and hex-and-colon IPv6 (no embedded IPv4); otherwise anything inet_pton takes.
bool ParseIpAddress(std::string_view s, bool eventbridge_forms, int* family,
                    std::array<uint8_t, 16>* bytes);

// The block of `bits` leading bits around `base`; host bits of `base` are ignored.
IpRange CidrRange(int family, const std::array<uint8_t, 16>& base, int bits);

}  // namespace fastpath
