#!/usr/bin/env bash
# Two portal instances sharing one PostgreSQL, one Redis (rate limits) and one S3-compatible object store for the
# evidence (moto's server mode on an ephemeral loopback port, PORTAL_EVIDENCE_URL=s3://…), on loopback.
# Checks that a login on one instance holds on the other, that login throttling counts across both, and that
# evidence uploaded through one is downloaded through the other. Exit status non-zero on any failure.
#   bash tools/two-instances.sh            # the check (CI; < 60 s)
#   bash tools/two-instances.sh --bench    # also: throughput of one instance vs two (wrk, see bench/README.md)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
MODE=${1:-check}
if [ -z "${PORTAL_TEST_DATABASE_URL:-}" ]; then
  PORTAL_PG_PORT=${PORTAL_PG_PORT:-54343} exec bash tools/pg-test.sh bash "$0" "$@"
fi
REDIS_PORT=${REDIS_PORT:-16379}
PORT_A=${PORT_A:-18181}
PORT_B=${PORT_B:-18182}
WORK=$(mktemp -d /tmp/portal-two.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
export PORTAL_DATABASE_URL=$PORTAL_TEST_DATABASE_URL
export PORTAL_RATELIMIT_STORAGE_URI=redis://127.0.0.1:$REDIS_PORT/0
# The object store: moto's S3 server in a process of its own, one bucket; it writes its port when ready.
"$PY" - "$WORK/s3-port" >"$WORK/s3.log" 2>&1 <<'PYEOF' &
import sys, threading
import boto3
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
host, port = server.get_host_and_port()
boto3.client("s3", endpoint_url=f"http://{host}:{port}", aws_access_key_id="test", aws_secret_access_key="test",
             region_name="us-east-1").create_bucket(Bucket="portal-evidence")
with open(sys.argv[1] + ".tmp", "w") as fh:
    fh.write(str(port))
import os; os.replace(sys.argv[1] + ".tmp", sys.argv[1])
threading.Event().wait()
PYEOF
PIDS+=($!)
for _ in $(seq 100); do [ -s "$WORK/s3-port" ] && break; sleep 0.1; done
[ -s "$WORK/s3-port" ] || { echo "the S3 server did not start:"; cat "$WORK/s3.log"; exit 1; }
export PORTAL_EVIDENCE_URL=s3://portal-evidence/two-instances PORTAL_S3_ENDPOINT_URL=http://127.0.0.1:$(cat "$WORK/s3-port")
export PORTAL_S3_ACCESS_KEY_ID=test PORTAL_S3_SECRET_ACCESS_KEY=test PORTAL_S3_REGION=us-east-1
export PORTAL_SECRET_KEY=two-instances-secret BENCH_DIR=$WORK
"$ROOT/.venv/bin/flask" --app portal db upgrade >/dev/null
"$PY" bench/prepare.py 0 >/dev/null  # domains not in the migrations yet are created from the models; bench users

for port in "$PORT_A" "$PORT_B"; do
  PORTAL_INSTANCE_PATH=$WORK/instance-$port "$ROOT/.venv/bin/gunicorn" --bind "127.0.0.1:$port" --workers 2 \
    --threads 4 --worker-class gthread --log-level warning 'portal:create_app()' & PIDS+=($!)
done
for port in "$PORT_A" "$PORT_B"; do
  for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
done

"$PY" - "http://127.0.0.1:$PORT_A" "http://127.0.0.1:$PORT_B" <<'PYEOF'
import http.cookiejar, re, secrets, sys, urllib.error, urllib.parse, urllib.request
sys.path.insert(0, "bench")
from prepare import BORROWER_PASSWORD, BORROWER_PHONE

A, B = sys.argv[1], sys.argv[2]
failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener(jar, follow=True):
    handlers = [urllib.request.HTTPCookieProcessor(jar)] + ([] if follow else [NoRedirect()])
    return urllib.request.build_opener(*handlers)


def call(op, url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with op.open(request, timeout=15) as r:
            return r.status, r.read(), r.geturl()
    except urllib.error.HTTPError as e:
        return e.code, e.read(), url


def csrf(body):
    return re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body).group(1).decode()


# 1. A session made on A is valid on B.
jar = http.cookiejar.CookieJar()
op = opener(jar)
_, page, _ = call(op, A + "/login")
form = urllib.parse.urlencode({"csrf_token": csrf(page), "phone": BORROWER_PHONE, "password": BORROWER_PASSWORD})
call(op, A + "/login", form.encode())
status, _, final = call(op, B + "/loans")
check(status == 200 and "/login" not in final, "a borrower logged in on A stays logged in on B")

# 2. Login throttling counts across both instances (PORTAL_LOGIN_LIMIT_PER_ACCOUNT, default 5 per 15 minutes).
victim = "1390013" + f"{secrets.randbelow(10**4):04d}"
codes = []
for attempt in range(7):
    base = (A, B)[attempt % 2]
    j = http.cookiejar.CookieJar()
    o = opener(j)
    _, page, _ = call(o, base + "/login")
    data = urllib.parse.urlencode({"csrf_token": csrf(page), "phone": victim, "password": "wrong-" + str(attempt)})
    codes.append(call(o, base + "/login", data.encode())[0])
check(codes[:5] == [200] * 5 and 429 in codes[5:], f"throttling counts across A and B (answers: {codes})")

# 3. Evidence uploaded through A is served by B.
status, page, _ = call(op, A + "/complaints/new")
if status != 200:
    check(False, f"/complaints/new on A answered {status}")
else:
    token = re.search(rb'name="token" type="hidden" value="([^"]*)"', page).group(1).decode()
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
           + secrets.token_bytes(64))
    boundary = "----two-instances-" + secrets.token_hex(8)
    parts = []
    fields = {"csrf_token": csrf(page), "token": token, "categories": "night_or_frequent", "channel": "phone",
              "what_happened": "两台服务器测试", "preferred_contact": "portal", "loan": ""}
    for k, v in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; filename="p.png"\r\n'
                 f'Content-Type: image/png\r\n\r\n'.encode() + png + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    status, page, final = call(op, A + "/complaints/new", b"".join(parts),
                               {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    link = re.search(rb'href="(/complaints/[^"]+/evidence/\d+)"', page)
    check(status == 200 and link is not None, f"complaint with evidence filed on A ({final})")
    if link:
        status, body, _ = call(op, B + link.group(1).decode())
        check(status == 200 and body == png, "the evidence file is downloaded through B, byte for byte")

sys.exit(1 if failures else 0)
PYEOF
RESULT=$?

if [ "$MODE" = --bench ]; then
  B_COOKIE=$("$PY" bench/login.py "http://127.0.0.1:$PORT_A" borrower)
  run_wrk() { COOKIE=$B_COOKIE timeout 60 wrk -t2 -c"${CONNS:-16}" -d"${DURATION:-10s}" --timeout 5s -s bench/session.lua "$1" | sed -n 's/^RESULT //p'; }
  echo "one instance:  $(run_wrk "http://127.0.0.1:$PORT_A/loans")"
  run_wrk "http://127.0.0.1:$PORT_A/loans" > "$WORK/a.json" & W1=$!
  run_wrk "http://127.0.0.1:$PORT_B/loans" > "$WORK/b.json" & W2=$!
  wait $W1 $W2
  "$PY" -c "import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); print(f'two instances: {a[\"rps\"]+b[\"rps\"]:.0f} req/s together (A {a[\"rps\"]:.0f}, B {b[\"rps\"]:.0f}); p99 {max(a[\"p99_ms\"],b[\"p99_ms\"]):.1f} ms')" "$WORK/a.json" "$WORK/b.json"
fi
exit $RESULT
