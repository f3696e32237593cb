#!/usr/bin/env bash
# Lighthouse mobile run (throttled "slow 4G", a mid-range phone) over the borrower pages, logged in as the bench
# borrower. Not part of `make test`. Needs: npm install --prefix bench lighthouse ; Debian's /usr/bin/chromium.
#   bash bench/lighthouse.sh            # prints one line of scores per page; reports in /tmp/portal-lh-*/
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
LH=$ROOT/bench/node_modules/.bin/lighthouse
[ -x "$LH" ] || npm install --prefix bench --no-audit --no-fund lighthouse >/dev/null
PORT=${PORT:-18090}
export BENCH_DIR; BENCH_DIR=$(mktemp -d /tmp/portal-lh-XXXXXX)
export PORTAL_INSTANCE_PATH=$BENCH_DIR/instance PORTAL_SECRET_KEY=bench-secret
mkdir -p "$PORTAL_INSTANCE_PATH"
# The demo data first (its borrower 张伟 has the bench phone 13800138000), then prepare.py gives that borrower the
# bench password; the loan page measured is that borrower's first demo loan.
"$PY" -c "from portal import create_app; from portal.extensions import db; from portal.models import metadata
app = create_app()
with app.app_context(): metadata.create_all(db.engine)"
"$ROOT/.venv/bin/flask" --app portal seed-demo >/dev/null
eval "$("$PY" bench/prepare.py 0)"
LOAN_REF=$("$PY" -c "from sqlalchemy import select; from portal import create_app; from portal.extensions import db
from portal.accounts.models import Borrower; from portal.loans.models import Loan
app = create_app()
with app.app_context(): print(db.session.scalar(select(Loan.loan_ref).join(Borrower, Borrower.id == Loan.borrower_id)
                                                .where(Borrower.phone == '13800138000').order_by(Loan.id).limit(1)))")
"$ROOT/.venv/bin/gunicorn" --bind "127.0.0.1:$PORT" --workers 2 --threads 4 --worker-class gthread \
  --log-level warning 'portal:create_app()' & PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
COOKIE=$("$PY" bench/login.py "http://127.0.0.1:$PORT" borrower)
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
for page in / /loans "/loans/$LOAN_REF" /rights "/rights/$RIGHTS_SLUG" /complaints/new /report /verify-visitor; do
  name=$(echo "$page" | tr '/<>' '___')
  "$LH" "http://127.0.0.1:$PORT$page" --quiet --form-factor=mobile --screenEmulation.mobile \
    --only-categories=performance,accessibility,best-practices,seo \
    --extra-headers="{\"Cookie\": \"$COOKIE\"}" --chrome-flags="--no-sandbox --headless" \
    --output=json --output-path="$BENCH_DIR/lh$name.json" >/dev/null 2>&1 || { echo "$page: lighthouse failed"; continue; }
  "$PY" -c "import json,sys; r=json.load(open(sys.argv[1])); c=r['categories']; a=r['audits'];
print(f\"{sys.argv[2]:<22} perf {c['performance']['score']*100:3.0f}  a11y {c['accessibility']['score']*100:3.0f}  best {c['best-practices']['score']*100:3.0f}  seo {c['seo']['score']*100:3.0f}  FCP {a['first-contentful-paint']['displayValue']:>7}  LCP {a['largest-contentful-paint']['displayValue']:>7}  bytes {a['total-byte-weight']['numericValue']/1024:.1f} KiB\")" \
    "$BENCH_DIR/lh$name.json" "$page"
done
echo "reports: $BENCH_DIR"
