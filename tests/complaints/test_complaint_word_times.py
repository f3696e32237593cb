"""``word_at`` / ``staff_reply_at`` on the complaint: kept by every message and file insert, whatever path wrote
it, so the staff home finds closed complaints that need an answer from two partial indexes; the same answers as
the per-message rule (``queries.attention``), and the migration fills them in for complaints already there."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.complaints import queries, services
from portal.complaints.models import Complaint, ComplaintEvidence, ComplaintMessage
from portal.extensions import db
from tests.uploads.samples import png


def _closed(app, make_complaint, borrower, **over):
    complaint = make_complaint(borrower, **over)
    with app.test_request_context():
        c = db.session.get(Complaint, complaint.id)
        c.state, c.outcome_category, c.outcome_explanation = "resolved", "other", "已处理"
        c.decided_at = c.received_at
        db.session.commit()
    return complaint.id


def _needing(app, staff) -> set[int]:
    with app.test_request_context():
        rows, _count = queries.closed_needing_attention(staff.id, limit=50)
        return {c.id for c in rows}


def _times(app, cid):
    with app.test_request_context():
        db.session.expire_all()  # the test's session outlives the requests: read the row as it is now
        c = db.session.get(Complaint, cid)
        return c.word_at, c.staff_reply_at, c.version


def test_files_sent_with_the_complaint_are_not_word_but_files_and_messages_sent_later_are(
        app, make_complaint, create_borrower, create_staff):
    staff = create_staff()
    cid = _closed(app, make_complaint, create_borrower(), files=[(png(), "photo.png")])
    word, reply, version = _times(app, cid)
    assert word is None and reply is None and cid not in _needing(app, staff)
    with app.test_request_context():
        services.add_information(db.session.get(Complaint, cid), "", [(png(), "later.png")])
        db.session.commit()
    word, reply, after = _times(app, cid)
    assert word is not None and reply is None and cid in _needing(app, staff)
    assert after == version  # the complaint's row version (staff's forms) is not moved by the complainant's file
    with app.test_request_context():
        services.reply(db.session.get(Complaint, cid), "收到，我们会查看新照片。", staff)
        db.session.commit()
    word2, reply2, _v = _times(app, cid)
    assert word2 == word and reply2 >= word and cid not in _needing(app, staff)
    with app.test_request_context():
        services.add_information(db.session.get(Complaint, cid), "还是不对", [])
        db.session.commit()
    assert _times(app, cid)[0] > word and cid in _needing(app, staff)


def test_a_file_staff_add_is_not_word_and_the_times_never_move_back(app, make_complaint, create_borrower,
                                                                  create_staff):
    staff = create_staff()
    cid = _closed(app, make_complaint, create_borrower())
    with app.test_request_context():
        c = db.session.get(Complaint, cid)
        later = c.received_at + timedelta(days=3)
        c.evidence.append(ComplaintEvidence(stored_name="s" * 64, sha256="0" * 64, size=1, mime="image/png",
                                            added_by="staff", at=later))
        c.messages.append(ComplaintMessage(author_kind="complainant", body="一", at=later))
        db.session.commit()
        c.messages.append(ComplaintMessage(author_kind="complainant", body="更早的", at=later - timedelta(days=1)))
        db.session.commit()
    assert _times(app, cid)[0] == later and cid in _needing(app, staff)


def test_the_index_answers_as_the_per_message_rule_does(app, make_complaint, create_borrower, create_staff):
    """For closed complaints in every situation, the home's list equals what ``attention`` (which reads the
    messages and files themselves) says of them."""
    staff = create_staff()
    borrower = create_borrower()
    ids = [_closed(app, make_complaint, borrower) for _ in range(5)]
    with app.test_request_context():
        c = [db.session.get(Complaint, i) for i in ids]
        services.add_information(c[1], "又来信", [])
        services.add_information(c[2], "", [(png(), "x.png")])
        services.add_information(c[3], "先来信", [])
        db.session.flush()
        services.reply(c[3], "已回复", staff)
        services.reply(c[4], "主动告知", staff)
        db.session.commit()
    with app.test_request_context():
        assert _needing(app, staff) == queries.attention(ids) == {ids[1], ids[2]}


def test_the_migration_fills_in_the_times_of_complaints_already_there(empty_database_url):
    from sqlalchemy import create_engine, text

    from portal import migrate

    migrate.upgrade(empty_database_url, "a7d4c9e2b813")
    engine = create_engine(empty_database_url)
    with engine.begin() as conn:
        for ref in ("TS-1", "TS-2", "TS-3"):
            conn.execute(text(
                "INSERT INTO complaints (reference, reporter_name, reporter_relation, debtor_name, contact_phone, "
                "preferred_contact, secret_hash, channel, collector_name, collector_badge, collector_phone, "
                "what_happened, outcome_wanted, locale, state, received_at, acknowledge_due, decide_due, queue_due, "
                "extension_level, outcome_explanation, review_reason, review_answer, version, "
                "outcome_category, decided_at) VALUES (:ref, '', '', '', '', 'portal', '', 'phone', '', '', '', "
                "'骂人', '', 'zh_Hans', 'resolved', '2026-11-01 02:00:00', '2026-11-03', '2026-11-16', "
                "'2026-11-16', 0, '已处理', '', '', 1, 'other', '2026-11-05 02:00:00')"), {"ref": ref})
        ids = dict(conn.execute(text("SELECT reference, id FROM complaints")).all())
        message = text("INSERT INTO complaint_messages (complaint_id, author_kind, body, at) VALUES (:c, :k, 'x', :at)")
        conn.execute(message, {"c": ids["TS-1"], "k": "complainant", "at": "2026-11-06 02:00:00"})
        conn.execute(message, {"c": ids["TS-2"], "k": "complainant", "at": "2026-11-06 02:00:00"})
        conn.execute(message, {"c": ids["TS-2"], "k": "staff", "at": "2026-11-07 02:00:00"})
        conn.execute(text("INSERT INTO complaint_evidence (complaint_id, stored_name, sha256, size, mime, "
                          "original_name, added_by, at) VALUES (:c, :n, :h, 1, 'image/png', '', 'complainant', :at)"),
                     [{"c": ids["TS-2"], "n": "a" * 64, "h": "0" * 64, "at": "2026-11-08 02:00:00"},
                      {"c": ids["TS-3"], "n": "b" * 64, "h": "0" * 64, "at": "2026-11-01 02:00:00"}])  # filed with it
    migrate.upgrade(empty_database_url, "b3e8f1c6d925")
    with engine.connect() as conn:
        rows = {ref: (str(w)[:16] if w else None, str(r)[:16] if r else None) for ref, w, r in conn.execute(
            text("SELECT reference, word_at, staff_reply_at FROM complaints")).all()}
    assert rows == {"TS-1": ("2026-11-06 02:00", None), "TS-2": ("2026-11-08 02:00", "2026-11-07 02:00"),
                    "TS-3": (None, None)}
    migrate.downgrade(empty_database_url, "a7d4c9e2b813")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM complaint_messages")).scalar_one() == 3
    engine.dispose()
