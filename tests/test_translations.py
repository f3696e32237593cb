"""Catalogs: template up to date, 100 % translated in both scripts, no fuzzy entries, same placeholders,
no Simplified characters in zh_Hant (checked with OpenCC)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

import catalogs  # noqa: E402


def test_catalogs_are_complete_and_clean():
    problems = catalogs.problems()
    assert problems == [], "\n".join(problems[:40]) + (f"\n… and {len(problems) - 40} more" if len(problems) > 40 else "")


def test_the_checker_catches_simplified_characters_and_placeholder_mismatch(tmp_path, monkeypatch):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    root = tmp_path / "translations"
    template = Catalog()
    template.add("Hello, %(name)s")
    (root / "zh_Hans" / "LC_MESSAGES").mkdir(parents=True)
    (root / "zh_Hant" / "LC_MESSAGES").mkdir(parents=True)
    with (root / "messages.pot").open("wb") as fh:
        write_po(fh, template)
    for locale, text in (("zh_Hans", "你好，%(nom)s"), ("zh_Hant", "你好，%(name)s，这里")):
        cat = Catalog(locale=locale)
        cat.add("Hello, %(name)s", text)
        with (root / locale / "LC_MESSAGES" / "messages.po").open("wb") as fh:
            write_po(fh, cat)
    monkeypatch.setattr(catalogs, "TRANSLATIONS", root)
    monkeypatch.setattr(catalogs, "POT", root / "messages.pot")
    found = catalogs.problems(check_template=False)
    assert any("placeholders differ" in p and p.startswith("zh_Hans") for p in found)
    assert any("Simplified characters" in p for p in found)
