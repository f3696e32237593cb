"""The smtp e-mail backend against a real SMTP server on 127.0.0.1 (aiosmtpd: the maintained asyncio SMTP server
of the aio-libs project; it speaks the protocol for real, including refusals and AUTH, which a hand-written
smtplib handler would only imitate)."""
from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from portal.notify.gateways import EmailRequest, GatewayError, email_backend


class Recorder:
    def __init__(self) -> None:
        self.messages: list = []
        self.refuse: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = Recorder()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def _backend(app, controller):
    return email_backend({**app.config, "EMAIL_BACKEND": "smtp", "EMAIL_FROM": "portal@lender.example",
                          "SMTP_URL": f"smtp://{controller.hostname}:{controller.port}"})


def test_smtp_backend_delivers_a_utf8_message(app, smtp_server):
    controller, handler = smtp_server
    result = _backend(app, controller).send(EmailRequest(to="agent@lender.example", subject="今日到期的投诉",
                                                         text="投诉 C-2026-0001 今天须作出决定。", out_id="17"))
    mail_from, rcpt, msg = handler.messages[-1]
    assert mail_from == "portal@lender.example" and rcpt == ["agent@lender.example"]
    assert msg["Subject"] == "今日到期的投诉" and "C-2026-0001 今天须作出决定" in msg.get_content()
    assert "outbox-17" in msg["Message-ID"] and result.provider_id == msg["Message-ID"]


def test_smtp_permanent_refusal_is_not_retried(app, smtp_server):
    controller, handler = smtp_server
    handler.refuse = "550 5.1.1 No such user"
    with pytest.raises(GatewayError) as err:
        _backend(app, controller).send(EmailRequest(to="nobody@lender.example", subject="s", text="t", out_id="1"))
    assert err.value.permanent and err.value.code == "smtp_550"


def test_smtp_temporary_refusal_is_retried(app, smtp_server):
    controller, handler = smtp_server
    handler.refuse = "451 4.3.0 Try again later"
    with pytest.raises(GatewayError) as err:
        _backend(app, controller).send(EmailRequest(to="a@lender.example", subject="s", text="t", out_id="1"))
    assert not err.value.permanent and err.value.code == "smtp_451"


def test_smtp_server_down_is_temporary(app):
    backend = email_backend({**app.config, "EMAIL_BACKEND": "smtp", "SMTP_URL": f"smtp://127.0.0.1:{_free_port()}"})
    with pytest.raises(GatewayError) as err:
        backend.send(EmailRequest(to="a@lender.example", subject="s", text="t", out_id="1"))
    assert not err.value.permanent and err.value.code == "smtp_unreachable"
