#include "core/metrics_writer.h"

#include <cstdio>

namespace fastpath {

MetricsWriter::Family& MetricsWriter::Get(const MetricFamily& f) {
  auto it = families_.find(std::string_view(f.name));
  if (it != families_.end()) return it->second;
  order_.emplace_back(f.name);
  Family& fam = families_[f.name];
  fam.head =
      std::string("# HELP ") + f.name + " " + f.help + "\n# TYPE " + f.name + " " + f.type + "\n";
  return fam;
}

void MetricsWriter::Declare(const MetricFamily& family) {
  Get(family);
}

void MetricsWriter::AddLine(const MetricFamily& family, Labels labels, std::string_view value,
                            std::string_view suffix) {
  std::string& out = Get(family).samples;
  out.append(family.name).append(suffix);
  if (labels.size() > 0) {
    out.push_back('{');
    bool first = true;
    for (const auto& [k, v] : labels) {
      if (!first) out.push_back(',');
      first = false;
      out.append(k).append("=\"");
      for (char c : v) {  // label values escape backslash, double quote and line feed
        if (c == '\\' || c == '"') {
          out.push_back('\\');
          out.push_back(c);
        } else if (c == '\n') {
          out.append("\\n");
        } else {
          out.push_back(c);
        }
      }
      out.push_back('"');
    }
    out.push_back('}');
  }
  out.push_back(' ');
  out.append(value);
  out.push_back('\n');
}

void MetricsWriter::Add(const MetricFamily& family, Labels labels, uint64_t value,
                        std::string_view suffix) {
  AddLine(family, labels, std::to_string(value), suffix);
}

void MetricsWriter::Add(const MetricFamily& family, Labels labels, double value,
                        std::string_view suffix) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  AddLine(family, labels, buf, suffix);
}

void MetricsWriter::Merge(const MetricsWriter& other) {
  for (const std::string& name : other.order_) {
    const Family& theirs = other.families_.find(name)->second;
    auto it = families_.find(name);
    if (it == families_.end()) {
      order_.push_back(name);
      families_[name] = theirs;
    } else {
      it->second.samples += theirs.samples;
    }
  }
}

std::string MetricsWriter::Text() const {
  std::string out;
  for (const std::string& name : order_) {
    const Family& f = families_.find(name)->second;
    out += f.head;
    out += f.samples;
  }
  return out;
}

}  // namespace fastpath
