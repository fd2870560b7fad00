// The unknown-key check every YAML file fastpath reads goes through (the daemon's configuration
// through ConfigSection::CheckKeys, rule files directly): the keys of a mapping that are not in
// the allowed list, in file order, each with its node for file:line.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace fastpath {

struct UnknownKey {
  std::string key;
  YAML::Node node;  // the key's node (its Mark() is the line)
};

std::vector<UnknownKey> UnknownKeys(const YAML::Node& map, const std::vector<std::string>& allowed);

}  // namespace fastpath
