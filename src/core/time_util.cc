#include "core/time_util.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace fastpath {
namespace {

// Days since the epoch for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp + (mp < 10 ? 3 : -9);
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::optional<TimeNs> ParseRfc3339(std::string_view s) {
  int year, mon, day, hour, min, sec;
  if (!Digits(s, 0, 4, &year) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, &mon) ||
      s[7] != '-' || !Digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !Digits(s, 11, 2, &hour) || s[13] != ':' || !Digits(s, 14, 2, &min) || s[16] != ':' ||
      !Digits(s, 17, 2, &sec)) {
    return std::nullopt;
  }
  // Nanoseconds in an int64 reach from 1677 to 2262; AWS times are well inside 1900-2200.
  if (year < 1900 || year > 2200 || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 ||
      min > 59 || sec > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t frac_ns = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t scale = 100'000'000;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac_ns += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  int64_t offset_sec = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_sec = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const int64_t days = DaysFromCivil(year, static_cast<unsigned>(mon), static_cast<unsigned>(day));
  const int64_t secs = days * 86400 + hour * 3600 + min * 60 + sec - offset_sec;
  return secs * kNsPerSec + frac_ns;
}

std::optional<TimeNs> TimeFromCivil(int year, int mon, int day, int hour, int min, int sec) {
  if (year < 1900 || year > 2200 || mon < 1 || mon > 12 || day < 1 || day > 31 || hour < 0 ||
      hour > 23 || min < 0 || min > 59 || sec < 0 || sec > 60) {
    return std::nullopt;
  }
  const int64_t days = DaysFromCivil(year, static_cast<unsigned>(mon), static_cast<unsigned>(day));
  return (days * 86400 + hour * 3600 + min * 60 + sec) * kNsPerSec;
}

std::optional<TimeNs> ParseIsoUtc(std::string_view s) {
  if (auto t = ParseRfc3339(s)) return t;
  if (s.ends_with(" UTC")) s.remove_suffix(4);
  // Append the zone the text leaves out and parse as RFC 3339.
  if (s.size() < 19 || s.size() > 40) return std::nullopt;
  char buf[48];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = 'Z';
  return ParseRfc3339(std::string_view(buf, s.size() + 1));
}

int MonthFromName(std::string_view m) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i) {
    if (m == kMonths[i]) return i + 1;
  }
  return 0;
}

std::optional<TimeNs> ParseClfTime(std::string_view s) {
  // 06/Feb/2019:00:00:38 +0000
  int day, year, hour, min, sec, oh, om;
  if (s.size() != 26 || !Digits(s, 0, 2, &day) || s[2] != '/' || s[6] != '/' ||
      !Digits(s, 7, 4, &year) || s[11] != ':' || !Digits(s, 12, 2, &hour) || s[14] != ':' ||
      !Digits(s, 15, 2, &min) || s[17] != ':' || !Digits(s, 18, 2, &sec) || s[20] != ' ' ||
      (s[21] != '+' && s[21] != '-') || !Digits(s, 22, 2, &oh) || !Digits(s, 24, 2, &om)) {
    return std::nullopt;
  }
  const int mon = MonthFromName(s.substr(3, 3));
  if (mon == 0 || oh > 23 || om > 59) return std::nullopt;
  auto t = TimeFromCivil(year, mon, day, hour, min, sec);
  if (!t) return std::nullopt;
  const int64_t offset = (oh * 3600 + om * 60) * (s[21] == '-' ? -1 : 1);
  return *t - offset * kNsPerSec;
}

std::string FormatRfc3339(TimeNs t) {
  int64_t secs = t / kNsPerSec;
  int64_t ns = t % kNsPerSec;
  if (ns < 0) {
    ns += kNsPerSec;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[48];
  const int ms = static_cast<int>(ns / kNsPerMs);
  if (ms != 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                  static_cast<long long>(y), m, d, static_cast<int>(rem / 3600),
                  static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60), ms);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(y), m,
                  d, static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                  static_cast<int>(rem % 60));
  }
  return buf;
}

std::optional<TimeNs> ParseDuration(std::string_view text) {
  size_t pos = 0;
  int64_t n = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    n = n * 10 + (text[pos] - '0');
    if (++pos > 6) return std::nullopt;
  }
  if (pos == 0) return std::nullopt;
  const std::string_view unit = text.substr(pos);
  if (unit == "ms") return n * kNsPerMs;
  if (unit == "s") return n * kNsPerSec;
  if (unit == "m") return n * 60 * kNsPerSec;
  if (unit == "h") return n * 3600 * kNsPerSec;
  if (unit == "d") return n * 86400 * kNsPerSec;
  return std::nullopt;
}

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

TimeNs NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<TimeNs> EpochSecondsToNs(double seconds) {
  // 9.2e18 ns is the int64 limit; stay clear of it so the product cannot round past it.
  if (!std::isfinite(seconds) || seconds > 9.2e9 || seconds < -9.2e9) return std::nullopt;
  return static_cast<TimeNs>(seconds * 1e9);
}

std::optional<TimeNs> EpochMillisToNs(int64_t millis) {
  if (millis > 9'200'000'000'000 || millis < -9'200'000'000'000) return std::nullopt;
  return millis * kNsPerMs;
}

std::optional<TimeNs> EpochMillisToNs(double millis) {
  if (!std::isfinite(millis) || millis > 9.2e12 || millis < -9.2e12) return std::nullopt;
  return static_cast<TimeNs>(millis * 1e6);
}

}  // namespace fastpath
