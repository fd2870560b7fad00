#include "lake/lake_layout.h"

#include <ctime>

#include "aws/s3.h"

namespace fastpath::lake {

namespace {

bool PlainByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// UTC civil date and hour of `t`.
void CivilHour(TimeNs t, int* y, int* m, int* d, int* h) {
  const int64_t secs = t >= 0 ? t / 1000000000 : (t - 999999999) / 1000000000;
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  *y = tm.tm_year + 1900;
  *m = tm.tm_mon + 1;
  *d = tm.tm_mday;
  *h = tm.tm_hour;
}

void Append2(int v, std::string* out) {
  out->push_back(static_cast<char>('0' + v / 10));
  out->push_back(static_cast<char>('0' + v % 10));
}

}  // namespace

TimeNs Partition::Start() const {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(dt.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return 0;
  return TimeFromCivil(y, m, d, hour, 0, 0).value_or(0);
}

void AppendPartitionValue(std::string_view raw, std::string* out) {
  if (raw.empty()) {
    out->append(kUnknownValue);
    return;
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : raw) {
    if (PlainByte(c)) {
      out->push_back(c);
    } else {
      const auto b = static_cast<unsigned char>(c);
      out->push_back('%');
      out->push_back(kHex[b >> 4]);
      out->push_back(kHex[b & 15]);
    }
  }
}

void AppendPartitionPrefix(const Event& e, std::string* out) {
  out->append("log_type=");
  AppendPartitionValue(LogTypeName(e.log_type), out);
  out->append("/account=");
  AppendPartitionValue(e.account, out);
  out->append("/region=");
  AppendPartitionValue(e.region, out);
  int y = 0, m = 0, d = 0, h = 0;
  CivilHour(e.time, &y, &m, &d, &h);
  out->append("/dt=");
  out->append(std::to_string(y));
  out->push_back('-');
  Append2(m, out);
  out->push_back('-');
  Append2(d, out);
  out->append("/hour=");
  Append2(h, out);
  out->push_back('/');
}

std::string PartitionPrefix(const Partition& p) {
  std::string out = "log_type=" + p.log_type + "/account=" + p.account + "/region=" + p.region +
                    "/dt=" + p.dt + "/hour=";
  Append2(p.hour, &out);
  out.push_back('/');
  return out;
}

Status ParsePartitionFolder(std::string_view name, int depth, Partition* p) {
  const std::string_view key = kPartitionKeys[depth];
  if (!name.starts_with(key) || name.size() <= key.size() || name[key.size()] != '=') {
    return Status::InvalidArgument("folder '" + std::string(name) + "' should be " +
                                   std::string(key) + "=VALUE");
  }
  const std::string_view v = name.substr(key.size() + 1);
  for (char c : v) {
    if (!PlainByte(c) && c != '%') {
      return Status::InvalidArgument("partition folder '" + std::string(name) +
                                     "' has a character a partition value cannot hold");
    }
  }
  switch (depth) {
    case 0:
      p->log_type = std::string(v);
      break;
    case 1:
      p->account = std::string(v);
      break;
    case 2:
      p->region = std::string(v);
      break;
    case 3: {
      int y = 0, m = 0, d = 0;
      char tail = 0;
      if (v.size() != 10 ||
          std::sscanf(std::string(v).c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
          !TimeFromCivil(y, m, d, 0, 0, 0)) {
        return Status::InvalidArgument("partition folder '" + std::string(name) +
                                       "' is not a date (dt=YYYY-MM-DD)");
      }
      p->dt = std::string(v);
      break;
    }
    default: {
      if (v.size() != 2 || v[0] < '0' || v[0] > '2' || v[1] < '0' || v[1] > '9' ||
          (v[0] - '0') * 10 + (v[1] - '0') > 23) {
        return Status::InvalidArgument("partition folder '" + std::string(name) +
                                       "' is not an hour (hour=00..23)");
      }
      p->hour = (v[0] - '0') * 10 + (v[1] - '0');
    }
  }
  return Status::Ok();
}

Status ParsePartitionKey(std::string_view rel, Partition* p, std::string_view* object) {
  for (int depth = 0; depth < kPartitionDepth; ++depth) {
    const size_t slash = rel.find('/');
    if (slash == std::string_view::npos) {
      return Status::InvalidArgument("key is not under the five partition folders");
    }
    if (Status st = ParsePartitionFolder(rel.substr(0, slash), depth, p); !st.ok()) return st;
    rel.remove_prefix(slash + 1);
  }
  *object = rel;
  return Status::Ok();
}

std::string ObjectName(std::string_view writer_id, uint64_t seq) {
  char num[24];
  std::snprintf(num, sizeof num, "%08llu", static_cast<unsigned long long>(seq));
  return std::string(writer_id) + "-" + num + std::string(kObjectSuffix);
}

Result<LakeLocation> ParseLakeLocation(std::string_view uri) {
  LakeLocation loc;
  loc.uri = std::string(uri);
  if (uri.empty()) return Status::InvalidArgument("lake: no location given");
  if (uri.starts_with("s3://")) {
    loc.is_s3 = true;
    if (!aws::ParseS3Url(uri, &loc.bucket, &loc.prefix)) {
      return Status::InvalidArgument("lake " + std::string(uri) + ": no bucket in the URI");
    }
    if (!loc.prefix.empty() && loc.prefix.back() != '/') loc.prefix.push_back('/');
    return loc;
  }
  if (uri.find("://") != std::string_view::npos) {
    return Status::InvalidArgument("lake " + std::string(uri) +
                                   ": only local folders and s3:// are supported");
  }
  loc.dir = std::string(uri);
  while (loc.dir.size() > 1 && loc.dir.back() == '/') loc.dir.pop_back();
  return loc;
}

}  // namespace fastpath::lake
