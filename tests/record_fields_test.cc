// The field lists `rules check` warns from (parse/record_fields.h) hold every top-level field the
// parsers write: every record of the bundled corpus is checked against its type's list.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>

#include "parse/record_fields.h"
#include "test_support.h"

namespace fastpath::testing {
namespace {

TEST(RecordFields, EveryCorpusRecordFieldIsListed) {
  size_t checked = 0;
  simdjson::dom::parser parser;
  for (auto& entry : std::filesystem::recursive_directory_iterator(TestData("corpus"))) {
    if (!entry.is_regular_file() || entry.path().filename() == "PROVENANCE.md") continue;
    for (const Event& e : RunPipeline({entry.path().string()}).events) {
      const auto fields = RecordTopLevelFields(e.log_type);
      if (fields.empty()) continue;
      simdjson::dom::object record;
      ASSERT_EQ(parser.parse(e.json).get(record), simdjson::SUCCESS) << e.json;
      for (auto field : record) {
        EXPECT_NE(std::find(fields.begin(), fields.end(), field.key), fields.end())
            << LogTypeName(e.log_type) << " record field '" << field.key << "' is not listed ("
            << entry.path().filename().string() << ")";
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 300u);
  EXPECT_TRUE(RecordTopLevelFields(LogType::kGuardDuty).empty());  // open-ended: nothing said
}

}  // namespace
}  // namespace fastpath::testing
