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


# Terse or ambiguous message ids: each carries a "Translators:" comment from the code into the template.
TERSE = ["About", "Age", "Arrived", "Left", "Active", "Contacted", "Due", "Figure", "Count", "From", "To", "Until",
         "Moved", "No.", "Object", "Paid", "Sent", "Who", "When", "Window", "Check", "Letter", "Item",
         "answered", "sent", "failed", "Correction", "Deletion", "Me", "You", "Waived", "Terms", "Yes", "No"]


def test_terse_message_ids_carry_a_translator_comment_in_the_template():
    template = catalogs.read(catalogs.POT)
    assert [word for word in TERSE if not template.get(word).auto_comments] == []
    assert "not a person's age" in " ".join(template.get("Age").auto_comments)


def test_extraction_keeps_translators_comments_from_code_and_templates(tmp_path, monkeypatch):
    (tmp_path / "portal" / "templates").mkdir(parents=True)
    (tmp_path / "babel.cfg").write_text("[python: portal/**.py]\n[jinja2: portal/templates/**.html]\n")
    (tmp_path / "portal" / "labels.py").write_text(
        'from flask_babel import lazy_gettext as _l\n\n# Translators: a queue column: days waiting\nAGE = _l("Age")\n'
        '# An ordinary comment\nDUE = _l("Due")\n', encoding="utf-8")
    (tmp_path / "portal" / "templates" / "page.html").write_text(
        '<th>{{ _("Item") }}</th><th>\n{#- Translators: the deadline #}{{ _("Due date") }}</th>\n', encoding="utf-8")
    monkeypatch.setattr(catalogs, "ROOT", tmp_path)
    catalogs.extract_to(tmp_path / "out.pot")
    extracted = {m.id: m.auto_comments for m in catalogs.read(tmp_path / "out.pot") if m.id}
    assert extracted == {"Age": ["Translators: a queue column: days waiting"], "Due": [], "Item": [],
                         "Due date": ["the deadline"]}
