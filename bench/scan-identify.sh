#!/usr/bin/env bash
# Benchmark: service identification of the five loopback listeners (recorder web
# with Basic auth, plain HTTP router page, FTP, SSH, TLS admin page) by
# `antoan scan` against `nmap -sV --version-light`, same listeners, same run.
# Goal: antoan ≤ 1/10 of nmap's time with every service identified.
#
# Traffic goes only to 127.0.0.2-127.0.0.7. The listeners use their usual
# ports (80, 21, 22, 443), so this needs the right to bind them (root).
# Usage: bench/scan-identify.sh [RUNS]   (default 3; the median is reported)
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
"$work/loopback_bench" --standard-ports >"$work/bench.txt" 2>&1 &
bench_pid=$!
trap 'kill $bench_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q ready "$work/bench.txt" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$work/bench.txt" || { cat "$work/bench.txt"; exit 1; }

targets=(127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.6 127.0.0.7)
ports=21,22,80,443

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: >"$work/antoan.t"; : >"$work/nmap.t"
for i in $(seq "$runs"); do
  t0=$(now)
  "$work/antoan" scan "${targets[@]}" --ports "$ports" --format json --no-progress --fail-on critical >"$work/antoan.json"
  t1=$(now)
  echo "$t1 - $t0" | bc -l >>"$work/antoan.t"
  t0=$(now)
  nmap -sV --version-light -Pn -n -p "$ports" -oG "$work/nmap.gnmap" "${targets[@]}" >/dev/null
  t1=$(now)
  echo "$t1 - $t0" | bc -l >>"$work/nmap.t"
done

# What antoan identified: one service per listener, by name.
python3 - "$work/antoan.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
want = {"127.0.0.2:80": "http", "127.0.0.3:80": "http", "127.0.0.4:21": "ftp", "127.0.0.6:22": "ssh", "127.0.0.7:443": "https"}
got = {}
for f in r["findings"]:
    if f["check"] == "net.service":
        hp, svc = f["subject"].split("/", 1)
        got[hp] = (svc, f["attributes"].get("product") or f["attributes"].get("device_vendor") or f["attributes"].get("http_title", ""))
ok = 0
for hp, svc in want.items():
    g = got.get(hp)
    mark = "ok" if g and g[0] == svc else "MISSING"
    ok += mark == "ok"
    print(f"antoan  {hp:<16} {g[0] if g else '-':<8} {g[1] if g else '':<30} {mark}")
print(f"antoan identified {ok}/5")
PY
grep -o 'Ports: .*' "$work/nmap.gnmap" | tr ',' '\n' | grep -o '[0-9]*/open/tcp//[^/]*//[^/]*' | sed 's/^/nmap    /' || true

a=$(median <"$work/antoan.t"); n=$(median <"$work/nmap.t")
printf 'antoan scan (median of %s): %.3f s\n' "$runs" "$a"
printf 'nmap -sV --version-light (median of %s): %.3f s\n' "$runs" "$n"
printf 'ratio antoan/nmap: %.4f (goal <= 0.1)\n' "$(echo "$a / $n" | bc -l)"
