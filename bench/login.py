"""Log in through the real forms (CSRF token, password, staff TOTP via pyotp); print the Cookie header values.

Usage: python bench/login.py BASE_URL borrower|staff  ->  prints "portal_session=…"
"""
from __future__ import annotations

import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request

import pyotp

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from prepare import (BORROWER_PASSWORD, BORROWER_PHONE, STAFF_PASSWORD, STAFF_SECRET,  # noqa: E402
                     STAFF_USER)


def login(base: str, who: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    path = "/staff/login" if who == "staff" else "/login"
    page = opener.open(base + path, timeout=10).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    if who == "staff":
        form = {"csrf_token": token, "username": STAFF_USER, "password": STAFF_PASSWORD,
                "otp": pyotp.TOTP(STAFF_SECRET).now()}
    else:
        form = {"csrf_token": token, "phone": BORROWER_PHONE, "password": BORROWER_PASSWORD}
    opener.open(base + path, data=urllib.parse.urlencode(form).encode(), timeout=10).read()
    cookie = next((c for c in jar if c.name == "portal_session"), None)
    home = opener.open(base + ("/staff/" if who == "staff" else "/loans"), timeout=10)
    if cookie is None or "login" in home.geturl():
        raise SystemExit(f"{who} login failed")
    return f"{cookie.name}={cookie.value}"


if __name__ == "__main__":
    print(login(sys.argv[1], sys.argv[2]))
