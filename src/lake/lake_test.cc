#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "decode/byte_reader.h"
#include "lake/event_filter.h"
#include "lake/lake_layout.h"
#include "lake/lake_reader.h"
#include "lake/lake_writer.h"

namespace fastpath::lake {
namespace {

namespace fs = std::filesystem;

Event MakeEvent(std::string id, std::string account, std::string region, const char* time) {
  Event e;
  e.log_type = LogType::kCloudTrail;
  e.path = DeliveryPath::kS3;
  e.account = std::move(account);
  e.region = std::move(region);
  e.time = *ParseRfc3339(time);
  e.received = e.time + 300 * kNsPerSec;
  e.id = id;
  e.json = R"({"eventID":")" + id + R"(","eventName":"ConsoleLogin","userIdentity":{"arn":"a"}})";
  return e;
}

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("fastpath-lake-test-" + std::to_string(::getpid()) + "-" + std::to_string(++n_));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string operator/(const std::string& s) const { return (path_ / s).string(); }
  const fs::path& path() const { return path_; }

 private:
  static inline int n_ = 0;
  fs::path path_;
};

std::shared_ptr<const LakeStore> LocalStore(const std::string& dir) {
  return std::shared_ptr<const LakeStore>(
      OpenLakeStore(ParseLakeLocation(dir).value(), nullptr).value().release());
}

std::vector<std::string> AllLines(const LakeStore& store, LakeListing* listing = nullptr) {
  LakeListing l;
  EXPECT_TRUE(ListLake(store, LakeFilter(), &l).ok());
  std::vector<std::string> lines;
  for (const LakeObjectRef& r : l.objects) {
    EXPECT_TRUE(
        ReadLakeObject(store, r.key, [&](std::string_view s) { lines.emplace_back(s); }).ok());
  }
  if (listing != nullptr) *listing = l;
  return lines;
}

LakeWriterOptions Options(const TempDir& dir, const char* writer_id, const char* spool = "spool") {
  LakeWriterOptions o;
  o.spool_dir = dir / spool;
  o.writer_id = writer_id;
  return o;
}

TEST(LakeLayout, PartitionOfAnEvent) {
  std::string p;
  AppendPartitionPrefix(MakeEvent("a", "111122223333", "eu-west-1", "2024-03-01T10:15:00Z"), &p);
  EXPECT_EQ(p,
            "log_type=aws.cloudtrail/account=111122223333/region=eu-west-1/dt=2024-03-01/hour=10/");
  p.clear();
  AppendPartitionPrefix(MakeEvent("a", "", "x/y=z", "1999-12-31T23:59:59Z"), &p);
  EXPECT_EQ(p, "log_type=aws.cloudtrail/account=unknown/region=x%2Fy%3Dz/dt=1999-12-31/hour=23/");
}

TEST(LakeLayout, ParsesKeysAndNamesWhatIsWrong) {
  Partition part;
  std::string_view object;
  ASSERT_TRUE(ParsePartitionKey("log_type=aws.vpcflow/account=1/region=us-east-1/dt=2024-02-29/"
                                "hour=07/w-00000001.json.gz",
                                &part, &object)
                  .ok());
  EXPECT_EQ(part.log_type, "aws.vpcflow");
  EXPECT_EQ(part.dt, "2024-02-29");
  EXPECT_EQ(part.hour, 7);
  EXPECT_EQ(object, "w-00000001.json.gz");
  EXPECT_EQ(part.Start(), *ParseRfc3339("2024-02-29T07:00:00Z"));
  Status st = ParsePartitionFolder("dt=2024-13-01", 3, &part);
  EXPECT_NE(st.message().find("is not a date"), std::string::npos) << st.message();
  st = ParsePartitionFolder("hour=24", 4, &part);
  EXPECT_NE(st.message().find("is not an hour"), std::string::npos) << st.message();
  st = ParsePartitionFolder("acct=1", 1, &part);
  EXPECT_EQ(st.message(), "folder 'acct=1' should be account=VALUE");
  EXPECT_EQ(ObjectName("w", 42), "w-00000042.json.gz");
  EXPECT_FALSE(ParseLakeLocation("http://x").ok());
  auto s3 = ParseLakeLocation("s3://bkt/some/prefix");
  ASSERT_TRUE(s3.ok());
  EXPECT_EQ(s3.value().bucket, "bkt");
  EXPECT_EQ(s3.value().prefix, "some/prefix/");
}

TEST(LakeWriter, WritesEachEventOnceIntoItsPartitionAndReadsBack) {
  TempDir dir;
  auto store = LocalStore(dir / "lake");
  LakeWriterOptions o = Options(dir, "w1");
  auto w = LakeWriter::Open(store, o);
  ASSERT_TRUE(w.ok()) << w.status().message();
  w.value()->Write(MakeEvent("e1", "111122223333", "us-east-1", "2024-03-01T10:00:00Z"));
  w.value()->Write(MakeEvent("e2", "111122223333", "us-east-1", "2024-03-01T10:59:59Z"));
  w.value()->Write(MakeEvent("e3", "444455556666", "us-east-1", "2024-03-01T11:00:00Z"));
  ASSERT_TRUE(w.value()->Commit().ok());
  ASSERT_TRUE(w.value()->Close().ok());
  EXPECT_EQ(w.value()->stats().objects, 2u);
  EXPECT_FALSE(fs::exists(dir / "spool")) << "the spool goes once everything is shipped";
  LakeListing listing;
  const auto lines = AllLines(*store, &listing);
  ASSERT_EQ(lines.size(), 3u);
  ASSERT_EQ(listing.objects.size(), 2u);
  EXPECT_EQ(listing.objects[0].key,
            "log_type=aws.cloudtrail/account=111122223333/region=us-east-1/dt=2024-03-01/"
            "hour=10/w1-00000000.json.gz");
  simdjson::dom::parser parser;
  Event e;
  simdjson::dom::element record;
  ASSERT_TRUE(ParseLakeLine(parser, lines[0], &e, &record).ok());
  EXPECT_EQ(e.id, "e1");
  EXPECT_EQ(e.account, "111122223333");
  EXPECT_EQ(e.path, DeliveryPath::kS3);
  EXPECT_EQ(std::string(record["eventName"].get_string().value()), "ConsoleLogin");
}

TEST(LakeWriter, ObjectsCloseBySizeAndWhenTooManyAreOpen) {
  TempDir dir;
  auto store = LocalStore(dir / "lake");
  LakeWriterOptions o = Options(dir, "w");
  o.max_object_bytes = 1000;  // about four events
  o.max_open_objects = 2;
  auto w = LakeWriter::Open(store, o).value();
  for (int i = 0; i < 20; ++i) {
    w->Write(MakeEvent("s" + std::to_string(i), "1", "us-east-1", "2024-03-01T10:00:00Z"));
  }
  ASSERT_TRUE(w->Close().ok());
  LakeListing listing;
  EXPECT_EQ(AllLines(*store, &listing).size(), 20u);
  ASSERT_GE(listing.objects.size(), 4u) << "20 lines of about 250 bytes, 1000 bytes an object";
  for (const LakeObjectRef& r : listing.objects) {
    int lines = 0;
    ASSERT_TRUE(ReadLakeObject(*store, r.key, [&](std::string_view) { ++lines; }).ok());
    EXPECT_LE(lines, 5);
  }
  // Three partitions, two open at most: going back to the first opens a second object there.
  TempDir dir2;
  auto store2 = LocalStore(dir2 / "lake");
  o.spool_dir = dir2 / "spool";
  o.max_object_bytes = 1 << 20;
  auto w2 = LakeWriter::Open(store2, o).value();
  int n = 0;
  for (int h : {0, 1, 2, 0}) {
    w2->Write(MakeEvent("h" + std::to_string(n++), "2", "us-east-1",
                        ("2024-03-01T1" + std::to_string(h) + ":00:00Z").c_str()));
  }
  ASSERT_TRUE(w2->Close().ok());
  EXPECT_EQ(AllLines(*store2, &listing).size(), 4u);
  EXPECT_EQ(listing.objects.size(), 4u);
}

TEST(LakeWriter, AnObjectPastItsAgeShipsWithoutMoreEvents) {
  TempDir dir;
  auto store = LocalStore(dir / "lake");
  LakeWriterOptions o = Options(dir, "w");
  o.max_age = 200 * kNsPerMs;
  auto w = LakeWriter::Open(store, o).value();
  w->Write(MakeEvent("quiet", "1", "us-east-1", "2024-03-01T10:00:00Z"));
  ASSERT_TRUE(w->Commit().ok());
  // The shipping thread looks once a second; a loaded machine may take longer.
  for (int i = 0; i < 300 && w->stats().objects == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(w->stats().objects, 1u);
  EXPECT_EQ(AllLines(*store).size(), 1u);
  ASSERT_TRUE(w->Close().ok());
}

TEST(LakeWriter, ShipsWhatADeadWritersSpoolHeldUnderItsName) {
  TempDir dir;
  auto store = LocalStore(dir / "lake");
  // A writer killed after committing two lines and half a third: its spool file stays, its lock
  // is free.
  const std::string prefix =
      "log_type=aws.cloudtrail/account=1/region=us-east-1/dt=2024-03-01/hour=10/";
  fs::create_directories(dir.path() / "spool" / "dead" / prefix);
  std::string line1, line2;
  AppendEventJsonLine(MakeEvent("d1", "1", "us-east-1", "2024-03-01T10:00:00Z"), &line1);
  AppendEventJsonLine(MakeEvent("d2", "1", "us-east-1", "2024-03-01T10:00:01Z"), &line2);
  std::ofstream(dir / ("spool/dead/" + prefix + "dead-00000003.ndjson"))
      << line1 << line2 << line2.substr(0, 40);
  LakeWriterOptions o = Options(dir, "live");
  auto w = LakeWriter::Open(store, o).value();
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(w->stats().recovered, 1u);
  EXPECT_TRUE(fs::exists(dir / ("lake/" + prefix + "dead-00000003.json.gz")));
  const auto lines = AllLines(*store);
  ASSERT_EQ(lines.size(), 2u) << "the half line was never acknowledged";
  EXPECT_EQ(lines[1] + "\n", line2);
}

TEST(LakeWriter, ASecondWriterCannotTakeALiveSpool) {
  TempDir dir;
  auto store = LocalStore(dir / "lake");
  LakeWriterOptions o = Options(dir, "same");
  auto a = LakeWriter::Open(store, o);
  ASSERT_TRUE(a.ok());
  auto b = LakeWriter::Open(store, o);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("held by another process"), std::string::npos);
}

TEST(LakeWriter, CommitFailsWhenTheSpoolCannotBeWritten) {
  TempDir dir;
  auto store = LocalStore(dir / "lake");
  LakeWriterOptions o = Options(dir, "w");
  auto w = LakeWriter::Open(store, o).value();
  // A file where the partition's spool folder must go: the spool file cannot be created.
  std::ofstream(dir / "spool/w/log_type=aws.cloudtrail") << "in the way";
  w->Write(MakeEvent("x", "1", "us-east-1", "2024-03-01T10:00:00Z"));
  Status st = w->Commit();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("lake spool"), std::string::npos) << st.message();
  fs::remove(dir / "spool/w/log_type=aws.cloudtrail");
  EXPECT_TRUE(w->Commit().ok()) << "the lines were kept and are written on the next commit";
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(AllLines(*store).size(), 1u);
  EXPECT_GE(w->stats().spool_failures, 1u);
}

TEST(LakeReader, PrunesByFolderAndReportsWhatDoesNotBelong) {
  TempDir dir;
  auto store = LocalStore(dir / "lake");
  LakeWriterOptions o = Options(dir, "w", "lake/_spool");
  auto w = LakeWriter::Open(store, o).value();
  for (const char* acct : {"111111111111", "222222222222"}) {
    for (int day = 1; day <= 3; ++day) {
      w->Write(MakeEvent(std::string(acct) + std::to_string(day), acct, "us-east-1",
                         ("2024-03-0" + std::to_string(day) + "T12:00:00Z").c_str()));
    }
  }
  ASSERT_TRUE(w->Close().ok());
  // What does not belong.
  fs::create_directories(dir.path() / "lake/log_type=aws.cloudtrail/acct=3");
  std::ofstream(dir / "lake/log_type=aws.cloudtrail/README.txt") << "hello";
  const std::string hour =
      "lake/log_type=aws.cloudtrail/account=111111111111/region=us-east-1/dt=2024-03-02/hour=12/";
  std::ofstream(dir / (hour + "notes.csv")) << "a,b";
  {
    std::string gz = GzipCompress("{\"log_type\":\"aws.cloudtrail\"}\n");
    std::ofstream(dir / (hour + "cut.json.gz"), std::ios::binary) << gz.substr(0, gz.size() - 6);
  }
  LakeFilter f;
  f.accounts = {"111111111111"};
  f.since = *ParseRfc3339("2024-03-02T00:00:00Z");
  f.until = *ParseRfc3339("2024-03-03T00:00:00Z");
  LakeListing listing;
  ASSERT_TRUE(ListLake(*store, f, &listing).ok());
  ASSERT_EQ(listing.objects.size(), 2u);  // the day's object and the truncated one
  std::vector<std::string> problems;
  for (const LakeProblem& p : listing.problems) problems.push_back(p.where + ": " + p.reason);
  ASSERT_EQ(problems.size(), 3u) << ::testing::PrintToString(problems);
  auto reported = [&](std::string_view what) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const std::string& p) { return p.find(what) != std::string::npos; });
  };
  EXPECT_TRUE(reported("acct=3/: folder 'acct=3' should be account=VALUE"));
  EXPECT_TRUE(reported("README.txt: a file where a account= partition folder belongs"));
  EXPECT_TRUE(reported("notes.csv: not a lake object"));
  int lines = 0;
  Status truncated;
  for (const LakeObjectRef& r : listing.objects) {
    Status st = ReadLakeObject(*store, r.key, [&](std::string_view) { ++lines; });
    if (!st.ok()) truncated = st;
  }
  EXPECT_EQ(lines, 2) << "the day's event, and the line before the cut";
  EXPECT_NE(truncated.message().find("cut.json.gz"), std::string::npos) << truncated.message();
  EXPECT_LT(listing.folders_listed, 12u) << "the other account and days are not listed";
}

TEST(EventFilter, EventsWithoutAnAccountAreFoundAsUnknown) {
  LakeFilter f;
  f.accounts = {"unknown"};
  auto filter = EventFilter::Make(f, {"eventName=Console*"});
  ASSERT_TRUE(filter.ok());
  Event e = MakeEvent("x", "", "us-east-1", "2024-03-01T10:00:00Z");
  simdjson::dom::parser parser;
  std::string scratch;
  EXPECT_TRUE(filter.value().Matches(e, parser.parse(e.json).value(), &scratch));
  e.account = "111122223333";
  EXPECT_FALSE(filter.value().MatchesCanonical(e));
  EXPECT_FALSE(EventFilter::Make({}, {"no-equals-sign"}).ok());
}

TEST(LakeReader, LineErrorsNameTheColumn) {
  simdjson::dom::parser parser;
  Event e;
  simdjson::dom::element record;
  EXPECT_EQ(ParseLakeLine(parser, "nope", &e, &record).message().substr(0, 8), "not JSON");
  EXPECT_EQ(
      ParseLakeLine(parser, R"({"log_type":"aws.cloudtrail","path":"s3"})", &e, &record).message(),
      "no 'account' column");
  EXPECT_EQ(ParseLakeLine(parser, R"({"class_uid":3002,"time":1})", &e, &record).code(),
            Status::Code::kUnsupported);
}

}  // namespace
}  // namespace fastpath::lake
