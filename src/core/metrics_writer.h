// MetricsWriter: the one place that writes the Prometheus text exposition format (version
// 0.0.4). Components add samples to a family; the family's HELP and TYPE lines are written once,
// before its first sample, however many components add to it, and label values are escaped.
//
// Not thread-safe: each writer is filled by one thread (a /metrics request, or the pipeline's
// consumer taking a snapshot) and then read.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fastpath {

struct MetricFamily {
  const char* name;  // fastpath_..., with the unit and _total as Prometheus names them
  const char* type;  // counter | gauge | summary | histogram
  const char* help;
};

class MetricsWriter {
 public:
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // One sample of `family`; `suffix` extends the name for summary and histogram parts ("_sum",
  // "_count", "_bucket").
  void Add(const MetricFamily& family, Labels labels, uint64_t value, std::string_view suffix = "");
  void Add(const MetricFamily& family, Labels labels, double value, std::string_view suffix = "");
  // Declares a family that may have no sample (so scrapers see its HELP and TYPE).
  void Declare(const MetricFamily& family);
  // Appends every family of `other` (samples of families both have are appended to ours).
  void Merge(const MetricsWriter& other);

  // The exposition text: families in the order they were first added.
  std::string Text() const;

 private:
  struct Family {
    std::string head;     // "# HELP ...\n# TYPE ...\n"
    std::string samples;  // sample lines
  };
  Family& Get(const MetricFamily& f);
  void AddLine(const MetricFamily& family, Labels labels, std::string_view value,
               std::string_view suffix);

  std::vector<std::string> order_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace fastpath
