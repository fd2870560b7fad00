// Timestamps: nanoseconds since the Unix epoch (UTC) as int64, RFC 3339 in and out.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fastpath {

using TimeNs = int64_t;  // nanoseconds since 1970-01-01T00:00:00Z
constexpr TimeNs kNsPerMs = 1'000'000;
constexpr TimeNs kNsPerSec = 1'000'000'000;

// Parses RFC 3339 / ISO 8601 date-times as AWS writes them: "2023-07-10T11:45:03Z",
// fractional seconds of any length, and "+hh:mm" / "-hh:mm" offsets. Returns nullopt on anything
// else (including out-of-range fields and years outside 1900-2200).
std::optional<TimeNs> ParseRfc3339(std::string_view text);

// The same without a zone designator, or with " UTC" after it, read as UTC: "2018-12-20T02:59:40"
// (NLB access logs), "2022-10-05 22:05:52 UTC" (PostgreSQL logs). Falls back to ParseRfc3339.
std::optional<TimeNs> ParseIsoUtc(std::string_view text);

// Common Log Format time, as in S3 server access logs and API Gateway's $context.requestTime:
// "06/Feb/2019:00:00:38 +0000" (the brackets, if any, already removed).
std::optional<TimeNs> ParseClfTime(std::string_view text);

// Month name ("Jan" ... "Dec", case-sensitive, 3 letters) to 1-12; 0 when not a month.
int MonthFromName(std::string_view name);

// Seconds since the epoch for a UTC civil time; nullopt when a field is out of range.
std::optional<TimeNs> TimeFromCivil(int year, int mon, int day, int hour, int min, int sec);

// "2023-07-10T11:45:03Z", or with milliseconds ("...03.250Z") when they are not zero.
std::string FormatRfc3339(TimeNs t);

TimeNs NowNs();
// A monotonic clock in nanoseconds (for intervals and deadlines, not for event times).
int64_t SteadyNs();

// Epoch seconds or milliseconds (as JSON numbers carry them) to TimeNs; nullopt when not finite
// or outside what TimeNs holds (about 1677 to 2262).
std::optional<TimeNs> EpochSecondsToNs(double seconds);
std::optional<TimeNs> EpochMillisToNs(double millis);
std::optional<TimeNs> EpochMillisToNs(int64_t millis);  // exact

// "500ms", "90s", "30m", "24h", "7d".
std::optional<TimeNs> ParseDuration(std::string_view text);

}  // namespace fastpath
