#!/usr/bin/env python3
"""Checks the JSON written by emacs_test.el against tests/editors/fixtures/expected.json.

Usage: check_emacs.py RESULT.json EXPECTED.json NOTE.md
"""
import json
import re
import sys

result = json.load(open(sys.argv[1], encoding="utf-8"))
expected = json.load(open(sys.argv[2], encoding="utf-8"))
note_lines = open(sys.argv[3], encoding="utf-8").read().split("\n")
failures = [f"error: {e}" for e in result.get("errors", [])]
if result.get("mode") != "markdown-mode":
    failures.append(f"major mode {result.get('mode')!r}")
got = [(d["line"], d["column"], d["text"]) for d in result.get("diagnostics", [])]
want = []
for d in expected["diagnostics"]:
    line = note_lines[d["line"]]
    # Emacs columns count characters; the expectation has UTF-16 units (same here: BMP only).
    want.append((d["line"], d["utf16"], line[d["utf16"]:d["utf16End"]]))
if sorted(got) != sorted(want):
    failures.append(f"flymake diagnostics (line, column, text): got {got}, want {want}")
for d, e in zip(sorted(result.get("diagnostics", []), key=lambda d: (d["line"], d["column"])), expected["diagnostics"]):
    for pattern in e["message"]:
        if not re.search(pattern, d.get("message", "")):
            failures.append(f"diagnostic message {d.get('message')!r} does not match /{pattern}/")
hover = result.get("hover") or ""
for pattern in expected["hover"]:
    if not re.search(pattern, hover):
        failures.append(f"hover does not match /{pattern}/: {hover!r}")
if failures:
    print("emacs (eglot): FAILED")
    for f in failures:
        print("  - " + f)
    sys.exit(1)
print(f"emacs (eglot, {result.get('server')}): ok — {len(got)} diagnostic(s), hover {len(hover)} chars")
