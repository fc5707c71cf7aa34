#!/usr/bin/env python3
"""Validates the CI snippets: every ```yaml block in editors/CI.md with `jobs:` against the
GitHub workflow schema, the pre-commit config block with `pre-commit validate-config`, and
.pre-commit-hooks.yaml with `pre-commit validate-manifest`.

Usage: check_docs.py REPO BINDIR   (BINDIR holds check-jsonschema and pre-commit)
"""
import os
import re
import subprocess
import sys
import tempfile

repo, bindir = sys.argv[1], sys.argv[2]
text = open(os.path.join(repo, "editors", "CI.md"), encoding="utf-8").read()
blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
failures = 0
workflows = 0
configs = 0
with tempfile.TemporaryDirectory() as tmp:
    for i, block in enumerate(blocks):
        path = os.path.join(tmp, f"block{i}.yaml")
        open(path, "w", encoding="utf-8").write(block)
        if re.search(r"^jobs:", block, flags=re.M):
            cmd = [os.path.join(bindir, "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", path]
            workflows += 1
        elif re.search(r"^repos:", block, flags=re.M):
            cmd = [os.path.join(bindir, "pre-commit"), "validate-config", path]
            configs += 1
        else:
            print(f"CI.md yaml block {i} is neither a workflow nor a pre-commit config")
            failures += 1
            continue
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"CI.md yaml block {i}: {' '.join(cmd[:3])} failed:\n{r.stdout}{r.stderr}")
            failures += 1
manifest = os.path.join(repo, ".pre-commit-hooks.yaml")
r = subprocess.run([os.path.join(bindir, "pre-commit"), "validate-manifest", manifest], capture_output=True, text=True)
if r.returncode != 0:
    print(f".pre-commit-hooks.yaml: {r.stdout}{r.stderr}")
    failures += 1
if workflows < 2 or configs < 1:
    print(f"expected 2 workflows and 1 pre-commit config in CI.md, found {workflows} and {configs}")
    failures += 1
if failures:
    sys.exit(1)
print(f"docs ok: {workflows} workflows valid against the GitHub schema, pre-commit config and manifest valid")
