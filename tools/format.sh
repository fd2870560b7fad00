#!/usr/bin/env bash
# Formats every C++ file of the tree with the repository's .clang-format.
#   tools/format.sh           rewrite files in place
#   tools/format.sh --check   change nothing; fail and list the files that are not formatted
set -euo pipefail
cd "$(dirname "$0")/.."
# Tracked files and new ones not yet added (but not what .gitignore leaves out).
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cc' '*.h' 2>/dev/null ||
  find src tests fuzz bench -name '*.cc' -o -name '*.h')
if [[ "${1:-}" == "--check" ]]; then
  bad=0
  for f in "${files[@]}"; do
    if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
      echo "not formatted: $f"
      bad=1
    fi
  done
  if [[ $bad -ne 0 ]]; then
    echo "run tools/format.sh to format them" >&2
    exit 1
  fi
  echo "format: ${#files[@]} files formatted"
else
  clang-format -i "${files[@]}"
fi
