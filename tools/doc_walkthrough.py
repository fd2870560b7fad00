#!/usr/bin/env python3
"""Runs the shell blocks of README.md and docs/*.md marked as runnable (```sh runnable), so the
documentation cannot drift from the binary.

    tools/doc_walkthrough.py BINARY

Each file's runnable blocks run in order in one bash session (set -euo pipefail) in a scratch
folder that links the repository's build, data, rules, testdata and examples folders, with the
binary's folder first on PATH (so `fastpath` is the binary under test) and HOME in the scratch
folder. A failing block is reported with its file and line and what it printed
(FASTPATH_WALKTHROUGH_VERBOSE=1 prints every block's output)."""
import os
import pathlib
import re
import subprocess
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"^[ \t]*```sh runnable[^\n]*\n(.*?)^[ \t]*```", re.S | re.M)


def blocks(path):
    text = path.read_text()
    for m in BLOCK.finditer(text):
        yield text.count("\n", 0, m.start()) + 1, m.group(1)


def main():
    binary = pathlib.Path(sys.argv[1]).resolve()
    files = [REPO / "README.md"] + sorted((REPO / "docs").glob("*.md"))
    ran = 0
    for path in files:
        found = list(blocks(path))
        if not found:
            continue
        with tempfile.TemporaryDirectory() as scratch:
            for name in ("build", "data", "rules", "testdata", "examples", "tools", "tests"):
                os.symlink(REPO / name, os.path.join(scratch, name))
            os.makedirs(os.path.join(scratch, "home"))
            env = dict(os.environ, HOME=os.path.join(scratch, "home"),
                       PATH=f"{binary.parent}:{os.environ['PATH']}")
            # Blocks share the session: a later block may read what an earlier one wrote.
            # Whatever a block leaves running in the background is stopped at the end.
            script = "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"
            for line, body in found:
                rel = path.relative_to(REPO)
                script += f"echo '### {rel}:{line}'\n{body}\n"
            r = subprocess.run(["bash", "-c", script], cwd=scratch, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=600)
            if os.environ.get("FASTPATH_WALKTHROUGH_VERBOSE"):
                print(r.stdout)
            if r.returncode != 0:
                where = [l for l in r.stdout.splitlines() if l.startswith("### ")]
                print(r.stdout[-4000:])
                print(f"FAIL: {where[-1][4:] if where else path}: a runnable block exited "
                      f"{r.returncode}")
                return 1
            ran += len(found)
            print(f"ok - {path.relative_to(REPO)}: {len(found)} runnable blocks")
    if ran == 0:
        print("FAIL: no runnable blocks found")
        return 1
    print(f"all {ran} runnable blocks of the documentation ran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
