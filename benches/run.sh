#!/usr/bin/env bash
# Throughput and peak memory of `llmnotes check` against a baseline that only
# reads, parses (pulldown-cmark) and runs the alias automaton. See benches/README.md.
#
#   benches/run.sh [--seed N] [--files N] [--mb N] [--corpus DIR]
#                  [--notes DIR] [--timeout SECS] [--mem-cap-gb N] [--no-scaling]
#
# --notes DIR measures an existing folder of notes instead of generating a corpus
# (it is only read). Without it, the corpus is (re)generated in --corpus DIR, which
# must be new, empty or an earlier generated corpus (gen_corpus refuses otherwise).
#
# Both programs walk the same folder with `ignore` and use rayon with its default
# thread count (one per core). `check` exits 1 when there are errors: expected.
# `check` runs under `timeout` and `ulimit -v` so a blow-up cannot take the machine
# down; a run that hits either limit is reported as such, not as a measurement.
set -euo pipefail
cd "$(dirname "$0")/.."

seed=1 files=5000 mb=55 corpus=bench-corpus notes= timeout_s=900 cap_gb=8 scaling=1
while [ $# -gt 0 ]; do
  case "$1" in
    --seed) seed=$2; shift ;;
    --files) files=$2; shift ;;
    --mb) mb=$2; shift ;;
    --corpus) corpus=$2; shift ;;
    --notes) notes=$2; shift ;;
    --timeout) timeout_s=$2; shift ;;
    --mem-cap-gb) cap_gb=$2; shift ;;
    --no-scaling) scaling=0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install -y time" >&2; exit 2; }

echo "== build (release)"
cargo build --release --quiet
exe() { # path of a bench executable
  cargo bench --no-run --bench "$1" --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == sys.argv[1]:
        print(m["executable"])' "$1" | tail -1
}
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
check_bin="$target_dir/release/llmnotes"
gen_bin=$(exe gen_corpus)
base_bin=$(exe baseline)

if [ -n "$notes" ]; then
  [ -d "$notes" ] || { echo "--notes $notes: not a folder" >&2; exit 2; }
  corpus=$notes scaling=0 # the scaling rows use the generated topic-* folders
  echo "== notes: $corpus (measured as they are, not regenerated)"
else
  echo "== corpus: seed $seed, $files files, >= $mb MB -> $corpus"
  "$gen_bin" --out "$corpus" --seed "$seed" --files "$files" --mb "$mb"
fi
bytes=$(find "$corpus" -name '*.md' -printf '%s\n' | awk '{s+=$1} END {print s}')
nfiles=$(find "$corpus" -name '*.md' | wc -l)
sync

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME CMD...: wall seconds, peak RSS (kB) and exit code into $tmp/NAME.*
run() {
  local name=$1; shift
  # Warm the page cache so both programs read from memory.
  cat $(find "$corpus" -name '*.md') >/dev/null 2>&1 || true
  set +e
  ( ulimit -v $((cap_gb * 1024 * 1024)); exec /usr/bin/time -v -o "$tmp/$name.time" \
      timeout "$timeout_s" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" )
  echo $? >"$tmp/$name.rc"
  set -e
  grep -oP 'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): \K.*' "$tmp/$name.time" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }' >"$tmp/$name.wall"
  grep -oP 'Maximum resident set size \(kbytes\): \K[0-9]+' "$tmp/$name.time" >"$tmp/$name.rss"
}

row() { # NAME LABEL BYTES FILES
  local rc wall rss status
  rc=$(cat "$tmp/$1.rc"); wall=$(cat "$tmp/$1.wall"); rss=$(cat "$tmp/$1.rss")
  case "$rc" in
    0|1) status="ok (exit $rc)" ;;
    124) status="TIMEOUT after ${timeout_s}s" ;;
    *) status="FAILED exit $rc: $(tail -c 200 "$tmp/$1.err" | tr '\n' ' ')" ;;
  esac
  awk -v l="$2" -v w="$wall" -v b="$3" -v f="$4" -v r="$rss" -v s="$status" -v o="$(stat -c %s "$tmp/$1.out")" \
    'BEGIN { printf "%-28s %9.2f %9.1f %9.0f %10.1f %11.1f  %s\n", l, w, b/1e6/w, f/w, r/1024, o/1e6, s }'
}

header() {
  printf '%-28s %9s %9s %9s %10s %11s  %s\n' "program" "wall s" "MB/s" "files/s" "peak RSS MB" "stdout MB" "status"
}

echo "== baseline"
run baseline "$base_bin" "$corpus"
cat "$tmp/baseline.out"
echo "== llmnotes check (timeout ${timeout_s}s, address space capped at ${cap_gb} GB)"
run check "$check_bin" check "$corpus" --format json

if [ "$scaling" = 1 ]; then
  # Same check on the first 1, 5, 10 topic folders (100 files each): how cost grows.
  for n in 1 5 10; do
    dirs=$(find "$corpus" -maxdepth 1 -name 'topic-*' | sort | head -"$n")
    run "check_$n" "$check_bin" check $dirs --format json
    run "base_$n" "$base_bin" $dirs
    echo "$(find $dirs -name '*.md' -printf '%s\n' | awk '{s+=$1} END {print s}') $(find $dirs -name '*.md' | wc -l)" >"$tmp/size_$n"
  done
fi

# A 50 MB note on one line, through the release binary (the debug-build test in
# tests/robustness.rs uses a smaller one).
python3 - "$tmp/oneline/huge.md" <<'EOF'
import os, random, sys
os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)
r = random.Random(7)
parts = ["GPT-3 有 175B 参数，", "Llama 2 上下文 4K，", "GPT-2（2019）参数量约 15 亿；", "| GPT-4 | 1.8T |",
         "`code 7B` ", "$O(n^2)$ ", "[link](https://x.y/1.5B) ", "训练数据 2T tokens。", "ｘ１２３ ", "9999999999999999999999 "]
out, n = [], 0
while n < 50_000_000:
    p = r.choice(parts); out.append(p); n += len(p.encode())
open(sys.argv[1], "w").write("".join(out))
EOF
run oneline "$check_bin" check "$tmp/oneline/huge.md" --format json
oneline_bytes=$(stat -c %s "$tmp/oneline/huge.md")

echo
echo "== results ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
origin="generated, seed $seed"; [ -n "$notes" ] && origin="existing notes"
echo "corpus: $corpus, $nfiles files, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b/1e6 }') MB ($origin); rayon, $(nproc) threads, both programs"
header
row baseline "baseline (read+parse+AC)" "$bytes" "$nfiles"
row check "llmnotes check --format json" "$bytes" "$nfiles"
if [ "$(cat "$tmp/check.rc")" -le 1 ]; then
  awk -v c="$(cat "$tmp/check.wall")" -v b="$(cat "$tmp/baseline.wall")" -v r="$(cat "$tmp/check.rss")" \
    'BEGIN { printf "check / baseline throughput: %.2fx (goal >= 0.5x): %s; check peak RSS %.0f MB (goal < 200 MB): %s\n",
             b/c, (b/c >= 0.5 ? "met" : "MISSED"), r/1024, (r/1024 < 200 ? "met" : "MISSED") }'
else
  echo "check / baseline throughput: n/a (check did not finish): goal MISSED"
fi
if [ "$scaling" = 1 ]; then
  echo
  echo "scaling (first N topic folders of the same corpus):"
  header
  for n in 1 5 10; do
    read -r b f <"$tmp/size_$n"
    row "base_$n" "baseline, $f files" "$b" "$f"
    row "check_$n" "check, $f files" "$b" "$f"
  done
fi
echo
echo "one 50 MB single-line note:"
header
row oneline "check huge.md" "$oneline_bytes" 1
