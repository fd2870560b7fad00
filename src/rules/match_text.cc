#include "rules/match_text.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace fastpath {

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

bool ParseIpAddress(std::string_view s, bool eventbridge_forms, int* family,
                    std::array<uint8_t, 16>* bytes) {
  if (s.empty() || s.size() > 45) return false;
  char buf[64];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = 0;
  bytes->fill(0);
  const bool v6 = s.find(':') != std::string_view::npos;
  if (eventbridge_forms) {
    int dots = 0;
    for (char c : s) {
      if (v6 ? !(std::isxdigit(static_cast<unsigned char>(c)) || c == ':')
             : !((c >= '0' && c <= '9') || c == '.')) {
        return false;
      }
      dots += c == '.';
    }
    if (!v6 && dots != 3) return false;
  }
  if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, bytes->data()) != 1) return false;
  *family = v6 ? 6 : 4;
  return true;
}

bool IpRange::Contains(std::string_view address, bool eventbridge_forms) const {
  int f;
  std::array<uint8_t, 16> b;
  if (!ParseIpAddress(address, eventbridge_forms, &f, &b) || f != family) return false;
  const size_t n = family == 4 ? 4 : 16;
  return std::memcmp(b.data(), lo.data(), n) >= 0 && std::memcmp(b.data(), hi.data(), n) <= 0;
}

IpRange CidrRange(int family, const std::array<uint8_t, 16>& base, int bits) {
  IpRange r;
  r.family = family;
  const int n = family == 4 ? 4 : 16;
  for (int i = 0; i < n; ++i) {
    const int keep = std::clamp(bits - 8 * i, 0, 8);
    const uint8_t mask = static_cast<uint8_t>(keep == 0 ? 0 : (0xFF << (8 - keep)) & 0xFF);
    r.lo[i] = base[i] & mask;
    r.hi[i] = static_cast<uint8_t>(base[i] | ~mask);
  }
  return r;
}

}  // namespace fastpath
