#!/usr/bin/env bash
# Benchmark: salted crypt hashes (sha512crypt, yescrypt), `antoan passwords` against
# `john --format=crypt` (system crypt(3) through libxcrypt, OpenMP), both on both cores, same
# shadow files and same word list, same run. Rate = password tries (candidate x account) per second.
# antoan hashes yescrypt through the same libxcrypt (crypt_rn, one work area per worker thread)
# and sha512crypt through the RustCrypto sha-crypt crate; both spread candidates over all cores.
#
# Usage: bench/passwords-crypt.sh [WORDS_SHA512] [WORDS_YESCRYPT] [ACCOUNTS]  (defaults 2000 200 4)
# Needs: python3, mkpasswd (whois), john (apt-get install -y john).
set -euo pipefail
cd "$(dirname "$0")/.."
w512=${1:-2000}
wyes=${2:-200}
naccts=${3:-4}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v john >/dev/null || { echo "john is not installed: apt-get install -y john" >&2; exit 2; }
command -v mkpasswd >/dev/null || { echo "mkpasswd is not installed: apt-get install -y whois" >&2; exit 2; }

cargo build --release -q -p antoan
cli=target/release/antoan
secs() { python3 -c "import time;print(time.time())"; }

grep -v '^#' knowledge/passwords/zxcvbn-passwords.txt >"$work/all.txt"

declare -A res
run_scheme() { # scheme words
  local scheme=$1 n=$2
  head -n "$n" "$work/all.txt" >"$work/$scheme.words"
  : >"$work/$scheme.shadow"
  # one weak account (its password is the last word of the list, so every tool runs the whole
  # list), the others strong random passwords.
  local last; last=$(tail -1 "$work/$scheme.words")
  for i in $(seq 1 "$naccts"); do
    local pw
    if [ "$i" = 1 ]; then pw=$last; else pw=$(python3 -c "import random;r=random.Random($i);print(''.join(r.choice('abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789') for _ in range(16)))"); fi
    local h; h=$(printf '%s' "$pw" | mkpasswd -m "$scheme" --stdin)
    echo "user$i:$h:19000:0:99999:7:::" >>"$work/$scheme.shadow"
  done
  local tries=$(( n * naccts ))

  # The product: `antoan passwords` with the same word list only (--no-builtin), both
  # cores; wall time of the whole process (start-up included, like john's).
  local t0 t1; t0=$(secs)
  "$cli" passwords "$work/$scheme.shadow" --wordlist "$work/$scheme.words" --no-builtin \
    --format json -o "$work/cli.json" 2>"$work/cli.err" || true
  t1=$(secs)
  sed "s/^/  [antoan $scheme] /" "$work/cli.err"
  local aw; aw=$(python3 -c "print(f'{$t1-$t0:.3f}')")
  local af; af=$(python3 -c "import json,sys;r=json.load(open(sys.argv[1]));print(sum(1 for f in r['findings'] if f['check']=='passwords.weak'))" "$work/cli.json")

  # John 1.9.0 (core) has no --pot option and keeps ~/.john/john.pot; the hashes have fresh
  # random salts every run, so an old pot never matches them. Its count comes from its status line.
  t0=$(secs)
  OMP_NUM_THREADS=2 john --format=crypt --wordlist="$work/$scheme.words" \
    "$work/$scheme.shadow" >"$work/john.out" 2>&1 || true
  t1=$(secs)
  local jw; jw=$(python3 -c "print(f'{$t1-$t0:.3f}')")
  local jf; jf=$(sed -n 's/^\([0-9][0-9]*\)g .*/\1/p' "$work/john.out" | tail -1); jf=${jf:-0}
  sed "s/^/  [john $scheme] /" "$work/john.out" | grep -v -i "^  \[john $scheme\] [^ ]*  *(user" | tail -3
  res[$scheme]="$n $tries $aw $af $jw $jf"
}
run_scheme sha512crypt "$w512"
run_scheme yescrypt "$wyes"

python3 - "$naccts" "${res[sha512crypt]}" "${res[yescrypt]}" <<'PY'
import sys
n = sys.argv[1]
print(f"\n{'scheme':<12}{'words':>7}{'tries':>8}{'antoan s':>10}{'tries/s':>10}{'found':>6}{'john s':>9}{'tries/s':>10}{'found':>6}{'ratio':>8}")
for name, row in (("sha512crypt", sys.argv[2]), ("yescrypt", sys.argv[3])):
    w, t, aw, af, jw, jf = row.split()
    t, aw, jw = int(t), float(aw), float(jw)
    print(f"{name:<12}{w:>7}{t:>8}{aw:>10.2f}{t/aw:>10.0f}{af:>6}{jw:>9.2f}{t/jw:>10.0f}{jf:>6}{jw/aw:>7.2f}x")
print(f"(accounts per file: {n}; ratio = john wall / antoan passwords wall; >1 means antoan is faster;"
      " both include process start-up)")
PY
