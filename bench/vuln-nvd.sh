#!/usr/bin/env bash
# Benchmark: NVD matching of a Windows host (crates/antoan-vuln).
# Generates a synthetic NVD CVE API 2.0 feed (default 50,000 CVEs in five yearly files, shaped like NVD's:
# products with a long tail plus the products of antoan's program → CPE map, version ranges, AND
# configurations with a Windows platform node, Windows 10/11 build ranges), imports it into the SQLite
# store, and matches a Windows 10 22H2 host with PROGRAMS installed programs RUNS times: open store +
# program map + lookup + evaluate, i.e. what `antoan audit` pays. Prints import time, store size and
# match time.
# OUTDATED: percent of the mapped programs at an old version (default 100, the worst case; the rest are
# newer than every range in the feed).
# Usage: bench/vuln-nvd.sh [CVES] [PROGRAMS] [RUNS] [OUTDATED]
set -euo pipefail
cd "$(dirname "$0")/.."
cves=${1:-50000}
programs=${2:-300}
runs=${3:-20}
outdated=${4:-100}
cargo build --release -q -p antoan-vuln --example nvd_bench
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
target/release/examples/nvd_bench "$cves" "$programs" "$runs" "$outdated"
