#include "core/log_types.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace fastpath {
namespace {

TEST(LogTypes, OneRowPerTypeInEnumOrderWithUniqueNames) {
  std::set<std::string_view> names, sources;
  for (int i = 0; i < kNumLogTypes; ++i) {
    const LogTypeInfo& row = LogTypeTable()[i];
    EXPECT_EQ(static_cast<int>(row.type), i) << row.name;
    EXPECT_EQ(&LogTypeFacts(row.type), &row);
    EXPECT_EQ(LogTypeName(row.type), row.name);
    EXPECT_TRUE(names.insert(row.name).second) << row.name;
    EXPECT_FALSE(row.product.empty()) << row.name;
    EXPECT_FALSE(row.id_rule.empty()) << row.name;
    if (!row.eventbridge_source.empty()) {
      EXPECT_TRUE(sources.insert(row.eventbridge_source).second) << row.eventbridge_source;
      EXPECT_EQ(LogTypeForEventBridgeSource(row.eventbridge_source), row.type);
      EXPECT_TRUE(row.eventbridge_shaped) << row.name;
    }
    EXPECT_TRUE(row.name == "unknown" || row.name.substr(0, 4) == "aws.") << row.name;
  }
  EXPECT_EQ(LogTypeForEventBridgeSource("aws.ec2"), LogType::kUnknown);
  EXPECT_EQ(LogTypeForEventBridgeSource(""), LogType::kUnknown);
}

TEST(LogTypes, FindingsCarriedByEventBridgeAsAWSDocumentsThem) {
  EXPECT_EQ(LogTypeForEventBridgeSource("aws.guardduty"), LogType::kGuardDuty);
  EXPECT_EQ(LogTypeForEventBridgeSource("aws.inspector2"), LogType::kInspector);
  EXPECT_EQ(LogTypeFacts(LogType::kSecurityHub).eventbridge_detail_type,
            "Security Hub Findings - Imported");
  EXPECT_EQ(LogTypeFacts(LogType::kSecurityHub).eventbridge_record_path, "findings.");
  EXPECT_EQ(LogTypeFacts(LogType::kGuardDuty).eventbridge_detail_type, "GuardDuty Finding");
}

}  // namespace
}  // namespace fastpath
