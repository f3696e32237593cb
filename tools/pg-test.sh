#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster under /tmp (started here, stopped on exit).
# Usage: bash tools/pg-test.sh make test      -> PORTAL_TEST_DATABASE_URL points at the cluster.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$PGBIN" ] || { echo "PostgreSQL is not installed (make system-deps)" >&2; exit 1; }
PORT=${PORTAL_PG_PORT:-54329}
DIR=$(mktemp -d /tmp/portal-pg.XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$DIR"
cleanup() { as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT
as_pg "$PGBIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres portal_test
export PORTAL_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/portal_test"
echo "PostgreSQL test cluster on port $PORT"
"$@"
