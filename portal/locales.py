"""The portal's locales, defined once: Chinese by script (Simplified, Traditional); the first is the default.

Imported by models, i18n, the rights pages, the CLI and the catalog tool; nothing here imports the portal."""
from __future__ import annotations

LOCALES = ("zh_Hans", "zh_Hant")
DEFAULT_LOCALE = LOCALES[0]


def sql_in(column: str) -> str:
    """A check constraint's condition: ``column`` holds one of ``LOCALES``."""
    return f"{column} IN ({', '.join(repr(code) for code in LOCALES)})"
