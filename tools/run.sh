#!/usr/bin/env bash
# `make run`: the web server and one worker (the outbox, retries, sweep, housekeeping) side by side.
# Ctrl+C (or TERM) stops both; if either exits, the other is stopped too.
set -uo pipefail
FLASK=${FLASK:-.venv/bin/flask}
PORT=${PORT:-5000}
"$FLASK" --app portal worker --workers 2 &
worker=$!
"$FLASK" --app portal run --host 127.0.0.1 --port "$PORT" &
web=$!
stop() {
  trap - INT TERM
  # Background children of a script ignore SIGINT, so each gets the signal it handles: the worker finishes the
  # task in hand on INT (Huey's own handler); the web server stops on TERM.
  kill -INT "$worker" 2>/dev/null
  kill -TERM "$web" 2>/dev/null
  wait "$worker" "$web" 2>/dev/null
  exit 0
}
trap stop INT TERM
wait -n "$worker" "$web"
stop
