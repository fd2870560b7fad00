#include "config/config_section.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <yaml-cpp/yaml.h>

#include "config/yaml_keys.h"
#include "config/yaml_text.h"

namespace fastpath {
namespace {

namespace fs = std::filesystem;

const YAML::Node& NodeOf(const std::shared_ptr<const void>& p) {
  return *static_cast<const YAML::Node*>(p.get());
}

std::shared_ptr<const void> Hold(YAML::Node n) {
  return std::make_shared<const YAML::Node>(std::move(n));
}

std::string Line(const std::string& file, const YAML::Node& n) {
  return file + ":" + std::to_string(n.Mark().line + 1);
}

}  // namespace

struct ConfigFile::Doc {
  YAML::Node root;
};

ConfigFile::~ConfigFile() = default;

namespace {
// yaml-cpp keeps both entries of a repeated key and answers lookups with the first: a second
// value would be ignored without a word. Each repeat is a problem.
void FindDuplicateKeys(const YAML::Node& n, ConfigFile* f) {
  if (n.IsMap()) {
    std::map<std::string, int> seen;
    for (const auto& kv : n) {
      if (kv.first.IsScalar()) {
        const int line = kv.first.Mark().line + 1;
        auto [it, fresh] = seen.emplace(kv.first.Scalar(), line);
        if (!fresh) {
          f->AddProblem(Line(f->path(), kv.first) + ": duplicate key '" + kv.first.Scalar() +
                        "' (first at line " + std::to_string(it->second) +
                        "): one of the two would be ignored");
        }
      }
      FindDuplicateKeys(kv.second, f);
    }
  } else if (n.IsSequence()) {
    for (const auto& item : n) FindDuplicateKeys(item, f);
  }
}
}  // namespace

Result<std::unique_ptr<ConfigFile>> ConfigFile::Parse(const std::string& text,
                                                      const std::string& path) {
  if (Status st = CheckYamlText(text); !st.ok())
    return Status::InvalidArgument(path + ": " + st.message());
  std::unique_ptr<ConfigFile> f(new ConfigFile);
  f->path_ = path;
  f->base_ = fs::path(path).parent_path().string();
  f->doc_ = std::make_unique<Doc>();
  try {
    f->doc_->root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!f->doc_->root.IsMap()) {
    return Status::InvalidArgument(path + ": the configuration must be a mapping");
  }
  FindDuplicateKeys(f->doc_->root, f.get());
  return f;
}

ConfigSection ConfigFile::Root() {
  return ConfigSection(this, "the configuration", Hold(doc_->root));
}

std::string ConfigFile::PathOf(const std::string& p) const {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (fs::path(base_) / p).lexically_normal().string();
}

Status ConfigFile::ProblemsStatus() const {
  if (problems_.empty()) return Status::Ok();
  std::string msg;
  for (const std::string& p : problems_) msg += (msg.empty() ? "" : "\n") + p;
  return Status::InvalidArgument(msg);
}

std::vector<std::string> AllowedKeys(std::initializer_list<const char*> common,
                                     const std::vector<ConfigKeyDoc>& keys) {
  std::vector<std::string> out(common.begin(), common.end());
  for (const ConfigKeyDoc& k : keys) {
    out.emplace_back(k.key);
    if (k.value == ConfigValue::kSecret || k.value == ConfigValue::kSecretOrText) {
      out.push_back(std::string(k.key) + "_env");
      out.push_back(std::string(k.key) + "_file");
    }
  }
  return out;
}

std::string KeyForReference(const ConfigKeyDoc& k) {
  const std::string key = k.key;
  switch (k.value) {
    case ConfigValue::kSecret:
      return key + "_env / " + key + "_file";
    case ConfigValue::kSecretOrText:
      return key + " / " + key + "_env / " + key + "_file";
    default:
      return key;
  }
}

ConfigSection::ConfigSection(ConfigFile* file, std::string where, std::shared_ptr<const void> node)
    : file_(file), where_(std::move(where)), node_(std::move(node)) {}

bool ConfigSection::IsMap() const {
  return NodeOf(node_).IsMap();
}

bool ConfigSection::Has(std::string_view key) const {
  const YAML::Node& n = NodeOf(node_);
  return n.IsMap() && static_cast<bool>(n[std::string(key)]);
}

std::vector<std::string> ConfigSection::KeyNames() const {
  std::vector<std::string> out;
  const YAML::Node& n = NodeOf(node_);
  if (!n.IsMap()) return out;
  for (const auto& kv : n) out.push_back(kv.first.Scalar());
  return out;
}

std::string ConfigSection::At(std::string_view key) const {
  const YAML::Node& n = NodeOf(node_);
  if (!key.empty() && Has(key)) return Line(file_->path(), n[std::string(key)]);
  return Line(file_->path(), n);
}

void ConfigSection::Problem(std::string_view key, const std::string& message) const {
  file_->AddProblem(At(key) + ": " + message);
}

bool ConfigSection::CheckKeys(const std::vector<std::string>& allowed) const {
  const YAML::Node& n = NodeOf(node_);
  if (!n.IsMap()) {
    Problem(where_ + " must be a mapping");
    return false;
  }
  for (const UnknownKey& u : UnknownKeys(n, allowed)) {
    std::string list;
    for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
    file_->AddProblem(Line(file_->path(), u.node) + ": unknown key '" + u.key + "' in " + where_ +
                      " (expected one of: " + list + ")");
  }
  return true;
}

bool ConfigSection::Str(std::string_view key, std::string* out) const {
  if (!Has(key)) return false;
  const YAML::Node n = NodeOf(node_)[std::string(key)];
  if (!n.IsScalar()) {
    Problem(key, std::string(key) + " must be a string");
    return false;
  }
  *out = n.Scalar();
  return true;
}

bool ConfigSection::Path(std::string_view key, std::string* out) const {
  if (!Str(key, out)) return false;
  *out = file_->PathOf(*out);
  return true;
}

bool ConfigSection::Bool(std::string_view key, bool* out) const {
  if (!Has(key)) return false;
  try {
    *out = NodeOf(node_)[std::string(key)].as<bool>();
    return true;
  } catch (const YAML::Exception&) {
    Problem(key, std::string(key) + " must be true or false");
    return false;
  }
}

bool ConfigSection::Int(std::string_view key, long long* out, long long lo, long long hi) const {
  if (!Has(key)) return false;
  long long v = 0;
  try {
    v = NodeOf(node_)[std::string(key)].as<long long>();
  } catch (const YAML::Exception&) {
    Problem(key, std::string(key) + " must be an integer");
    return false;
  }
  if (v < lo || v > hi) {
    Problem(key, std::string(key) + " must be between " + std::to_string(lo) + " and " +
                     std::to_string(hi));
    return false;
  }
  *out = v;
  return true;
}

bool ConfigSection::Number(std::string_view key, double* out) const {
  if (!Has(key)) return false;
  try {
    *out = NodeOf(node_)[std::string(key)].as<double>();
    return true;
  } catch (const YAML::Exception&) {
    Problem(key, std::string(key) + " must be a number");
    return false;
  }
}

bool ConfigSection::Duration(std::string_view key, TimeNs* out) const {
  std::string text;
  if (!Has(key)) return false;
  const YAML::Node n = NodeOf(node_)[std::string(key)];
  auto d = n.IsScalar() ? ParseDuration(n.Scalar()) : std::nullopt;
  if (!d) {
    Problem(key, std::string(key) + " must be a duration like 24h");
    return false;
  }
  *out = *d;
  return true;
}

namespace {

// A duration in `unit` nanoseconds, within [lo, hi] of that unit.
bool ScaledDuration(const ConfigSection& s, const YAML::Node& n, std::string_view key, int* out,
                    int lo, int hi, long long unit, const char* suffix, const char* like) {
  auto d = n.IsScalar() ? ParseDuration(n.Scalar()) : std::nullopt;
  if (!d) {
    s.Problem(key, std::string(key) + " must be a duration like " + like);
    return false;
  }
  const long long v = *d / unit;
  if (v < lo || v > hi) {
    s.Problem(key, std::string(key) + " must be between " + std::to_string(lo) + suffix + " and " +
                       std::to_string(hi) + suffix);
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

}  // namespace

bool ConfigSection::Seconds(std::string_view key, int* out, int lo, int hi) const {
  if (!Has(key)) return false;
  return ScaledDuration(*this, NodeOf(node_)[std::string(key)], key, out, lo, hi, 1000000000, "s",
                        "30s or 5m");
}

bool ConfigSection::Millis(std::string_view key, int* out, int lo, int hi) const {
  if (!Has(key)) return false;
  return ScaledDuration(*this, NodeOf(node_)[std::string(key)], key, out, lo, hi, 1000000, "ms",
                        "250ms or 10s");
}

bool ConfigSection::StrList(std::string_view key, std::vector<std::string>* out) const {
  if (!Has(key)) return false;
  const YAML::Node n = NodeOf(node_)[std::string(key)];
  if (n.IsScalar()) {
    out->push_back(n.Scalar());
    return true;
  }
  if (!n.IsSequence()) {
    Problem(key, std::string(key) + " must be a list");
    return false;
  }
  for (const auto& x : n) {
    if (!x.IsScalar()) {
      Problem(key, std::string(key) + " must be a list of strings");
      return false;
    }
    out->push_back(x.Scalar());
  }
  return true;
}

bool ConfigSection::StrMap(std::string_view key, std::map<std::string, std::string>* out) const {
  if (!Has(key)) return false;
  const YAML::Node n = NodeOf(node_)[std::string(key)];
  if (!n.IsMap()) {
    Problem(key, std::string(key) + " must be a mapping");
    return false;
  }
  bool ok = true;
  for (const auto& kv : n) {
    if (!kv.second.IsScalar()) {  // a nested map or list would read as an empty string
      Problem(key, std::string(key) + "." + kv.first.Scalar() + " must be a string");
      ok = false;
      continue;
    }
    (*out)[kv.first.Scalar()] = kv.second.Scalar();
  }
  return ok;
}

bool IsLoopbackHost(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host == "localhost" || host == "::1" || host.substr(0, 4) == "127.";
}

bool ConfigSection::Listen(std::string_view key, std::string* host, int* port) const {
  std::string listen;
  if (!Str(key, &listen)) return false;
  const size_t colon = listen.rfind(':');
  char* end = nullptr;
  const long p =
      colon == std::string::npos ? -1 : std::strtol(listen.c_str() + colon + 1, &end, 10);
  if (colon == std::string::npos || end == nullptr || *end != '\0' ||
      end == listen.c_str() + colon + 1 || p < 0 || p > 65535) {
    Problem(key, std::string(key) + " must be host:port, got '" + listen + "'");
    return false;
  }
  if (colon == 0) {
    Problem(key, std::string(key) + " needs a host before the port, got '" + listen +
                     "' (127.0.0.1 for loopback, 0.0.0.0 for every IPv4 address)");
    return false;
  }
  *host = listen.substr(0, colon);
  *port = static_cast<int>(p);
  return true;
}

bool ConfigSection::Secret(const std::string& key, std::string* out, bool allow_inline) const {
  const std::string env_key = key + "_env", file_key = key + "_file";
  if (Has(key) && allow_inline) {
    if (Has(env_key) || Has(file_key)) {
      Problem(key, "give " + key + ", " + env_key + " or " + file_key + ", only one");
    }
    return false;
  }
  if (Has(key)) {
    Problem(key,
            key + " cannot be written in the configuration; use " + env_key + " or " + file_key);
    return false;
  }
  std::string env, file;
  const bool has_env = Str(env_key, &env);
  const bool has_file = Str(file_key, &file);
  if (has_env && has_file) {
    Problem(env_key, "give " + env_key + " or " + file_key + ", not both");
    return false;
  }
  if (has_env) {
    const char* v = std::getenv(env.c_str());
    if (v == nullptr || *v == '\0') {
      Problem(env_key, "environment variable " + env + " (" + key + ") is not set");
      return false;
    }
    *out = v;
    return true;
  }
  if (has_file) {
    std::ifstream in(file_->PathOf(file));
    if (!in) {
      Problem(file_key, file_key + " " + file + " cannot be read");
      return false;
    }
    std::getline(in, *out);
    while (!out->empty() && (out->back() == '\r' || out->back() == ' ')) out->pop_back();
    return true;
  }
  return false;
}

std::optional<ConfigSection> ConfigSection::Section(std::string_view key) const {
  if (!Has(key)) return std::nullopt;
  const std::string prefix = where_ == "the configuration" ? "" : where_ + ".";
  return ConfigSection(file_, prefix + std::string(key), Hold(NodeOf(node_)[std::string(key)]));
}

bool ConfigSection::IsList(std::string_view key) const {
  return Has(key) && NodeOf(node_)[std::string(key)].IsSequence();
}

std::vector<ConfigSection> ConfigSection::List(std::string_view key) const {
  std::vector<ConfigSection> out;
  if (!IsList(key)) return out;
  const YAML::Node n = NodeOf(node_)[std::string(key)];
  const std::string prefix = where_ == "the configuration" ? "" : where_ + ".";
  for (size_t i = 0; i < n.size(); ++i) {
    out.emplace_back(file_, prefix + std::string(key) + "[" + std::to_string(i) + "]", Hold(n[i]));
  }
  return out;
}

}  // namespace fastpath
