#!/usr/bin/env bash
# npm start with no DATABASE_URL must bring up the embedded database and answer /api/health
# with database "up", keep data across a restart, and stop cleanly on SIGTERM (what npm forwards; Ctrl-C in a terminal sends SIGINT to every process of the group and is handled the same way).
set -euo pipefail
cd "$(dirname "$0")/.."
unset DATABASE_URL TEST_DATABASE_URL RUNPOD_API_KEY
export PORT=3900 SIMULATOR_PORT=4910 EMBEDDED_PG_PORT=54399 SWEEPWATCH_DATA_DIR="$(mktemp -d)/data"
log=$(mktemp)

start_and_check() {
  npm start >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 240); do
    if body=$(curl -fsS "http://127.0.0.1:$PORT/api/health" 2>/dev/null); then break; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "npm start exited early:"; cat "$log"; exit 1; fi
    sleep 1
  done
  echo "health: ${body:-<none>}"
  echo "$body" | grep -q '"database":"up"' || { echo "database not up"; tail -50 "$log"; kill -TERM "$pid"; exit 1; }
  echo "$body" | grep -q '"mode":"demo"' || { echo "not in demo mode"; kill -TERM "$pid"; exit 1; }
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  if kill -0 "$pid" 2>/dev/null; then echo "npm start did not stop within 60 s"; tail -50 "$log"; kill -9 "$pid"; exit 1; fi
  wait "$pid" || { echo "npm start exited non-zero"; tail -50 "$log"; exit 1; }
  grep -q "embedded PostgreSQL stopped" "$log" || { echo "embedded PostgreSQL was not stopped cleanly"; tail -50 "$log"; exit 1; }
}

start_and_check
echo "first start ok; restarting on the same data directory"
start_and_check
grep -q "migrations: up to date" "$log" || { echo "second start re-applied migrations: data not kept?"; tail -50 "$log"; exit 1; }
echo "smoke test passed"
