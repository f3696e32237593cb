"""Helpers for complaint tests: form data, and complaints made through the service."""
from __future__ import annotations

import io

import pytest

from portal.complaints import services
from portal.extensions import db


def form_data(**over) -> dict:
    data = {"token": "tok-" + str(id(over)), "categories": ["threats", "third_parties"], "channel": "phone",
            "occurred_on": "2026-01-10", "occurred_time": "22:30", "collector_name": "李某",
            "collector_badge": "B-17", "collector_phone": "021-5555 0000",
            "what_happened": "他半夜打电话给我母亲，说要上门。", "outcome_wanted": "停止联系我的家人",
            "preferred_contact": "portal", "loan": ""}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def report_data(**over) -> dict:
    data = form_data(preferred_contact="sms", loan=None)
    data.update({"reporter_name": "王阿姨", "reporter_relation": "parent", "contact_phone": "13700137000",
                 "debtor_name": "王小明"})
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def issued_token(client) -> str:
    """The one-time token the /report form gives this client's session (the secret derives from it)."""
    import re

    page = client.get("/report").get_data(as_text=True)
    return re.search(r'name="token"[^>]*value="([^"]+)"', page).group(1)


def with_files(data: dict, *files: tuple[bytes, str]) -> dict:
    data = dict(data)
    data["evidence"] = [(io.BytesIO(content), name) for content, name in files]
    return data


@pytest.fixture
def make_complaint(session, app):
    def factory(borrower=None, **over):
        fields = dict(categories=["insults"], channel="phone", what_happened="骂人", preferred_contact="portal")
        if borrower is None:
            fields.update(reporter_name="陈先生", reporter_relation="sibling", contact_phone="13700137001",
                          preferred_contact="sms")
        fields.update(over)
        now = fields.pop("now", None)
        with app.test_request_context():
            complaint, secret = services.file_complaint(services.Filing(**fields), borrower=borrower, now=now)
            db.session.commit()
        complaint.secret = secret
        return complaint

    return factory


def in_memory_multipart(fields: dict) -> dict:
    """A multipart body built in memory (the test client spools big bodies to a temp file it never closes)."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    values = {k: FileStorage(io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v for k, v in fields.items()}
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}
