"""Local stand-ins for the Aliyun and Tencent SMS APIs: a threaded http.server on 127.0.0.1, port 0.

Each answers as the provider documents it. ``mode`` picks the answer to the next calls:
``ok``, ``business`` (a refusal that no retry fixes), ``limit`` (a rate limit: try later), ``500``, ``timeout``
(answers after the client gave up) and ``malformed`` (not JSON). Every request is kept in ``requests``.
"""
from __future__ import annotations

import abc
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


class FakeGateway(abc.ABC):
    """Subclasses answer one call: ``answer(seen) -> (status, content_type, body)``."""

    delay_s = 3.0  # the timeout answer comes after this long; tests set the client timeout to 1 s

    def __init__(self) -> None:
        self.mode = "ok"
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                seen = Seen("POST", parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()},
                            {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
                with fake._lock:
                    fake.requests.append(seen)
                    mode = fake.mode
                if mode == "timeout":
                    time.sleep(fake.delay_s)
                status, ctype, body = fake.answer(seen, mode)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout case)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeGateway":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @abc.abstractmethod
    def answer(self, seen: Seen, mode: str) -> tuple[int, str, bytes]:
        """The provider's answer to ``seen`` in ``mode``."""


def _json(status: int, payload: dict) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(payload, ensure_ascii=False).encode()


class FakeAliyun(FakeGateway):
    """SendSms (2017-05-25): the parameters arrive in the query string; a refusal is HTTP 200 with Code != OK."""

    def answer(self, seen: Seen, mode: str) -> tuple[int, str, bytes]:
        rid = f"req-{len(self.requests)}"
        if mode == "ok":
            return _json(200, {"Code": "OK", "Message": "OK", "BizId": f"biz-{seen.query.get('OutId')}",
                               "RequestId": rid})
        if mode == "business":
            return _json(200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号", "RequestId": rid})
        if mode == "template":
            return _json(200, {"Code": "isv.SMS_TEMPLATE_ILLEGAL", "Message": "该账号下找不到对应模板",
                               "RequestId": rid})
        if mode == "limit":
            return _json(200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控Permits:1",
                               "RequestId": rid})
        if mode == "500":
            return _json(500, {"Code": "InternalError", "Message": "The request processing has failed due to "
                               "some unknown error.", "RequestId": rid})
        return 200, "text/html", b"<html><body>502 Bad Gateway</body></html>"


class FakeTencent(FakeGateway):
    """SendSms (2021-01-11): a JSON body; per-number results in SendStatusSet, request errors in Response.Error."""

    def answer(self, seen: Seen, mode: str) -> tuple[int, str, bytes]:
        rid = f"req-{len(self.requests)}"
        try:
            body = seen.json()
        except ValueError:
            body = {}
        number = (body.get("PhoneNumberSet") or [""])[0]

        def status(code: str, message: str, serial: str = "") -> dict:
            return {"SerialNo": serial, "PhoneNumber": number, "Fee": 1 if code == "Ok" else 0,
                    "SessionContext": body.get("SessionContext", ""), "Code": code, "Message": message,
                    "IsoCode": "CN"}

        if mode == "ok":
            return _json(200, {"Response": {"SendStatusSet": [
                status("Ok", "send success", f"2433:{body.get('SessionContext')}")], "RequestId": rid}})
        if mode == "business":
            return _json(200, {"Response": {"SendStatusSet": [
                status("InvalidParameterValue.IncorrectPhoneNumber", "incorrect number format")],
                "RequestId": rid}})
        if mode == "template":
            return _json(200, {"Response": {"Error": {
                "Code": "FailedOperation.TemplateIncorrectOrUnapproved",
                "Message": "template is not approved or request content does not match the approved template"},
                "RequestId": rid}})
        if mode == "limit":
            return _json(200, {"Response": {"SendStatusSet": [
                status("LimitExceeded.PhoneNumberThirtySecondLimit", "the number sent too often in 30 seconds")],
                "RequestId": rid}})
        if mode == "500":
            return 500, "text/plain", b"Internal Server Error"
        return 200, "application/json", b"{\"Response\": <html>"
