#include "core/metrics_writer.h"

#include <gtest/gtest.h>

namespace fastpath {
namespace {

constexpr MetricFamily kA = {"fastpath_a_total", "counter", "A things."};
constexpr MetricFamily kB = {"fastpath_b_seconds", "summary", "B delays."};

TEST(MetricsWriter, HelpAndTypeOncePerFamilyWhoeverAddsToIt) {
  MetricsWriter w, other;
  w.Add(kA, {{"source", "one"}}, uint64_t{3});
  w.Add(kB, {{"quantile", "0.5"}}, 0.25);
  other.Add(kA, {{"source", "two"}}, uint64_t{4});
  other.Add(kB, {}, uint64_t{2}, "_count");
  w.Merge(other);
  EXPECT_EQ(w.Text(),
            "# HELP fastpath_a_total A things.\n# TYPE fastpath_a_total counter\n"
            "fastpath_a_total{source=\"one\"} 3\nfastpath_a_total{source=\"two\"} 4\n"
            "# HELP fastpath_b_seconds B delays.\n# TYPE fastpath_b_seconds summary\n"
            "fastpath_b_seconds{quantile=\"0.5\"} 0.25\nfastpath_b_seconds_count 2\n");
}

TEST(MetricsWriter, LabelValuesAreEscaped) {
  MetricsWriter w;
  w.Add(kA, {{"source", "a\"b\\c\nd"}}, uint64_t{1});
  EXPECT_NE(w.Text().find("fastpath_a_total{source=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos)
      << w.Text();
}

TEST(MetricsWriter, DeclaredFamilyWithoutSamplesStillHasHelp) {
  MetricsWriter w;
  w.Declare(kB);
  EXPECT_EQ(w.Text(), "# HELP fastpath_b_seconds B delays.\n# TYPE fastpath_b_seconds summary\n");
}

}  // namespace
}  // namespace fastpath
