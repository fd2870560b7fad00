#include "ocsf_schema.h"

#include <re2/re2.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

namespace fastpath::testing::ocsf {
namespace {

namespace fs = std::filesystem;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// An attribute as one file states it: only the fields that file sets.
struct Partial {
  std::optional<std::string> type;
  std::optional<bool> is_array;
  std::optional<std::string> requirement;
  std::optional<std::string> profile;  // "" when the file says "profile": null
  std::optional<std::string> sibling;
  std::map<std::string, std::string> enum_captions;
};

using Attrs = std::map<std::string, Partial>;

void MergeInto(Partial* base, const Partial& over) {
  if (over.type) base->type = over.type;
  if (over.is_array) base->is_array = over.is_array;
  if (over.requirement) base->requirement = over.requirement;
  if (over.profile) base->profile = over.profile;
  if (over.sibling) base->sibling = over.sibling;
  for (const auto& [k, v] : over.enum_captions) base->enum_captions[k] = v;
}

void MergeAll(Attrs* base, const Attrs& over) {
  for (const auto& [name, p] : over) MergeInto(&(*base)[name], p);
}

struct RawDef {
  std::string name, caption, extends, category;
  std::optional<int> uid;
  Attrs attrs;
  bool has_constraints = false;
  std::vector<std::string> at_least_one, just_one;
};

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Both an element and a lookup's result (a missing member reads as empty).
template <typename J>
std::string Str(J e) {
  std::string_view s;
  return e.get(s) == simdjson::SUCCESS ? std::string(s) : std::string();
}

template <typename J>
std::vector<std::string> StrList(J e) {
  std::vector<std::string> out;
  array a;
  if (e.get(a) == simdjson::SUCCESS) {
    for (element x : a) out.push_back(Str(x));
  }
  return out;
}

class Loader {
 public:
  explicit Loader(fs::path root) : root_(std::move(root)) {}

  // Parses a JSON file of the schema; keeps the document alive for the loader's lifetime.
  bool Parse(const fs::path& p, element* out, std::string* error) {
    auto parser = std::make_unique<simdjson::dom::parser>();
    const std::string text = ReadAll(p);
    if (text.empty()) {
      *error = p.string() + ": missing or empty";
      return false;
    }
    if (parser->parse(text).get(*out) != simdjson::SUCCESS) {
      *error = p.string() + ": not valid JSON";
      return false;
    }
    parsers_.push_back(std::move(parser));
    return true;
  }

  // The "attributes" member of a definition, its $include files merged first.
  bool ReadAttrs(object attributes, Attrs* out, std::string* error) {
    element inc;
    if (attributes["$include"].get(inc) == simdjson::SUCCESS) {
      std::vector<std::string> files =
          inc.is_string() ? std::vector<std::string>{Str(inc)} : StrList(inc);
      for (const std::string& f : files) {
        element doc;
        if (!Parse(root_ / f, &doc, error)) return false;
        object inc_attrs;
        if (doc["attributes"].get(inc_attrs) != simdjson::SUCCESS) continue;
        Attrs included;
        if (!ReadAttrs(inc_attrs, &included, error)) return false;
        if (Str(doc["meta"]) == "profile") {
          const std::string profile = Str(doc["name"]);
          for (auto& [n, p] : included) {
            if (!p.profile) p.profile = profile;
          }
        }
        MergeAll(out, included);
      }
    }
    Attrs own;
    for (auto field : attributes) {
      if (field.key == "$include") continue;
      Partial p;
      object a;
      if (field.value.get(a) != simdjson::SUCCESS) continue;
      element v;
      if (a["type"].get(v) == simdjson::SUCCESS && v.is_string()) p.type = Str(v);
      bool b = false;
      if (a["is_array"].get(b) == simdjson::SUCCESS) p.is_array = b;
      if (a["requirement"].get(v) == simdjson::SUCCESS) p.requirement = Str(v);
      if (a["profile"].get(v) == simdjson::SUCCESS) p.profile = v.is_null() ? "" : Str(v);
      if (a["sibling"].get(v) == simdjson::SUCCESS) p.sibling = Str(v);
      object en;
      if (a["enum"].get(en) == simdjson::SUCCESS) {
        for (auto item : en) {
          p.enum_captions[std::string(item.key)] = Str(item.value["caption"]);
        }
      }
      own[std::string(field.key)] = std::move(p);
    }
    MergeAll(out, own);
    return true;
  }

  bool ReadDef(const fs::path& p, RawDef* def, std::string* error) {
    element doc;
    if (!Parse(p, &doc, error)) return false;
    def->name = Str(doc["name"]);
    def->caption = Str(doc["caption"]);
    def->extends = Str(doc["extends"]);
    def->category = Str(doc["category"]);
    int64_t uid = 0;
    if (doc["uid"].get(uid) == simdjson::SUCCESS) def->uid = static_cast<int>(uid);
    object attrs;
    if (doc["attributes"].get(attrs) == simdjson::SUCCESS &&
        !ReadAttrs(attrs, &def->attrs, error)) {
      return false;
    }
    object constraints;
    if (doc["constraints"].get(constraints) == simdjson::SUCCESS) {
      def->has_constraints = true;
      def->at_least_one = StrList(constraints["at_least_one"]);
      def->just_one = StrList(constraints["just_one"]);
    }
    return true;
  }

  const fs::path& root() const { return root_; }

 private:
  fs::path root_;
  std::vector<std::unique_ptr<simdjson::dom::parser>> parsers_;
};

// Resolves `extends` chains: the parent's attributes, then the child's merged over them.
bool Resolve(const std::string& name, std::map<std::string, RawDef>* raw,
             std::set<std::string>* done, std::set<std::string>* active, std::string* error) {
  if (done->count(name)) return true;
  auto it = raw->find(name);
  if (it == raw->end()) {
    *error = "extends names an unknown definition: " + name;
    return false;
  }
  if (!active->insert(name).second) {
    *error = "extends cycle at " + name;
    return false;
  }
  RawDef& def = it->second;
  if (!def.extends.empty()) {
    if (!Resolve(def.extends, raw, done, active, error)) return false;
    const RawDef& parent = raw->at(def.extends);
    Attrs merged = parent.attrs;
    MergeAll(&merged, def.attrs);
    def.attrs = std::move(merged);
    if (!def.has_constraints) {
      def.has_constraints = parent.has_constraints;
      def.at_least_one = parent.at_least_one;
      def.just_one = parent.just_one;
    }
    if (def.category.empty()) def.category = parent.category;
  }
  active->erase(name);
  done->insert(name);
  return true;
}

bool IsPlaceholder(element v) {
  std::string_view s;
  if (v.get(s) == simdjson::SUCCESS) return s.empty() || s == "-";
  array a;
  if (v.get(a) == simdjson::SUCCESS) return a.size() == 0;
  object o;
  if (v.get(o) == simdjson::SUCCESS) return o.size() == 0;
  return v.is_null();
}

std::string Join(const std::string& path, std::string_view name) {
  return path.empty() ? std::string(name) : path + "." + std::string(name);
}

}  // namespace

struct Schema::Type {
  std::string base;  // empty for the root types
  std::unique_ptr<RE2> regex;
  std::optional<std::pair<int64_t, int64_t>> range;
  size_t max_len = 0;
};

Schema::Schema() = default;
Schema::~Schema() = default;

std::unique_ptr<Schema> Schema::Load(const std::string& dir, std::string* error) {
  std::unique_ptr<Schema> s(new Schema());
  Loader loader{fs::path(dir)};
  element doc;
  if (!loader.Parse(loader.root() / "version.json", &doc, error)) return nullptr;
  s->version_ = Str(doc["version"]);

  // The dictionary: attribute definitions and data types.
  element dict;
  if (!loader.Parse(loader.root() / "dictionary.json", &dict, error)) return nullptr;
  Attrs dictionary;
  object dict_attrs;
  if (dict["attributes"].get(dict_attrs) != simdjson::SUCCESS ||
      !loader.ReadAttrs(dict_attrs, &dictionary, error)) {
    if (error->empty()) *error = "dictionary.json: no attributes";
    return nullptr;
  }
  object types;
  if (dict["types"]["attributes"].get(types) != simdjson::SUCCESS) {
    *error = "dictionary.json: no types";
    return nullptr;
  }
  for (auto t : types) {
    auto type = std::make_unique<Type>();
    type->base = Str(t.value["type"]);
    const std::string regex = Str(t.value["regex"]);
    if (!regex.empty()) {
      type->regex = std::make_unique<RE2>(regex);
      if (!type->regex->ok()) {
        *error = "dictionary.json: type " + std::string(t.key) + " regex does not compile";
        return nullptr;
      }
    }
    array range;
    if (t.value["range"].get(range) == simdjson::SUCCESS && range.size() == 2) {
      int64_t lo = 0, hi = 0;
      if (range.at(0).get(lo) == simdjson::SUCCESS && range.at(1).get(hi) == simdjson::SUCCESS)
        type->range = std::make_pair(lo, hi);
    }
    uint64_t max_len = 0;
    if (t.value["max_len"].get(max_len) == simdjson::SUCCESS) type->max_len = max_len;
    s->types_[std::string(t.key)] = std::move(type);
  }

  // Categories: name -> uid and caption.
  element cats;
  if (!loader.Parse(loader.root() / "categories.json", &cats, error)) return nullptr;
  std::map<std::string, std::pair<int, std::string>> categories = {{"other", {0, "Other"}}};
  object cat_attrs;
  if (cats["attributes"].get(cat_attrs) == simdjson::SUCCESS) {
    for (auto c : cat_attrs) {
      int64_t uid = 0;
      if (c.value["uid"].get(uid) == simdjson::SUCCESS)
        categories[std::string(c.key)] = {static_cast<int>(uid), Str(c.value["caption"])};
    }
  }

  for (const auto& entry : fs::directory_iterator(loader.root() / "profiles")) {
    element p;
    if (!loader.Parse(entry.path(), &p, error)) return nullptr;
    s->profiles_.insert(Str(p["name"]));
  }

  // Classes and objects, as their files state them, then with their chains resolved.
  auto read_tree = [&](const fs::path& folder, std::map<std::string, RawDef>* out) {
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
      RawDef def;
      if (!loader.ReadDef(entry.path(), &def, error)) return false;
      if (def.name.empty()) {
        *error = entry.path().string() + ": no name";
        return false;
      }
      (*out)[def.name] = std::move(def);
    }
    return true;
  };
  std::map<std::string, RawDef> raw_classes, raw_objects;
  if (!read_tree(loader.root() / "events", &raw_classes)) return nullptr;
  if (!read_tree(loader.root() / "objects", &raw_objects)) return nullptr;
  for (auto* raw : {&raw_classes, &raw_objects}) {
    std::set<std::string> done, active;
    for (const auto& [name, def] : *raw) {
      if (!Resolve(name, raw, &done, &active, error)) return nullptr;
    }
  }

  // Each attribute over its dictionary definition, and the datetime profile's _dt twins.
  auto finish = [&](const RawDef& raw, Definition* def) {
    def->name = raw.name;
    def->caption = raw.caption;
    def->at_least_one = raw.at_least_one;
    def->just_one = raw.just_one;
    for (const auto& [name, p] : raw.attrs) {
      auto d = dictionary.find(name);
      if (d == dictionary.end()) {
        *error = raw.name + "." + name + " is not in the dictionary";
        return false;
      }
      Partial merged = d->second;
      MergeInto(&merged, p);
      Attribute a;
      a.type = merged.type.value_or("");
      a.is_array = merged.is_array.value_or(false);
      a.requirement = merged.requirement.value_or("optional");
      a.profile = merged.profile.value_or("");
      a.sibling = merged.sibling.value_or("");
      a.enum_captions = merged.enum_captions;
      if (a.type == "timestamp_t" && !raw.attrs.count(name + "_dt")) {
        Attribute dt;
        dt.type = "datetime_t";
        dt.is_array = a.is_array;
        dt.requirement = "optional";
        dt.profile = "datetime";
        def->attributes[name + "_dt"] = dt;
      }
      def->attributes[name] = std::move(a);
    }
    return true;
  };
  for (const auto& [name, raw] : raw_objects) {
    Definition def;
    if (!finish(raw, &def)) return nullptr;
    s->objects_[name] = std::move(def);
  }
  for (const auto& [name, raw] : raw_classes) {
    // The base event is concrete with class_uid 0; the category bases are abstract.
    if (!raw.uid && name != "base_event") continue;
    auto cat = categories.find(raw.category);
    if (cat == categories.end()) {
      *error = raw.name + ": unknown category " + raw.category;
      return nullptr;
    }
    Definition def;
    if (!finish(raw, &def)) return nullptr;
    def.category_uid = cat->second.first;
    def.uid = def.category_uid * 1000 + raw.uid.value_or(0);
    Attribute& cls = def.attributes["class_uid"];
    cls.enum_captions = {{std::to_string(def.uid), def.caption}};
    cls.sibling = "class_name";
    Attribute& category = def.attributes["category_uid"];
    category.enum_captions = {{std::to_string(def.category_uid), cat->second.second}};
    category.sibling = "category_name";
    Attribute& type = def.attributes["type_uid"];
    type.enum_captions.clear();
    for (const auto& [id, caption] : def.attributes["activity_id"].enum_captions) {
      type.enum_captions[std::to_string(int64_t{def.uid} * 100 + std::stoll(id))] =
          def.caption + ": " + caption;
    }
    type.sibling = "type_name";
    s->classes_[def.uid] = std::move(def);
  }
  return s;
}

bool Schema::Matches(const std::string& type, std::string_view value) const {
  simdjson::dom::parser parser;
  std::string json;
  json.push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') json.push_back('\\');
    json.push_back(c);
  }
  json.push_back('"');
  element e;
  if (parser.parse(json).get(e) != simdjson::SUCCESS) return false;
  std::vector<std::string> out;
  ValidateScalar(type, e, "", &out);
  return out.empty();
}

const Definition* Schema::Class(int class_uid) const {
  auto it = classes_.find(class_uid);
  return it == classes_.end() ? nullptr : &it->second;
}

const Definition* Schema::Object(const std::string& name) const {
  auto it = objects_.find(name);
  return it == objects_.end() ? nullptr : &it->second;
}

std::vector<std::string> Schema::Validate(element event) const {
  std::vector<std::string> out;
  object root;
  if (event.get(root) != simdjson::SUCCESS) return {"the event is not a JSON object"};
  int64_t class_uid = -1;
  if (root["class_uid"].get(class_uid) != simdjson::SUCCESS) return {"class_uid missing"};
  const Definition* cls = Class(static_cast<int>(class_uid));
  if (cls == nullptr) return {"class_uid " + std::to_string(class_uid) + " is not in the schema"};
  std::set<std::string> profiles;
  element declared;
  if (root.at_pointer("/metadata/profiles").get(declared) == simdjson::SUCCESS) {
    for (const std::string& p : StrList(declared)) {
      if (!profiles_.count(p)) out.push_back("metadata.profiles: unknown profile " + p);
      profiles.insert(p);
    }
  }
  std::string_view version;
  if (root.at_pointer("/metadata/version").get(version) == simdjson::SUCCESS &&
      version != version_) {
    out.push_back("metadata.version: " + std::string(version) + ", the schema is " + version_);
  }
  ValidateObject(*cls, root, "", profiles, &out);
  return out;
}

void Schema::ValidateObject(const Definition& def, object value, const std::string& path,
                            const std::set<std::string>& profiles,
                            std::vector<std::string>* out) const {
  const std::string where = path.empty() ? def.name : path;
  for (auto field : value) {
    const std::string at = Join(path, field.key);
    auto it = def.attributes.find(std::string(field.key));
    if (it == def.attributes.end()) {
      out->push_back(at + ": unknown attribute of " + def.name);
      continue;
    }
    const Attribute& a = it->second;
    if (!a.profile.empty() && !profiles.count(a.profile)) {
      out->push_back(at + ": attribute of the " + a.profile +
                     " profile, which metadata.profiles does not declare");
    }
    ValidateValue(a, field.value, at, profiles, out);
  }
  for (const auto& [name, a] : def.attributes) {
    element v;
    const bool present = value[name].get(v) == simdjson::SUCCESS;
    if (a.requirement == "required" && (a.profile.empty() || profiles.count(a.profile))) {
      if (!present) {
        out->push_back(Join(path, name) + ": required attribute of " + def.name + " missing");
      } else if (IsPlaceholder(v)) {
        out->push_back(Join(path, name) + ": required attribute with a placeholder value");
      }
    }
    // An _id enum's sibling holds the caption of the id, unless the id is 99 (Other).
    if (present && !a.sibling.empty() && !a.enum_captions.empty() && !a.is_array) {
      int64_t id = 0;
      std::string_view sibling;
      if (v.get(id) == simdjson::SUCCESS && id != 99 &&
          value[a.sibling].get(sibling) == simdjson::SUCCESS) {
        auto c = a.enum_captions.find(std::to_string(id));
        if (c != a.enum_captions.end() && sibling != c->second) {
          out->push_back(Join(path, a.sibling) + ": \"" + std::string(sibling) +
                         "\" is not the caption of " + name + " " + std::to_string(id) + " (\"" +
                         c->second + "\")");
        }
      }
    }
  }
  if (!def.at_least_one.empty()) {
    bool any = false;
    for (const std::string& n : def.at_least_one)
      any = any || value[n].error() == simdjson::SUCCESS;
    if (!any) out->push_back(where + ": has none of the attributes at_least_one names");
  }
  if (!def.just_one.empty()) {
    int n = 0;
    for (const std::string& m : def.just_one) n += value[m].error() == simdjson::SUCCESS;
    if (n != 1) out->push_back(where + ": not exactly one of the attributes just_one names");
  }
}

void Schema::ValidateValue(const Attribute& attr, element value, const std::string& path,
                           const std::set<std::string>& profiles,
                           std::vector<std::string>* out) const {
  auto one = [&](element v, const std::string& at) {
    const Definition* obj = Object(attr.type);
    if (obj != nullptr) {
      object o;
      if (v.get(o) != simdjson::SUCCESS) {
        out->push_back(at + ": not an object (" + attr.type + ")");
      } else if (attr.type != "object") {  // the generic object holds anything
        ValidateObject(*obj, o, at, profiles, out);
      }
      return;
    }
    ValidateScalar(attr.type, v, at, out);
    if (!attr.enum_captions.empty()) {
      std::string key;
      int64_t i = 0;
      std::string_view s;
      if (v.get(i) == simdjson::SUCCESS) {
        key = std::to_string(i);
      } else if (v.get(s) == simdjson::SUCCESS) {
        key = std::string(s);
      }
      if (!attr.enum_captions.count(key))
        out->push_back(at + ": " + (key.empty() ? "value" : key) + " is not in its enum");
    }
  };
  if (attr.is_array) {
    array a;
    if (value.get(a) != simdjson::SUCCESS) {
      out->push_back(path + ": not an array");
      return;
    }
    size_t i = 0;
    for (element v : a) one(v, path + "[" + std::to_string(i++) + "]");
  } else {
    one(value, path);
  }
}

void Schema::ValidateScalar(const std::string& type, element value, const std::string& path,
                            std::vector<std::string>* out) const {
  std::string t = type;
  for (int depth = 0; depth < 8; ++depth) {
    auto it = types_.find(t);
    if (it == types_.end()) {
      out->push_back(path + ": type " + t + " is neither a data type nor an object");
      return;
    }
    const Type& ty = *it->second;
    std::string_view s;
    const bool is_string = value.get(s) == simdjson::SUCCESS;
    if (ty.regex && is_string && !RE2::PartialMatch(s, *ty.regex)) {
      out->push_back(path + ": \"" + std::string(s.substr(0, 80)) + "\" is not a valid " + t);
    }
    if (ty.max_len && is_string && s.size() > ty.max_len) {
      out->push_back(path + ": longer than " + std::to_string(ty.max_len) + " (" + t + ")");
    }
    int64_t n = 0;
    if (ty.range && value.get(n) == simdjson::SUCCESS &&
        (n < ty.range->first || n > ty.range->second)) {
      out->push_back(path + ": " + std::to_string(n) + " is out of the range of " + t);
    }
    if (!ty.base.empty()) {
      t = ty.base;
      continue;
    }
    bool ok = true;
    if (t == "string_t") {
      ok = is_string;
    } else if (t == "integer_t" || t == "long_t") {
      ok = value.is_int64() || value.is_uint64();
    } else if (t == "float_t") {
      ok = value.is_number();
    } else if (t == "boolean_t") {
      ok = value.is_bool();
    }  // json_t: anything
    if (!ok) out->push_back(path + ": not a " + t + " (declared " + type + ")");
    return;
  }
}

}  // namespace fastpath::testing::ocsf
