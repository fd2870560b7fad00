// Bad input: each kind produces a clear message naming the file and offset, is counted by reason,
// and the rest of the input is still processed; the process never crashes.
#include <gtest/gtest.h>

#include <set>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "decode/byte_reader.h"
#include "decode/envelope_encoder.h"
#include "test_support.h"

namespace fastpath::testing {
namespace {

std::string Record(int n) {
  return R"({"eventVersion":"1.08","eventTime":"2024-01-01T00:00:0)" + std::to_string(n % 10) +
         R"(Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","eventID":"id-)" +
         std::to_string(n) + R"(","recipientAccountId":"123456789012"})";
}

bool HasMessage(const RunResult& r, const std::string& file, const std::string& what) {
  for (const auto& m : r.messages) {
    if (m.find(file) != std::string::npos && m.find(what) != std::string::npos) return true;
  }
  return false;
}

std::string Dump(const RunResult& r) {
  std::string s;
  for (const auto& m : r.messages) s += m + "\n";
  return s;
}

TEST(BadInput, EachKindIsReportedCountedAndTheRestKept) {
  TempDir dir;
  // A good file that must come through whatever happens around it.
  dir.Write("good.json", EncodeCloudTrailLogFile({Record(1)}));
  // Truncated gzip: the records before the cut still come out.
  std::vector<std::string> many;
  for (int i = 100; i < 400; ++i) many.push_back(Record(i) + std::string(200, ' '));
  std::string gz = GzipCompress(EncodeCloudTrailLogFile(many), 1);
  gz.resize(gz.size() * 2 / 3);
  const std::string truncated = dir.Write("truncated.json.gz", gz);
  // Invalid JSON among NDJSON lines.
  const std::string invalid =
      dir.Write("invalid.ndjson", Record(2) + "\n{\"eventVersion\": nope}\n" + Record(3) + "\n");
  // Records that are not objects.
  const std::string not_object =
      dir.Write("not_object.json", "{\"Records\":[" + Record(4) + ",\"a string\",42,[1]]}");
  // A 100 MB line, between two good lines.
  const std::string huge =
      dir.Write("huge.ndjson", Record(5) + "\n{\"x\":\"" + std::string(100u << 20, 'a') + "\"}\n" +
                                   Record(6) + "\n");
  // 20,000-deep nesting.
  const std::string deep =
      dir.Write("deep.json", "{\"Records\":[" + std::string(20000, '[') + std::string(20000, ']') +
                                 "," + Record(7) + "]}");
  // Invalid UTF-8 in a record.
  const std::string utf8 = dir.Write(
      "utf8.ndjson",
      "{\"eventVersion\":\"1\",\"eventID\":\"\xff\xfe\",\"eventTime\":\"2024-01-01T00:00:00Z\"}\n" +
          Record(8) + "\n");
  // Empty file.
  const std::string empty = dir.Write("empty.json", "");
  // An input that cannot be opened: a socket (open fails even for root, unlike chmod 000).
  const std::string sock = dir.path() + "/unreadable.sock";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);

  ScanOptions o;
  o.limits.max_document_bytes = 64u << 20;
  RunResult r = RunPipeline(
      {dir.path() + "/good.json", truncated, invalid, not_object, huge, deep, utf8, empty, sock},
      o);
  ::close(fd);

  const PipelineCounters& c = r.pipeline->counters();
  EXPECT_EQ(c.drops(DropReason::kTruncatedGzip), 1u) << Dump(r);
  EXPECT_TRUE(HasMessage(r, truncated, "gzip stream ends before the end of its member")) << Dump(r);
  EXPECT_EQ(c.drops(DropReason::kInvalidJson), 1u) << Dump(r);
  EXPECT_TRUE(HasMessage(r, invalid, "offset 195: invalid JSON")) << Dump(r);
  EXPECT_EQ(c.drops(DropReason::kNotAnObject), 3u) << Dump(r);
  EXPECT_TRUE(HasMessage(r, not_object, "Records element is not an object")) << Dump(r);
  EXPECT_EQ(c.drops(DropReason::kTooLarge), 1u) << Dump(r);
  EXPECT_TRUE(HasMessage(r, huge, "larger than the limit")) << Dump(r);
  EXPECT_EQ(c.drops(DropReason::kTooDeep), 1u) << Dump(r);
  EXPECT_TRUE(HasMessage(r, deep, "offset 12")) << Dump(r);
  EXPECT_EQ(c.drops(DropReason::kInvalidUtf8), 1u) << Dump(r);
  EXPECT_TRUE(HasMessage(r, utf8, "offset 0")) << Dump(r);
  EXPECT_EQ(c.drops(DropReason::kEmptyInput), 1u) << Dump(r);
  EXPECT_TRUE(HasMessage(r, empty, "input is empty")) << Dump(r);
  EXPECT_EQ(c.drops(DropReason::kUnreadable), 1u) << Dump(r);
  EXPECT_TRUE(HasMessage(r, sock, "unreadable.sock")) << Dump(r);
  EXPECT_EQ(r.summary.unreadable_inputs, 1u);

  std::set<std::string> ids;
  for (const Event& e : r.events) ids.insert(e.id);
  for (int i : {1, 2, 3, 4, 5, 6, 7, 8})
    EXPECT_TRUE(ids.count("id-" + std::to_string(i))) << "id-" << i << "\n" << Dump(r);
  size_t before_cut = 0;
  for (int i = 100; i < 400; ++i) before_cut += ids.count("id-" + std::to_string(i));
  EXPECT_GT(before_cut, 50u) << "records before the truncation point must come out";
  EXPECT_LT(before_cut, 300u);
}

}  // namespace
}  // namespace fastpath::testing
