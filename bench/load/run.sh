#!/usr/bin/env bash
# Load benchmark: national-scale PostgreSQL database, gunicorn, 50 concurrent coordinators for 60 s (locust).
# Usage: bench/load/run.sh [users] [seconds]. Writes bench/results/load_*.csv and prints p50/p95 per request.
set -euo pipefail
cd "$(dirname "$0")/../.."
users=${1:-50}; seconds=${2:-60}
db=indeks_bench
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
export INDEKS_VAR_DIR="$(pwd)/var/bench"
scripts/ensure-postgres.sh
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" postgres
.venv/bin/python -m bench.national_db
mkdir -p bench/results
export INDEKS_BENCH_POOL="$(pwd)/bench/results/pool.txt"
# Sessions are opened beforehand: the benchmark measures the pages, not password hashing at sign-in.
.venv/bin/python -m bench.load.sessions > "$INDEKS_BENCH_POOL"
workers=${WORKERS:-$(( $(nproc) * 2 + 1 ))}
.venv/bin/gunicorn indeks.wsgi -b 127.0.0.1:8077 -w "$workers" --log-level warning &
gunicorn_pid=$!
trap 'kill $gunicorn_pid 2>/dev/null || true' EXIT
sleep 3
.venv/bin/locust -f bench/load/locustfile.py --headless -u "$users" -r 10 -t "${seconds}s" \
  -H http://127.0.0.1:8077 --csv bench/results/load --only-summary --reset-stats 2>&1 | tail -n 25
