// JsonGet: reads a simdjson result into `out` and says whether it was there with that type.
// Spares the data path the exceptions of simdjson's conversion operators.
#pragma once

#include <utility>

#include <simdjson.h>

namespace fastpath {

template <typename Result, typename T>
inline bool JsonGet(Result&& r, T& out) {
  return std::forward<Result>(r).get(out) == simdjson::SUCCESS;
}

}  // namespace fastpath
