"""Deny by default: a blueprint's ``before_request`` gate with an explicit list of public endpoints."""
from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user


def gate(bp: Blueprint, *, kind: str, login_endpoint: str, public: frozenset[str] = frozenset()) -> None:
    """Every endpoint of ``bp`` needs a logged-in ``kind`` user unless listed public."""
    bp.gate_kind = kind  # type: ignore[attr-defined]  # read by the access tests
    bp.public_endpoints = public  # type: ignore[attr-defined]

    @bp.before_request
    def _gate():
        if request.endpoint in public:
            return None
        if not current_user.is_authenticated or current_user.kind != kind:
            return redirect(url_for(login_endpoint, next=request.full_path.rstrip("?")))
        return None
