// Source: the contract every daemon source keeps, and SourceDescriptor: what the daemon knows of a
// source type. Each source type is one file under src/sources/ that defines its class and its
// descriptor; source_registry.cc lists the descriptors, and the daemon's configuration parsing,
// `run --check`, start-up, /metrics and shut-down loop over that list (no string comparisons on
// type names elsewhere). The configuration reference (`fastpath run --config-reference`) is
// generated from the same descriptors.
//
// Threads: Start and Stop are called from the daemon's main thread; WriteMetrics from the admin
// server's threads while the source runs. A source hands inputs to its InputQueue from threads of
// its own.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/config_section.h"
#include "core/input.h"
#include "core/metrics_writer.h"
#include "core/status.h"

namespace fastpath {

namespace aws {
class AwsClient;
}

class Source {
 public:
  virtual ~Source() = default;
  // Begins taking work on threads of its own. An error (a port taken, a file that cannot be
  // opened) means nothing was started.
  virtual Status Start() = 0;
  // Stops taking new work and returns at once (so that many sources wind down together).
  virtual void RequestStop() {}
  // Stops taking new work, waits until every input it handed over is acknowledged (or left for
  // redelivery) and returns. Called once, after Start succeeded.
  virtual void Stop() = 0;
  // Adds this source's samples (labelled with its name) to a /metrics response.
  virtual void WriteMetrics(MetricsWriter* w) const = 0;
  // What the daemon logs when the source has started ({"address": "127.0.0.1:7001"}, ...).
  virtual std::vector<std::pair<std::string, std::string>> Describe() const { return {}; }
};

// A source's settings as read from its configuration section; each type derives its own.
struct SourceSettings {
  virtual ~SourceSettings() = default;
  std::string name;  // unique among the daemon's sources
};

// What the configuration reader hands a descriptor besides the section.
struct SourceConfigContext {
  std::string name;       // the source's name (given, or "<type>-<index>")
  std::string state_dir;  // where state files go by default
  std::string region;     // the daemon's AWS region setting (may be empty)
  // `file` in the state folder.
  std::string StatePath(const std::string& file) const;
};

// What a source is built with.
struct SourceBuildContext {
  InputQueue* inputs = nullptr;
  // The daemon's AWS client, created on first use (sources that need no AWS never call it).
  std::function<const aws::AwsClient*()> aws;
  std::function<void(const std::string&)> warn;  // problems, logged with the source's name
  std::function<void(const std::string&)> info;  // notable changes (leases, shard ends)
  // Problems of what was sent rather than of the source (a request with a wrong key or a bad
  // body, a poison message, an undecodable record): logged as warnings, but the source's health
  // does not count them. Empty: `warn`.
  std::function<void(const std::string&)> input_problem;
};

struct SourceDescriptor {
  const char* type;     // `type:` in the configuration
  const char* summary;  // one line, for the configuration reference
  // Keys the type takes besides `type` and `name`.
  std::vector<ConfigKeyDoc> keys;
  bool needs_aws;
  // Reads the type's keys from `s` (unknown keys are already refused); problems go to `s`.
  std::unique_ptr<SourceSettings> (*read)(const ConfigSection& s, const SourceConfigContext& ctx);
  // Builds the source (not started). REQUIRES: `settings` came from this descriptor's `read`.
  Result<std::unique_ptr<Source>> (*build)(const SourceSettings& settings,
                                           const SourceBuildContext& ctx);
};

// AWS API calls of a source that failed, by source (one family for every source type).
extern const MetricFamily kAwsApiErrors;

// Every built-in source type, in the order the configuration reference lists them.
const std::vector<const SourceDescriptor*>& SourceTypes();
// The descriptor of `type`, or null.
const SourceDescriptor* FindSourceType(std::string_view type);

}  // namespace fastpath
