#!/usr/bin/env bash
# Runs every test: the Rust suites (unit, CLI snapshots, language server over
# stdio, robustness, property tests), then the suites that drive real clients.
# Installs what those need into .cache/ (git-ignored) on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --all-targets --locked
# Doc tests, if any.
cargo test --doc --locked

for extra in scripts/test-pytest-lsp.sh scripts/test-editors.sh; do
  if [ -x "$extra" ]; then
    echo "== $extra"
    "$extra"
  fi
done
