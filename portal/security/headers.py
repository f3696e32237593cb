"""Response headers (CSP, framing, referrer, caching, HSTS in production) and the reverse-proxy setting."""
from __future__ import annotations

from flask import Flask, request

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def configure_proxy(app: Flask) -> None:
    """Behind ``PORTAL_PROXY_HOPS`` reverse proxies, take the client address, scheme and host from their
    X-Forwarded-* headers (so per-IP limits are per client and https is known); with 0, trust no header."""
    hops = app.config.get("PROXY_HOPS", 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def configure_headers(app: Flask) -> None:
    always = tuple((name.lower(), name, value) for name, value in (
        ("Content-Security-Policy", CSP),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ))
    hsts = (("strict-transport-security", "Strict-Transport-Security", "max-age=31536000; includeSubDomains"),)
    no_store = (("cache-control", "Cache-Control", "no-store"),)

    @app.after_request
    def _headers(response):
        # Each header is added unless the view set its own (one pass over the response's headers).
        headers = response.headers
        present = {key.lower() for key in headers.keys()}
        endpoint = request.endpoint
        wanted = always
        if app.config["PORTAL_ENV"] == "production":
            wanted += hsts
        if endpoint and not endpoint.startswith("static"):
            wanted += no_store
        for lower, name, value in wanted:
            if lower not in present:
                headers.add(name, value)
        return response
