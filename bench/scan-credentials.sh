#!/usr/bin/env bash
# Benchmark: credential attempts per second on the loopback HTTP Basic
# listener (recorder-like, 127.0.0.2) by `antoan scan --check-credentials`
# unpaced (--max-rate 0, per-account limit lifted) against `hydra -t 16`,
# same listener, same password list, same run. Goal: antoan ≥ 10× hydra.
#
# Traffic goes only to 127.0.0.2. The right password is last in the list so
# both tools try every entry. The listener counts the attempts it receives.
# Usage: bench/scan-credentials.sh [N_PASSWORDS]   (default 2000)
# Needs: hydra (apt-get install -y hydra).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
command -v hydra >/dev/null || { echo "hydra is not installed (apt-get install -y hydra)" >&2; exit 2; }
cargo build --release -q -p antoan --bin antoan
cargo build --release -q -p antoan-probe --example auth_bench
work=$(mktemp -d)
cp target/release/antoan target/release/examples/auth_bench "$work/"
secret="bench-$RANDOM-$RANDOM"
mkfifo "$work/ctl"
"$work/auth_bench" "$secret" <"$work/ctl" >"$work/server.txt" 2>&1 &
server_pid=$!
exec 3>"$work/ctl"
trap 'exec 3>&-; kill $server_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q ready "$work/server.txt" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$work/server.txt" || { cat "$work/server.txt"; exit 1; }
addr=$(awk '$1=="basic"{print $2}' "$work/server.txt")
port=${addr##*:}

# The same list for both tools: n-1 wrong passwords, then the right one.
{ for i in $(seq $((n - 1))); do echo "wrong-$i"; done; echo "$secret"; } >"$work/pass.txt"
{ while read -r p; do
    printf '[[credential]]\nvendor = "bench"\nservice = "http-basic"\nusername = "admin"\npassword = "%s"\nsource = "bench list"\n' "$p"
  done <"$work/pass.txt"; } >"$work/list.toml"

count() { echo >&3; sleep 0.2; awk '$1=="attempts"{v=$2} END{print v+0}' "$work/server.txt"; }
now() { date +%s.%N; }

before=$(count)
t0=$(now)
"$work/antoan" scan 127.0.0.2 --ports "$port" --check-credentials --credentials "$work/list.toml" \
  --max-rate 0 --max-attempts-per-account 1000000 --format json --no-progress --fail-on critical \
  >"$work/antoan.json" || true   # exit 1: the weak credential is a critical finding
t1=$(now)
after=$(count)
a_n=$((after - before)); a_t=$(echo "$t1 - $t0" | bc -l)
grep -q '"weak-credential"' "$work/antoan.json" || { echo "antoan did not find the password" >&2; exit 1; }
grep -q "$secret" "$work/antoan.json" && { echo "the password appears in antoan's report" >&2; exit 1; }

before=$(count)
t0=$(now)
hydra -l admin -P "$work/pass.txt" -t 16 -s "$port" -I -q 127.0.0.2 http-get /doc/page/login.asp \
  >"$work/hydra.txt" 2>&1 || true
t1=$(now)
after=$(count)
h_n=$((after - before)); h_t=$(echo "$t1 - $t0" | bc -l)
grep -q "password: $secret" "$work/hydra.txt" || { echo "hydra did not find the password:" >&2; cat "$work/hydra.txt" >&2; }

a_r=$(echo "$a_n / $a_t" | bc -l); h_r=$(echo "$h_n / $h_t" | bc -l)
printf 'antoan (unpaced): %d attempts in %.2f s = %.0f/s (whole scan run, identification included)\n' "$a_n" "$a_t" "$a_r"
printf 'hydra -t 16:      %d attempts in %.2f s = %.0f/s\n' "$h_n" "$h_t" "$h_r"
printf 'ratio: %.1fx (goal >= 10x)\n' "$(echo "$a_r / $h_r" | bc -l)"
