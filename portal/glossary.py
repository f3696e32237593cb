"""The portal's words: one term per concept per script (issue 13). Translators and writers of the rights pages use
these; ``tests/test_glossary.py`` reads every template, catalog and rights page against them.

Each entry names the concept, the term in each script, and what not to write instead (regular expressions, so that
an allowed longer word can be excepted: 还款计划表 is the contract's schedule, a different concept from the plan).
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    concept: str
    zh_Hans: str
    zh_Hant: str
    avoid_zh_Hans: tuple[str, ...] = ()
    avoid_zh_Hant: tuple[str, ...] = ()
    note: str = ""


GLOSSARY: tuple[Term, ...] = (
    Term("repayment plan: what a borrower proposes and the lender agrees (not the contract's schedule)",
         "还款方案", "還款方案",
         avoid_zh_Hans=(r"计划(?!表)",), avoid_zh_Hant=(r"計畫(?!表)", r"計劃(?!表)"),
         note="The contract's instalments are the 还款计划表 / 還款計畫表; any other 计划 / 計畫 is a 方案."),
    Term("you, the reader: polite on every page, the rights pages included", "您", "您",
         avoid_zh_Hans=(r"你",), avoid_zh_Hant=(r"你",)),
    Term("a visitor's or collector's staff number", "员工编号", "員工編號",
         avoid_zh_Hans=(r"工号",), avoid_zh_Hant=(r"工號",)),
    Term("a way to pay or to contact someone", "渠道", "管道", avoid_zh_Hant=(r"渠道",),
         note="渠道 is mainland usage; Traditional readers say 管道."),
    Term("credit report", "征信 / 信用报告", "信用報告",
         avoid_zh_Hant=(r"徵信(?!業|系統|中心)",),
         note="Traditional readers say 信用報告; 徵信 is the mainland word, explained once (信用報告（徵信）, "
              "內地把信用報告和信用紀錄叫做「徵信」). It stays in names (《徵信業管理條例》, 徵信系統, 徵信中心), "
              "in that explanation and in quoted words (「徵信修復」)."),
    Term("the SHA-256 of a file (or of a token): a check code that shows it was not changed", "校验码", "校驗碼",
         avoid_zh_Hans=(r"指纹",), avoid_zh_Hant=(r"指紋",),
         note="指纹 / 指紋 (fingerprint) is jargon that reads like the police taking fingerprints; say what the code "
              "is for where the reader needs it (证明文件没有被改动 / 證明檔案沒有被改動)."),
    Term("the complainant's request that a decision be looked at again (design §6: 申请核查, within 30 days of "
         "receiving the decision)", "核查", "核查",
         avoid_zh_Hans=(r"(?<![答回])复核",), avoid_zh_Hant=(r"(?<![答回])[複覆復]核",),
         note="The regulation's word, as the rights page says it; one word on the complaint, staff and rights pages "
              "(答复核查 / 答覆核查 is 答复 + 核查)."),
    Term("a third party's report of collection conduct (/report), not the borrower's own complaint (投诉 / 投訴)",
         "举报", "檢舉", avoid_zh_Hans=(r"检举",), avoid_zh_Hant=(r"舉報",),
         note="The navigation, the form, the confirmation, the SMS and the status page all say the same word."),
    Term("what (interrogative)", "什么", "什麼", avoid_zh_Hant=(r"甚麼",),
         note="One spelling on every zh_Hant page (Taiwan usage)."),
    Term("time of day", "14:30", "14:30", avoid_zh_Hans=(r"[上下中]午\s?\d",), avoid_zh_Hant=(r"[上下中]午\s?\d",),
         note="24-hour clock in both scripts (portal.i18n.TIME_PATTERN): no 下午12:00."),
)


def quoted_or_explained(text: str) -> str:
    """``text`` without quoted words (「…」, “…”) and the explanation （徵信）, where another term may stand."""
    return re.sub(r"「[^」]*」|“[^”]*”|（徵信）|（征信）", "", text)
