"""SMS and e-mail gateways: one ``send(request) -> SendResult`` per backend, raising GatewayError.

SMS backends (``PORTAL_SMS_BACKEND``): ``file`` (development and tests: a JSON line per message), ``aliyun``
(Alibaba Cloud SMS ``SendSms`` through the official SDK) and ``tencent`` (Tencent Cloud SMS ``SendSms`` through the
official SDK). E-mail backends (``PORTAL_EMAIL_BACKEND``): ``file`` and ``smtp``. Each SDK makes one attempt per
call; retries belong to the outbox worker, which reads ``GatewayError.permanent`` to decide whether to try again.
The outbox id travels as the provider's out-id (Aliyun ``OutId``, Tencent ``SessionContext``, the e-mail's
``Message-ID``) so that a resend after a crash can be recognised in the provider's records.
"""
from __future__ import annotations

import fcntl
import json
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Mapping, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import phonenumbers

from portal.notify.kinds import SMS_KINDS
from portal.notify.texts import TextError, check_params, render_email, render_sms
from portal.orm import utcnow

__all__ = [
    "SmsRequest", "EmailRequest", "SendResult", "GatewayError", "sms_backend", "email_backend", "render_sms",
    "make_sms", "make_email", "make_request", "send", "e164", "SmtpSettings", "parse_smtp_url",
]


@dataclass(frozen=True)
class SmsRequest:
    to: str  # E.164, e.g. +8613800138000
    kind: str
    locale: str
    params: dict[str, str]
    text: str
    out_id: str


@dataclass(frozen=True)
class EmailRequest:
    to: str
    subject: str
    text: str
    out_id: str


@dataclass(frozen=True)
class SendResult:
    provider_id: str


class GatewayError(Exception):
    """A send that did not go through. ``permanent``: trying again cannot succeed (bad number, template not
    approved, missing parameter); otherwise (rate limit, 5xx, timeout, malformed answer) the worker retries."""

    def __init__(self, code: str, message: str, *, permanent: bool) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.permanent = permanent


def e164(phone: str) -> str:
    """``13800138000`` (as the portal stores mainland numbers) or ``+8613800138000`` -> ``+8613800138000``."""
    try:
        number = phonenumbers.parse(phone, "CN")
    except phonenumbers.NumberParseException as exc:
        raise GatewayError("invalid_number", f"not a phone number: {exc}", permanent=True) from exc
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _stored_form(to: str) -> str:
    """The number as the portal stores it: the 11-digit national form for mainland numbers, else E.164."""
    number = phonenumbers.parse(to, "CN")
    if number.country_code == 86:
        return str(number.national_number)
    return to


def make_sms(to: str, kind: str, locale: str, params: dict[str, str], out_id: str | int) -> SmsRequest:
    """Build the request the worker sends for an outbox row (renders the text; needs an app context).
    Raises a permanent GatewayError for a kind or parameters that can never be sent."""
    try:
        text = render_sms(kind, locale, params)
    except TextError as exc:
        raise GatewayError("bad_message", str(exc), permanent=True) from exc
    return SmsRequest(to=e164(to), kind=kind, locale=locale, params=dict(params), text=text, out_id=str(out_id))


def make_email(to: str, kind: str, locale: str, params: dict[str, str], out_id: str | int) -> EmailRequest:
    """The e-mail the worker sends for an outbox row (needs an app context)."""
    try:
        subject, text = render_email(kind, locale, params)
    except TextError as exc:
        raise GatewayError("bad_message", str(exc), permanent=True) from exc
    return EmailRequest(to=to, subject=subject, text=text, out_id=str(out_id))


def make_request(channel: str, to: str, kind: str, locale: str, params: dict[str, str],
                 out_id: str | int) -> SmsRequest | EmailRequest:
    """The request for an outbox row of ``channel`` sms or email."""
    if channel == "sms":
        return make_sms(to, kind, locale, params, out_id)
    if channel == "email":
        return make_email(to, kind, locale, params, out_id)
    raise GatewayError("bad_message", f"unknown channel {channel!r}", permanent=True)


def send(config: Mapping, req: SmsRequest | EmailRequest) -> SendResult:
    """Send ``req`` through the configured backend of its channel."""
    backend = sms_backend(config) if isinstance(req, SmsRequest) else email_backend(config)
    return backend.send(req)


class SmsBackend(Protocol):
    def send(self, req: SmsRequest) -> SendResult: ...


class EmailBackend(Protocol):
    def send(self, req: EmailRequest) -> SendResult: ...


def _append_line(path: str, record: dict) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    line = json.dumps(record, ensure_ascii=False)
    with open(path, "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(line + "\n")


def _template_id(templates: Mapping[str, Mapping[str, str]], req: SmsRequest) -> str:
    template = (templates.get(req.kind) or {}).get(req.locale)
    if not template:
        raise GatewayError("template_missing", f"no template id for message kind {req.kind!r} in locale "
                           f"{req.locale!r} (PORTAL_SMS_TEMPLATES)", permanent=True)
    return template


def _checked(req: SmsRequest) -> None:
    try:
        check_params(req.kind, req.params)
    except TextError as exc:
        raise GatewayError("bad_message", str(exc), permanent=True) from exc


# ---- SMS: file ------------------------------------------------------------------------------------------

@dataclass
class FileSms:
    """One JSON line per message: ``to`` (as the portal stores it), ``template`` (the kind), ``template_id``
    (configured or null), ``locale``, ``params``, the rendered ``text``, ``out_id`` and ``sent_at``."""
    path: str
    templates: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def send(self, req: SmsRequest) -> SendResult:
        _checked(req)
        _append_line(self.path, {
            "to": _stored_form(req.to), "template": req.kind,
            "template_id": (self.templates.get(req.kind) or {}).get(req.locale), "locale": req.locale,
            "params": req.params, "text": req.text, "out_id": req.out_id, "sent_at": utcnow().isoformat(),
        })
        return SendResult(provider_id=f"file-{req.out_id}")


# ---- SMS: Alibaba Cloud -------------------------------------------------------------------------------------

ALIYUN_ENDPOINT = "dysmsapi.aliyuncs.com"
# Codes of the SendSms answer (HTTP 200, Code != "OK") that no retry can fix. Anything else (BUSINESS_LIMIT_CONTROL,
# DAY_LIMIT_CONTROL, isp.SYSTEM_ERROR, throttling, …) is worth trying again later.
ALIYUN_PERMANENT = frozenset({
    "isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT", "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.TEMPLATE_MISSING_PARAMETERS", "isv.TEMPLATE_PARAMS_ILLEGAL", "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.SMS_SIGN_ILLEGAL", "isv.SIGN_STATE_ILLEGAL", "isv.SMS_SIGNATURE_SCENE_ILLEGAL", "isv.INVALID_PARAMETERS",
    "isv.INVALID_JSON_PARAM", "isv.PARAM_LENGTH_LIMIT", "isv.PARAM_NOT_SUPPORT_URL", "isv.BLACK_KEY_CONTROL_LIMIT",
    "isv.SMS_CONTENT_ILLEGAL", "isv.DOMESTIC_NUMBER_NOT_SUPPORTED", "isv.ACCOUNT_NOT_EXISTS",
    "isv.ACCOUNT_ABNORMAL", "isv.PRODUCT_UN_SUBSCRIPT", "isv.PRODUCT_UNSUBSCRIBE", "isp.RAM_PERMISSION_DENY",
    "isv.EXTEND_CODE_ERROR", "isv.DENY_IP_RANGE", "InvalidAccessKeyId.NotFound", "SignatureDoesNotMatch",
    "Forbidden.RAM", "MissingPhoneNumbers", "MissingSignName", "MissingTemplateCode",
})


def _aliyun_permanent(code: str) -> bool:
    return code in ALIYUN_PERMANENT


@dataclass
class AliyunSms:
    access_key_id: str
    access_key_secret: str
    sign_name: str
    templates: Mapping[str, Mapping[str, str]]
    endpoint: str = ALIYUN_ENDPOINT
    timeout_s: float = 5.0
    _sdk: object = field(default=None, init=False, repr=False)

    def _client(self):
        """One SDK client per backend (building it costs more than a call to a nearby gateway)."""
        if self._sdk is None:
            self._sdk = self._new_client()
        return self._sdk

    def _new_client(self):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as open_api_models

        endpoint, protocol = _split_endpoint(self.endpoint, "https")
        return Client(open_api_models.Config(
            access_key_id=self.access_key_id, access_key_secret=self.access_key_secret, endpoint=endpoint,
            protocol=protocol, connect_timeout=int(self.timeout_s * 1000), read_timeout=int(self.timeout_s * 1000)))

    def send(self, req: SmsRequest) -> SendResult:
        from alibabacloud_dysmsapi20170525 import models as sms_models
        from alibabacloud_tea_openapi.exceptions import ClientException, ServerException, ThrottlingException
        from Tea.exceptions import TeaException

        _checked(req)
        template = _template_id(self.templates, req)
        request = sms_models.SendSmsRequest(
            phone_numbers=req.to, sign_name=self.sign_name, template_code=template,
            template_param=json.dumps(req.params, ensure_ascii=False) if req.params else None, out_id=req.out_id)
        try:
            resp = self._client().send_sms(request)
        except ThrottlingException as exc:
            raise GatewayError(str(exc.code or "Throttling"), str(exc.message or exc), permanent=False) from exc
        except ServerException as exc:
            raise GatewayError(str(exc.code or "server_error"), str(exc.message or exc), permanent=False) from exc
        except ClientException as exc:
            code = str(exc.code or "client_error")
            permanent = _aliyun_permanent(code) and not code.startswith("Throttling")
            raise GatewayError(code, str(exc.message or exc), permanent=permanent) from exc
        except TeaException as exc:  # timeouts, connection errors, an answer that is not JSON
            raise GatewayError(str(exc.code or "unreachable"), str(exc.message or exc), permanent=False) from exc
        except Exception as exc:  # noqa: BLE001 - any other failure of the call is worth another try
            raise GatewayError("unreachable", f"{type(exc).__name__}: {exc}", permanent=False) from exc
        body = resp.body
        code = getattr(body, "code", None) if body is not None else None
        if code != "OK":
            code = str(code or "malformed_answer")
            message = str(getattr(body, "message", None) or "no Code in the answer")
            raise GatewayError(code, message, permanent=_aliyun_permanent(code))
        return SendResult(provider_id=str(body.biz_id or ""))


# ---- SMS: Tencent Cloud -----------------------------------------------------------------------------------

TENCENT_ENDPOINT = "sms.tencentcloudapi.com"
TENCENT_PERMANENT_PREFIXES = ("InvalidParameter", "MissingParameter", "UnauthorizedOperation",
                              "UnsupportedOperation", "AuthFailure", "InvalidParameterValue")
TENCENT_PERMANENT = frozenset({
    "FailedOperation.TemplateIncorrectOrUnapproved", "FailedOperation.SignatureIncorrectOrUnapproved",
    "FailedOperation.PhoneNumberInBlacklist", "FailedOperation.PhoneNumberParseFail",
    "FailedOperation.ContainSensitiveWord", "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
    "FailedOperation.TemplateUnapprovedOrNotExist", "FailedOperation.InsufficientBalanceInSmsPackage",
    "FailedOperation.MarketingSendTimeConstraint", "FailedOperation.FailResolvePacket",
})


def _tencent_permanent(code: str) -> bool:
    if code.startswith(("LimitExceeded", "RequestLimitExceeded", "InternalError", "ClientNetworkError",
                        "ServerNetworkError")):
        return False
    return code in TENCENT_PERMANENT or code.startswith(TENCENT_PERMANENT_PREFIXES)


@dataclass
class TencentSms:
    secret_id: str
    secret_key: str
    sdk_app_id: str
    sign_name: str
    templates: Mapping[str, Mapping[str, str]]
    endpoint: str = TENCENT_ENDPOINT
    region: str = "ap-guangzhou"
    timeout_s: float = 5.0
    _sdk: object = field(default=None, init=False, repr=False)

    def _client(self):
        if self._sdk is None:
            from tencentcloud.common import credential
            from tencentcloud.common.profile.client_profile import ClientProfile
            from tencentcloud.common.profile.http_profile import HttpProfile
            from tencentcloud.sms.v20210111 import sms_client

            endpoint, protocol = _split_endpoint(self.endpoint, "https")
            profile = HttpProfile(protocol=protocol, endpoint=endpoint, reqMethod="POST",
                                  reqTimeout=max(1, round(self.timeout_s)))
            self._sdk = sms_client.SmsClient(credential.Credential(self.secret_id, self.secret_key), self.region,
                                             ClientProfile(httpProfile=profile))
        return self._sdk

    def send(self, req: SmsRequest) -> SendResult:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.sms.v20210111 import models

        _checked(req)
        template = _template_id(self.templates, req)
        client = self._client()
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [req.to]
        request.SmsSdkAppId = self.sdk_app_id
        request.SignName = self.sign_name
        request.TemplateId = template
        request.TemplateParamSet = [req.params[name] for name in SMS_KINDS[req.kind]]
        request.SessionContext = req.out_id
        try:
            resp = client.SendSms(request)
        except TencentCloudSDKException as exc:
            code = str(exc.code or "unreachable")
            raise GatewayError(code, str(exc.message or exc)[:500], permanent=_tencent_permanent(code)) from exc
        except Exception as exc:  # noqa: BLE001 - a malformed answer or a transport failure: try again later
            raise GatewayError("unreachable", f"{type(exc).__name__}: {exc}", permanent=False) from exc
        statuses = getattr(resp, "SendStatusSet", None) or []
        if len(statuses) != 1:
            raise GatewayError("malformed_answer", "the answer has no SendStatusSet entry for the number",
                               permanent=False)
        status = statuses[0]
        code = str(status.Code or "malformed_answer")
        if code != "Ok":
            raise GatewayError(code, str(status.Message or ""), permanent=_tencent_permanent(code))
        return SendResult(provider_id=str(status.SerialNo or ""))


def _split_endpoint(endpoint: str, default_scheme: str) -> tuple[str, str]:
    """``https://host:port`` or ``host:port`` -> (``host:port``, scheme)."""
    if "://" in endpoint:
        parts = urlsplit(endpoint)
        return parts.netloc, parts.scheme
    return endpoint, default_scheme


# ---- e-mail ---------------------------------------------------------------------------------------------

@dataclass
class FileEmail:
    path: str
    sender: str

    def send(self, req: EmailRequest) -> SendResult:
        _append_line(self.path, {"to": req.to, "from": self.sender, "subject": req.subject, "text": req.text,
                                 "out_id": req.out_id, "sent_at": utcnow().isoformat()})
        return SendResult(provider_id=f"file-{req.out_id}")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    security: str  # "starttls", "ssl" or "none"


def parse_smtp_url(url: str) -> SmtpSettings:
    """``smtp://user:pw@host:587?starttls=1`` (STARTTLS), ``smtps://user:pw@host:465`` (TLS from the start) or
    ``smtp://host:25`` (plain, for a relay on the same machine or network)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("PORTAL_SMTP_URL must look like smtp://user:password@host:587?starttls=1 or "
                         "smtps://user:password@host:465")
    query = parse_qs(parts.query)
    starttls = (query.get("starttls") or ["0"])[0].lower() in ("1", "true", "yes", "on")
    security = "ssl" if parts.scheme == "smtps" else ("starttls" if starttls else "none")
    port = parts.port or (465 if security == "ssl" else 587 if starttls else 25)
    return SmtpSettings(host=parts.hostname, port=port,
                        username=unquote(parts.username) if parts.username else None,
                        password=unquote(parts.password) if parts.password else None, security=security)


@dataclass
class SmtpEmail:
    settings: SmtpSettings
    sender: str
    timeout_s: float = 10.0

    def send(self, req: EmailRequest) -> SendResult:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = req.to
        msg["Subject"] = req.subject
        domain = self.sender.rpartition("@")[2].strip(">") or None
        msg["Message-ID"] = make_msgid(idstring=f"outbox-{req.out_id}", domain=domain)
        msg.set_content(req.text)
        s = self.settings
        try:
            if s.security == "ssl":
                conn = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout_s, context=ssl.create_default_context())
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=self.timeout_s)
            with conn:
                if s.security == "starttls":
                    conn.starttls(context=ssl.create_default_context())
                if s.username:
                    conn.login(s.username, s.password or "")
                refused = conn.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            code, why = next(iter(exc.recipients.values()))
            raise GatewayError(f"smtp_{code}", _decode(why), permanent=500 <= code < 600) from exc
        except smtplib.SMTPResponseException as exc:  # includes SMTPAuthenticationError, SMTPSenderRefused
            code = exc.smtp_code
            raise GatewayError(f"smtp_{code}", _decode(exc.smtp_error), permanent=500 <= code < 600) from exc
        except (smtplib.SMTPException, OSError) as exc:  # refused connection, timeout, dropped connection
            raise GatewayError("smtp_unreachable", f"{type(exc).__name__}: {exc}", permanent=False) from exc
        if refused:
            code, why = next(iter(refused.values()))
            raise GatewayError(f"smtp_{code}", _decode(why), permanent=500 <= code < 600)
        return SendResult(provider_id=msg["Message-ID"])


def _decode(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


# ---- factories --------------------------------------------------------------------------------------------

def sms_backend(config: Mapping) -> SmsBackend:
    name = config.get("SMS_BACKEND", "file")
    templates = config.get("SMS_TEMPLATES") or {}
    timeout = float(config.get("SMS_TIMEOUT_S") or 5)
    if name == "file":
        return FileSms(config["SMS_OUTBOX"], templates)
    if name == "aliyun":
        return AliyunSms(config.get("SMS_ACCESS_KEY_ID") or "", config.get("SMS_ACCESS_KEY_SECRET") or "",
                         config.get("SMS_SIGN_NAME") or "", templates,
                         endpoint=config.get("SMS_ENDPOINT") or ALIYUN_ENDPOINT, timeout_s=timeout)
    if name == "tencent":
        return TencentSms(config.get("SMS_ACCESS_KEY_ID") or "", config.get("SMS_ACCESS_KEY_SECRET") or "",
                          config.get("SMS_SDK_APP_ID") or "", config.get("SMS_SIGN_NAME") or "", templates,
                          endpoint=config.get("SMS_ENDPOINT") or TENCENT_ENDPOINT,
                          region=config.get("SMS_REGION") or "ap-guangzhou", timeout_s=timeout)
    raise GatewayError("unknown_backend", f"unknown SMS backend {name!r}", permanent=True)


def email_backend(config: Mapping) -> EmailBackend:
    name = config.get("EMAIL_BACKEND", "file")
    sender = config.get("EMAIL_FROM") or "portal@localhost"
    if name == "file":
        return FileEmail(config["EMAIL_OUTBOX"], sender)
    if name == "smtp":
        return SmtpEmail(parse_smtp_url(config["SMTP_URL"]), sender)
    raise GatewayError("unknown_backend", f"unknown e-mail backend {name!r}", permanent=True)
