#include "core/event.h"

#include "core/log_types.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fastpath {

std::string_view DeliveryPathName(DeliveryPath p) {
  switch (p) {
    case DeliveryPath::kFile:
      return "file";
    case DeliveryPath::kS3:
      return "s3";
    case DeliveryPath::kCloudWatchLogs:
      return "cloudwatch_logs";
    case DeliveryPath::kEventBridge:
      return "eventbridge";
    case DeliveryPath::kFirehose:
      return "firehose";
  }
  return "file";
}

std::string_view LogTypeName(LogType t) {
  return LogTypeFacts(t).name;
}

namespace {

// True when any of the 8 bytes is below 0x20, a quote or a backslash (the bytes JSON escapes).
// "Determine if a word has a byte less than n" and "has a zero byte" from Bit Twiddling Hacks.
inline bool AnyNeedsEscape(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const uint64_t below_space = (x - kOnes * 0x20) & ~x & kHigh;
  const uint64_t q = x ^ (kOnes * '"');
  const uint64_t quote = (q - kOnes) & ~q & kHigh;
  const uint64_t b = x ^ (kOnes * '\\');
  const uint64_t backslash = (b - kOnes) & ~b & kHigh;
  return (below_space | quote | backslash) != 0;
}

inline bool NeedsEscape(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\';
}

inline uint64_t HasByte(uint64_t x, unsigned char b) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const uint64_t y = x ^ (kOnes * b);
  return (y - kOnes) & ~y & kHigh;
}

// The high bit of every byte equal to `b`, exactly (no false flags above a match).
inline uint64_t ExactByteMask(uint64_t x, unsigned char b) {
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  const uint64_t y = x ^ (0x0101010101010101ULL * b);
  return ~(((y & kLow7) + kLow7) | y | kLow7);
}

inline bool AnyBackslashOrControl(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  return (((x - kOnes * 0x20) & ~x & kHigh) | HasByte(x, '\\')) != 0;
}

}  // namespace

#if defined(__SSE2__)

// Sixteen bytes at a time with SSE2 (every x86-64 has it).
bool JsonSafe(std::string_view s) {
  size_t i = 0;
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80));
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // Unsigned v < 0x20 as a signed compare of both sides with the top bit flipped.
    const __m128i ctrl = _mm_cmplt_epi8(_mm_xor_si128(v, flip), _mm_xor_si128(space, flip));
    const __m128i bad =
        _mm_or_si128(ctrl, _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    if (_mm_movemask_epi8(bad) != 0) return false;
  }
  for (; i < s.size(); ++i) {
    if (NeedsEscape(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool JsonSafeButQuotes(std::string_view s, size_t* quotes) {
  size_t i = 0;
  size_t q = 0;
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80));
  __m128i counts = _mm_setzero_si128();  // per byte lane, at most 255 blocks between flushes
  int pending = 0;
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i ctrl = _mm_cmplt_epi8(_mm_xor_si128(v, flip), _mm_xor_si128(space, flip));
    if (_mm_movemask_epi8(_mm_or_si128(ctrl, _mm_cmpeq_epi8(v, backslash))) != 0) return false;
    counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(v, quote));  // a match is -1
    if (++pending == 255) {
      const __m128i sums = _mm_sad_epu8(counts, _mm_setzero_si128());
      q += static_cast<size_t>(_mm_cvtsi128_si32(sums) + _mm_extract_epi16(sums, 4));
      counts = _mm_setzero_si128();
      pending = 0;
    }
  }
  const __m128i sums = _mm_sad_epu8(counts, _mm_setzero_si128());
  q += static_cast<size_t>(_mm_cvtsi128_si32(sums) + _mm_extract_epi16(sums, 4));
  for (; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '\\') return false;
    q += c == '"';
  }
  *quotes = q;
  return true;
}

size_t FindSpace(std::string_view s, size_t from) {
  size_t i = from;
  const __m128i space = _mm_set1_epi8(' ');
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    if (const int m = _mm_movemask_epi8(_mm_cmpeq_epi8(v, space))) {
      return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(m)));
    }
  }
  for (; i < s.size(); ++i) {
    if (s[i] == ' ') return i;
  }
  return s.size();
}

#else  // eight bytes at a time in a general register

bool JsonSafe(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (AnyNeedsEscape(w)) return false;
  }
  for (; i < s.size(); ++i) {
    if (NeedsEscape(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool JsonSafeButQuotes(std::string_view s, size_t* quotes) {
  size_t i = 0;
  size_t q = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (AnyBackslashOrControl(w)) return false;
    // One bit per matching byte, moved to the bottom of its byte and summed by a multiply.
    q += static_cast<size_t>(((ExactByteMask(w, '"') >> 7) * 0x0101010101010101ULL) >> 56);
  }
  for (; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '\\') return false;
    q += c == '"';
  }
  *quotes = q;
  return true;
}

size_t FindSpace(std::string_view s, size_t from) {
  size_t i = from;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (const uint64_t m = HasByte(w, ' '))
      return i + (static_cast<size_t>(__builtin_ctzll(m)) >> 3);
  }
  for (; i < s.size(); ++i) {
    if (s[i] == ' ') return i;
  }
  return s.size();
}

#endif

void AppendJsonString(std::string* out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the current run of bytes that need no escaping
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    // Skip eight clean bytes at a time; most values have nothing to escape.
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if (!AnyNeedsEscape(word)) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (!NeedsEscape(c)) {
      ++i;
      continue;
    }
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
    ++i;
  }
  out->append(s.data() + run, n - run);
  out->push_back('"');
}

void AppendEventCoreFields(const Event& e, std::string* out) {
  out->append("\"log_type\":\"");
  out->append(LogTypeName(e.log_type));
  out->append("\",\"path\":\"");
  out->append(DeliveryPathName(e.path));
  out->append("\",\"account\":");
  AppendJsonString(out, e.account);
  out->append(",\"region\":");
  AppendJsonString(out, e.region);
  out->append(",\"time\":\"");
  out->append(FormatRfc3339(e.time));
  out->push_back('"');
}

void AppendEventSource(const Event& e, std::string* out) {
  if (!e.source) return;
  out->append(",\"source\":{\"input\":");
  AppendJsonString(out, *e.source);
  if (e.offset != Event::kNoOffset) {
    out->append(",\"offset\":");
    out->append(std::to_string(e.offset));
  }
  out->push_back('}');
}

void AppendEventJsonLine(const Event& e, std::string* out) {
  out->push_back('{');
  AppendEventCoreFields(e, out);
  out->append(",\"received\":\"");
  out->append(FormatRfc3339(e.received));
  out->append("\",\"id\":");
  AppendJsonString(out, e.id);
  AppendEventSource(e, out);
  out->append(",\"event\":");
  out->append(e.json.empty() ? std::string_view("null") : std::string_view(e.json));
  out->append("}\n");
}

}  // namespace fastpath
