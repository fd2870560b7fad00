#include "decode/document_splitter.h"

#include <gtest/gtest.h>

namespace fastpath {
namespace {

struct Split {
  std::vector<std::string> docs;
  std::vector<bool> in_records;
  std::vector<uint64_t> offsets;
  std::vector<SplitProblem> problems;
  std::vector<bool> text;
};

Split SplitAll(const std::string& input, size_t chunk = 1 << 20, size_t max_doc = 1 << 20) {
  MemoryReader reader(input);
  DocumentSplitter::Options o;
  o.read_chunk = chunk;
  o.max_document_bytes = max_doc;
  DocumentSplitter s(&reader, o);
  Split out;
  Document d;
  SplitProblem p;
  for (;;) {
    auto step = s.Next(&d, &p);
    if (step == DocumentSplitter::Step::kEnd) break;
    if (step == DocumentSplitter::Step::kProblem) {
      out.problems.push_back(p);
      continue;
    }
    out.docs.emplace_back(d.bytes);
    out.in_records.push_back(d.in_records);
    out.offsets.push_back(d.offset);
    out.text.push_back(d.kind == Document::Kind::kTextLine);
  }
  return out;
}

TEST(DocumentSplitter, StreamsRecordsArrayElements) {
  const std::string in = R"({"Records":[{"a":"x,]}"},{"b":[1,{"c":"\"}"}]} ,{"d":2}]})";
  for (size_t chunk : {1, 2, 3, 7, 4096}) {
    Split s = SplitAll(in, chunk);
    ASSERT_EQ(s.docs.size(), 3u) << "chunk " << chunk;
    EXPECT_EQ(s.docs[0], R"({"a":"x,]}"})");
    EXPECT_EQ(s.docs[1], R"({"b":[1,{"c":"\"}"}]})");
    EXPECT_EQ(s.docs[2], R"({"d":2})");
    EXPECT_TRUE(s.in_records[0]);
    EXPECT_EQ(s.offsets[0], 12u);
    EXPECT_TRUE(s.problems.empty());
  }
}

TEST(DocumentSplitter, BackslashAtAChunkBoundary) {
  const std::string in = R"({"Records":[{"k":"a\\"},{"k":"b\"c"}]})";
  for (size_t chunk = 1; chunk < 12; ++chunk) {
    Split s = SplitAll(in, chunk);
    ASSERT_EQ(s.docs.size(), 2u) << chunk;
    EXPECT_EQ(s.docs[0], R"({"k":"a\\"})");
    EXPECT_EQ(s.docs[1], R"({"k":"b\"c"})");
  }
}

TEST(DocumentSplitter, PrettyPrintedRecordsWithWhitespace) {
  Split s = SplitAll("\xEF\xBB\xBF  {\n  \"Records\" :\n [\n {\"a\": 1},\n {\"b\": 2}\n ]\n}\n");
  ASSERT_EQ(s.docs.size(), 2u);
  EXPECT_EQ(s.docs[1], "{\"b\": 2}");
}

TEST(DocumentSplitter, ExtraKeysAfterRecordsAreSkipped) {
  Split s = SplitAll(R"({"Records":[{"a":1}],"other":{"x":[1,2]}}{"next":true})");
  ASSERT_EQ(s.docs.size(), 2u);
  EXPECT_EQ(s.docs[1], R"({"next":true})");
}

TEST(DocumentSplitter, OtherObjectsAreWholeDocuments) {
  Split s = SplitAll(R"({"messageType":"DATA_MESSAGE","logEvents":[{"id":"1"}]})");
  ASSERT_EQ(s.docs.size(), 1u);
  EXPECT_FALSE(s.in_records[0]);
}

TEST(DocumentSplitter, TopLevelArrayElements) {
  Split s = SplitAll(" [ {\"a\":1} , {\"b\":2} ] ");
  ASSERT_EQ(s.docs.size(), 2u);
  EXPECT_FALSE(s.in_records[0]);
}

TEST(DocumentSplitter, NdjsonBadLineCostsOnlyThatLine) {
  Split s = SplitAll("{\"a\":1}\n{\"b\": tru\n{\"c\":3}\n\n{\"d\":\"unclosed\n{\"e\":5}");
  ASSERT_EQ(s.docs.size(), 5u);
  EXPECT_EQ(s.docs[1], "{\"b\": tru");  // handed on; the JSON parser rejects it
  EXPECT_EQ(s.docs[2], "{\"c\":3}");
  EXPECT_EQ(s.docs[4], "{\"e\":5}");
}

TEST(DocumentSplitter, NdjsonLinesHoldingRecordsBackToBack) {
  // Firehose to S3 writes records without separators; "}{" inside a string is not a boundary.
  auto s = SplitAll("{\"a\":1}\n{\"b\":\"}{\"}{\"c\":[{}]}{\"d\":4}\n{\"e\":5}\n");
  EXPECT_EQ(s.docs, (std::vector<std::string>{"{\"a\":1}", "{\"b\":\"}{\"}", "{\"c\":[{}]}",
                                              "{\"d\":4}", "{\"e\":5}"}));
  EXPECT_TRUE(s.problems.empty());
}

TEST(DocumentSplitter, ConcatenatedPrettyDocuments) {
  Split s = SplitAll("{\n \"a\": 1\n}\n{\n \"b\": 2\n}");
  ASSERT_EQ(s.docs.size(), 2u);
  EXPECT_EQ(s.docs[1], "{\n \"b\": 2\n}");
}

TEST(DocumentSplitter, TextLines) {
  Split s = SplitAll("2 123456789012 eni-1 - - - - - - - 1 2 NODATA\nsecond line\r\n");
  ASSERT_EQ(s.docs.size(), 2u);
  EXPECT_TRUE(s.text[0]);
  EXPECT_EQ(s.docs[1], "second line");
}

TEST(DocumentSplitter, OversizeDocumentIsSkippedAndTheRestKept) {
  const std::string big = "{\"big\":\"" + std::string(5000, 'z') + "\"}";
  Split s = SplitAll("{\"Records\":[{\"a\":1}," + big + ",{\"b\":2}]}", 64, 1000);
  ASSERT_EQ(s.docs.size(), 2u);
  EXPECT_EQ(s.docs[1], "{\"b\":2}");
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].reason, DropReason::kTooLarge);
  EXPECT_EQ(s.problems[0].offset, 20u);
}

TEST(DocumentSplitter, OversizeLineIsSkipped) {
  Split s = SplitAll("{\"a\":1}\n" + std::string(10000, 'q') + "\n{\"b\":2}\n", 100, 1000);
  ASSERT_EQ(s.docs.size(), 2u);
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].offset, 8u);
}

TEST(DocumentSplitter, TruncatedRecordsArray) {
  Split s = SplitAll(R"({"Records":[{"a":1},{"b":)");
  ASSERT_EQ(s.docs.size(), 1u);
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].reason, DropReason::kInvalidJson);
}

TEST(DocumentSplitter, GarbageBetweenElementsStopsTheInput) {
  Split s = SplitAll(R"({"Records":[{"a":1} x {"b":2}]})");
  ASSERT_EQ(s.docs.size(), 1u);
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].offset, 20u);
}

TEST(DocumentSplitter, DeepNestingDoesNotRecurse) {
  const std::string deep = std::string(20000, '[') + std::string(20000, ']');
  Split s = SplitAll("{\"Records\":[" + deep + "]}");
  ASSERT_EQ(s.docs.size(), 1u);
  EXPECT_EQ(s.docs[0].size(), 40000u);
}

TEST(DocumentSplitter, EmptyInput) {
  MemoryReader reader("  \n ");
  DocumentSplitter s(&reader, {});
  Document d;
  SplitProblem p;
  EXPECT_EQ(s.Next(&d, &p), DocumentSplitter::Step::kEnd);
  EXPECT_FALSE(s.saw_content());
}

}  // namespace
}  // namespace fastpath
