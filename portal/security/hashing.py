"""Password hashing: argon2id with the library's recommended parameters (tests may pass cheaper ones)."""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app


class _Hashing:
    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        # Verifying against a hash of a random password costs as much as a real check, so an unknown
        # phone number and a wrong password take as long and answer the same.
        self.dummy = hasher.hash(secrets.token_urlsafe(16))


def _hashing() -> _Hashing:
    return current_app.extensions["argon2"]


def hash_password(password: str) -> str:
    return _hashing().hasher.hash(password)


def verify_password(user, password: str) -> bool:
    """Check a password; rehash in place when the parameters changed. Unknown users still cost a hash."""
    hashing = _hashing()
    stored = getattr(user, "password_hash", None) if user is not None else None
    try:
        hashing.hasher.verify(stored or hashing.dummy, password)
    except (VerificationError, InvalidHashError):
        return False
    if stored is None:
        return False
    if hashing.hasher.check_needs_rehash(stored):
        user.password_hash = hashing.hasher.hash(password)
    return True


def configure_hashing(app: Flask) -> None:
    params = app.config.get("ARGON2_PARAMETERS") or {}
    app.extensions["argon2"] = _Hashing(PasswordHasher(**params))
