"""Translation catalogs: extract, assemble, compile and check (``make translations``).

Translations are written per domain in ``translations/<locale>/parts/<domain>.po`` so that work on
different domains never edits the same file. ``assemble`` merges the parts against the extracted template
into ``translations/<locale>/LC_MESSAGES/messages.po`` (what Babel compiles); ``check`` fails on a stale
template, a missing or fuzzy entry, a placeholder mismatch or Simplified characters in zh_Hant.

    python tools/catalogs.py extract|assemble|compile|check|missing LOCALE [DOMAIN]
"""
from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from portal.locales import LOCALES  # noqa: E402 - the one definition

TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|%[sdif]")


def extract_to(path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
         "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2", "-c", "Translators:", "--no-location",
         "--sort-output", "--omit-header", "-o", str(path), str(ROOT)],
        check=True, capture_output=True, cwd=ROOT,
    )


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _key(message) -> str | tuple:
    return message.id


def parts(locale: str) -> dict:
    """msgid -> (msgstr, fuzzy, source part) from every part file of a locale (first part wins)."""
    found: dict = {}
    for part in sorted((TRANSLATIONS / locale / "parts").glob("*.po")):
        for message in read(part, locale):
            if not message.id:
                continue
            found.setdefault(_key(message), (message.string, message.fuzzy, part.name))
    return found


def assemble() -> None:
    template = read(POT)
    for locale in LOCALES:
        known = parts(locale)
        catalog = Catalog(locale=locale, project="borrower-portal", fuzzy=False)
        for message in template:
            if not message.id:
                continue
            string, fuzzy, _part = known.get(_key(message), ("" if isinstance(message.id, str) else ("",), False, ""))
            if isinstance(message.id, tuple) and isinstance(string, str):
                string = (string,)
            catalog.add(message.id, string, auto_comments=message.auto_comments, flags=("fuzzy",) if fuzzy else ())
        out = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        out.parent.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        write_po(buf, catalog, omit_header=False, sort_output=True, width=0, include_previous=False)
        out.write_bytes(buf.getvalue())


def compile_all() -> None:
    for locale in LOCALES:
        po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        catalog = read(po, locale)
        with (po.with_suffix(".mo")).open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)


def _strings(value) -> list[str]:
    return [value] if isinstance(value, str) else [v for v in value if v is not None]


def problems(check_template: bool = True) -> list[str]:
    """Everything that makes the catalogs unfit to ship, as readable lines."""
    found: list[str] = []
    if check_template:
        fresh = TRANSLATIONS / ".fresh.pot"
        extract_to(fresh)
        current = {m.id: m.auto_comments for m in read(POT) if m.id}
        latest = {m.id: m.auto_comments for m in read(fresh) if m.id}
        fresh.unlink()
        if current.keys() != latest.keys():
            found.append(f"messages.pot is out of date: {len(latest.keys() - current.keys())} new, "
                         f"{len(current.keys() - latest.keys())} gone (run: make translations)")
        elif current != latest:
            changed = sum(current[key] != latest[key] for key in latest)
            found.append(f"messages.pot is out of date: the translator comments of {changed} messages changed "
                         "(run: make translations)")
    template = read(POT)
    converter = None
    for locale in LOCALES:
        catalog = read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", locale)
        for message in template:
            if not message.id:
                continue
            got = catalog.get(message.id)
            strings = _strings(got.string) if got is not None else []
            if got is None or not any(strings) or not all(strings):
                found.append(f"{locale}: missing translation for {message.id!r}")
                continue
            if got.fuzzy:
                found.append(f"{locale}: fuzzy entry {message.id!r}")
            wanted = sorted(PLACEHOLDER.findall(_strings(message.id)[0]))
            for s in strings:
                if sorted(PLACEHOLDER.findall(s)) != wanted:
                    found.append(f"{locale}: placeholders differ in {message.id!r}: {s!r}")
            if locale == "zh_Hant":
                if converter is None:
                    import opencc

                    converter = opencc.OpenCC("s2tw")
                for s in strings:
                    if converter.convert(s) != s:
                        found.append(f"zh_Hant: Simplified characters in {s!r} (for {message.id!r})")
    return found


def missing(locale: str) -> None:
    """Print the untranslated entries of a locale as a .po snippet to paste into a part file."""
    known = parts(locale)
    for message in read(POT):
        if message.id and not (known.get(_key(message)) or ("",))[0]:
            if isinstance(message.id, tuple):
                print(f'msgid "{_esc(message.id[0])}"\nmsgid_plural "{_esc(message.id[1])}"\nmsgstr[0] ""\n')
            else:
                print(f'msgid "{_esc(message.id)}"\nmsgstr ""\n')


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def main(argv: list[str]) -> int:
    action = argv[1] if len(argv) > 1 else "check"
    if action == "extract":
        extract_to(POT)
    elif action == "assemble":
        assemble()
    elif action == "compile":
        compile_all()
    elif action == "missing":
        missing(argv[2])
    elif action == "check":
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
