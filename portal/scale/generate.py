"""A realistic, deterministic import file (design §4) of N borrowers, written as a stream (bounded memory).

Every line passes the importer's own validation: mainland mobile numbers on allocated prefixes, resident ID
numbers with a valid region, birth date and checksum (``stdnum.cn.ric``), schedules summing to the principal,
partial payments, borrowers in both scripts. Staff-side rows (complaints, plans, visits) go to a second file that
only the bulk loader (``portal.scale.bulk``) reads: the lender's export has no such records.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Iterator

from stdnum.cn import ric

PHONE_PREFIXES = ("130", "131", "132", "135", "136", "137", "139", "150", "151", "152", "155", "156", "157",
                  "158", "159", "166", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189",
                  "191", "198", "199")
# Region codes valid for birth years 1985-2004 (checked by stdnum's location table).
REGIONS = ("110101", "110105", "310104", "440106", "440305", "330106", "530102", "420102", "320102", "610113",
           "370202", "350203", "430104", "210102")
SURNAMES_HANS = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
SURNAMES_HANT = "王李張劉陳楊黃趙吳周徐孫馬朱胡郭何林羅高鄭梁謝宋唐許韓馮鄧曹彭曾蕭田董袁潘蔣蔡余杜葉程蘇魏呂丁任沈姚盧"
GIVEN_HANS = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
              "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "晓东", "雪梅", "志强", "海燕", "文博", "子涵")
GIVEN_HANT = ("偉", "芳", "娜", "秀英", "敏", "靜", "麗", "強", "磊", "軍", "洋", "勇", "豔", "傑", "娟", "濤", "明",
              "超", "秀蘭", "霞", "平", "剛", "桂英", "建華", "曉東", "雪梅", "志強", "海燕", "文博", "子涵")
STREETS_HANS = ("北京市东城区东直门南大街 %d 号", "上海市徐汇区漕溪北路 %d 弄", "广州市天河区体育西路 %d 号",
                "深圳市南山区科技园南路 %d 号", "杭州市西湖区文三路 %d 号", "成都市武侯区人民南路四段 %d 号")
STREETS_HANT = ("香港九龍旺角彌敦道 %d 號", "廣州市天河區體育西路 %d 號", "深圳市南山區科技園南路 %d 號")
PRODUCTS_HANS = ("消费贷", "现金贷", "分期购物", "信用贷")
PRODUCTS_HANT = ("消費貸", "現金貸", "分期購物", "信用貸")


@dataclass(frozen=True)
class Options:
    borrowers: int
    seed: int = 1
    as_of: date = date(2026, 11, 22)
    hant_share: float = 0.3
    second_loan_share: float = 0.2
    complaint_share: float = 0.05
    plan_share: float = 0.03
    visit_share: float = 0.02


def phone_for(i: int) -> str:
    """A unique valid mainland mobile number for borrower ``i`` (0 <= i < 29 * 10**8)."""
    prefix = PHONE_PREFIXES[i % len(PHONE_PREFIXES)]
    return f"{prefix}{i // len(PHONE_PREFIXES):08d}"


def id_number_for(i: int) -> str:
    """A unique valid resident ID number for borrower ``i`` (i < 14 * 7300 * 1000)."""
    region = REGIONS[i % len(REGIONS)]
    rest = i // len(REGIONS)
    born = date(1985, 1, 1) + timedelta(days=rest % 7300)
    seq = (rest // 7300) % 1000
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def _yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


def loan_line(rng: random.Random, i: int, k: int, opts: Options, hant: bool, borrower: dict) -> dict:
    months = rng.choice((3, 6, 6, 12, 12, 12, 24))
    principal = rng.randrange(1000, 50001) * 100  # whole yuan, in fen
    annual = Decimal(rng.choice(("0.072", "0.12", "0.18", "0.24", "0.36")))
    start = opts.as_of - timedelta(days=rng.randrange(40, 30 * months + 200))
    per = principal // months
    schedule, left = [], principal
    for n in range(1, months + 1):
        part = per if n < months else principal - per * (months - 1)
        interest = int((Decimal(left) * annual / 12).quantize(Decimal(1), ROUND_HALF_UP))
        fee = 0 if rng.random() < 0.8 else rng.choice((1000, 2000, 5000))
        schedule.append({"due_date": _add_months(start, n).isoformat(), "principal": _yuan(part),
                         "interest": _yuan(interest), "fee": _yuan(fee), "_total": part + interest + fee})
        left -= part
    due = [s for s in schedule if date.fromisoformat(s["due_date"]) <= opts.as_of]
    paid_full = rng.randrange(0, max(1, len(due)))  # at least the last due instalment stays unpaid: overdue
    payments = [{"paid_on": (date.fromisoformat(s["due_date"]) - timedelta(days=rng.randrange(0, 3))).isoformat(),
                 "amount": _yuan(s["_total"])} for s in schedule[:paid_full]]
    if paid_full < len(due) and rng.random() < 0.4:  # a partial payment on the first unpaid instalment
        s = schedule[paid_full]
        paid_on = min(date.fromisoformat(s["due_date"]) + timedelta(days=rng.randrange(1, 20)), opts.as_of)
        payments.append({"paid_on": paid_on.isoformat(), "amount": _yuan(max(100, s["_total"] * rng.randrange(10, 90) // 100))})
    for s in schedule:
        del s["_total"]
    return {"loan_ref": f"S{opts.seed:02d}{i:08d}{k}",
            "product": rng.choice(PRODUCTS_HANT if hant else PRODUCTS_HANS), "borrower": borrower,
            "principal": _yuan(principal), "annual_rate": str(annual),
            "penalty_daily_rate": rng.choice(("0.0003", "0.0005", "0.0007")), "start_date": start.isoformat(),
            "schedule": schedule, "payments": payments}


def borrower_for(rng: random.Random, i: int, hant: bool) -> dict:
    surnames, given, streets = (SURNAMES_HANT, GIVEN_HANT, STREETS_HANT) if hant else \
        (SURNAMES_HANS, GIVEN_HANS, STREETS_HANS)
    return {"name": rng.choice(surnames) + rng.choice(given), "phone": phone_for(i), "id_number": id_number_for(i),
            "address": rng.choice(streets) % rng.randrange(1, 300), "locale": "zh_Hant" if hant else "zh_Hans"}


def staff_rows(rng: random.Random, line: dict, opts: Options) -> Iterator[dict]:
    """Complaints, plan proposals and visits for some loans (the staff-side queues at scale)."""
    ref = line["loan_ref"]
    if rng.random() < opts.complaint_share:
        days_ago = rng.randrange(0, 90)
        yield {"type": "complaint", "loan_ref": ref, "days_ago": days_ago,
               "categories": rng.sample(("night_or_frequent", "third_parties", "insults", "threats", "disclosure",
                                         "false_statements"), rng.randrange(1, 3)),
               "channel": rng.choice(("phone", "sms", "visit", "app", "other")),
               "what_happened": "晚上十一点还在打电话，还打给了我的同事。" if line["borrower"]["locale"] == "zh_Hans"
               else "晚上十一點還在打電話，還打給了我的同事。",
               "state": rng.choice(("received", "acknowledged", "investigating", "investigating", "resolved"))}
    if rng.random() < opts.plan_share:
        yield {"type": "plan", "loan_ref": ref, "days_ago": rng.randrange(0, 30), "months": rng.choice((6, 12, 24)),
               "income": rng.randrange(3000, 15000) * 100, "state": rng.choice(("submitted", "under_review"))}
    if rng.random() < opts.visit_share:
        yield {"type": "visit", "loan_ref": ref, "days_ahead": rng.randrange(3, 14),
               "state": rng.choice(("proposed", "confirmed"))}


def generate(opts: Options, out: IO[str], staff_out: IO[str] | None = None) -> tuple[int, int]:
    """Write the lines; return (loan lines, staff-side rows). One borrower at a time: memory stays flat."""
    rng = random.Random(opts.seed)
    loans = staff = 0
    for i in range(opts.borrowers):
        hant = rng.random() < opts.hant_share
        borrower = borrower_for(rng, i, hant)
        for k in range(2 if rng.random() < opts.second_loan_share else 1):
            line = loan_line(rng, i, k, opts, hant, borrower)
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            loans += 1
            if staff_out is not None:
                for row in staff_rows(rng, line, opts):
                    staff_out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    staff += 1
    return loans, staff
