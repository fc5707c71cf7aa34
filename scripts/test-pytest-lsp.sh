#!/usr/bin/env bash
# Runs the pytest-lsp conformance suite (tests/pytest_lsp) against `llmnotes lsp`.
# Creates the virtualenv under .cache/venv on first use. Exit 5 from pytest (no
# tests collected) is a failure here: the suite must run.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.cache/venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import pytest_lsp" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "pytest-lsp==1.0.1"
fi
if [ -z "${LLMNOTES_BIN:-}" ]; then
    cargo build --quiet --bin llmnotes
    target_dir=$(cargo metadata --format-version 1 --no-deps | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
    export LLMNOTES_BIN="$target_dir/debug/llmnotes"
fi
set +e
"$VENV/bin/python" -m pytest -c tests/pytest_lsp/pytest.ini --rootdir tests/pytest_lsp tests/pytest_lsp "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "test-pytest-lsp: no tests were collected" >&2
    exit 1
fi
exit "$status"
