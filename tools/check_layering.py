#!/usr/bin/env python3
"""Checks that no stage of src/ includes a header of a later stage.

The stages, in the order the root CMakeLists.txt links them, are listed below; a file in
src/<stage>/ may include headers of its own stage and of the stages before it. The link-time
check (the fastpath_layering_* programs) catches symbols taken from a later stage; this one also
catches headers used only for their inline code or types.
"""
import pathlib
import re
import sys

ORDER = ["core", "config", "storage", "decode", "aws", "sources", "parse", "ocsf", "rules",
         "dedupe", "alerts", "sinks", "lake", "audit", "pipeline", "simulate", "dashboard", "app"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".") / "src"
    problems = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".h", ".cc") or path.name.endswith("_test.cc"):
            continue
        stage = path.relative_to(root).parts[0]
        if stage not in ORDER:
            problems.append(f"{path}: folder '{stage}' is not a known stage (tools/check_layering.py)")
            continue
        for m in INCLUDE.finditer(path.read_text()):
            dep = m.group(1)
            if dep in ORDER and ORDER.index(dep) > ORDER.index(stage):
                line = path.read_text()[: m.start()].count("\n") + 1
                problems.append(f"{path}:{line}: {stage} includes {m.group(0).split()[-1]}, "
                                f"a later stage")
    for p in problems:
        print(p)
    print(f"layering: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
