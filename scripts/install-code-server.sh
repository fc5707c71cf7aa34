#!/usr/bin/env bash
# Installs a real VS Code for the optional browser test: code-server 4.100.3 (VS Code
# 1.100.3, the last line that runs on Node 20) + playwright-core, under .cache/code-server,
# with Debian's chromium and ripgrep. Idempotent; prints the time it took.
#
# The traps it handles (see shared REAL-CLIENTS.md):
# - @vscode/ripgrep's postinstall downloads rg from GitHub: pre-seed its cache with
#   Debian's rg, as the tarball it looks for.
# - npm 11 blocks dependency install scripts unless allow-listed, and refuses an
#   --allow-scripts flag (or npm_config_allow_scripts) inside a project install, which is
#   what code-server's postinstall runs in lib/vscode. So: install with --ignore-scripts,
#   rebuild argon2 (allow-listed in package.json), and run code-server's postinstall.sh
#   ourselves with the allow-list in a private npmrc.
# - As root the postinstall needs npm_config_unsafe_perm=true; node-pty's build calls
#   `npx node-gyp`, which needs npm_config_yes=true.
# - code-server writes ~/.config/code-server on any call: XDG dirs go to a temp dir.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$REPO/.cache/code-server"
STAMP="$DIR/.installed-4.100.3"
if [ -f "$STAMP" ] && [ -x "$DIR/node_modules/.bin/code-server" ]; then
  exit 0
fi
t0=$(date +%s)

need=()
for pkg in chromium ripgrep build-essential libkrb5-dev fonts-noto-cjk; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "apt-get install ${need[*]}" >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

rm -rf "$DIR"
mkdir -p "$DIR/tmp"
tmp="$DIR/tmp"

# Pre-seeded ripgrep download cache.
mkdir -p "$tmp/rgpkg"
cp "$(command -v rg)" "$tmp/rgpkg/rg"
for v in 1.15.9 1.15.11 1.15.14; do
  mkdir -p "$tmp/vscode-ripgrep-cache-$v"
  tar -czf "$tmp/vscode-ripgrep-cache-$v/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$tmp/rgpkg" rg
done

cat >"$DIR/package.json" <<'EOF'
{
  "private": true,
  "dependencies": { "code-server": "4.100.3", "playwright-core": "1.65.1" },
  "allowScripts": { "argon2": true }
}
EOF
# node-gyp must build against the local Node headers: it cannot download them here.
nodedir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [ ! -f "$nodedir/include/node/node.h" ]; then
  echo "Node headers not found under $nodedir/include/node (install Debian's libnode-dev or nodejs headers)" >&2
  exit 1
fi
cat >"$DIR/npmrc" <<EOF
nodedir=$nodedir
fund=false
audit=false
update-notifier=false
allow-scripts=node-pty,@vscode/spdlog,kerberos,native-watchdog,@parcel/watcher,@vscode/ripgrep,@vscode/deviceid,@vscode/sqlite3,native-keymap,@vscode/policy-watcher,@vscode/native-watchdog,@vscode/tree-sitter-wasm
EOF
xdg="$(mktemp -d)"
export NPM_CONFIG_USERCONFIG="$DIR/npmrc" TMPDIR="$tmp" XDG_CONFIG_HOME="$xdg" XDG_DATA_HOME="$xdg"
export npm_config_unsafe_perm=true npm_config_yes=true
cd "$DIR"
npm install --no-audit --no-fund --ignore-scripts --loglevel=error
npm rebuild argon2 --loglevel=error >/dev/null
(cd node_modules/code-server && npm_config_user_agent="npm/$(npm --version) node/$(node --version) linux x64" \
  sh ./postinstall.sh >"$DIR/postinstall.log" 2>&1) || { tail -n 40 "$DIR/postinstall.log" >&2; exit 1; }
node_modules/.bin/code-server --version >/dev/null
rm -rf "$xdg"
touch "$STAMP"
echo "code-server installed in $(( $(date +%s) - t0 ))s ($(du -sh "$DIR" | cut -f1))" >&2
