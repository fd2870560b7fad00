// The dashboard's pages, scripts and styles, embedded into the binary at build time (from web/,
// with the charting library from the npm registry), so the daemon stays one file.
#pragma once

#include <cstddef>
#include <string_view>

namespace fastpath::dashboard {

struct Asset {
  const char* url;   // "/", "/assets/app.js", ...
  const char* type;  // Content-Type
  const unsigned char* data;
  size_t size;
};

extern const Asset kAssets[];
extern const size_t kAssetCount;

// The asset served at `url`, or null.
const Asset* FindAsset(std::string_view url);

}  // namespace fastpath::dashboard
