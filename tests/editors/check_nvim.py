#!/usr/bin/env python3
"""Checks the JSON printed by nvim_test.lua against tests/editors/fixtures/expected.json.

Usage: check_nvim.py RESULT.json EXPECTED.json NOTE_DIR
Prints what differs and exits 1 on any failure.
"""
import json
import os
import re
import sys

result = json.load(open(sys.argv[1], encoding="utf-8"))
expected = json.load(open(sys.argv[2], encoding="utf-8"))
note_dir = os.path.realpath(sys.argv[3])
failures = []


def fail(msg):
    failures.append(msg)


if result.get("errors"):
    for e in result["errors"]:
        fail(f"Lua/LSP error: {e}")

if result.get("filetype") != "markdown":
    fail(f"filetype is {result.get('filetype')!r}, not markdown")

client = result.get("client") or {}
if client.get("name") != "llmnotes":
    fail(f"no llmnotes client attached: {client}")
elif os.path.realpath(client.get("root_dir") or "") != note_dir:
    fail(f"root_dir {client.get('root_dir')!r}, expected {note_dir} (the folder with llmnotes.toml)")

got = [
    (d.get("code"), d["lnum"], d["col"], d.get("end_lnum"), d.get("end_col"))
    for d in result.get("diagnostics", [])
]
want = [(d["code"], d["line"], d["byte"], d["line"], d["byteEnd"]) for d in expected["diagnostics"]]
if got != want:
    fail(f"diagnostics (code, lnum, col, end_lnum, end_col): got {got}, want {want}")
for d in result.get("diagnostics", []):
    if d.get("source") != "llmnotes":
        fail(f"diagnostic source {d.get('source')!r}")
for d, e in zip(result.get("diagnostics", []), expected["diagnostics"]):
    for pattern in e["message"]:
        if not re.search(pattern, d.get("message", "")):
            fail(f"diagnostic message {d.get('message')!r} does not match /{pattern}/")

hover = result.get("hover") or ""
if not hover:
    fail("no hover on GPT-2")
for pattern in expected["hover"]:
    if not re.search(pattern, hover):
        fail(f"hover does not match /{pattern}/: {hover!r}")

definition = result.get("definition") or {}
if not definition.get("uri", "").endswith(".toml"):
    fail(f"definition is not in a .toml file: {definition}")
elif not re.search(expected["definitionLine"], definition.get("text") or ""):
    fail(f"definition line {definition.get('text')!r} does not match /{expected['definitionLine']}/")
elif not (definition.get("jumped_to") or "").endswith(".toml") or definition.get("cursor_row") != definition["line"] + 1:
    fail(f"jumping to the definition landed at {definition.get('jumped_to')}:{definition.get('cursor_row')}")

show = "\n".join(result.get("show") or [])
if not show.startswith("### GPT-2") or result.get("show_filetype") != "markdown":
    fail(f":LlmnotesShow GPT-2 did not open the Markdown card: {show[:200]!r}")
timeline = "\n".join(result.get("timeline") or [])
if not re.search(r"^\| 2019-02-14 \| GPT-2 \|", timeline, flags=re.M):
    fail(f":LlmnotesTimeline did not insert the timeline: {timeline[:300]!r}")

if result.get("client_count") != 1:
    fail(f"{result.get('client_count')} llmnotes clients running, expected 1")
if not result.get("rule_off_clears"):
    fail("update_settings({rules = {['kb-mismatch'] = 'off'}}) did not clear the diagnostic")
if not result.get("rule_back_as_warning"):
    fail("update_settings({rules = {['kb-mismatch'] = 'warning'}}) did not bring it back as a warning")

health = "\n".join(result.get("health") or [])
if "server binary:" not in health or "llmnotes --version: llmnotes" not in health:
    fail(f"checkhealth does not report the binary and its version:\n{health}")
if re.search(r"ERROR", health):
    fail(f"checkhealth reports an error:\n{health}")

if failures:
    print(f"nvim ({result.get('mode')}): FAILED")
    for f in failures:
        print("  - " + f)
    sys.exit(1)
print(f"nvim ({result.get('mode')}, {result.get('nvim')}, {client.get('offset_encoding')}): ok — "
      f"{len(got)} diagnostic(s), hover {len(hover)} chars, definition {os.path.basename(definition['uri'])}:{definition['line'] + 1}")
