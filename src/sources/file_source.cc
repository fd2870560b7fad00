#include "sources/file_source.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <filesystem>

namespace fastpath {
namespace {

TimeNs MtimeOf(const struct stat& st) {
  return static_cast<TimeNs>(st.st_mtim.tv_sec) * kNsPerSec + st.st_mtim.tv_nsec;
}

}  // namespace

InputSpec FileInput(std::string path, bool is_stdin, TimeNs received_at, uint64_t size) {
  InputSpec spec;
  spec.path = std::move(path);
  spec.is_stdin = is_stdin;
  spec.received_at = received_at;
  spec.size = size;
  return spec;
}

ListedInputs ListInputs(const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  ListedInputs out;
  for (const std::string& arg : args) {
    if (arg == "-") {
      out.inputs.push_back(FileInput("-", true, 0, 0));
      continue;
    }
    struct stat st;
    if (::stat(arg.c_str(), &st) != 0) {
      out.problems.push_back(arg + ": no such file or folder");
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      out.inputs.push_back(FileInput(arg, false, MtimeOf(st), static_cast<uint64_t>(st.st_size)));
      continue;
    }
    std::vector<InputSpec> found;
    // A folder that cannot be read is a problem named with its path, never silently empty: an
    // incident responder must not take a scan that missed evidence for a clean one.
    if (::access(arg.c_str(), R_OK | X_OK) != 0) {
      out.problems.push_back(arg + ": folder cannot be read (" + std::strerror(errno) + ")");
      continue;
    }
    std::error_code ec;
    fs::recursive_directory_iterator it(arg, ec);
    if (ec) {
      out.problems.push_back(arg + ": " + ec.message());
      continue;
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) {
        out.problems.push_back(arg + ": " + ec.message());
        break;
      }
      const std::string p = it->path().string();
      struct stat fst;
      if (::stat(p.c_str(), &fst) != 0) continue;
      if (S_ISDIR(fst.st_mode)) {
        if (::access(p.c_str(), R_OK | X_OK) != 0) {
          out.problems.push_back(p + ": folder cannot be read (" + std::strerror(errno) + ")");
          it.disable_recursion_pending();  // the rest of the tree is still read
        }
        continue;
      }
      if (!S_ISREG(fst.st_mode)) continue;
      found.push_back(FileInput(p, false, MtimeOf(fst), static_cast<uint64_t>(fst.st_size)));
    }
    std::sort(found.begin(), found.end(), [](const InputSpec& a, const InputSpec& b) {
      return a.received_at != b.received_at ? a.received_at < b.received_at : a.path < b.path;
    });
    out.inputs.insert(out.inputs.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace fastpath
