"""Retention: what is due goes (rows and their files together), what is not stays; the audit log gets counts
only; ``flask --app portal retention --dry-run`` lists and changes nothing."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import uploads
from portal.accounts.models import LoginSession, VerificationCode
from portal.audit.models import AuditEvent
from portal.complaints import services as complaint_services
from portal.complaints.models import Complaint, ComplaintEvidence
from portal.orm import utcnow
from portal.privacy import retention
from portal.visits import photos
from portal.visits.models import Visitor
from tests.uploads.samples import png

YEAR = timedelta(days=365)


@pytest.fixture
def photo_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "VISITOR_PHOTO_DIR", str(tmp_path / "photos"))


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _complaint(app, session, borrower, *, decided_ago: timedelta | None, state="resolved") -> Complaint:
    with app.test_request_context():
        complaint, _ = complaint_services.file_complaint(
            complaint_services.Filing(categories=["insults"], channel="phone", what_happened="骂人",
                                      files=[(png(), "录音截图.png")]), borrower=borrower)
        session.commit()
    if decided_ago is not None:
        complaint.state = state
        complaint.decided_at = utcnow() - decided_ago
        session.commit()
    return complaint


def _evidence_file(session, complaint) -> str:
    return session.scalar(select(ComplaintEvidence.stored_name).where(ComplaintEvidence.complaint_id == complaint.id))


def _exists(app, name) -> bool:
    with app.app_context():
        try:
            uploads.open_file(name).close()
            return True
        except FileNotFoundError:
            return False


@pytest.fixture
def data(app, session, create_borrower, photo_dir):
    b = create_borrower()
    now = utcnow()
    session.add_all([
        VerificationCode(borrower_id=b.id, purpose="reset", code_hash="x", expires_at=now - timedelta(minutes=1)),
        VerificationCode(borrower_id=b.id, purpose="reset", code_hash="y", expires_at=now + timedelta(minutes=9)),
        LoginSession(token_hash="idle", borrower_id=b.id, last_seen_at=now - timedelta(minutes=16)),
        LoginSession(token_hash="old", borrower_id=b.id, created_at=now - timedelta(hours=13), last_seen_at=now),
        LoginSession(token_hash="live", borrower_id=b.id),
    ])
    session.commit()  # before a nested app context, whose end removes the session
    with app.app_context():
        old_photo, new_photo = photos.save_photo(png()), photos.save_photo(png())
    session.add_all([
        Visitor(name="离职", badge_number="OLD1", photo_name=old_photo, active=False,
                deactivated_at=now - YEAR - timedelta(days=1)),
        Visitor(name="在职", badge_number="NEW1", photo_name=new_photo, active=True),
    ])
    session.commit()
    return {
        "old": _complaint(app, session, b, decided_ago=3 * YEAR + timedelta(days=1)),
        "recent": _complaint(app, session, b, decided_ago=2 * YEAR),
        "open": _complaint(app, session, b, decided_ago=None),
        "old_photo": old_photo, "new_photo": new_photo,
    }


def test_retention_deletes_what_is_due_with_its_files_and_keeps_the_rest(app, session, data):
    old_file = _evidence_file(session, data["old"])
    kept_files = [_evidence_file(session, data["recent"]), _evidence_file(session, data["open"])]
    with app.app_context():
        counts = retention.run()
    assert counts == {"verification_codes": 1, "login_sessions": 2, "report_grants": 0, "data_exports": 0,
                      "outbox_texts": 0, "webhook_deliveries": 0, "complaint_evidence": 1,
                      "visitor_photos": 1}
    session.expire_all()
    assert _count(session, VerificationCode) == 1 and _count(session, LoginSession) == 1
    assert _evidence_file(session, data["old"]) is None and not _exists(app, old_file)
    assert all(_exists(app, name) for name in kept_files)
    assert session.get(Complaint, data["old"].id) is not None  # the complaint itself stays
    with app.app_context():
        assert not photos.photo_exists(data["old_photo"])
        assert photos.photo_exists(data["new_photo"])
    assert session.scalar(select(Visitor.photo_name).where(Visitor.badge_number == "OLD1")) is None
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "retention.deleted"))
    assert json.loads(event.detail) == counts  # counts, never contents


def test_retention_dry_run_lists_and_changes_nothing(app, session, data):
    result = app.test_cli_runner().invoke(args=["retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "verification_codes: 1 would be deleted" in result.output
    assert "complaint_evidence: 1 would be deleted" in result.output
    assert "visitor_photos: 1 would be deleted" in result.output
    session.expire_all()
    assert _count(session, VerificationCode) == 2 and _count(session, LoginSession) == 3
    assert _evidence_file(session, data["old"]) is not None
    assert session.scalar(select(func.count()).where(AuditEvent.action == "retention.deleted")) == 0


def test_retention_command_deletes_and_a_second_run_finds_nothing(app, session, data):
    first = app.test_cli_runner().invoke(args=["retention"])
    assert first.exit_code == 0 and "complaint_evidence: 1 deleted" in first.output
    second = app.test_cli_runner().invoke(args=["retention"])
    assert all(line.endswith(": 0 deleted") for line in second.output.strip().splitlines()), second.output


def test_retention_periods_come_from_the_settings(app, session, data, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_EVIDENCE_YEARS", 1)
    with app.app_context():
        due = {rule.name: n for rule, n in retention.due()}
    assert due["complaint_evidence"] == 2  # decided 2 and 3 years ago; the open complaint keeps its files


def test_a_visitor_leaving_the_roster_starts_the_photo_clock(app, session, create_staff):
    from portal.visits.services import set_visitor_active

    staff = create_staff(role="supervisor")
    visitor = Visitor(name="张", badge_number="B1", active=True)
    session.add(visitor)
    session.commit()
    with app.test_request_context():
        set_visitor_active(staff, visitor, False)
        assert visitor.deactivated_at is not None
        set_visitor_active(staff, visitor, True)
        assert visitor.deactivated_at is None


def test_outbox_texts_are_blanked_after_the_retention_days(app, session, create_borrower, monkeypatch):
    from portal.notify.models import Outbox

    monkeypatch.setitem(app.config, "RETENTION_OUTBOX_DAYS", 30)
    b = create_borrower()
    now = utcnow()

    def row(state, age_days, **params):
        item = Outbox(channel="sms", recipient=b.phone, kind="plan_approved", params=params, locale="zh_Hans",
                      borrower_id=b.id, state=state, attempts=1, next_attempt_at=now,
                      created_at=now - timedelta(days=age_days), sent_at=now if state == "sent" else None)
        session.add(item)
        return item

    old_sent, old_failed = row("sent", 31, ref="PL-1"), row("failed", 31, ref="PL-2")
    recent, waiting = row("sent", 29, ref="PL-3"), row("pending", 40, ref="PL-4")
    session.commit()
    ids = [old_sent.id, old_failed.id, recent.id, waiting.id]
    with app.app_context():
        assert dict((r.name, n) for r, n in retention.due())["outbox_texts"] == 2
        assert retention.run()["outbox_texts"] == 2
        assert retention.run()["outbox_texts"] == 0  # once blanked, not counted again
    session.expire_all()
    rows = [session.get(Outbox, i) for i in ids]
    assert [r.params for r in rows] == [{}, {}, {"ref": "PL-3"}, {"ref": "PL-4"}]
    assert [r.state for r in rows] == ["sent", "failed", "sent", "pending"]  # the rows stay, only the text goes


def test_webhook_deliveries_that_ended_go_with_their_attempts_after_the_retention_days(app, session, monkeypatch):
    from portal.events import emit
    from portal.webhooks.models import WebhookAttempt, WebhookDelivery

    monkeypatch.setitem(app.config, "RETENTION_WEBHOOK_DAYS", 30)
    event = emit(session, "consent.changed", loan_ref="L-RET-1",
                 data={"consent": "family_contact", "scope": "account", "visit": None, "given": True})
    session.flush()
    now = utcnow()

    def delivery(uid, state, age_days, **extra):
        row = WebhookDelivery(uid=uid, event_id=event.id, loan_ref="L-RET-1", state=state, attempts=1,
                              created_at=now - timedelta(days=age_days), next_attempt_at=now, **extra)
        row.attempt_rows = [WebhookAttempt(status_code=200 if state == "delivered" else 500)]
        session.add(row)
        session.flush()
        return row

    old_done, old_failed = delivery("d-1", "delivered", 31), delivery("d-2", "failed", 40)
    redelivered = delivery("d-3", "delivered", 5, redelivery_of_id=old_failed.id)
    recent, retrying = delivery("d-4", "delivered", 29), delivery("d-5", "pending", 60)
    session.commit()
    with app.app_context():
        assert dict((r.name, n) for r, n in retention.due())["webhook_deliveries"] == 2
        assert retention.run()["webhook_deliveries"] == 2
        assert retention.run()["webhook_deliveries"] == 0
    session.expire_all()
    left = session.scalars(select(WebhookDelivery.uid).order_by(WebhookDelivery.uid)).all()
    assert left == ["d-3", "d-4", "d-5"]  # the retrying one stays however old it is
    assert session.get(WebhookDelivery, redelivered.id).redelivery_of_id is None
    assert _count(session, WebhookAttempt) == 3  # the attempts of the deleted deliveries went with them
