#include "app/cli_docs.h"

#include <cctype>

#include <CLI/CLI.hpp>

namespace fastpath {
namespace {

std::vector<const CLI::App*> Subcommands(const CLI::App& app) {
  // Hidden subcommands (no group) are left out, as CLI11's own help leaves them out.
  return app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); });
}

std::vector<const CLI::Option*> Options(const CLI::App& app) {
  return app.get_options([](const CLI::Option* o) { return !o->get_group().empty(); });
}

// Escapes text for roff: backslashes, and a '.' or '\'' that would start a request.
std::string Roff(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

// "fastpath alerts list" for a subcommand (its parents' names first).
std::string CommandPath(const CLI::App& app) {
  std::string path = app.get_name();
  for (const CLI::App* p = app.get_parent(); p != nullptr; p = p->get_parent()) {
    path = p->get_name() + " " + path;
  }
  return path;
}

std::string OptionSpec(const CLI::Option& o) {
  std::string names;
  for (const std::string& s : o.get_snames()) names += (names.empty() ? "-" : ", -") + s;
  for (const std::string& l : o.get_lnames()) names += (names.empty() ? "--" : ", --") + l;
  return names;
}

std::string ValueName(const CLI::Option& o) {
  if (o.get_expected_max() == 0) return {};  // a flag
  std::string t = o.get_type_name();
  return t.empty() ? "VALUE" : t;
}

void AddPage(const CLI::App& app, const std::string& version,
             std::vector<std::pair<std::string, std::string>>* pages) {
  const std::string path = CommandPath(app);
  std::string file = path;
  for (char& c : file) {
    if (c == ' ') c = '-';
  }
  std::string upper = file;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string m = ".TH \"" + upper + "\" 1 \"\" \"fastpath " + version + "\" \"fastpath manual\"\n";
  m += ".SH NAME\n" + Roff(file) + " \\- " + Roff(app.get_description()) + "\n";
  m += ".SH SYNOPSIS\n.B " + Roff(path) + "\n";
  const auto options = Options(app);
  const auto subs = Subcommands(app);
  bool any_flag = false;
  for (const CLI::Option* o : options) any_flag |= o->nonpositional();
  if (any_flag) m += "[\\fIOPTIONS\\fR]\n";
  for (const CLI::Option* o : options) {
    if (o->nonpositional()) continue;
    const bool many = o->get_expected_max() > 1;
    const std::string name = "\\fI" + Roff(o->get_name()) + "\\fR" + (many ? "..." : "");
    m += (o->get_required() ? name : "[" + name + "]") + "\n";
  }
  if (!subs.empty()) m += "\\fICOMMAND\\fR\n";
  if (!app.get_footer().empty()) m += ".SH DESCRIPTION\n" + Roff(app.get_footer()) + "\n";
  if (!options.empty()) {
    m += ".SH OPTIONS\n";
    for (const CLI::Option* o : options) {
      m += ".TP\n";
      if (o->nonpositional()) {
        const std::string value = ValueName(*o);
        m += "\\fB" + Roff(OptionSpec(*o)) + "\\fR" +
             (value.empty() ? "" : " \\fI" + Roff(value) + "\\fR") + "\n";
      } else {
        m += "\\fI" + Roff(o->get_name()) + "\\fR\n";
      }
      m += Roff(o->get_description().empty() ? "(no description)" : o->get_description()) + "\n";
    }
  }
  if (!subs.empty()) {
    m += ".SH COMMANDS\n";
    for (const CLI::App* s : subs) {
      m += ".TP\n\\fB" + Roff(s->get_name()) + "\\fR\n" + Roff(s->get_description()) + "\n";
    }
  }
  m += ".SH SEE ALSO\n";
  if (app.get_parent() == nullptr) {
    std::string see;
    for (const CLI::App* s : subs)
      see += (see.empty() ? "" : ", ") + Roff(file + "-" + s->get_name()) + "(1)";
    m += see + "\n";
  } else {
    std::string parent = CommandPath(*app.get_parent());
    for (char& c : parent) {
      if (c == ' ') c = '-';
    }
    m += Roff(parent) + "(1)\n";
  }
  pages->emplace_back(file + ".1", std::move(m));
  for (const CLI::App* s : subs) AddPage(*s, version, pages);
}

// One command of the tree: its key (the command path after the program name, "_" for the program
// itself), its subcommands and its options, each space-separated.
struct Node {
  std::string key;
  std::string subcommands;
  std::string options;
};

void Collect(const CLI::App& app, const std::string& key, std::vector<Node>* nodes) {
  Node n;
  n.key = key;
  for (const CLI::App* s : Subcommands(app)) {
    n.subcommands += (n.subcommands.empty() ? "" : " ") + s->get_name();
  }
  for (const CLI::Option* o : Options(app)) {
    if (!o->nonpositional()) continue;
    for (const std::string& l : o->get_lnames()) {
      n.options += (n.options.empty() ? "--" : " --") + l;
    }
    for (const std::string& s : o->get_snames()) n.options += (n.options.empty() ? "-" : " -") + s;
  }
  nodes->push_back(n);
  for (const CLI::App* s : Subcommands(app)) {
    Collect(*s, key == "_" ? s->get_name() : key + " " + s->get_name(), nodes);
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ManPages(const CLI::App& app,
                                                          const std::string& version) {
  std::vector<std::pair<std::string, std::string>> pages;
  AddPage(app, version, &pages);
  return pages;
}

std::string CompletionScript(const CLI::App& app, const std::string& shell) {
  std::vector<Node> nodes;
  Collect(app, "_", &nodes);
  const std::string name = app.get_name();
  std::string subs_table;  // bash: ['key']='words'; zsh: 'key' 'words'
  std::string opts_table;
  std::string zsubs;
  std::string zopts;
  for (const Node& n : nodes) {
    subs_table += "  ['" + n.key + "']='" + n.subcommands + "'\n";
    opts_table += "  ['" + n.key + "']='" + n.options + "'\n";
    zsubs += "    '" + n.key + "' '" + n.subcommands + "'\n";
    zopts += "    '" + n.key + "' '" + n.options + "'\n";
  }
  if (shell == "bash") {
    return "# bash completion for " + name + ", generated by `" + name +
           " completion bash` from its command line definition.\n"
           "declare -gA _" +
           name + "_subcommands=(\n" + subs_table + ")\n" + "declare -gA _" + name +
           "_options=(\n" + opts_table + ")\n" + "_" + name +
           "() {\n"
           "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" key=_ w i\n"
           "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
           "    w=\"${COMP_WORDS[i]}\"\n"
           "    if [[ \" ${_" +
           name +
           "_subcommands[$key]} \" == *\" $w \"* ]]; then\n"
           "      if [[ $key == _ ]]; then key=\"$w\"; else key=\"$key $w\"; fi\n"
           "    fi\n"
           "  done\n"
           "  if [[ $cur == -* ]]; then\n"
           "    mapfile -t COMPREPLY < <(compgen -W \"${_" +
           name +
           "_options[$key]}\" -- \"$cur\")\n"
           "  elif [[ -n ${_" +
           name +
           "_subcommands[$key]} ]]; then\n"
           "    mapfile -t COMPREPLY < <(compgen -W \"${_" +
           name +
           "_subcommands[$key]}\" -- \"$cur\")\n"
           "  else\n"
           "    mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
           "  fi\n"
           "}\n"
           "complete -o filenames -F _" +
           name + " " + name + "\n";
  }
  if (shell == "zsh") {
    return "#compdef " + name + "\n# zsh completion for " + name + ", generated by `" + name +
           " completion zsh` from its command line definition.\n"
           "_" +
           name +
           "() {\n"
           "  local -A subs opts\n"
           "  subs=(\n" +
           zsubs +
           "  )\n"
           "  opts=(\n" +
           zopts +
           "  )\n"
           "  local key=_ w i\n"
           "  for ((i = 2; i < CURRENT; i++)); do\n"
           "    w=${words[i]}\n"
           "    if [[ \" ${subs[$key]} \" == *\" $w \"* ]]; then\n"
           "      if [[ $key == _ ]]; then key=$w; else key=\"$key $w\"; fi\n"
           "    fi\n"
           "  done\n"
           "  if [[ ${words[CURRENT]} == -* ]]; then\n"
           "    compadd -- ${=opts[$key]}\n"
           "  elif [[ -n ${subs[$key]} ]]; then\n"
           "    compadd -- ${=subs[$key]}\n"
           "  else\n"
           "    _files\n"
           "  fi\n"
           "}\n"
           "_" +
           name + " \"$@\"\n";
  }
  return {};
}

}  // namespace fastpath
