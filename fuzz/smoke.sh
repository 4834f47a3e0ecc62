#!/usr/bin/env bash
# Runs every fuzz target for a few seconds and lists crashes.
# Usage: fuzz/smoke.sh [SECONDS]   (default 15 per target)
# cargo-fuzz needs nightly flags (-Zsanitizer); with only a stable toolchain installed,
# RUSTC_BOOTSTRAP=1 lets stable rustc accept them. Install the driver with `cargo install cargo-fuzz`.
set -uo pipefail
cd "$(dirname "$0")"
secs=${1:-15}
export RUSTC_BOOTSTRAP=${RUSTC_BOOTSTRAP:-1}
cargo fuzz build >/dev/null || { echo "fuzz build failed" >&2; exit 2; }
failed=0
for t in $(cargo fuzz list); do
  if cargo fuzz run "$t" -- -max_total_time="$secs" -rss_limit_mb=2048 >"/tmp/fuzz-$t.log" 2>&1; then
    runs=$(grep -oE '#[0-9]+' "/tmp/fuzz-$t.log" | tail -1)
    printf '%-28s ok   %s execs\n' "$t" "${runs#\#}"
  else
    failed=$((failed + 1))
    printf '%-28s FAIL see /tmp/fuzz-%s.log\n' "$t" "$t"
  fi
done
echo "$failed target(s) failed"
[ "$failed" -eq 0 ]
