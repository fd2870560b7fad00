#include "config/yaml_keys.h"

#include <algorithm>

namespace fastpath {

std::vector<UnknownKey> UnknownKeys(const YAML::Node& map,
                                    const std::vector<std::string>& allowed) {
  std::vector<UnknownKey> out;
  if (!map.IsMap()) return out;
  for (const auto& kv : map) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      out.push_back({key, kv.first});
    }
  }
  return out;
}

}  // namespace fastpath
