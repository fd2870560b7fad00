// An OCSF schema compiled from the schema's own files (dictionary.json, categories.json, events/,
// objects/, profiles/, includes/) the way the OCSF server compiles them, and a validator of event
// objects against it.
//
// Compilation: `extends` chains of classes and objects (the child's attribute fields deep-merged
// over the parent's), `$include` of includes and profiles (a profile's attributes are tagged with
// the profile's name, so they are known only when `metadata.profiles` lists it; a class that
// redefines the attribute with `"profile": null` makes it its own), every attribute merged over its
// dictionary definition (type, is_array, enum, sibling), the datetime profile's `<name>_dt` twin
// of each timestamp_t attribute, the class_uid / category_uid / type_uid enums with their
// class_name / category_name / type_name siblings, and the object constraints (at_least_one,
// just_one).
//
// Validation: a known class; every attribute known to its class or object (and its profile
// declared); every required attribute present with a value that is not a placeholder (empty, "-");
// values of the declared type, with the type's constraints (regex, range, max_len) and enum;
// each enum sibling equal to the enum's caption unless the id is 99 (Other); object constraints.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <simdjson.h>

namespace fastpath::testing::ocsf {

struct Attribute {
  std::string type;  // a scalar type name (string_t, ip_t, ...) or an object name
  bool is_array = false;
  std::string requirement;  // required | recommended | optional
  std::string profile;      // empty: always known
  std::string sibling;      // the caption attribute of an _id enum
  std::map<std::string, std::string> enum_captions;
};

struct Definition {  // a class or an object
  std::string name;
  std::string caption;
  int uid = -1;           // classes: class_uid
  int category_uid = -1;  // classes
  std::map<std::string, Attribute> attributes;
  std::vector<std::string> at_least_one;
  std::vector<std::string> just_one;
};

class Schema {
 public:
  // Compiles the schema under `dir`; on failure returns null and says why in *error.
  static std::unique_ptr<Schema> Load(const std::string& dir, std::string* error);
  ~Schema();

  // Validates one event; returns the problems found, each naming the attribute path.
  std::vector<std::string> Validate(simdjson::dom::element event) const;

  // Whether `value` (a string) meets the constraints of the data type `type`.
  bool Matches(const std::string& type, std::string_view value) const;

  const Definition* Class(int class_uid) const;
  const Definition* Object(const std::string& name) const;
  const std::string& version() const { return version_; }

 private:
  struct Type;
  Schema();
  void ValidateObject(const Definition& def, simdjson::dom::object value, const std::string& path,
                      const std::set<std::string>& profiles, std::vector<std::string>* out) const;
  void ValidateValue(const Attribute& attr, simdjson::dom::element value, const std::string& path,
                     const std::set<std::string>& profiles, std::vector<std::string>* out) const;
  void ValidateScalar(const std::string& type, simdjson::dom::element value,
                      const std::string& path, std::vector<std::string>* out) const;

  std::string version_;
  std::map<int, Definition> classes_;
  std::map<std::string, Definition> objects_;
  std::map<std::string, std::unique_ptr<Type>> types_;
  std::set<std::string> profiles_;
};

}  // namespace fastpath::testing::ocsf
