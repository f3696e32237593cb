"""A plain-text export of a complaint with its timeline, messages and evidence list (SHA-256)."""
from __future__ import annotations

import re

from flask import Response
from flask_babel import gettext as _

from portal.complaints import labels
from portal.complaints.models import Complaint, ComplaintEvidence
from portal.i18n import fmt_date, fmt_datetime
from portal.uploads import EXTENSIONS


def download_name(item: ComplaintEvidence) -> str:
    name = re.sub(r"[\\/\r\n\"]", "_", item.original_name or "").strip()
    ext = EXTENSIONS.get(item.mime, "bin")
    if not name:
        name = f"evidence-{item.id}.{ext}"
    elif not name.lower().endswith("." + ext) and not (ext == "jpg" and name.lower().endswith(".jpeg")):
        name = f"{name}.{ext}"
    return name


def lines(complaint: Complaint) -> list[str]:
    out = [_("Complaint %(ref)s", ref=complaint.reference), "=" * 40,
           _("Status: %(state)s", state=labels.STATE_LABELS[complaint.state]),
           _("Received: %(when)s", when=fmt_datetime(complaint.received_at)),
           _("Decision due by: %(day)s", day=fmt_date(complaint.decide_due)),
           _("What it is about: %(list)s", list="; ".join(str(labels.CATEGORY_LABELS[c])
                                                           for c in complaint.categories)),
           _("How: %(channel)s", channel=labels.CHANNEL_LABELS[complaint.channel])]
    if complaint.occurred_on:
        out.append(_("When: %(day)s", day=fmt_date(complaint.occurred_on)))
    for label, value in ((_("Collector's name"), complaint.collector_name),
                         (_("Badge or staff number"), complaint.collector_badge),
                         (_("Number used"), complaint.collector_phone)):
        if value:
            out.append(f"{label}: {value}")
    out += ["", _("What happened:"), complaint.what_happened, ""]
    if complaint.outcome_wanted:
        out += [_("Outcome wanted:"), complaint.outcome_wanted, ""]
    if complaint.outcome_category:
        out += [_("Outcome: %(outcome)s", outcome=labels.OUTCOME_LABELS[complaint.outcome_category]),
                complaint.outcome_explanation, ""]
    out += [_("Timeline"), "-" * 40]
    for event in complaint.events:
        detail = f" — {event.detail}" if event.kind == "extended" and event.detail else ""
        out.append(f"{fmt_datetime(event.at)}  {labels.EVENT_LABELS.get(event.kind, event.kind)}{detail}")
    out += ["", _("Messages"), "-" * 40]
    for message in complaint.messages:
        who = _("Staff") if message.author_kind == "staff" else _("Complainant")
        out += [f"{fmt_datetime(message.at)}  {who}:", message.body, ""]
    out += ["", _("Evidence files (SHA-256)"), "-" * 40]
    for item in complaint.evidence:
        out.append(f"{download_name(item)}  {item.size} B  {item.mime}  {fmt_datetime(item.at)}")
        out.append(f"  SHA-256: {item.sha256}")
    if not complaint.evidence:
        out.append(_("No files."))
    return out


def as_text(complaint: Complaint) -> Response:
    body = "\r\n".join(str(line) for line in lines(complaint)) + "\r\n"
    response = Response(body.encode("utf-8"), mimetype="text/plain", content_type="text/plain; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{complaint.reference}.txt"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
