#!/usr/bin/env bash
# Prism against the CLI, side by side: neardup-beam (in-process Prism) and
# neardup run on one generated corpus, runs alternated, wall time and peak
# RSS of each (GNU time), medians; and the two outputs compared byte for
# byte (clusters.jsonl, drop.txt). Run from the repository root:
#
#   beam/benchmark.sh [ARTICLES [RUNS]]     # default 100000 3
#
# The corpus is generated once into benchmarks/data/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${2:-3}
data=benchmarks/data
mkdir -p "$data/bin"
corpus="$data/beam-$n.jsonl"
go build -o "$data/bin/neardup" ./cmd/neardup
(cd beam && go build -o "../$data/bin/neardup-beam" ./cmd/neardup-beam)
[ -s "$corpus" ] || go run ./benchmarks/gen -n "$n" -out "$corpus" -gold "$data/beam-$n.gold.jsonl" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for i in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" -o "$out/cli.$i" "$data/bin/neardup" run -q --out "$out/cli" "$corpus"
  /usr/bin/time -f "%e %M" -o "$out/beam.$i" "$data/bin/neardup-beam" -q --out "$out/beam" "$corpus"
done
for t in cli beam; do
  wall=$(cat "$out/$t".* | awk '{print $1}' | median)
  rss=$(cat "$out/$t".* | awk '{print $2}' | median)
  echo "$t: $n articles, wall $wall s (runs: $(cat "$out/$t".* | awk '{printf "%s ", $1}')), peak RSS $((rss / 1024)) MiB, median of $runs"
done
for f in clusters.jsonl drop.txt; do
  cmp "$out/cli/$f" "$out/beam/$f" && echo "$f: identical ($(wc -l <"$out/cli/$f") lines)"
done
