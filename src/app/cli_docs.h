// Documentation generated from the command line definition itself, so it cannot drift from the
// binary: one man page per command and bash and zsh completion scripts.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace CLI {
class App;
}

namespace fastpath {

// (file name, roff text) of a man page (section 1) for `app` and for each of its subcommands,
// recursively: fastpath.1, fastpath-scan.1, fastpath-alerts-list.1, ...
std::vector<std::pair<std::string, std::string>> ManPages(const CLI::App& app,
                                                          const std::string& version);

// A completion script for the shell ("bash" or "zsh"): subcommands, then each command's options.
// Empty for another shell.
std::string CompletionScript(const CLI::App& app, const std::string& shell);

}  // namespace fastpath
