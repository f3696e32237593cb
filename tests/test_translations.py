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


# ASCII ":", ",", ";", "(" or ")" right next to a Chinese character: Chinese text takes full-width punctuation
# (：，；（）). Placeholders and URLs are taken out first; numbers and times (09:00, 1,000) have no Chinese
# character beside them and pass.
_CJK = r"[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]"
_ASCII_BESIDE_CJK = __import__("re").compile(rf"(?<={_CJK}) ?[:,;(]|[:,;)] ?(?={_CJK})|\((?={_CJK})")
_PLACEHOLDER_OR_URL = __import__("re").compile(r"%\(\w+\)[sdifr]|%[sdif%]|https?://\S+")


def ascii_punctuation_in_chinese(text: str) -> list[str]:
    plain = _PLACEHOLDER_OR_URL.sub("·", text)
    return [plain[max(m.start() - 4, 0):m.end() + 4] for m in _ASCII_BESIDE_CJK.finditer(plain)]


def test_chinese_msgstrs_use_full_width_punctuation():
    from babel.messages.pofile import read_po

    found = []
    for locale in ("zh_Hans", "zh_Hant"):
        with open(catalogs.TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
            catalog = read_po(f, locale=locale)
        for message in catalog:
            strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
            for text in strings:
                found += [f"{locale}: {bad!r} in {text!r}" for bad in ascii_punctuation_in_chinese(text or "")]
    assert not found, "\n".join(found[:40])


def test_the_punctuation_check_catches_what_reviewers_saw():
    for text in ("员工编号: BJ1024", "已接通, 90 秒", "(依据： 民法典)", "第1033条第2项; 中国银行业协会"):
        assert ascii_punctuation_in_chinese(text), text
    for text in ("员工编号：BJ1024", "09:00至12:00", "%(start)s – %(end)s", "¥1,619.75", "https://a.b/c,d",
                 "上门时间：%(day)s (%(time)s)", "（依据：%(list)s）"):
        assert not ascii_punctuation_in_chinese(text), text
