"""The download of everything the portal holds about the borrower: a ZIP with data.json and their own files,
built by the worker (tests: the queue runs tasks inline after the commit), only for them, for 24 hours, audited;
expired downloads go with the retention run (rows and files)."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from portal import uploads
from portal.audit.models import AuditEvent
from portal.complaints import services as complaint_services
from portal.complaints.models import Complaint, ComplaintMessage, ComplaintNote
from portal.i18n import local_today
from portal.orm import utcnow
from portal.privacy import retention
from portal.privacy.models import DataExport
from portal.visits.models import Visit, VisitAnnotation, VisitRecord, Visitor
from tests.uploads.samples import png

TZ = ZoneInfo("Asia/Shanghai")
STAFF_NAME = "钱经理"
STAFF_USER = "qian.manager"


def _visit(session, loan, staff, visitor, *, address, purpose, code, record, note):
    start = datetime.combine(local_today() - timedelta(days=2), time(10), tzinfo=TZ)
    visit = Visit(loan_id=loan.id, address=address, window_start=start, window_end=start + timedelta(hours=2),
                  purpose=purpose, state="completed", code=code, visitors=[visitor], proposed_by_id=staff.id)
    session.add(visit)
    session.flush()
    session.add(VisitRecord(visit_id=visit.id, held=True, arrived_at=start, departed_at=start + timedelta(hours=1),
                            met="本人", identity_shown=True, outcome=record, next_step="提交方案",
                            recorded_by_id=staff.id))
    session.add(VisitAnnotation(visit_id=visit.id, staff_id=staff.id, text=note))
    return visit


def _complaint(app, session, borrower, staff, *, what, reply, internal, with_file):
    with app.test_request_context():
        complaint, _ = complaint_services.file_complaint(
            complaint_services.Filing(categories=["insults"], channel="phone", what_happened=what,
                                      files=[(png(), "录音截图.png")] if with_file else []), borrower=borrower)
        session.commit()
    session.add(ComplaintMessage(complaint_id=complaint.id, author_kind="staff", staff_id=staff.id, body=reply))
    session.add(ComplaintNote(complaint_id=complaint.id, staff_id=staff.id, body=internal))
    session.commit()
    return complaint


@pytest.fixture
def two(app, session, create_borrower, create_loan, create_staff):
    staff = create_staff(role="agent", username=STAFF_USER, display_name=STAFF_NAME)
    visitor = Visitor(name="刘强", badge_number="BJ1024")
    session.add(visitor)
    mine = create_borrower(name="周八", address="上海市徐汇区漕溪北路 1 号")
    other = create_borrower(name="吴九", address="广州市天河区体育西路 9 号")
    my_loan, other_loan = create_loan(mine, loan_ref="L-MINE-001"), create_loan(other, loan_ref="L-OTHER-002")
    _visit(session, my_loan, staff, visitor, address=mine.address, purpose="核实周八的地址", code="MINE23",
           record="周八在家", note="给周八的说明")
    _visit(session, other_loan, staff, visitor, address=other.address, purpose="核实吴九的地址", code="OTHR45",
           record="吴九不在家", note="给吴九的说明")
    session.commit()
    mine_c = _complaint(app, session, mine, staff, what="催收员骂我", reply="我们在调查", internal="内部：周八很难缠",
                        with_file=True)
    other_c = _complaint(app, session, other, staff, what="吴九的投诉内容", reply="给吴九的回复",
                         internal="内部：吴九", with_file=True)
    return mine, other, mine_c, other_c


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.data))


def _ask(client) -> DataExport:
    response = client.post("/settings/my-data/export")
    assert response.status_code == 302
    from portal.extensions import db

    db.session.expire_all()
    return db.session.scalars(select(DataExport).order_by(DataExport.id.desc())).first()


def test_the_zip_has_every_row_i_can_see_and_nothing_of_anyone_else(app, client, two, login, session):
    mine, other, mine_c, other_c = two
    login(client, mine)
    item = _ask(client)
    assert item.borrower_id == mine.id and item.expires_at - item.created_at == timedelta(hours=24)
    page = client.get("/settings/my-data").get_data(as_text=True)
    assert f"/settings/my-data/exports/{item.id}" in page

    archive = _zip(client.get(f"/settings/my-data/exports/{item.id}"))
    raw = archive.read("data.json").decode()
    data = json.loads(raw)
    identity = data["identity_and_contact"]
    assert (identity["name"], identity["phone"], identity["id_number"], identity["address"]) == (
        "周八", mine.phone, mine.id_number, "上海市徐汇区漕溪北路 1 号")
    [loan] = data["loans"]
    assert loan["loan_ref"] == "L-MINE-001" and len(loan["schedule"]) == 3 and "payments" in loan
    [visit] = data["visits"]
    assert visit["purpose"] == "核实周八的地址" and visit["record"]["outcome"] == "周八在家"
    assert visit["visitors"] == [{"name": "刘强", "badge_number": "BJ1024"}]
    assert visit["notes_from_the_lender"][0]["text"] == "给周八的说明"
    [complaint] = data["complaints"]
    assert complaint["reference"] == mine_c.reference and complaint["what_happened"] == "催收员骂我"
    assert [m["body"] for m in complaint["messages"]] == ["我们在调查"]
    assert complaint["messages"][0]["author_kind"] == "staff"
    [evidence] = complaint["evidence"]
    assert archive.read(evidence["file"]) == png()
    assert data["consent"]["family_contact_consent"] is False and data["logins"]

    # Nothing of the other borrower who was visited the same day, and nothing about the staff member.
    for secret in ("吴九", other.phone, other.id_number, "广州市", "L-OTHER-002", "OTHR45", other_c.reference,
                   "给吴九的回复", "吴九不在家", STAFF_NAME, STAFF_USER, "内部", "staff_id", "recorded_by",
                   "proposed_by", "secret_hash", "token", "password"):
        assert secret not in raw, secret
    assert [n for n in archive.namelist() if n != "data.json"] == [evidence["file"]]

    actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.borrower_id == mine.id,
                                                                   AuditEvent.object_type == "data_export")))
    assert actions == ["data_export.requested", "data_export.downloaded"]


def test_another_borrowers_link_is_404_and_an_expired_one_410(app, client, two, login, session):
    mine, other, *_ = two
    login(client, mine)
    item = _ask(client)
    intruder = app.test_client()
    login(intruder, other)
    assert intruder.get(f"/settings/my-data/exports/{item.id}").status_code == 404
    assert intruder.get("/settings/my-data/exports/99999999").status_code == 404
    assert app.test_client().get(f"/settings/my-data/exports/{item.id}").status_code in (302, 401)

    session.get(DataExport, item.id).expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert client.get(f"/settings/my-data/exports/{item.id}").status_code == 410
    assert f"/settings/my-data/exports/{item.id}" not in client.get("/settings/my-data").get_data(as_text=True)


def test_retention_deletes_expired_downloads_rows_and_files(app, client, two, login, session):
    mine, *_ = two
    login(client, mine)
    old, new = _ask(client).id, _ask(client).id
    session.get(DataExport, old).expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    old_name, new_name = session.get(DataExport, old).stored_name, session.get(DataExport, new).stored_name
    with app.app_context():
        counts = retention.run()
    assert counts["data_exports"] == 1
    assert [e.id for e in session.scalars(select(DataExport))] == [new]
    with app.app_context():
        with pytest.raises(FileNotFoundError):
            uploads.open_file(old_name)
        uploads.open_file(new_name).close()


def test_without_a_csrf_token_nothing_is_built(client, two, login, session, csrf_on):
    login(client, two[0])
    assert client.post("/settings/my-data/export").status_code in (400, 403)
    assert session.scalar(select(func.count()).select_from(DataExport)) == 0


def test_the_worker_builds_a_pending_download_once(app, session, two, monkeypatch):
    from portal.privacy import export

    mine, *_ = two
    monkeypatch.setattr("portal.privacy.export.enqueue_build", lambda export_id: None)  # the queue is down
    with app.test_request_context():
        item_id = export.request_export(mine).id
        session.commit()
    item = session.get(DataExport, item_id)
    assert item.stored_name is None and item.ready_at is None
    session.rollback()  # the worker writes from its own connection: the test holds no transaction meanwhile
    assert export.build(item_id) is True
    session.expire_all()
    built = session.get(DataExport, item_id)
    name = built.stored_name
    assert name and built.size > 0 and built.ready_at is not None
    session.rollback()
    assert export.build(item_id) is False  # a second run (a retried task) changes nothing
    session.expire_all()
    assert session.get(DataExport, item_id).stored_name == name


def test_a_pending_download_has_no_link_yet(app, client, two, login, session, monkeypatch):
    mine, *_ = two
    monkeypatch.setattr("portal.privacy.export.enqueue_build", lambda export_id: None)
    login(client, mine)
    item = _ask(client)
    assert item.stored_name is None
    assert client.get(f"/settings/my-data/exports/{item.id}").status_code == 404
    page = client.get("/settings/my-data").get_data(as_text=True)
    assert f"/settings/my-data/exports/{item.id}" not in page and "正在准备" in page
