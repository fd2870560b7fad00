// ConfigFile and ConfigSection: typed reading of a YAML configuration file where every problem is
// collected as "file:line: message" (all of them, not only the first), every key must be known
// (a typo never silently disables something), relative paths are taken from the file's folder,
// and secrets are given only by reference (`<key>_env`, `<key>_file`), never inline.
//
// Components (sources, alert outputs) read their own keys through a ConfigSection and never see
// the YAML library. Not thread-safe: a file is read by one thread.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time_util.h"

namespace fastpath {

// True for 127.0.0.0/8, ::1 (bracketed or not) and "localhost": the listen addresses only this
// machine reaches, which need no credentials.
bool IsLoopbackHost(std::string_view host);

class ConfigSection;

// What a component's key holds, for reading it generically and for the configuration reference.
enum class ConfigValue {
  kText,          // a string (numbers and booleans are read from it by the component)
  kPath,          // a path, relative to the configuration file's folder
  kList,          // a string or a list of strings
  kMap,           // a mapping of strings
  kSection,       // a nested mapping the component reads itself
  kSecret,        // given only as <key>_env or <key>_file
  kSecretOrText,  // <key>, <key>_env or <key>_file (a URL that may or may not carry a secret)
};

struct ConfigKeyDoc {
  const char* key;
  const char* doc;
  ConfigValue value = ConfigValue::kText;
};

// The keys a component's section may hold: `common`, then each key of `keys`, and for secrets
// also <key>_env and <key>_file (the bare key of a kSecret is accepted here so that reading it
// can say how to give it instead).
std::vector<std::string> AllowedKeys(std::initializer_list<const char*> common,
                                     const std::vector<ConfigKeyDoc>& keys);
// The key as the configuration reference shows it ("api_key_env / api_key_file").
std::string KeyForReference(const ConfigKeyDoc& k);

class ConfigFile {
 public:
  // Parses `text`; `path` names it in messages and anchors relative paths. A file that is not
  // YAML, or not a mapping, is an error here; everything else is collected as problems.
  static Result<std::unique_ptr<ConfigFile>> Parse(const std::string& text,
                                                   const std::string& path);
  ~ConfigFile();

  const std::string& path() const { return path_; }
  ConfigSection Root();
  // A path from the file, made absolute against the file's folder.
  std::string PathOf(const std::string& p) const;

  void AddProblem(std::string problem) { problems_.push_back(std::move(problem)); }
  // Whether readers look at the files a configuration names (TLS files readable, output folders
  // writable): on for a file being loaded to run, off for text parsed on its own.
  bool check_files() const { return check_files_; }
  void set_check_files(bool on) { check_files_ = on; }
  const std::vector<std::string>& problems() const { return problems_; }
  // InvalidArgument with every problem, one per line; Ok when there is none.
  Status ProblemsStatus() const;

 private:
  friend class ConfigSection;
  struct Doc;
  ConfigFile() = default;
  std::string path_;
  std::string base_;
  std::unique_ptr<Doc> doc_;
  std::vector<std::string> problems_;
  bool check_files_ = false;
};

// One mapping (or value) of the file. Cheap to copy; valid while its ConfigFile lives.
class ConfigSection {
 public:
  ConfigSection(ConfigFile* file, std::string where, std::shared_ptr<const void> node);

  const std::string& where() const { return where_; }  // "sources[0]", "alerts.outputs[2]"
  ConfigFile& file() const { return *file_; }
  bool IsMap() const;
  bool Has(std::string_view key) const;
  std::vector<std::string> KeyNames() const;
  // "file:line" of the key's value (of the section itself when the key is absent).
  std::string At(std::string_view key = {}) const;

  // A problem at the key's line, or at the section's.
  void Problem(std::string_view key, const std::string& message) const;
  void Problem(const std::string& message) const { Problem({}, message); }

  // Every key must be in `allowed`; each other one is a problem listing what is allowed.
  // False when the section is not a mapping.
  bool CheckKeys(const std::vector<std::string>& allowed) const;

  // Readers: each returns true when the key is present and valid, leaves *out alone otherwise,
  // and records a problem for a present but invalid value.
  bool Str(std::string_view key, std::string* out) const;
  bool Path(std::string_view key, std::string* out) const;  // Str + PathOf
  bool Bool(std::string_view key, bool* out) const;
  bool Int(std::string_view key, long long* out, long long lo, long long hi) const;
  template <typename T>
  bool Int(std::string_view key, T* out, long long lo, long long hi) const {
    long long v = 0;
    if (!Int(key, &v, lo, hi)) return false;
    *out = static_cast<T>(v);
    return true;
  }
  bool Number(std::string_view key, double* out) const;
  bool Duration(std::string_view key, TimeNs* out) const;  // "30s", "5m", "24h"
  // Durations as whole seconds or milliseconds, within [lo, hi].
  bool Seconds(std::string_view key, int* out, int lo, int hi) const;
  bool Millis(std::string_view key, int* out, int lo, int hi) const;
  bool StrList(std::string_view key, std::vector<std::string>* out) const;  // scalar or list
  bool StrMap(std::string_view key, std::map<std::string, std::string>* out) const;
  // "host:port", as `listen`.
  bool Listen(std::string_view key, std::string* host, int* port) const;
  // A secret given as `<key>_env` (variable name) or `<key>_file`; the bare key is refused unless
  // `allow_inline` (then it is read by Str as an ordinary value). True when a value was read.
  bool Secret(const std::string& key, std::string* out, bool allow_inline = false) const;

  std::optional<ConfigSection> Section(std::string_view key) const;  // a nested value
  bool IsList(std::string_view key) const;                           // present and a sequence
  // A sequence's elements (none when the key is absent or not a sequence).
  std::vector<ConfigSection> List(std::string_view key) const;

 private:
  ConfigFile* file_;
  std::string where_;
  std::shared_ptr<const void> node_;  // a YAML::Node, kept opaque to components
};

}  // namespace fastpath
