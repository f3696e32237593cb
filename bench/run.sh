#!/usr/bin/env bash
# Server benchmark: gunicorn serving the portal on 127.0.0.1, wrk with logged-in sessions, a bare Flask "hello"
# app on the same gunicorn settings as the ceiling. Prints throughput, p50, p99 per page and the ratio to the ceiling.
#
#   bash bench/run.sh                      # SQLite, empty database (just the bench borrower and staff user)
#   BORROWERS=100000 bash bench/run.sh     # SQLite with 100k generated borrowers
#   DB=postgres BORROWERS=1000000 bash bench/run.sh    # a throwaway PostgreSQL cluster (tools/pg-test.sh)
#   INSTANCES=2 DB=postgres bash bench/run.sh           # two gunicorn instances behind wrk's round robin: see README
#   BASELINE=/path/to/other/checkout bash bench/run.sh  # also serve that checkout (e.g. `git worktree add … main~5`)
#                                      on the same database and measure its pages in the same rounds ("base:…" rows)
#   BASELINE=$PWD BASELINE_WORKERS=2 BASELINE_THREADS=4 WORKERS=4 THREADS=1 bash bench/run.sh
#                                      # two gunicorn settings of one checkout, side by side
# Settings: WORKERS (2), THREADS (4), BASELINE_WORKERS and BASELINE_THREADS (the baseline's; default WORKERS, THREADS), CONNS (16), DURATION (10s), ROUNDS (3), PORT (18080; the ceiling app on PORT+1).
# Each round measures the ceiling and then every page; the table shows the median over the rounds (and the spread of
# req/s), so a burst of noise on the machine in one round does not decide a number. Only 127.0.0.1 is used.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
DB=${DB:-sqlite}
BORROWERS=${BORROWERS:-0}
WORKERS=${WORKERS:-2}
THREADS=${THREADS:-4}
CONNS=${CONNS:-16}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-18080}
HELLO_PORT=$((PORT + 1))
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

if [ "$DB" = postgres ] && [ -z "${PORTAL_TEST_DATABASE_URL:-}" ]; then
  PORTAL_PG_PORT=${PORTAL_PG_PORT:-54341} exec bash tools/pg-test.sh bash "$0" "$@"
fi

export BENCH_DIR; BENCH_DIR=$(mktemp -d /tmp/portal-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$BENCH_DIR"; }
trap cleanup EXIT
export PORTAL_INSTANCE_PATH=$BENCH_DIR/instance PORTAL_SECRET_KEY=bench-secret PORTAL_ENV=development
export PORTAL_EVIDENCE_DIR=$BENCH_DIR/evidence
if [ "$DB" = postgres ]; then export PORTAL_DATABASE_URL=$PORTAL_TEST_DATABASE_URL; fi
mkdir -p "$PORTAL_INSTANCE_PATH"

echo "== prepare: $DB, $BORROWERS generated borrowers ==" >&2
eval "$("$PY" bench/prepare.py "$BORROWERS")"
if [ "$DB" = postgres ]; then "$PY" bench/explain.py > "${EXPLAIN_OUT:-/dev/stderr}"; fi
GUNICORN=("$ROOT/.venv/bin/gunicorn" --workers "$WORKERS" --threads "$THREADS"
          --worker-class gthread --log-level warning --access-logfile /dev/null)

wait_up() { for _ in $(seq 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; echo "server did not start" >&2; exit 1; }

measure() {  # name url cookie
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $3" "$2")
  [ "$status" = 200 ] || { echo "$1: $2 answered $status, not 200 (session?)" >&2; exit 1; }
  COOKIE=$3 timeout 120 wrk -t2 -c"$CONNS" -d"$DURATION" --timeout 5s -s bench/session.lua "$2" \
    | sed -n 's/^RESULT //p' | sed "s|^|$1 |"
}

RESULTS=$BENCH_DIR/results.txt
"${GUNICORN[@]}" --bind "127.0.0.1:$HELLO_PORT" --chdir "$ROOT/bench" hello:app & PIDS+=($!)
wait_up "http://127.0.0.1:$HELLO_PORT/"
"${GUNICORN[@]}" --bind "127.0.0.1:$PORT" 'portal:create_app()' & PIDS+=($!)
BASE="http://127.0.0.1:$PORT"
wait_up "$BASE/healthz"
B=$("$PY" bench/login.py "$BASE" borrower)
S=$("$PY" bench/login.py "$BASE" staff)
if [ -n "${BASELINE:-}" ]; then  # the same pages served by another checkout, measured in the same rounds
  OLD="http://127.0.0.1:$((PORT + 2))"
  "$BASELINE/.venv/bin/gunicorn" --workers "${BASELINE_WORKERS:-$WORKERS}" --threads "${BASELINE_THREADS:-$THREADS}" \
    --worker-class gthread --log-level warning \
    --access-logfile /dev/null --chdir "$BASELINE" --bind "127.0.0.1:$((PORT + 2))" 'portal:create_app()' & PIDS+=($!)
  wait_up "$OLD/healthz"
  OB=$("$PY" bench/login.py "$OLD" borrower)
  # a TOTP code is accepted once: the second staff login waits for the next 30 s step
  for _ in 1 2 3; do OS=$("$PY" bench/login.py "$OLD" staff 2>/dev/null) && break; sleep 15; done
  [ -n "$OS" ] || { echo "staff login on the baseline failed" >&2; exit 1; }
fi
# Warm-up, not counted: this class of machine runs faster for the first seconds of load (CPU burst), which would
# inflate whichever number is taken first.
measure warm-up "http://127.0.0.1:$HELLO_PORT/" "" > /dev/null
for round in $(seq "$ROUNDS"); do
  echo "== round $round of $ROUNDS ==" >&2
  measure hello "http://127.0.0.1:$HELLO_PORT/" "" >> "$RESULTS"
  measure "/" "$BASE/" "$B" >> "$RESULTS"
  measure "/loans" "$BASE/loans" "$B" >> "$RESULTS"
  measure "/loans/<ref>" "$BASE/loans/$LOAN_REF" "$B" >> "$RESULTS"
  measure "/rights/<slug>" "$BASE/rights/$RIGHTS_SLUG" "$B" >> "$RESULTS"
  measure "/staff/complaints" "$BASE/staff/complaints" "$S" >> "$RESULTS"
  if [ -n "${BASELINE:-}" ]; then
    measure "base:/" "$OLD/" "$OB" >> "$RESULTS"
    measure "base:/loans" "$OLD/loans" "$OB" >> "$RESULTS"
    measure "base:/loans/<ref>" "$OLD/loans/$LOAN_REF" "$OB" >> "$RESULTS"
    measure "base:/rights/<slug>" "$OLD/rights/$RIGHTS_SLUG" "$OB" >> "$RESULTS"
    measure "base:/staff/complaints" "$OLD/staff/complaints" "$OS" >> "$RESULTS"
  fi
done

"$PY" - "$RESULTS" "$DB" "$BORROWERS_IN_DB" "$WORKERS" "$THREADS" "$CONNS" "$DURATION" "$ROUNDS" \
  "${BASELINE_WORKERS:-$WORKERS}" "${BASELINE_THREADS:-$THREADS}" <<'PYEOF'
import json, statistics, sys
path, db, n, workers, threads, conns, duration, rounds, base_workers, base_threads = sys.argv[1:]
base = f" (base: {base_workers} x {base_threads})" if (base_workers, base_threads) != (workers, threads) else ""
runs: dict[str, list[dict]] = {}
for line in open(path):
    if line.strip():
        name, data = line.split(" ", 1)
        runs.setdefault(name, []).append(json.loads(data))
med = {name: {k: statistics.median(r[k] for r in rs) for k in ("rps", "p50_ms", "p99_ms")} for name, rs in runs.items()}
ceiling = med["hello"]
print(f"\n{db}, {n} borrowers in the database; gunicorn {workers} workers x {threads} threads{base}; "
      f"wrk {conns} connections, {duration} per page; median of {rounds} rounds")
print(f"{'page':<24}{'req/s':>9}{'(min-max)':>14}{'p50 ms':>9}{'p99 ms':>9}{'rps/ceiling':>13}{'p50 x ceiling':>15}"
      f"{'errors':>8}")
for name, m in med.items():
    rs = runs[name]
    spread = f"{min(r['rps'] for r in rs):.0f}-{max(r['rps'] for r in rs):.0f}"
    errors = sum(r["errors"] + r["non2xx3xx"] for r in rs)
    print(f"{name:<24}{m['rps']:>9.0f}{spread:>14}{m['p50_ms']:>9.1f}{m['p99_ms']:>9.1f}{m['rps'] / ceiling['rps']:>13.2f}"
          f"{m['p50_ms'] / max(ceiling['p50_ms'], 1e-3):>15.1f}{errors:>8}")
PYEOF
