#!/usr/bin/env bash
# Load test (issue 6): gunicorn (deploy/gunicorn.conf.py, production settings) on the PostgreSQL
# database named by DATABASE_URL, seeded with `seed_demo --scale 4` when empty, then locust
# headless with bench/locustfile.py. Usage: DATABASE_URL=postgres://... bench/run-load.sh
#   LOAD_USERS (100), LOAD_SPAWN_RATE (2 logins per s), LOAD_DURATION (2m), LOAD_PORT (8120),
#   LOAD_WORKERS (2), LOAD_THINK (5-15 seconds between two pages),
#   REDIS_URL (optional broker, as in production),
#   LOAD_RESET_STATS=1: latency figures from when every member is logged in (the logins, slow
#   password hashing by design, otherwise dominate the first minute); errors and the row check
#   always cover the whole run.
# Exit status: locust's (non-zero on errors, rows != successful POSTs, or POST p95 over goal).
set -euo pipefail
cd "$(dirname "$0")/.."

case "${DATABASE_URL:-}" in
  postgres://*|postgresql://*|pgsql://*) ;;
  *) echo "error: DATABASE_URL must name a PostgreSQL database (it will be seeded if empty)" >&2; exit 1 ;;
esac
PORT="${LOAD_PORT:-8120}"
OUT="${LOAD_OUT:-var/load}"  # logs and locust CSVs (var/ is not committed)
mkdir -p "$OUT"

# Production settings, as the systemd unit runs them (TLS ends at nginx: no redirect here).
export DEBUG=0 SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1 SITE_URL="https://127.0.0.1:$PORT"
export SECRET_KEY="${SECRET_KEY:-load-test-only-$(head -c 24 /dev/urandom | base64)}"
PY=.venv/bin/python

$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo --scale 4 --force --if-empty
$PY manage.py collectstatic --noinput -v0

GUNICORN_BIND="127.0.0.1:$PORT" WEB_CONCURRENCY="${LOAD_WORKERS:-2}" LOG_LEVEL=WARNING \
  .venv/bin/gunicorn -c deploy/gunicorn.conf.py --access-logfile "$OUT/access.log" \
  branch_liaison.wsgi >"$OUT/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
trap 'kill "$GUNICORN_PID" 2>/dev/null; wait "$GUNICORN_PID" 2>/dev/null || true' EXIT
up() { curl -fsS -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/healthz"; }
for _ in $(seq 50); do up 2>/dev/null && break; sleep 0.2; done
up || { echo "error: gunicorn did not start, see $OUT/gunicorn.log" >&2; exit 1; }

# The machine is shared: say how busy it was around the run.
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
trap 'echo "load after: $(cut -d" " -f1-3 /proc/loadavg)"; kill "$GUNICORN_PID" 2>/dev/null; wait "$GUNICORN_PID" 2>/dev/null || true' EXIT
RESET=()
[ "${LOAD_RESET_STATS:-0}" = 1 ] && RESET=(--reset-stats)
.venv/bin/locust -f bench/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
  --users "${LOAD_USERS:-100}" --spawn-rate "${LOAD_SPAWN_RATE:-2}" \
  --run-time "${LOAD_DURATION:-2m}" --stop-timeout 10 --only-summary \
  --csv "$OUT/locust" --loglevel WARNING "${RESET[@]}"
