"""Locale choice (script based: zh_Hans / zh_Hant) and Babel formatting helpers for templates."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask, current_app, g, has_app_context, request
from flask_babel import Domain, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from portal.extensions import babel
from portal.locales import DEFAULT_LOCALE, LOCALES  # noqa: F401 - LOCALES is imported from here too
from portal.numbers import nowrap, nowrap_plain

LOCALE_COOKIE = "portal_locale"
# Formatting locales of design §2: Simplified formats as mainland China, Traditional as Hong Kong.
FORMAT_LOCALES = {"zh_Hans": "zh_Hans_CN", "zh_Hant": "zh_Hant_HK"}
HTML_LANG = {"zh_Hans": "zh-Hans", "zh_Hant": "zh-Hant"}
LOCALE_NAMES = {"zh_Hans": "简体中文", "zh_Hant": "繁體中文"}
_HANT_TAGS = ("zh-tw", "zh-hk", "zh-mo", "zh-hant")


def locale_from_accept_language(header_values: list[tuple[str, float]]) -> str:
    """Map an Accept-Language list to a script: Traditional regions and zh-Hant -> zh_Hant, else zh_Hans."""
    for tag, _quality in header_values:
        tag = tag.lower().replace("_", "-")
        if not tag.startswith("zh"):
            continue
        if tag.startswith(_HANT_TAGS):
            return "zh_Hant"
        return "zh_Hans"
    return DEFAULT_LOCALE


def select_locale() -> str:
    """Explicit switch (cookie) > account setting > Accept-Language."""
    req = request._get_current_object()  # type: ignore[attr-defined]
    chosen = req.cookies.get(LOCALE_COOKIE)
    if chosen in LOCALES:
        return chosen
    user = _user()
    if user is not None and getattr(user, "kind", None) == "borrower" and user.locale in LOCALES:
        return user.locale
    return locale_from_accept_language(list(req.accept_languages))


def _user():
    """The logged-in user, else None."""
    try:
        user = current_user._get_current_object()
    except Exception:  # pragma: no cover - outside a request with a login manager
        return None
    return user if user is not None and user.is_authenticated else None


def current_locale() -> str:
    loc = get_locale()
    if loc is None:
        return DEFAULT_LOCALE
    return "zh_Hant" if loc.script == "Hant" else "zh_Hans"


def format_locale() -> str:
    return FORMAT_LOCALES[current_locale()]


def lender_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["PORTAL_TIMEZONE"])


def local_now() -> datetime:
    return datetime.now(timezone.utc).astimezone(lender_tz())


def local_today() -> date:
    return local_now().date()


def lender_name() -> str:
    """The lender's name in the reader's script (``PORTAL_LENDER_NAME`` / ``PORTAL_LENDER_NAME_HANT``)."""
    key = "LENDER_NAME_HANT" if current_locale() == "zh_Hant" else "LENDER_NAME"
    return current_app.config[key]


def fen_to_decimal(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# Formatting goes through Babel's own pattern objects, built once per locale and pattern (lru_cache): the same
# output as babel.numbers.format_currency / babel.dates.format_date and friends, without parsing the locale and the
# pattern on every call (a loan page formats over a hundred amounts). tests/test_i18n_formats.py holds them equal.
@lru_cache(maxsize=None)
def babel_locale(code: str) -> Locale:
    return Locale.parse(code)


@lru_cache(maxsize=None)
def _number_pattern(pattern: str) -> babel_numbers.NumberPattern:
    return babel_numbers.parse_pattern(pattern)


_NAMED = ("full", "long", "medium", "short")


@lru_cache(maxsize=None)
def _date_pattern(code: str, format: str) -> babel_dates.DateTimePattern:
    if format in _NAMED:
        format = babel_dates.get_date_format(format, locale=babel_locale(code)).pattern
    return babel_dates.parse_pattern(format)


# Every amount is in yuan: "¥1,234.56" in both scripts (issue 3). CLDR's symbol for CNY in zh_Hant_HK is "CN¥",
# which distinguishes it from other currencies a Hong Kong reader sees; here there are no others.
MONEY_PATTERN = "¥#,##0.00"


def _babel_money(value: Decimal, code: str) -> str:
    return _number_pattern(MONEY_PATTERN).apply(value, babel_locale(code), currency="CNY", currency_digits=True,
                                                decimal_quantization=True, group_separator=True,
                                                numbering_system="latn")


class MoneyFormat:
    """``format_money`` for one format locale, built once: whole fen are laid out from the locale's own symbols
    (group, decimal, minus) with no Decimal arithmetic; Decimals (yuan) go through Babel's pattern. On building,
    the fast path is checked against Babel, so a CLDR whose money looks otherwise is never formatted wrongly."""

    PROBES = (0, 1, -1, 99, -100, 123456, -123456, 100000000, 1234567890123)

    def __init__(self, code: str) -> None:
        symbols = babel_locale(code).number_symbols["latn"]
        self.code = code
        self._group, self._decimal, self._minus = symbols["group"], symbols["decimal"], symbols["minusSign"]
        self._fast = all(self._fen(f) == _babel_money(fen_to_decimal(f), code) for f in self.PROBES)

    def _fen(self, fen: int) -> str:
        yuan, cents = divmod(-fen if fen < 0 else fen, 100)
        text = f"¥{yuan:,}{self._decimal}{cents:02d}"
        if self._group != ",":
            text = text.replace(",", self._group)
        return self._minus + text if fen < 0 else text

    def __call__(self, amount: int | Decimal) -> str:
        if type(amount) is int and self._fast:
            return self._fen(amount)
        return _babel_money(fen_to_decimal(amount) if isinstance(amount, int) else amount, self.code)


@lru_cache(maxsize=None)
def money_format(code: str) -> MoneyFormat:
    return MoneyFormat(code)


def format_money(amount: int | Decimal, code: str) -> str:
    """``money`` for the format locale ``code``: ints are fen, Decimals are yuan."""
    return money_format(code)(amount)


def money(amount: int | Decimal) -> str:
    """Format money for the reader's locale: ints are fen, Decimals are yuan. e.g. ``¥1,234.56``."""
    return format_money(amount, format_locale())


def format_day(value: date, code: str, format: str = "long") -> str:
    """``fmt_date`` of a calendar day for the format locale ``code``."""
    if isinstance(value, datetime):
        value = value.date()
    return _format_day(value, code, format)


@lru_cache(maxsize=8192)
def _format_day(value: date, code: str, format: str) -> str:
    """A page shows the same few days many times (due dates, today): each is formatted once per locale."""
    return _date_pattern(code, format).apply(value, babel_locale(code))


def fmt_date(value: date | datetime, format: str = "long") -> str:
    if isinstance(value, datetime):
        value = value.astimezone(lender_tz()).date()
    return format_day(value, format_locale(), format)


# Times read the same in both scripts, on the 24-hour clock: Hong Kong's CLDR patterns say "下午12:00" for noon and
# write short dates day first (1/12/2026), which a reader of the other script would misread (issue 13).
TIME_PATTERN = "HH:mm"
DATETIME_PATTERNS = {"short": "y/M/d HH:mm", "medium": "y年M月d日 HH:mm", "long": "y年M月d日 HH:mm"}


def format_local_datetime(local: datetime, code: str, format: str = "medium") -> str:
    """``fmt_datetime`` of an aware datetime already in the lender's zone, for the format locale ``code``."""
    pattern = DATETIME_PATTERNS.get(format, format)
    if pattern in _NAMED:  # CLDR's combined date-and-time patterns: Babel assembles them
        return babel_dates.format_datetime(local, format=pattern, tzinfo=local.tzinfo, locale=babel_locale(code))
    return babel_dates.parse_pattern(pattern).apply(local, babel_locale(code))


def fmt_datetime(value: datetime, format: str = "medium") -> str:
    return format_local_datetime(value.astimezone(lender_tz()), format_locale(), format)


def format_local_time(local: datetime, code: str, format: str = "short") -> str:
    """``fmt_time`` of an aware datetime already in the lender's zone, for the format locale ``code``."""
    pattern = TIME_PATTERN if format == "short" else format
    if pattern == TIME_PATTERN:  # Babel writes "HH:mm" with ASCII digits, zero-padded, in every locale
        return f"{local.hour:02d}:{local.minute:02d}"
    if pattern in _NAMED:
        return babel_dates.format_time(local, format=pattern, tzinfo=local.tzinfo, locale=babel_locale(code))
    return babel_dates.parse_pattern(pattern).apply(local.timetz(), babel_locale(code), reference_date=local.date())


def fmt_time(value: datetime, format: str = "short") -> str:
    return format_local_time(value.astimezone(lender_tz()), format_locale(), format)


def format_number(value: int | Decimal, code: str) -> str:
    locale = babel_locale(code)
    return _number_pattern(locale.decimal_formats[None].pattern).apply(
        value, locale, decimal_quantization=True, group_separator=True, numbering_system="latn")


def fmt_number(value: int | Decimal) -> str:
    return format_number(value, format_locale())


def format_percentage(value: Decimal, code: str, digits: int = 2) -> str:
    return _number_pattern("#,##0." + "0" * digits + "%").apply(
        value, babel_locale(code), decimal_quantization=True, group_separator=True, numbering_system="latn")


def fmt_percent(value: Decimal, digits: int = 2) -> str:
    return format_percentage(value, format_locale(), digits)


class RequestDomain(Domain):
    """Flask-Babel's message domain, remembering the current locale's translations next to the locale it chose
    for the request: every ``gettext``/``lazy_gettext`` in Python code then finds them with one lookup instead of
    choosing the locale's catalogue again (the locale's identifier, the catalogue cache) on every string.
    ``force_locale`` (texts in the recipient's script) and ``refresh`` replace the locale object, so they are
    followed: the remembered translations serve only the very locale object they were found for."""

    _KEY = "portal_translations"

    def get_translations(self):
        state = getattr(g._get_current_object(), "_flask_babel", None) if has_app_context() else None
        if state is not None:
            found = getattr(state, self._KEY, None)
            locale = getattr(state, "babel_locale", None)
            if found is not None and locale is not None and found[0] is locale:
                return found[1]
        translations = super().get_translations()
        if state is not None and getattr(state, "babel_locale", None) is not None:
            setattr(state, self._KEY, (state.babel_locale, translations))
        return translations


def configure_i18n(app: Flask) -> None:
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES",
        str(app.root_path.rsplit("/", 1)[0] + "/translations"),
    )
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "UTC")
    if not isinstance(babel.__dict__.get("domain_instance"), RequestDomain):  # once for the process' Babel
        babel.domain_instance = RequestDomain()  # type: ignore[misc]  # in place of Flask-Babel's default one

    @app.context_processor
    def _i18n_helpers() -> dict:
        loc = current_locale()
        return {**_locale_helpers(loc), **_bound_gettext(get_translations()), "lender_name": lender_name()}


@lru_cache(maxsize=None)
def _locale_helpers(loc: str) -> dict:
    """The template helpers of one locale, made once: the formatters are bound to the reader's format locale."""
    code = FORMAT_LOCALES[loc]
    to_money = money_format(code)
    return {
        "current_locale": loc,
        "html_lang": HTML_LANG[loc],
        "other_locales": tuple((c, LOCALE_NAMES[c]) for c in LOCALES if c != loc),
        # In pages an amount or a time never breaks across lines (plain text for SMS and exports: the
        # functions above). The lender's time zone is read from the app's settings on each call.
        "money": lambda amount: nowrap_plain(to_money(amount)),
        "fmt_date": lambda value, format="long": format_day(
            value.astimezone(lender_tz()).date() if isinstance(value, datetime) else value, code, format),
        "fmt_datetime": lambda value, format="medium": format_local_datetime(
            value.astimezone(lender_tz()), code, format),
        "fmt_time": lambda value, format="short": nowrap(format_local_time(value.astimezone(lender_tz()), code,
                                                                           format)),
        "fmt_number": lambda value: format_number(value, code),
        "fmt_percent": lambda value, digits=2: format_percentage(value, code, digits),
    }


_BOUND = "_portal_template_gettext"


def _bound_gettext(translations) -> dict:
    """``template_gettext`` of a catalogue, made once per catalogue (Flask-Babel keeps one per locale)."""
    bound = translations.__dict__.get(_BOUND)
    if bound is None:
        bound = template_gettext(translations)
        setattr(translations, _BOUND, bound)
    return bound


def template_gettext(translations) -> dict:
    """The template's ``_``/``gettext``/``ngettext``/``pgettext``/``npgettext`` bound to one catalogue: the page
    looks its translations object up once, instead of Flask-Babel's lookup (request context, locale, domain,
    cache) on every string. Same behaviour as Jinja's new-style gettext that Flask-Babel installs: the result is
    marked safe when autoescaping and always %-formatted with the named variables (escaped). They take the
    evaluation context only (``pass_eval_context``), not the template context, which Jinja copies on every call
    made inside a loop or block."""
    lookup, plural = translations.ugettext, translations.ungettext
    context_lookup, context_plural = translations.upgettext, translations.unpgettext

    @pass_eval_context
    def gettext(__eval_ctx, __string, **variables):
        rv = lookup(__string)
        return (Markup(rv) if __eval_ctx.autoescape else rv) % variables

    @pass_eval_context
    def ngettext(__eval_ctx, __singular, __plural, __num, **variables):
        variables.setdefault("num", __num)
        rv = plural(__singular, __plural, __num)
        return (Markup(rv) if __eval_ctx.autoescape else rv) % variables

    @pass_eval_context
    def pgettext(__eval_ctx, __string_ctx, __string, **variables):
        variables.setdefault("context", __string_ctx)
        rv = context_lookup(__string_ctx, __string)
        return (Markup(rv) if __eval_ctx.autoescape else rv) % variables

    @pass_eval_context
    def npgettext(__eval_ctx, __string_ctx, __singular, __plural, __num, **variables):
        variables.setdefault("context", __string_ctx)
        variables.setdefault("num", __num)
        rv = context_plural(__string_ctx, __singular, __plural, __num)
        return (Markup(rv) if __eval_ctx.autoescape else rv) % variables

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "pgettext": pgettext, "npgettext": npgettext}
