#!/usr/bin/env bash
# Benchmark: full 65,535-port TCP connect sweep of one loopback address
# (127.0.0.2, with the test bench's listeners on it) by `antoan scan
# --all-ports` against `nmap -sT -p- -T4`, same run. Goal: antoan ≤ 0.5× nmap.
# antoan is timed with --ports-only (a sweep, like nmap -sT) and, separately,
# with the identification of the open ports it finds.
#
# Traffic goes only to 127.0.0.2.
# Usage: bench/scan-sweep.sh [RUNS]   (default 3; the median is reported)
# Needs: nmap (apt-get install -y nmap).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
command -v nmap >/dev/null || { echo "nmap is not installed (apt-get install -y nmap)" >&2; exit 2; }
# Two builds: --example restricts the targets of every package named with it.
cargo build --release -q -p antoan --bin antoan
cargo build --release -q -p antoan-probe --example loopback_bench
work=$(mktemp -d)
# Copies: the target dir is shared, another build may replace the binaries meanwhile.
cp target/release/antoan target/release/examples/loopback_bench "$work/"
"$work/loopback_bench" >"$work/bench.txt" 2>&1 &
bench_pid=$!
trap 'kill $bench_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q ready "$work/bench.txt" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$work/bench.txt" || { cat "$work/bench.txt"; exit 1; }

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
: >"$work/antoan.t"; : >"$work/nmap.t"; : >"$work/antoan_id.t"
for i in $(seq "$runs"); do
  t0=$(now)
  "$work/antoan" scan 127.0.0.2 --all-ports --ports-only --format json --no-progress --fail-on critical >"$work/antoan.json"
  t1=$(now)
  echo "$t1 - $t0" | bc -l >>"$work/antoan.t"
  t0=$(now)
  "$work/antoan" scan 127.0.0.2 --all-ports --format json --no-progress --fail-on critical >/dev/null
  t1=$(now)
  echo "$t1 - $t0" | bc -l >>"$work/antoan_id.t"
  t0=$(now)
  nmap -sT -p- -T4 -Pn -n -oG "$work/nmap.gnmap" 127.0.0.2 >/dev/null
  t1=$(now)
  echo "$t1 - $t0" | bc -l >>"$work/nmap.t"
done
ao=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(sorted(int(s['port']) for s in r['inventory']['listening']))" "$work/antoan.json")
no=$(grep -o '[0-9]*/open' "$work/nmap.gnmap" | cut -d/ -f1 | sort -n | tr '\n' ' ')
echo "antoan open ports: $ao"
echo "nmap open ports:   $no"
a=$(median <"$work/antoan.t"); n=$(median <"$work/nmap.t"); ai=$(median <"$work/antoan_id.t")
printf 'antoan scan --all-ports --ports-only (median of %s): %.3f s\n' "$runs" "$a"
printf 'antoan scan --all-ports, with identification (median of %s): %.3f s\n' "$runs" "$ai"
printf 'nmap -sT -p- -T4 (median of %s): %.3f s\n' "$runs" "$n"
printf 'ratio antoan/nmap: %.3f (goal <= 0.5)\n' "$(echo "$a / $n" | bc -l)"
