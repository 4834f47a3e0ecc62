#!/usr/bin/env bash
# Benchmark: the offline vulnerability store (crates/antoan-vuln).
# Generates a full-size synthetic OSV Debian feed (all.zip, one JSON record per entry, like the
# real feed; default 50,000 advisories over Debian 11/12/13, a fifth of them for `linux`),
# imports it into the SQLite store, and matches a Debian 12 inventory (default 3,000 binary
# packages from 2,000 source packages) RUNS times: open store + lookup + evaluate, i.e. what
# `antoan audit` would pay. Prints import time, store size and match time (goal: < 100 ms).
# Usage: bench/vuln-match.sh [ADVISORIES] [PACKAGES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
advisories=${1:-50000}
packages=${2:-3000}
runs=${3:-20}
cargo build --release -q -p antoan-vuln --example vuln_bench
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
target/release/examples/vuln_bench "$advisories" "$packages" "$runs"
