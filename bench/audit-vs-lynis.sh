#!/usr/bin/env bash
# Benchmark: `antoan audit` against `lynis audit system --quick` on this machine, same run.
# Prints wall time and peak RSS of each and the speed ratio (goal: antoan >= 100x faster).
# Usage: bench/audit-vs-lynis.sh [RUNS]   (antoan runs RUNS times, lynis once per 10 antoan runs, at least once)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
command -v lynis >/dev/null || { echo "lynis is not installed: apt-get install -y lynis" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time is not installed: apt-get install -y time" >&2; exit 2; }
cargo build --release -q -p antoan
bin=target/release/antoan
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

measure() { # name cmd... -> prints "seconds maxrss_kb"
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/$name.time" "$@" >/dev/null 2>"$out/$name.err" || true
  cat "$out/$name.time" | tail -1
}

# warm caches once for both
"$bin" audit --format json >/dev/null 2>&1 || true

a_total=0; a_rss=0
for i in $(seq "$runs"); do
  read -r t rss < <(measure antoan "$bin" audit --format json)
  a_total=$(python3 -c "print($a_total+$t)"); [ "$rss" -gt "$a_rss" ] && a_rss=$rss
done
# GNU time has 10 ms resolution; take a precise mean from hyperfine when available.
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/hf.json" "$bin audit --format json" -i >/dev/null 2>&1 || true
  a_mean=$(python3 -c "import json;print(json.load(open('$out/hf.json'))['results'][0]['mean'])")
else
  a_mean=$(python3 -c "print($a_total/$runs)")
fi

lruns=$(( runs / 10 )); [ "$lruns" -lt 1 ] && lruns=1
l_total=0; l_rss=0
for i in $(seq "$lruns"); do
  read -r t rss < <(measure lynis lynis audit system --quick --no-colors --no-log)
  l_total=$(python3 -c "print($l_total+$t)"); [ "$rss" -gt "$l_rss" ] && l_rss=$rss
done
l_mean=$(python3 -c "print($l_total/$lruns)")

python3 - "$a_mean" "$a_rss" "$l_mean" "$l_rss" "$runs" "$lruns" <<'PY'
import sys
a, arss, l, lrss, ar, lr = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
print(f"{'tool':<34}{'runs':>6}{'mean wall s':>14}{'peak RSS MiB':>15}")
print(f"{'antoan audit --format json':<34}{ar:>6}{a:>14.4f}{arss/1024:>15.1f}")
print(f"{'lynis audit system --quick':<34}{lr:>6}{l:>14.2f}{lrss/1024:>15.1f}")
print(f"ratio (lynis / antoan): {l/a:.0f}x  (goal >= 100x)")
PY
