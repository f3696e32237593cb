"""The demo contact log of 张伟 shows contacts that follow the rules and some that do not."""
from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import Borrower
from portal.agencies import demo as agencies_demo
from portal.contacts import demo as contacts_demo
from portal.loans import demo as loans_demo
from portal.i18n import local_today


def test_demo_log_of_zhang_wei_has_flagged_contacts(app, client, login, session):
    with app.test_request_context():
        today = local_today()
        loans_demo.seed(session, today)
        agencies_demo.seed(session, today)
        contacts_demo.seed(session, today)
        contacts_demo.seed(session, today)  # twice: nothing added
        session.commit()
    zhang = session.scalar(select(Borrower).where(Borrower.phone == "13800138000"))
    login(client, zhang)
    html = client.get("/contacts").get_data(as_text=True)
    assert html.count('id="contact-') == 13
    for rule in ("在 22:00 至次日 08:00 之间联系", "一天内对同一号码未接通的呼叫超过 6 次", "联系了您以外的人",
                 "上门的催收人员少于 2 人"):
        assert rule in html
    # Only the past agency's call is outside the published list; the current agency is named, not coded.
    assert html.count("当天不在贷款机构公布的催收机构名单上") == 1
    assert "广州示例信息咨询有限公司" in html and "深圳示例商务服务有限公司" in html
