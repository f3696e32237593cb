"""Settings from ``PORTAL_*`` environment variables.

Development defaults work with nothing set; production (``PORTAL_ENV=production``) refuses to start with an
unsafe setting (see ``production_problems``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from portal.locales import LOCALES

_PREFIX = "PORTAL_"
ENVIRONMENTS = ("development", "test", "production")
DEV_SECRET_KEY = "dev-only-insecure-secret-key"
MIN_SECRET_BYTES = 32


class ConfigError(RuntimeError):
    """Raised when the configuration is unsafe or invalid."""


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(_PREFIX + name, default)


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{_PREFIX}{name} must be a whole number, got {raw!r}") from exc


@dataclass(frozen=True)
class HourWindow:
    start: int
    end: int


def parse_hours(raw: str) -> HourWindow:
    """Parse ``"9-20"`` into a window; it may never reach into 22:00-08:00."""
    try:
        start_s, end_s = raw.split("-")
        window = HourWindow(int(start_s), int(end_s))
    except ValueError as exc:
        raise ConfigError(f"{_PREFIX}VISIT_HOURS must look like 9-20, got {raw!r}") from exc
    if not (8 <= window.start < window.end <= 22):
        raise ConfigError(f"{_PREFIX}VISIT_HOURS must stay within 08:00-22:00, got {raw!r}")
    return window


# loans: official repayment channels (PORTAL_REPAYMENT_CHANNELS as a JSON list of objects like these). The payee's
# account name and number are shown exactly as registered in both scripts (a bank app needs them so): no _hant.
DEFAULT_REPAYMENT_CHANNELS = [
    {"name": "对公银行转账", "name_hant": "對公銀行轉帳", "account_name": "示例消费金融有限公司",
     "detail": "示例银行北京东城支行", "detail_hant": "示例銀行北京東城支行", "account_number": "1100200030004000501"},
    {"name": "官方 App「示例金融」→ 我的借款 → 还款", "name_hant": "官方 App「示例金融」→ 我的借款 → 還款",
     "account_name": "示例消费金融有限公司", "detail": "", "detail_hant": ""},
    {"name": "绑定银行卡自动扣款", "name_hant": "綁定銀行卡自動扣款", "account_name": "示例消费金融有限公司",
     "detail": "", "detail_hant": ""},
]


def _json_list(name: str, default: list) -> list:
    raw = _env(name)
    if not raw:
        return default
    import json

    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise ConfigError(f"{_PREFIX}{name} must be a JSON list") from exc
    if not isinstance(value, list) or not all(isinstance(x, dict) and x.get("name") for x in value):
        raise ConfigError(f"{_PREFIX}{name} must be a JSON list of objects with a name")
    return value


def _templates(raw: str | None) -> dict[str, dict[str, str]]:
    import json

    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise ConfigError(f"{_PREFIX}SMS_TEMPLATES must be JSON: {{kind: {{locale: template id}}}}") from exc
    if not isinstance(value, dict) or not all(
            isinstance(v, dict) and all(isinstance(t, str) for t in v.values()) for v in value.values()):
        raise ConfigError(f"{_PREFIX}SMS_TEMPLATES must map each message kind to {{locale: template id}}")
    return value


def _messaging(env: str, instance_path: str) -> dict:
    """SMS and e-mail gateways (portal.notify.gateways). Production refuses the ``file`` backends, an SMS gateway
    without credentials, and any message kind without a template id for each locale."""
    from portal.notify.kinds import SMS_KINDS

    sms = _env("SMS_BACKEND", "file") or "file"
    email = _env("EMAIL_BACKEND", "file") or "file"
    if sms not in ("file", "aliyun", "tencent"):
        raise ConfigError(f"{_PREFIX}SMS_BACKEND must be file, aliyun or tencent, got {sms!r}")
    if email not in ("file", "smtp"):
        raise ConfigError(f"{_PREFIX}EMAIL_BACKEND must be file or smtp, got {email!r}")
    templates = _templates(_env("SMS_TEMPLATES"))
    unknown = sorted(set(templates) - set(SMS_KINDS))
    if unknown:
        raise ConfigError(f"{_PREFIX}SMS_TEMPLATES names unknown message kinds: {', '.join(unknown)}")
    settings = {
        "SMS_BACKEND": sms,
        "SMS_OUTBOX": _env("SMS_OUTBOX") or os.path.join(instance_path, "sms-outbox.jsonl"),
        "SMS_ENDPOINT": _env("SMS_ENDPOINT") or None,
        "SMS_ACCESS_KEY_ID": _env("SMS_ACCESS_KEY_ID") or None,
        "SMS_ACCESS_KEY_SECRET": _env("SMS_ACCESS_KEY_SECRET") or None,
        "SMS_SIGN_NAME": _env("SMS_SIGN_NAME") or None,
        "SMS_SDK_APP_ID": _env("SMS_SDK_APP_ID") or None,
        "SMS_REGION": _env("SMS_REGION", "ap-guangzhou"),
        "SMS_TEMPLATES": templates,
        "SMS_TIMEOUT_S": _int("SMS_TIMEOUT_S", 5),
        "EMAIL_BACKEND": email,
        "EMAIL_OUTBOX": _env("EMAIL_OUTBOX") or os.path.join(instance_path, "email-outbox.jsonl"),
        "SMTP_URL": _env("SMTP_URL") or None,
        "EMAIL_FROM": _env("EMAIL_FROM", "portal@localhost"),
    }
    if email == "smtp":
        from portal.notify.gateways import parse_smtp_url

        try:
            parse_smtp_url(settings["SMTP_URL"] or "")
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc
    if env == "production":
        if sms == "file":
            raise ConfigError(f"{_PREFIX}SMS_BACKEND must be aliyun or tencent in production (file sends nothing)")
        if email == "file":
            raise ConfigError(f"{_PREFIX}EMAIL_BACKEND must be smtp in production (file sends nothing)")
        needed = ["SMS_ACCESS_KEY_ID", "SMS_ACCESS_KEY_SECRET", "SMS_SIGN_NAME"]
        needed += ["SMS_SDK_APP_ID"] if sms == "tencent" else []
        missing = [_PREFIX + k for k in needed if not settings[k]]
        if missing:
            raise ConfigError(f"the {sms} SMS gateway needs {', '.join(missing)}")
        holes = [f"{kind}/{locale}" for kind in SMS_KINDS for locale in LOCALES
                 if not (templates.get(kind) or {}).get(locale)]
        if holes:
            raise ConfigError(f"{_PREFIX}SMS_TEMPLATES has no template id for: {', '.join(holes)}")
    return settings


def _evidence_url(raw: str) -> str:
    if raw:
        from portal.uploads.s3 import parse_url

        try:
            parse_url(raw)
        except ValueError as exc:
            raise ConfigError(f"{_PREFIX}EVIDENCE_URL must look like s3://bucket/prefix, got {raw!r}") from exc
    return raw


def _webhooks() -> dict:
    """The webhook endpoint of the settings (more can be added in the console, /staff/webhooks)."""
    url, secret = _env("WEBHOOK_URL") or None, _env("WEBHOOK_SECRET") or None
    if url and not url.startswith(("https://", "http://")):
        raise ConfigError(f"{_PREFIX}WEBHOOK_URL must be an http:// or https:// address, got {url!r}")
    if url and (not secret or len(secret.encode()) < 16):
        raise ConfigError(f"{_PREFIX}WEBHOOK_SECRET must be set (at least 16 bytes) when {_PREFIX}WEBHOOK_URL is")
    try:
        timeout = float(_env("WEBHOOK_TIMEOUT_SECONDS") or 5)
    except ValueError as exc:
        raise ConfigError(f"{_PREFIX}WEBHOOK_TIMEOUT_SECONDS must be a number of seconds") from exc
    return {"WEBHOOK_URL": url, "WEBHOOK_SECRET": secret, "WEBHOOK_TIMEOUT_SECONDS": timeout,
            # How long a worker holds a delivery it is sending (longer than the timeouts); then another may take it.
            "WEBHOOK_CLAIM_SECONDS": _int("WEBHOOK_CLAIM_SECONDS", 120)}


def load_config(instance_path: str) -> dict:
    """Build the Flask config mapping from the environment."""
    env = _env("ENV", "development") or "development"
    if env not in ENVIRONMENTS:
        raise ConfigError(f"{_PREFIX}ENV must be one of {', '.join(ENVIRONMENTS)}, got {env!r}")
    debug = _bool(_env("DEBUG"), default=False)
    secret = _env("SECRET_KEY")
    database_url = _env("DATABASE_URL") or "sqlite:///" + os.path.join(instance_path, "portal.sqlite3")
    config = {
        "PORTAL_ENV": env,
        "DEBUG": debug,
        "TESTING": False,
        "SECRET_KEY": secret or DEV_SECRET_KEY,
        # Reverse proxies in front of the app that set X-Forwarded-For/-Proto/-Host (0: none, trust nothing).
        "PROXY_HOPS": _int("PROXY_HOPS", 0),
        "DATABASE_URL": database_url,
        # Links in messages are built on this, never on the request's Host header (https, required in production).
        "BASE_URL": (_env("BASE_URL") or ("" if env == "production" else "http://127.0.0.1:5000")).rstrip("/"),
        # The task queue (portal/queue.py): a SQLite file in the instance folder, or redis://host:6379/1.
        "QUEUE_URL": _env("QUEUE_URL") or "sqlite:///" + os.path.join(instance_path, "queue.sqlite3"),
        # How long a worker holds an outbox row it is sending; after that another worker may take it.
        "OUTBOX_CLAIM_SECONDS": _int("OUTBOX_CLAIM_SECONDS", 120),
        **_webhooks(),
        "PORTAL_TIMEZONE": _env("TIMEZONE", "Asia/Shanghai"),
        **_messaging(env, instance_path),
        "EVIDENCE_DIR": _env("EVIDENCE_DIR") or os.path.join(instance_path, "evidence"),
        # Several machines: s3://bucket/prefix keeps evidence, proofs, downloads and visitor photos on an
        # S3-compatible store instead of EVIDENCE_DIR / VISITOR_PHOTO_DIR (empty S3_* settings: boto3's AWS_* chain).
        "EVIDENCE_URL": _evidence_url(_env("EVIDENCE_URL") or ""),
        "S3_ENDPOINT_URL": _env("S3_ENDPOINT_URL") or "",
        "S3_ACCESS_KEY_ID": _env("S3_ACCESS_KEY_ID") or "",
        "S3_SECRET_ACCESS_KEY": _env("S3_SECRET_ACCESS_KEY") or "",
        "S3_REGION": _env("S3_REGION") or "",
        "EVIDENCE_MAX_MB": _int("EVIDENCE_MAX_MB", 10),
        "IMPORT_MAX_MB": _int("IMPORT_MAX_MB", 200),  # a console import file (/staff/imports)
        "IMPORT_CLAIM_SECONDS": _int("IMPORT_CLAIM_SECONDS", 120),
        "VISITOR_PHOTO_DIR": _env("VISITOR_PHOTO_DIR") or os.path.join(instance_path, "visitor-photos"),
        "MAX_CONTENT_LENGTH": (_int("EVIDENCE_MAX_MB", 10) * 5 + 2) * 1024 * 1024,
        "RATELIMIT_STORAGE_URI": _env("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool(_env("RATELIMIT_ENABLED"), default=True),
        # The lender's own promise: no collection contact while an agreed repayment plan is in force (contact log).
        "PORTAL_CONTACT_PLAN_PROMISE": _bool(_env("CONTACT_PLAN_PROMISE"), default=True),
        # The lender's API (portal/api): requests per token, and the largest request body it reads.
        "API_TOKEN_RATE_LIMIT": _env("API_RATE_LIMIT", "1200 per minute"),
        "API_MAX_BODY_MB": _int("API_MAX_BODY_MB", 8),
        "LOGIN_LIMIT_PER_IP": _env("LOGIN_LIMIT_PER_IP", "20 per 10 minutes"),
        "LOGIN_LIMIT_PER_ACCOUNT": _env("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        # Activation and reset: a code request plus up to 5 tries of each code.
        "CODE_LIMIT_PER_ACCOUNT": _env("CODE_LIMIT_PER_ACCOUNT", "10 per 15 minutes"),
        # Public pages that could be used to guess: visitor check, third-party report filing and lookup.
        "VISIT_CHECK_LIMIT": _env("VISIT_CHECK_LIMIT", "10 per minute"),
        "WHO_CALLED_LIMIT": _env("WHO_CALLED_LIMIT", "10 per minute"),
        "REPORT_FILING_LIMIT": _env("REPORT_FILING_LIMIT", "20 per hour"),
        "REPORT_STATUS_LIMIT": _env("REPORT_STATUS_LIMIT", "10 per 15 minutes"),
        # How long a browser keeps access to a third-party report after entering its reference and secret.
        "REPORT_GRANT_MINUTES": _int("REPORT_GRANT_MINUTES", 60),
        # Retention (portal.privacy.retention): what is deleted when. Expired codes, sessions and report grants
        # go at once; these count from a complaint's decision and from a visitor leaving the roster.
        "RETENTION_EVIDENCE_YEARS": _int("RETENTION_EVIDENCE_YEARS", 3),
        # The parameters (the text) of sent or failed outbox messages are blanked this many days after queueing.
        "RETENTION_OUTBOX_DAYS": _int("RETENTION_OUTBOX_DAYS", 365),
        "RETENTION_VISITOR_PHOTO_YEARS": _int("RETENTION_VISITOR_PHOTO_YEARS", 1),
        # Webhook deliveries that ended (delivered or given up) go with their attempts this many days after.
        "RETENTION_WEBHOOK_DAYS": _int("RETENTION_WEBHOOK_DAYS", 90),
        "SESSION_IDLE_MINUTES": _int("SESSION_IDLE_MINUTES", 15),
        # Absolute lifetime of a login session, however active it stays.
        "SESSION_MAX_HOURS": _int("SESSION_MAX_HOURS", 12),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "SESSION_COOKIE_NAME": "portal_session",
        # The login cookie's expiry slides with the session row's last-seen time (portal.accounts.sessions), which
        # is written at most every 30 s: the cookie is re-signed then, not on every response.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "zh_Hans",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LENDER_NAME": _env("LENDER_NAME", "示例消费金融有限公司"),
        "LENDER_NAME_HANT": _env("LENDER_NAME_HANT", "示例消費金融有限公司"),
        "LENDER_HOTLINE": _env("LENDER_HOTLINE", "400-000-0000"),
        "VISIT_HOURS": parse_hours(_env("VISIT_HOURS", "9-20") or "9-20"),
        "VISIT_MIN_NOTICE_DAYS": _int("VISIT_MIN_NOTICE_DAYS", 3),
        "VISIT_RESCHEDULE_DAYS": _int("VISIT_RESCHEDULE_DAYS", 14),
        "VISIT_MAX_RESCHEDULES": _int("VISIT_MAX_RESCHEDULES", 2),
        "PLAN_MAX_MONTHS": _int("PLAN_MAX_MONTHS", 60),
        "PLAN_MAX_DEFERRAL_DAYS": _int("PLAN_MAX_DEFERRAL_DAYS", 90),
        # A plan draft started this long ago and never sent is deleted by the hourly housekeeping.
        "PLAN_DRAFT_DAYS": _int("PLAN_DRAFT_DAYS", 30),
        "PAYMENT_ORDER": (_env("PAYMENT_ORDER", "fee,penalty,interest,principal") or "").split(","),
        # loans: the lender's process timeline, in days from an instalment's due date (design §5 "Overdue status")
        "REMINDER_DAYS_BEFORE": _int("REMINDER_DAYS_BEFORE", 3),
        "REMINDER_DAYS_AFTER": [int(x) for x in (_env("REMINDER_DAYS_AFTER", "1,7") or "").split(",") if x.strip()],
        "CREDIT_NOTICE_DAY": _int("CREDIT_NOTICE_DAY", 30),
        "CREDIT_REPORT_DAY": _int("CREDIT_REPORT_DAY", 60),
        "VISIT_PROPOSAL_DAY": _int("VISIT_PROPOSAL_DAY", 60),
        "REPAYMENT_CHANNELS": _json_list("REPAYMENT_CHANNELS", DEFAULT_REPAYMENT_CHANNELS),
    }
    if env == "production":
        problems = production_problems(config, secret_set=bool(secret))
        if problems:
            raise ConfigError("unsafe production settings: " + "; ".join(problems))
    return config


def production_problems(config: dict, *, secret_set: bool = True) -> list[str]:
    """What production refuses besides the gateway settings (``_messaging``): each item names the variable."""
    problems = []
    secret = config["SECRET_KEY"]
    if not secret_set:
        problems.append(f"{_PREFIX}SECRET_KEY must be set")
    elif secret == DEV_SECRET_KEY or len(secret.encode()) < MIN_SECRET_BYTES:
        problems.append(f"{_PREFIX}SECRET_KEY must be a random value of at least {MIN_SECRET_BYTES} bytes")
    if config["DEBUG"]:
        problems.append(f"{_PREFIX}DEBUG must be off")
    if config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        problems.append(f"{_PREFIX}RATELIMIT_STORAGE_URI must be shared by all workers (e.g. redis://), "
                        "not memory://")
    if not config["BASE_URL"].startswith("https://"):
        problems.append(f"{_PREFIX}BASE_URL must be set to the portal's https:// address (links in messages)")
    if config["PROXY_HOPS"] < 0:
        problems.append(f"{_PREFIX}PROXY_HOPS must be 0 or more")
    return problems
