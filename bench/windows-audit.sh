#!/bin/sh
# Benchmark: `antoan audit --windows-export` on a full-size SOFTWARE hive
# (2,000 Uninstall entries, 100,000 keys, built by hivex from the generator of
# crates/antoan-winreg/tests/fixtures) plus the SYSTEM and SAM hives of the
# win10 fixture. Prints wall time and peak RSS of the whole audit (release
# build), and of hivexml reading the same hive as a peer.
#
#   bench/windows-audit.sh [WORKDIR]      (needs python3, libhivex-bin, libwin-hivex-perl)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$root/target/windows-audit-bench}
gen="$root/crates/antoan-winreg/tests/fixtures/gen_large_reg.py"
empty=${EMPTY_HIVE:-$root/../shared/data/registry/empty.hive}
fix="$root/crates/antoan-wincollect/tests/fixtures/win10-office2016/hive"
mkdir -p "$work/export"
if [ ! -f "$work/SOFTWARE" ]; then
    python3 "$gen" "$work/software.reg" 2000 100000
    cp "$empty" "$work/SOFTWARE.tmp"; chmod u+w "$work/SOFTWARE.tmp"
    PERL_UNICODE=SDA hivexregedit --merge --prefix 'HKEY_LOCAL_MACHINE\SOFTWARE' "$work/SOFTWARE.tmp" "$work/software.reg"
    mv "$work/SOFTWARE.tmp" "$work/SOFTWARE"
fi
cp "$work/SOFTWARE" "$work/export/SOFTWARE"
cp "$fix/SYSTEM" "$fix/SAM" "$work/export/"
ls -l "$work/export"
cd "$root"
cargo build --release -q -p antoan
bin="$root/target/release/antoan"
"$bin" audit --windows-export "$work/export" --now 2026-11-24 --format json -o "$work/report.json" || true
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); w=r['inventory']['windows']; print('programs', len(w['programs']), 'findings', len(r['findings']))" "$work/report.json"
for i in 1 2 3; do
    /usr/bin/time -f "antoan audit: %e s wall, %M KiB max RSS" "$bin" audit --windows-export "$work/export" --now 2026-11-24 --format json -o "$work/report.json" || true
done
if command -v hivexml >/dev/null; then
    /usr/bin/time -f "peer hivexml (read SOFTWARE only): %e s wall, %M KiB max RSS" hivexml "$work/SOFTWARE" >/dev/null
fi
