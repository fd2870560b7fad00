#include "lake/lake_reader.h"

#include <algorithm>

#include "decode/byte_reader.h"

namespace fastpath::lake {

namespace {

constexpr TimeNs kHourNs = 3600LL * 1000000000;

bool InList(const std::vector<std::string>& values, const std::string& v) {
  if (values.empty()) return true;
  return std::find(values.begin(), values.end(), v) != values.end();
}

std::string Escaped(std::string_view raw) {
  std::string out;
  AppendPartitionValue(raw, &out);
  return out;
}

std::vector<std::string> EscapedAll(const std::vector<std::string>& raw) {
  std::vector<std::string> out;
  for (const std::string& r : raw) out.push_back(Escaped(r));
  return out;
}

struct Walker {
  const LakeStore& store;
  const LakeFilter& filter;
  std::vector<std::string> accounts, regions;
  LakeListing* out;

  void Walk(const std::string& rel, int depth, Partition p) {
    std::vector<LakeEntry> entries;
    ++out->folders_listed;
    if (Status st = store.List(rel, &entries); !st.ok()) {
      out->problems.push_back({store.Describe(rel), "cannot be listed: " + st.message()});
      return;
    }
    for (const LakeEntry& e : entries) {
      if (IsHidden(e.name)) continue;
      const std::string child = rel + e.name + (e.folder ? "/" : "");
      if (depth == kPartitionDepth) {
        if (e.folder) {
          out->problems.push_back({store.Describe(child), "a folder below the hour partition"});
        } else if (!e.name.ends_with(kObjectSuffix)) {
          out->problems.push_back({store.Describe(child), "not a lake object (.json.gz): skipped"});
        } else {
          out->objects.push_back(LakeObjectRef{child, e.size, e.modified, p});
          out->bytes += e.size;
        }
        continue;
      }
      if (!e.folder) {
        out->problems.push_back({store.Describe(child), "a file where a " +
                                                            std::string(kPartitionKeys[depth]) +
                                                            "= partition folder belongs: skipped"});
        continue;
      }
      Partition q = p;
      if (Status st = ParsePartitionFolder(e.name, depth, &q); !st.ok()) {
        out->problems.push_back({store.Describe(child), st.message() + ": skipped"});
        continue;
      }
      if (!Allows(depth, q)) continue;
      Walk(child, depth + 1, std::move(q));
    }
  }

  bool Allows(int depth, const Partition& p) const {
    switch (depth) {
      case 1:
        return InList(accounts, p.account);
      case 2:
        return InList(regions, p.region);
      default:
        return filter.Allows(depth, p);
    }
  }
};

}  // namespace

bool LakeFilter::Allows(int depth, const Partition& p) const {
  switch (depth) {
    case 0:
      return InList(log_types, p.log_type);
    case 1:
      return InList(accounts, p.account);
    case 2:
      return InList(regions, p.region);
    case 3: {
      Partition day = p;
      day.hour = 0;
      const TimeNs start = day.Start();
      return (!since || start + 24 * kHourNs > *since) && (!until || start < *until);
    }
    default: {
      const TimeNs start = p.Start();
      return (!since || start + kHourNs > *since) && (!until || start < *until);
    }
  }
}

Status ListLake(const LakeStore& store, const LakeFilter& filter, LakeListing* out) {
  *out = LakeListing();
  std::vector<LakeEntry> root;
  if (Status st = store.List("", &root); !st.ok()) {
    return Status::IoError("lake " + store.location().uri + ": " + st.message());
  }
  Walker w{store, filter, EscapedAll(filter.accounts), EscapedAll(filter.regions), out};
  w.Walk("", 0, Partition());
  std::stable_sort(out->objects.begin(), out->objects.end(),
                   [](const LakeObjectRef& a, const LakeObjectRef& b) {
                     if (a.partition.dt != b.partition.dt) return a.partition.dt < b.partition.dt;
                     if (a.partition.hour != b.partition.hour) {
                       return a.partition.hour < b.partition.hour;
                     }
                     return a.key < b.key;
                   });
  return Status::Ok();
}

Status ReadLakeObject(const LakeStore& store, const std::string& key,
                      const std::function<void(std::string_view line)>& line,
                      size_t max_line_bytes) {
  auto raw = store.Open(key);
  if (!raw.ok()) return Status::IoError(store.Describe(key) + ": " + raw.status().message());
  return ReadLakeLines(std::move(raw).value(), store.Describe(key), line, max_line_bytes);
}

Status ReadLakeLines(std::unique_ptr<ByteReader> raw, const std::string& name,
                     const std::function<void(std::string_view line)>& line,
                     size_t max_line_bytes) {
  auto reader = OpenMaybeCompressed(std::move(raw));
  if (!reader.ok()) return Status::IoError(name + ": " + reader.status().message());
  // Read straight into the line buffer, which each thread keeps (no allocation per object).
  constexpr size_t kChunk = 1u << 20;
  thread_local std::string buf;
  buf.clear();
  uint64_t consumed = 0;  // uncompressed bytes before buf
  while (true) {
    const size_t had = buf.size();
    buf.resize(had + kChunk);
    auto n = reader.value()->Read(buf.data() + had, kChunk);
    buf.resize(had + (n.ok() ? n.value() : 0));
    if (!n.ok()) {
      const std::string msg = name + ": at uncompressed offset " +
                              std::to_string(consumed + buf.size()) + ": " + n.status().message();
      return n.status().code() == Status::Code::kTruncated ? Status::Truncated(msg)
                                                           : Status::Corrupt(msg);
    }
    if (n.value() == 0) break;
    size_t start = 0;
    while (true) {
      const size_t nl = buf.find('\n', start);
      if (nl == std::string::npos) break;
      if (nl > start) line(std::string_view(buf).substr(start, nl - start));
      start = nl + 1;
    }
    consumed += start;
    buf.erase(0, start);
    if (buf.size() > max_line_bytes) {
      return Status::TooLarge(name + ": a line at uncompressed offset " + std::to_string(consumed) +
                              " is longer than " + std::to_string(max_line_bytes) + " bytes");
    }
  }
  if (!buf.empty()) line(buf);
  return Status::Ok();
}

LogType LogTypeByName(std::string_view name) {
  for (int i = 1; i < kNumLogTypes; ++i) {
    const auto t = static_cast<LogType>(i);
    const std::string_view n = LogTypeName(t);
    if (n == name || (n.starts_with("aws.") && n.substr(4) == name)) return t;
  }
  return LogType::kUnknown;
}

std::string CanonicalLogTypeName(std::string_view name) {
  const LogType t = LogTypeByName(name);
  return t == LogType::kUnknown ? std::string() : std::string(LogTypeName(t));
}

namespace {

std::optional<DeliveryPath> PathByName(std::string_view name) {
  for (int i = 0; i < kNumDeliveryPaths; ++i) {
    const auto p = static_cast<DeliveryPath>(i);
    if (DeliveryPathName(p) == name) return p;
  }
  return std::nullopt;
}

Status StringField(simdjson::dom::object o, std::string_view key, std::string_view* out) {
  auto v = o[key];
  if (v.error()) return Status::InvalidArgument("no '" + std::string(key) + "' column");
  auto s = v.get_string();
  if (s.error()) return Status::InvalidArgument("'" + std::string(key) + "' is not a string");
  *out = s.value();
  return Status::Ok();
}

}  // namespace

Status ParseLakeLine(simdjson::dom::parser& parser, std::string_view line, Event* e,
                     simdjson::dom::element* record) {
  simdjson::dom::element doc;
  if (auto err = parser.parse(line.data(), line.size()).get(doc); err) {
    return Status::InvalidArgument(std::string("not JSON: ") + simdjson::error_message(err));
  }
  simdjson::dom::object o;
  if (doc.get_object().get(o)) return Status::InvalidArgument("not a JSON object");
  std::string_view v;
  if (Status st = StringField(o, "log_type", &v); !st.ok()) {
    if (!o["class_uid"].error()) {
      return Status::Unsupported("an OCSF object (this lake was written with format: ocsf)");
    }
    return st;
  }
  e->log_type = LogTypeByName(v);
  if (Status st = StringField(o, "path", &v); !st.ok()) return st;
  auto path = PathByName(v);
  if (!path) return Status::InvalidArgument("'path' names no delivery path: " + std::string(v));
  e->path = *path;
  if (Status st = StringField(o, "account", &v); !st.ok()) return st;
  e->account = std::string(v);
  if (Status st = StringField(o, "region", &v); !st.ok()) return st;
  e->region = std::string(v);
  if (Status st = StringField(o, "time", &v); !st.ok()) return st;
  auto t = ParseRfc3339(v);
  if (!t) return Status::InvalidArgument("'time' is not an RFC 3339 time: " + std::string(v));
  e->time = *t;
  if (Status st = StringField(o, "received", &v); st.ok()) {
    e->received = ParseRfc3339(v).value_or(0);
  }
  if (Status st = StringField(o, "id", &v); !st.ok()) return st;
  e->id = std::string(v);
  e->source.reset();
  e->offset = Event::kNoOffset;
  simdjson::dom::object src;
  if (o["source"].get_object().get(src) == simdjson::SUCCESS) {
    std::string_view input;
    if (src["input"].get_string().get(input) == simdjson::SUCCESS) {
      e->source = std::make_shared<const std::string>(input);
    }
    uint64_t offset;
    if (src["offset"].get_uint64().get(offset) == simdjson::SUCCESS) e->offset = offset;
  }
  e->json.clear();
  e->matched_rules.clear();
  if (o["event"].get(*record)) return Status::InvalidArgument("no 'event' column");
  return Status::Ok();
}

}  // namespace fastpath::lake
