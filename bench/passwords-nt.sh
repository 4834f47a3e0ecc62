#!/usr/bin/env bash
# Benchmark: NT hash (MD4 of UTF-16LE) candidates per second, antoan's engine against
# `hashcat -m 1000` on the CPU (OpenCL through PoCL), same word list and same hashes, same run.
# John the Ripper: Debian's `john` is the core edition, which has no NT format (that is in the
# "jumbo" edition, not packaged in Debian), so it is reported as not available.
#
# Usage: bench/passwords-nt.sh [WORDS] [TARGETS]   (defaults 20000000 words, 1000 hashes)
# Needs: python3, mkpasswd (whois); hashcat + pocl-opencl-icd (apt-get install -y hashcat pocl-opencl-icd).
set -euo pipefail
cd "$(dirname "$0")/.."
words=${1:-20000000}
ntargets=${2:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Two builds: --example restricts the targets of every package named with it.
cargo build --release -q -p antoan --bin antoan
cargo build --release -q -p antoan-passwords --example passwords_bench
bin=target/release/examples/passwords_bench
cli=target/release/antoan

# Word list: the bundled lists with numeric suffixes, deterministic.
python3 - "$words" knowledge/passwords/john-password.lst knowledge/passwords/zxcvbn-passwords.txt >"$work/words.txt" <<'PY'
import sys
n = int(sys.argv[1])
base = []
for f in sys.argv[2:]:
    base += [l.rstrip("\n") for l in open(f, encoding="utf-8", errors="replace") if l.strip() and not l.startswith("#")]
out = sys.stdout
i = 0
k = 0
while i < n:
    suf = "" if k == 0 else str(k)
    for w in base:
        if i >= n:
            break
        out.write(w + suf + "\n")
        i += 1
    k += 1
PY

# Hashes: 10 of words from the list (made by mkpasswd -m nt, an independent NT), the rest random.
: >"$work/hashes.txt"
: >"$work/pwdump.txt"
mapfile -t plants < <(awk -v n="$words" 'NR==1||NR==100||NR==1000||NR==10000||NR==100000||NR==(int(n/2))||NR==(n-1)||NR==(int(n/3))||NR==(int(n/4))||NR==(int(n/5))' "$work/words.txt")
i=0
for w in "${plants[@]}"; do
  h=$(printf '%s' "$w" | mkpasswd -m nt --stdin | sed 's/^\$3\$\$//')
  echo "$h" >>"$work/hashes.txt"
  echo "planted$i:$((1000+i)):aad3b435b51404eeaad3b435b51404ee:$h:::" >>"$work/pwdump.txt"
  i=$((i+1))
done
python3 - "$ntargets" "$i" >>"$work/hashes.txt" <<'PY'
import random, sys
r = random.Random(1)
for _ in range(int(sys.argv[1]) - int(sys.argv[2])):
    print("%032x" % r.getrandbits(128))
PY
tail -n +$((i+1)) "$work/hashes.txt" | awk '{printf "random%d:%d:aad3b435b51404eeaad3b435b51404ee:%s:::\n", NR, 5000+NR, $1}' >>"$work/pwdump.txt"
echo "word list: $words words ($(du -h "$work/words.txt" | cut -f1)), $ntargets NT hashes ($i of words in the list)"

secs() { python3 -c "import time;print(time.time())"; }

# The product: `antoan passwords` on the pwdump file with the same word list only
# (--no-builtin), both cores; rate from the report's coverage finding, wall time measured.
t0=$(secs)
"$cli" passwords "$work/pwdump.txt" --wordlist "$work/words.txt" --no-builtin --format json -o "$work/cli.json" 2>"$work/cli.err" || true
t1=$(secs)
read -r cli_rate cli_found <<<"$(python3 - "$work/cli.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
cov = next(f for f in r["findings"] if f["check"] == "passwords.coverage")["attributes"]
done, secs = int(cov["fast_candidates_done"]), float(cov["fast_seconds"])
print(done / secs if secs else 0, sum(1 for f in r["findings"] if f["check"] == "passwords.weak"))
PY
)"
cli_wall=$(python3 -c "print(f'{$t1-$t0:.3f}')")
echo "  [antoan passwords CLI] $(cat "$work/cli.err")"

# antoan: both cores, then one core; report the engine's rate and the wall time.
declare -A rate wall found
for t in 2 1; do
  out=$("$bin" "$work/pwdump.txt" "$work/words.txt" --threads "$t")
  echo "$out" | sed "s/^/  [antoan threads=$t] /"
  rate[$t]=$(echo "$out" | sed -n 's/.*phase=fast.* rate=\([0-9.]*\).*/\1/p')
  wall[$t]=$(echo "$out" | sed -n 's/.*wall_seconds=\([0-9.]*\).*/\1/p')
  found[$t]=$(echo "$out" | sed -n 's/.*found=\([0-9]*\).*/\1/p')
done
declare -A eng
for k in scalar sse2 avx2 avx512; do
  if out=$("$bin" "$work/pwdump.txt" "$work/words.txt" --threads 1 --kernel "$k" 2>/dev/null); then
    echo "  [antoan threads=1 kernel=$k] $(echo "$out" | sed -n 's/.*\(rate=[0-9]*\).*/\1/p') candidates/s (word list read included)"
  fi
  if out=$("$bin" "$work/pwdump.txt" "$work/words.txt" --preload --kernel "$k" 2>/dev/null); then
    echo "  [antoan engine only, 1 core, kernel=$k] $(echo "$out" | sed -n 's/.*\(rate=[0-9]*\).*/\1/p') candidates/s"
    eng[$k]=$(echo "$out" | sed -n 's/.*rate=\([0-9]*\).*/\1/p')
  fi
done
best_eng=$(printf '%s\n' "${eng[@]}" | sort -n | tail -1)

hc_rate=""; hc_wall=""; hc_found=""; hc_peak=""
if command -v hashcat >/dev/null && hashcat -I >/dev/null 2>&1; then
  # Warm up: PoCL compiles and caches the kernel on first use.
  head -1000 "$work/words.txt" >"$work/warm.txt"
  hashcat -m 1000 -a 0 --potfile-disable -o "$work/warm.out" --quiet "$work/hashes.txt" "$work/warm.txt" >/dev/null 2>&1 || true
  t0=$(secs)
  hashcat -m 1000 -a 0 -w 3 --potfile-disable -o "$work/hc.out" --status --status-timer 2 \
    "$work/hashes.txt" "$work/words.txt" >"$work/hc.log" 2>&1 || true
  t1=$(secs)
  hc_wall=$(python3 -c "print(f'{$t1-$t0:.3f}')")
  hc_found=$(wc -l <"$work/hc.out" | tr -d ' ')
  hc_rate=$(grep -E '^Speed\.#[0-9*]+' "$work/hc.log" | tail -1 | python3 -c "
import sys,re
l=sys.stdin.read(); m=re.search(r':\s*([0-9.]+)\s*([kMG]?)H/s',l)
print(float(m.group(1))*{'':1,'k':1e3,'M':1e6,'G':1e9}[m.group(2)] if m else '')")
  hc_peak=$(hashcat -b -m 1000 --quiet 2>/dev/null | grep -E '^Speed' | tail -1 | python3 -c "
import sys,re
l=sys.stdin.read(); m=re.search(r':\s*([0-9.]+)\s*([kMG]?)H/s',l)
print(float(m.group(1))*{'':1,'k':1e3,'M':1e6,'G':1e9}[m.group(2)] if m else '')")
else
  echo "hashcat cannot run here (install hashcat and pocl-opencl-icd)"
fi

python3 - "$words" "${rate[2]}" "${wall[2]}" "${found[2]}" "${rate[1]}" "${wall[1]}" "$hc_rate" "$hc_wall" "$hc_found" "$hc_peak" "$best_eng" "$cli_rate" "$cli_wall" "$cli_found" <<'PY'
import sys
a = sys.argv[1:]
words = int(a[0])
f = lambda s: float(s) if s else None
ar2, aw2, af2, ar1, aw1, hr, hw, hf, hp, be = f(a[1]), f(a[2]), a[3], f(a[4]), f(a[5]), f(a[6]), f(a[7]), a[8], f(a[9]), f(a[10])
cr, cw, cf = f(a[11]), f(a[12]), a[13]
M = lambda x: f"{x/1e6:10.1f}" if x else "       n/a"
print(f"\n{'tool (same word list, same hashes)':<46}{'M cand/s':>10}{'wall s':>9}{'found':>7}")
print(f"{'antoan passwords (CLI, 2 threads)':<46}{M(cr)}{cw:>9.2f}{cf:>7}")
print(f"{'antoan engine, 2 threads':<46}{M(ar2)}{aw2:>9.2f}{af2:>7}")
print(f"{'antoan engine, 1 thread':<46}{M(ar1)}{aw1:>9.2f}{af2:>7}")
print(f"{'antoan NT engine only (list preloaded), 1 core':<46}{M(be)}")
if hw:
    print(f"{'hashcat -m 1000 -a 0 (CPU, PoCL)':<46}{M(hr)}{hw:>9.2f}{hf:>7}")
    print(f"{'  wall-clock rate (words / wall s)':<46}{M(words/hw)}")
    print(f"{'hashcat -b -m 1000 (device peak, brute force)':<46}{M(hp)}")
print(f"{'john --format=NT':<46}{'       n/a':}  (Debian john is the core edition: no NT format)")
if hw:
    print(f"\nratio antoan CLI/hashcat, wall clock on the word list: {hw/cw:.1f}x")
    if hr and cr: print(f"ratio antoan CLI/hashcat, reported speeds:            {cr/hr:.1f}x")
    print(f"ratio antoan engine/hashcat, wall clock on the word list: {hw/aw2:.1f}x")
    if hr: print(f"ratio antoan/hashcat, reported speeds:            {ar2/hr:.1f}x")
    if hp: print(f"ratio antoan/hashcat device peak (brute force):   {ar2/hp:.2f}x")
print(f"antoan per core: {ar1/1e6:.1f} M candidates/s reading the list, {be/1e6:.1f} M/s engine only (goal >= 60)")
PY
