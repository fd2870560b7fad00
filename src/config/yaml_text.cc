#include "config/yaml_text.h"

#include <string>

#include <simdjson.h>

namespace fastpath {

Status CheckYamlText(std::string_view text) {
  // yaml-cpp 0.7 can loop forever on some invalid byte sequences: only well-formed text reaches it.
  if (!simdjson::validate_utf8(text.data(), text.size()))
    return Status::InvalidArgument("not valid UTF-8");
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
      return Status::InvalidArgument("control character 0x" + std::to_string(c) + " at byte " +
                                     std::to_string(i));
    }
  }
  // yaml-cpp 0.7 also loops forever on a document whose first token is ',' (and on directives
  // and tab indentation that open one): rule files need neither. Find each document's first
  // content character (after "---", "...", comments and blank lines).
  bool at_document_start = true;
  size_t line_no = 0;
  for (size_t pos = 0; pos <= text.size(); ++line_no) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line[0] == '%') {
      return Status::InvalidArgument("line " + std::to_string(line_no + 1) +
                                     ": YAML directives ('%') are not supported in rule files");
    }
    if (!line.empty() && line[0] == '\t') {
      return Status::InvalidArgument("line " + std::to_string(line_no + 1) +
                                     ": a tab in indentation (YAML indents with spaces)");
    }
    if (line.substr(0, 3) == "---" || line.substr(0, 3) == "...") {
      at_document_start = true;
      line.remove_prefix(3);
    }
    // yaml-cpp can take a line that starts with ',' for the start of a document and loop: refuse
    // it first (rule files write lists one item a line, or [a, b] on one line).
    const size_t lead = line.find_first_not_of(" \t\r");
    if (lead != std::string_view::npos && line[lead] == ',') {
      return Status::InvalidArgument("line " + std::to_string(line_no + 1) +
                                     ": a line cannot start with ','");
    }
    if (!at_document_start) continue;
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#') continue;
    if (line[first] == ',') {
      return Status::InvalidArgument("line " + std::to_string(line_no + 1) +
                                     ": a YAML document cannot start with ','");
    }
    at_document_start = false;
  }
  return Status::Ok();
}

}  // namespace fastpath
