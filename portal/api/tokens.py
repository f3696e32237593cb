"""Creating, revoking and checking API tokens. A token is ``bpt_`` + 43 URL-safe characters (256 random bits);
the database keeps its SHA-256 only, so a stolen copy of the database cannot be replayed against the API."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.api.models import NAME_MAX, SCOPES, ApiToken
from portal.orm import utcnow

TOKEN_PREFIX = "bpt_"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,%d}$" % (NAME_MAX - 1))
LAST_USED_EVERY = timedelta(seconds=60)  # last-used time written at most once a minute per token


class TokenError(ValueError):
    """A token name or scope list that cannot be used; ``code`` says which rule."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_scopes(raw: str | list[str]) -> list[str]:
    items = raw.replace(",", " ").split() if isinstance(raw, str) else list(raw)
    unknown = [s for s in items if s not in SCOPES]
    if unknown or not items:
        raise TokenError("scopes", f"scopes must be some of {', '.join(SCOPES)}; got {', '.join(unknown) or 'none'}")
    return [s for s in SCOPES if s in items]


def create_token(session: Session, name: str, scopes: str | list[str], *, staff=None) -> tuple[ApiToken, str]:
    """Add a token; return the row and the token itself (shown once, never stored)."""
    name = (name or "").strip()
    if not NAME.match(name):
        raise TokenError("name", "a name is 1 to 64 letters, digits, dots, hyphens or underscores")
    chosen = parse_scopes(scopes)
    if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise TokenError("taken", f"a token named {name!r} exists already")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(name=name, token_hash=hash_token(token), prefix=token[:10], scopes=" ".join(chosen),
                   created_by_id=staff.id if staff is not None else None)
    session.add(row)
    session.flush()
    return row, token


def revoke_token(session: Session, row: ApiToken) -> bool:
    """Revoke ``row``; False if it was revoked already (nothing changes)."""
    if row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True


def token_by_id(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def token_named(session: Session, name: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.name == name))


def all_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.name)))


def authenticate(session: Session, token: str) -> ApiToken | None:
    """The active token with this value, its last-used time refreshed when older than a minute; else None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_EVERY:
        row.last_used_at = now  # written with the request's commit: one small UPDATE a minute at most
    return row
