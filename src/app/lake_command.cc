// `fastpath lake ddl` and `fastpath lake compact`.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include "app/lake_command.h"
#include "app/scan_command.h"
#include "core/hash.h"
#include "decode/byte_reader.h"
#include "lake/lake_reader.h"
#include "rules/rule_sql.h"

namespace fastpath {

namespace {

// Every commercial, GovCloud and China region (the region partition's projection values), plus
// the value of events that name none.
constexpr const char* kRegions[] = {
    "us-east-1",      "us-east-2",      "us-west-1",      "us-west-2",      "af-south-1",
    "ap-east-1",      "ap-east-2",      "ap-south-1",     "ap-south-2",     "ap-southeast-1",
    "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6",
    "ap-southeast-7", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ca-central-1",
    "ca-west-1",      "eu-central-1",   "eu-central-2",   "eu-west-1",      "eu-west-2",
    "eu-west-3",      "eu-south-1",     "eu-south-2",     "eu-north-1",     "il-central-1",
    "me-south-1",     "me-central-1",   "mx-central-1",   "sa-east-1",      "us-gov-east-1",
    "us-gov-west-1",  "cn-north-1",     "cn-northwest-1", "unknown"};

struct Column {
  const char* name;
  const char* type;
  const char* comment;
};

constexpr Column kEventColumns[] = {
    {"path", "string", "delivery path: s3, cloudwatch_logs, eventbridge, firehose, file"},
    {"time", "string", "event time, RFC 3339 UTC"},
    {"received", "string", "when fastpath received it, RFC 3339 UTC"},
    {"id", "string", "event id, the same on every delivery path"},
    {"source", "struct<input:string,offset:bigint>",
     "where it came from: file, s3://bucket/key or stream/shard/sequence, and the offset"},
    {"event", "string", "the native record, JSON"},
};
constexpr Column kOcsfColumns[] = {
    {"class_uid", "int", ""},       {"category_uid", "int", ""},
    {"activity_id", "int", ""},     {"type_uid", "bigint", ""},
    {"severity_id", "int", ""},     {"status_id", "int", ""},
    {"time", "bigint", "epoch ms"}, {"message", "string", ""},
    {"metadata", "string", ""},     {"cloud", "string", ""},
    {"actor", "string", ""},        {"api", "string", ""},
    {"src_endpoint", "string", ""}, {"dst_endpoint", "string", ""},
    {"http_request", "string", ""}, {"connection_info", "string", ""},
    {"traffic", "string", ""},      {"query", "string", ""},
    {"answers", "string", ""},      {"finding_info", "string", ""},
    {"resources", "string", ""},    {"raw_data", "string", ""},
    {"unmapped", "string", ""},
};
constexpr Column kPartitionColumns[] = {{"log_type", "string", ""},
                                        {"account", "string", ""},
                                        {"region", "string", ""},
                                        {"dt", "string", "event date, YYYY-MM-DD UTC"},
                                        {"hour", "string", "event hour, 00-23 UTC"}};

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string JsonStr(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

// Partition folder values found at `depth` under every folder of the level above (accounts under
// each log type; regions under each account).
void ReadValues(const lake::LakeStore& store, std::set<std::string>* accounts,
                std::set<std::string>* regions) {
  std::vector<lake::LakeEntry> types, accts, regs;
  if (!store.List("", &types).ok()) return;
  for (const lake::LakeEntry& t : types) {
    if (!t.folder || !t.name.starts_with("log_type=")) continue;
    if (!store.List(t.name + "/", &accts).ok()) continue;
    for (const lake::LakeEntry& a : accts) {
      if (!a.folder || !a.name.starts_with("account=")) continue;
      accounts->insert(a.name.substr(8));
      if (!store.List(t.name + "/" + a.name + "/", &regs).ok()) continue;
      for (const lake::LakeEntry& r : regs) {
        if (r.folder && r.name.starts_with("region=")) regions->insert(r.name.substr(7));
      }
    }
  }
}

}  // namespace

int RunRulesSql(const RulesSqlOptions& o, std::FILE* out, std::FILE* err) {
  RuleSqlOptions so;
  so.table = "\"" + o.database + "\".\"" + o.table + "\"";
  const TimeNs now = NowNs();
  for (const auto& [text, bound, name] :
       {std::tuple{&o.since, &so.since, "--since"}, std::tuple{&o.until, &so.until, "--until"}}) {
    if (text->empty()) continue;
    *bound = ParseTimeBound(*text, now);
    if (!*bound) {
      std::fprintf(err,
                   "fastpath rules sql: %s '%s' is not an RFC 3339 time, a date or a duration\n",
                   name, text->c_str());
      return 2;
    }
  }
  RuleSet set = LoadRules(o.rules);
  PrintRuleProblems(set, err);
  if (!set.problems.empty()) return 2;
  if (set.rules.empty()) {
    std::fprintf(err, "fastpath rules sql: no rule found\n");
    return 2;
  }
  int refused = 0;
  std::string sql;
  for (const auto& r : set.rules) {
    auto q = RuleToSql(*r, so);
    if (!q.ok()) {
      ++refused;
      std::fprintf(err, "fastpath rules sql: %s (%s): not translated: %s\n", r->id.c_str(),
                   r->where.c_str(), q.status().message().c_str());
      continue;
    }
    sql += (sql.empty() ? "" : "\n") + q.value();
  }
  std::fputs(sql.c_str(), out);
  if (refused > 0) {
    std::fprintf(err, "fastpath rules sql: %zu rules translated, %d refused\n",
                 set.rules.size() - static_cast<size_t>(refused), refused);
  }
  return refused > 0 ? 1 : 0;
}

int RunLakeDdl(const LakeDdlOptions& o, std::FILE* out, std::FILE* err) {
  auto loc = lake::ParseLakeLocation(o.lake);
  if (!loc.ok()) {
    std::fprintf(err, "fastpath lake ddl: %s\n", loc.status().message().c_str());
    return 2;
  }
  if (auto d = ParseTimeBound(o.since, NowNs()); !d || o.since.size() != 10) {
    std::fprintf(err, "fastpath lake ddl: --first-day '%s' is not YYYY-MM-DD\n", o.since.c_str());
    return 2;
  }
  for (const std::string& name : {o.database, o.table}) {
    if (name.empty() ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
      std::fprintf(err,
                   "fastpath lake ddl: '%s': Glue names are lower-case letters, digits and _\n",
                   name.c_str());
      return 2;
    }
  }
  // The values of the account and region partitions: named, and those the lake holds.
  std::set<std::string> accounts(o.accounts.begin(), o.accounts.end());
  std::set<std::string> regions(std::begin(kRegions), std::end(kRegions));
  std::unique_ptr<aws::AwsClient> client;
  if (loc.value().is_s3) client = MakeAwsClient(o.aws);
  if (auto store = lake::OpenLakeStore(loc.value(), client.get()); store.ok()) {
    ReadValues(*store.value(), &accounts, &regions);
  }
  const std::string location = loc.value().is_s3
                                   ? "s3://" + loc.value().bucket + "/" + loc.value().prefix
                                   : "s3://BUCKET/PREFIX/";
  if (!loc.value().is_s3) {
    std::fprintf(err,
                 "fastpath lake ddl: %s is a local folder: LOCATION says s3://BUCKET/PREFIX/; "
                 "replace it with where the lake is uploaded\n",
                 o.lake.c_str());
  }
  std::vector<std::string> log_types;  // "unknown" too: events no parser claimed
  for (int i = 0; i < kNumLogTypes; ++i) {
    log_types.emplace_back(LogTypeName(static_cast<LogType>(i)));
  }
  // Partition projection: Athena computes the partitions from these ranges and lists, so no
  // crawler and no MSCK REPAIR TABLE are needed.
  std::vector<std::pair<std::string, std::string>> props = {
      {"projection.enabled", "true"},
      {"projection.log_type.type", "enum"},
      {"projection.log_type.values", Join(log_types)},
  };
  if (accounts.empty()) {
    props.emplace_back("projection.account.type", "injected");
  } else {
    props.emplace_back("projection.account.type", "enum");
    props.emplace_back("projection.account.values",
                       Join(std::vector<std::string>(accounts.begin(), accounts.end())));
  }
  props.emplace_back("projection.region.type", "enum");
  props.emplace_back("projection.region.values",
                     Join(std::vector<std::string>(regions.begin(), regions.end())));
  props.emplace_back("projection.dt.type", "date");
  props.emplace_back("projection.dt.format", "yyyy-MM-dd");
  props.emplace_back("projection.dt.range", o.since + ",NOW");
  props.emplace_back("projection.dt.interval", "1");
  props.emplace_back("projection.dt.interval.unit", "DAYS");
  props.emplace_back("projection.hour.type", "integer");
  props.emplace_back("projection.hour.range", "0,23");
  props.emplace_back("projection.hour.digits", "2");
  props.emplace_back("storage.location.template",
                     location +
                         "log_type=${log_type}/account=${account}/region=${region}/dt=${dt}/"
                         "hour=${hour}/");
  props.emplace_back("classification", "json");
  props.emplace_back("compressionType", "gzip");
  const bool ocsf = o.lake_format == "ocsf";
  const std::vector<Column> columns =
      ocsf ? std::vector<Column>(std::begin(kOcsfColumns), std::end(kOcsfColumns))
           : std::vector<Column>(std::begin(kEventColumns), std::end(kEventColumns));
  const char* serde = "org.openx.data.jsonserde.JsonSerDe";
  const char* input_format = "org.apache.hadoop.mapred.TextInputFormat";
  const char* output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";

  std::string s;
  if (o.format == "athena") {
    s += "-- fastpath lake table: one row per event, partitioned as the lake's folders are.\n";
    if (accounts.empty()) {
      s += "-- No account found in the lake and none given (--accounts): the account partition "
           "is injected,\n-- so every query must name it: WHERE account = '123456789012'.\n";
    }
    s += "CREATE EXTERNAL TABLE IF NOT EXISTS `" + o.database + "`.`" + o.table + "` (\n";
    for (size_t i = 0; i < columns.size(); ++i) {
      s += std::string("  `") + columns[i].name + "` " + columns[i].type;
      if (*columns[i].comment != 0) s += std::string(" COMMENT '") + columns[i].comment + "'";
      s += i + 1 < columns.size() ? ",\n" : "\n";
    }
    s += ")\nPARTITIONED BY (\n";
    for (size_t i = 0; i < std::size(kPartitionColumns); ++i) {
      s += std::string("  `") + kPartitionColumns[i].name + "` " + kPartitionColumns[i].type;
      s += i + 1 < std::size(kPartitionColumns) ? ",\n" : "\n";
    }
    s += std::string(")\nROW FORMAT SERDE '") + serde + "'\n";
    s += "WITH SERDEPROPERTIES ('ignore.malformed.json' = 'true')\n";
    s += std::string("STORED AS INPUTFORMAT '") + input_format + "'\n";
    s += std::string("OUTPUTFORMAT '") + output_format + "'\n";
    s += "LOCATION '" + location + "'\n";
    s += "TBLPROPERTIES (\n";
    for (size_t i = 0; i < props.size(); ++i) {
      s += "  '" + props[i].first + "' = '" + props[i].second + "'";
      s += i + 1 < props.size() ? ",\n" : "\n";
    }
    s += ");\n";
  } else {
    auto cols = [](const std::vector<Column>& v) {
      std::string c = "[";
      for (size_t i = 0; i < v.size(); ++i) {
        c += std::string(i ? ", " : "") + "{\"Name\": " + JsonStr(v[i].name) +
             ", \"Type\": " + JsonStr(v[i].type);
        if (*v[i].comment != 0) c += ", \"Comment\": " + JsonStr(v[i].comment);
        c += "}";
      }
      return c + "]";
    };
    s += "{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n";
    s += "  \"Description\": \"fastpath lake table (partition projection: no crawler)\",\n";
    s += "  \"Resources\": {\n    \"FastpathLakeTable\": {\n";
    s += "      \"Type\": \"AWS::Glue::Table\",\n      \"Properties\": {\n";
    s += "        \"CatalogId\": {\"Ref\": \"AWS::AccountId\"},\n";
    s += "        \"DatabaseName\": " + JsonStr(o.database) + ",\n";
    s += "        \"TableInput\": {\n";
    s += "          \"Name\": " + JsonStr(o.table) + ",\n";
    s += "          \"TableType\": \"EXTERNAL_TABLE\",\n";
    s += "          \"Parameters\": {";
    for (size_t i = 0; i < props.size(); ++i) {
      s += std::string(i ? ", " : "") + "\n            " + JsonStr(props[i].first) + ": " +
           JsonStr(props[i].second);
    }
    s += "\n          },\n";
    s += "          \"PartitionKeys\": " +
         cols(std::vector<Column>(std::begin(kPartitionColumns), std::end(kPartitionColumns))) +
         ",\n";
    s += "          \"StorageDescriptor\": {\n";
    s += "            \"Columns\": " + cols(columns) + ",\n";
    s += "            \"Location\": " + JsonStr(location) + ",\n";
    s += std::string("            \"InputFormat\": ") + JsonStr(input_format) + ",\n";
    s += std::string("            \"OutputFormat\": ") + JsonStr(output_format) + ",\n";
    s += "            \"Compressed\": true,\n";
    s += std::string("            \"SerdeInfo\": {\"SerializationLibrary\": ") + JsonStr(serde) +
         ", \"Parameters\": {\"ignore.malformed.json\": \"true\"}}\n";
    s += "          }\n        }\n      }\n    }\n  }\n}\n";
  }
  std::fputs(s.c_str(), out);
  return 0;
}

namespace {

struct CompactStats {
  uint64_t partitions = 0, merged_partitions = 0, objects_in = 0, objects_out = 0, events = 0,
           duplicates = 0, unparsed_lines = 0, bytes_in = 0, bytes_out = 0, skipped_objects = 0;
};

// The id a line is de-duplicated on: the canonical `id`, or an OCSF object's metadata.uid; empty
// when the line has neither (it is kept as it is).
std::string LineId(simdjson::dom::parser& parser, std::string_view line) {
  simdjson::dom::element doc;
  if (parser.parse(line.data(), line.size()).get(doc)) return {};
  std::string_view id;
  if (!doc["id"].get_string().get(id)) return std::string(id);
  if (!doc["metadata"]["uid"].get_string().get(id)) return std::string(id);
  return {};
}

}  // namespace

int RunLakeCompact(const LakeCompactOptions& o, std::FILE* out, std::FILE* err) {
  const TimeNs now = NowNs();
  auto filter = MakeLakeFilter(o.filter, now);
  if (!filter.ok()) {
    std::fprintf(err, "fastpath lake compact: %s\n", filter.status().message().c_str());
    return 2;
  }
  auto min_age = ParseDuration(o.min_age);
  if (!min_age) {
    std::fprintf(err, "fastpath lake compact: --min-age '%s' is not a duration\n",
                 o.min_age.c_str());
    return 2;
  }
  auto loc = lake::ParseLakeLocation(o.lake);
  if (!loc.ok()) {
    std::fprintf(err, "fastpath lake compact: %s\n", loc.status().message().c_str());
    return 2;
  }
  std::unique_ptr<aws::AwsClient> client;
  if (loc.value().is_s3) client = MakeAwsClient(o.aws);
  auto opened = lake::OpenLakeStore(loc.value(), client.get());
  if (!opened.ok()) {
    std::fprintf(err, "fastpath lake compact: %s\n", opened.status().message().c_str());
    return 2;
  }
  const lake::LakeStore& store = *opened.value();
  lake::LakeListing listing;
  if (Status st = lake::ListLake(store, filter.value(), &listing); !st.ok()) {
    std::fprintf(err, "fastpath lake compact: %s\n", st.message().c_str());
    return 1;
  }
  for (const lake::LakeProblem& p : listing.problems) {
    std::fprintf(err, "fastpath lake compact: %s: %s\n", p.where.c_str(), p.reason.c_str());
  }
  // Objects by partition folder, in key order.
  std::map<std::string, std::vector<const lake::LakeObjectRef*>> partitions;
  for (const lake::LakeObjectRef& r : listing.objects) {
    if (r.modified != 0 && r.modified > now - *min_age) continue;  // its writer's, for now
    partitions[r.key.substr(0, r.key.rfind('/') + 1)].push_back(&r);
  }
  CompactStats st;
  bool failed = false;
  simdjson::dom::parser parser;
  const size_t target = o.target_mib << 20;
  for (auto& [prefix, objects] : partitions) {
    ++st.partitions;
    std::sort(objects.begin(), objects.end(),
              [](const auto* a, const auto* b) { return a->key < b->key; });
    // One object is already compact unless it holds duplicates; it is rewritten only when it
    // does (found while reading).
    std::unordered_set<std::string> seen;
    std::vector<std::string> parts(1);
    std::vector<const lake::LakeObjectRef*> consumed;
    uint64_t dups = 0, events = 0, unparsed = 0;
    std::string names;
    for (const lake::LakeObjectRef* r : objects) {
      std::string body;
      uint64_t obj_dups = 0, obj_events = 0, obj_unparsed = 0;
      std::unordered_set<std::string> ids;
      Status rs = lake::ReadLakeObject(store, r->key, [&](std::string_view line) {
        std::string id = LineId(parser, line);
        if (id.empty()) {
          ++obj_unparsed;  // kept: compaction never drops what it cannot read
        } else if (seen.count(id) != 0 || !ids.insert(std::move(id)).second) {
          ++obj_dups;
          return;
        }
        ++obj_events;
        body.append(line);
        body.push_back('\n');
      });
      if (!rs.ok()) {
        // Left where it is, whole: a truncated object's readable part is not worth losing the
        // rest's chance of a repair.
        ++st.skipped_objects;
        failed = true;
        std::fprintf(err, "fastpath lake compact: %s (left as it is)\n", rs.message().c_str());
        continue;
      }
      seen.merge(ids);
      dups += obj_dups;
      events += obj_events;
      unparsed += obj_unparsed;
      consumed.push_back(r);
      names += r->key + "\n";
      if (parts.back().size() + body.size() > target && !parts.back().empty()) {
        parts.emplace_back();
      }
      parts.back() += body;
    }
    // Done already: one object, or only the outputs of an earlier compaction, and no duplicate.
    const bool all_compacted = std::all_of(consumed.begin(), consumed.end(), [](const auto* r) {
      return r->key.substr(r->key.rfind('/') + 1).starts_with("compacted-");
    });
    if (consumed.empty() || ((consumed.size() == 1 || all_compacted) && dups == 0)) continue;
    ++st.merged_partitions;
    st.objects_in += consumed.size();
    st.duplicates += dups;
    st.events += events;
    st.unparsed_lines += unparsed;
    for (const auto* r : consumed) st.bytes_in += r->size;
    if (o.dry_run) {
      std::fprintf(out, "%s: %zu objects -> %zu, %llu duplicates\n", prefix.c_str(),
                   consumed.size(), parts.size(), static_cast<unsigned long long>(dups));
      st.objects_out += parts.size();
      continue;
    }
    // The merged objects are named after the set they replace, so a rerun after a kill writes
    // the same names; they are written before any input is deleted, so a kill between leaves
    // duplicates (which the next run drops), never a gap.
    const std::string tag = Sha256Hex(names).substr(0, 16);
    bool wrote_all = true;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (parts[i].empty()) continue;
      const std::string key =
          prefix + "compacted-" + tag + "-" + std::to_string(i) + std::string(lake::kObjectSuffix);
      const std::string gz = GzipCompress(parts[i]);
      if (Status ws = store.Write(key, gz); !ws.ok()) {
        std::fprintf(err, "fastpath lake compact: %s\n", ws.message().c_str());
        wrote_all = false;
        failed = true;
        break;
      }
      ++st.objects_out;
      st.bytes_out += gz.size();
    }
    if (!wrote_all) continue;
    const std::string self_prefix = prefix + "compacted-" + tag + "-";
    for (const auto* r : consumed) {
      if (r->key.starts_with(self_prefix)) continue;  // a rerun: this is the output itself
      if (Status ds = store.Remove(r->key); !ds.ok()) {
        std::fprintf(err, "fastpath lake compact: %s\n", ds.message().c_str());
        failed = true;
      }
    }
  }
  std::fprintf(
      err,
      "fastpath lake compact: %llu partitions read, %llu compacted: %llu objects -> "
      "%llu, %llu events kept, %llu duplicates dropped, %.1f MB -> %.1f MB%s\n",
      static_cast<unsigned long long>(st.partitions),
      static_cast<unsigned long long>(st.merged_partitions),
      static_cast<unsigned long long>(st.objects_in),
      static_cast<unsigned long long>(st.objects_out), static_cast<unsigned long long>(st.events),
      static_cast<unsigned long long>(st.duplicates), static_cast<double>(st.bytes_in) / 1e6,
      static_cast<double>(st.bytes_out) / 1e6, o.dry_run ? " (dry run: nothing changed)" : "");
  if (st.unparsed_lines > 0) {
    std::fprintf(err, "fastpath lake compact: %llu lines without an id kept as they were\n",
                 static_cast<unsigned long long>(st.unparsed_lines));
  }
  return failed ? 1 : 0;
}

}  // namespace fastpath
