#!/usr/bin/env bash
# Benchmark: platform ingest throughput and dashboard latency (issue 7).
#
# 10,000 hosts (agents enrolled across 100 wards of one province), each
# sending signed reports of ~1,000 packages and ~50 findings, grown from a
# real `antoan audit` report of this machine by antoan-loadgen, which builds
# and signs every submission before the clock starts. Round 1 creates every
# host and finding; round 2 resubmits with a tenth of the findings changed
# (fixed + new), which is the steady state of a province.
# Then wrk measures the overview page (/) with 10,000 hosts in the database.
#
# Goals (this 2-core machine): ingest >= 500 reports/s; overview p99 < 200 ms.
# Runs on SQLite (the default backend) and on PostgreSQL (a private
# throw-away cluster on 127.0.0.1), same run, same input.
#
# Traffic goes only to 127.0.0.1.
# Usage: bench/server-load.sh [sqlite|postgres|both]   (default both)
# Env: HOSTS (10000) PACKAGES (1000) FINDINGS (50) ROUNDS (2) CONC (32) WRK_SECS (15)
# Needs: wrk (apt-get install -y wrk), PostgreSQL server binaries for the postgres run.
set -euo pipefail
cd "$(dirname "$0")/.."
which_db=${1:-both}
HOSTS=${HOSTS:-10000}; PACKAGES=${PACKAGES:-1000}; FINDINGS=${FINDINGS:-50}
ROUNDS=${ROUNDS:-2}; CONC=${CONC:-32}; WRK_SECS=${WRK_SECS:-15}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }

cargo build --release -q -p antoan --bin antoan
cargo build --release -q -p antoan-loadgen
work=$(mktemp -d)
cp target/release/antoan target/release/antoan-loadgen "$work/"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# The base report: a real audit of this machine.
"$work/antoan" audit --format json >"$work/base.json" 2>/dev/null || true
[ -s "$work/base.json" ] || { echo "antoan audit produced no report" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pg_bin() { for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return; }; done; dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)"; }

run_one() {
  local name=$1 url=$2
  local dir="$work/$name"; mkdir -p "$dir"
  echo "== $name: $HOSTS hosts, $PACKAGES packages, $FINDINGS findings per report, $ROUNDS rounds, concurrency $CONC"
  "$work/antoan" serve init --db "$url" --admin admin >"$dir/init.txt" 2>&1
  local password; password=$(tail -n1 "$dir/init.txt")
  : >"$dir/tokens.txt"
  for c in $(seq 1 10); do for w in $(seq 1 10); do
    local unit="tinh-bench/thanh-pho-$c/phuong-$w"
    echo "$unit $("$work/antoan" serve token create --db "$url" --unit "$unit" 2>/dev/null | tail -n1)" >>"$dir/tokens.txt"
  done; done
  local port; port=$(free_port)
  "$work/antoan" serve --db "$url" --listen "127.0.0.1:$port" --tls off >"$dir/server.log" 2>&1 &
  local spid=$!; pids+=("$spid")
  for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/metrics" >/dev/null 2>&1 && break; sleep 0.1; done
  "$work/antoan-loadgen" --server "http://127.0.0.1:$port" --tokens "$dir/tokens.txt" --base "$work/base.json" \
    --hosts "$HOSTS" --packages "$PACKAGES" --findings "$FINDINGS" --rounds "$ROUNDS" --concurrency "$CONC" | tee "$dir/load.txt"
  # Dashboard latency: the overview page of the whole province, as the inspector sees it.
  # The first admin must change the one-time password before any page is shown (otherwise every
  # page answers 303 to /account/password and wrk would time that redirect, not the overview).
  login() { curl -fsS -H 'content-type: application/json' -d "{\"username\":\"admin\",\"password\":\"$1\"}" \
    "http://127.0.0.1:$port/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
  local token newpw="bench-$RANDOM-$RANDOM-password"
  token=$(login "$password")
  curl -fsS -o /dev/null -H "Authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"current_password\":\"$password\",\"new_password\":\"$newpw\"}" "http://127.0.0.1:$port/api/v1/session/password"
  token=$(login "$newpw")
  local code
  code=$(curl -sS -o "$dir/overview.html" -w "%{http_code}" -H "Cookie: antoan_session=$token" "http://127.0.0.1:$port/")
  curl -sS -o /dev/null -w "overview page: HTTP %{http_code}, %{size_download} bytes, %{time_total} s (second request)\n" \
    -H "Cookie: antoan_session=$token" "http://127.0.0.1:$port/"
  [ "$code" = 200 ] || { echo "overview page answered HTTP $code, not 200: not benchmarking it" >&2; exit 1; }
  wrk -t2 -c8 -d"${WRK_SECS}s" --latency -H "Cookie: antoan_session=$token" "http://127.0.0.1:$port/" | tee "$dir/wrk.txt"
  local p99; p99=$(awk '/^ +99%/ {print $2}' "$dir/wrk.txt")
  local rps; rps=$(grep '^RESULT' "$dir/load.txt" | awk '{for(i=1;i<=NF;i++) if ($i ~ /^rps=/) {sub("rps=","",$i); print $i}}' | paste -sd' ')
  echo "SUMMARY $name: ingest reports/s by round: $rps (goal >= 500); overview p99: $p99 (goal < 200ms)"
  kill "$spid" 2>/dev/null || true; wait "$spid" 2>/dev/null || true
  if [[ $url == sqlite:* ]]; then ls -l "${url#sqlite:}"* | awk '{s+=$5} END {printf "sqlite files: %.1f MiB\n", s/1048576}'; fi
}

if [[ $which_db == sqlite || $which_db == both ]]; then
  run_one sqlite "sqlite:$work/sqlite/antoan.db"
fi
if [[ $which_db == postgres || $which_db == both ]]; then
  bin=$(pg_bin)
  [ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install -y postgresql)" >&2; exit 2; }
  pgport=$(free_port)
  mkdir -p "$work/pgsock" "$work/pgdata"
  # PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
  if [ "$(id -u)" = 0 ]; then chmod 755 "$work"; chown postgres "$work/pgdata" "$work/pgsock"; runpg=(runuser -u postgres --); else runpg=(); fi
  "${runpg[@]}" "$bin/initdb" -D "$work/pgdata" -U postgres --auth=trust -E UTF8 >/dev/null
  "${runpg[@]}" "$bin/postgres" -D "$work/pgdata" -p "$pgport" -k "$work/pgsock" -c listen_addresses=127.0.0.1 \
    -c shared_buffers=512MB -c max_connections=100 >"$work/pg.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 100); do "$bin/pg_isready" -h 127.0.0.1 -p "$pgport" -q && break; sleep 0.1; done
  "$bin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres antoan
  run_one postgres "postgres://postgres@127.0.0.1:$pgport/antoan"
fi
