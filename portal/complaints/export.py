"""A complaint for the complainant and for an outside body: the plain-text record (timeline with the time of day of
every event, messages, evidence list with SHA-256) and the evidence bundle (a ZIP with a printable summary, that
record, the linked visit record, the evidence files and a manifest of SHA-256 fingerprints)."""
from __future__ import annotations

import hashlib
import io
import re
import zipfile

from flask import Response, render_template
from flask_babel import gettext as _

from portal import uploads
from portal.complaints import labels
from portal.complaints.models import Complaint, ComplaintEvidence
from portal.extensions import db
from portal.i18n import fmt_date, fmt_datetime, fmt_time, lender_tz
from portal.orm import utcnow
from portal.uploads import EXTENSIONS
from portal.visits.models import Visit


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
        out += [_("Outcome: %(outcome)s", outcome=labels.OUTCOME_TEXTS[complaint.outcome_category]),
                complaint.outcome_explanation, ""]
    # Translators: complaint: the dated list of everything that happened with it, in order
    out += [_("Timeline"), "-" * 40]
    event_labels = labels.event_labels_for(complaint)
    for event in complaint.events:
        detail = f" — {event.detail}" if event.kind == "extended" and event.detail else ""
        out.append(f"{fmt_datetime(event.at)}  {event_labels.get(event.kind, event.kind)}{detail}")
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


# --- the evidence bundle (design §7): one ZIP an outside body can check ------------------------------------------

SUMMARY_NAME = "00-summary.html"
MANIFEST_NAME = "manifest.txt"


def _visit_lines(visit) -> list[str]:
    """The linked visit as the record shows it: when, who, what was recorded, and any dispute, with times of day."""
    out = [_("Visit %(id)d", id=visit.id), "=" * 40,
           _("Planned window: %(start)s – %(end)s", start=fmt_datetime(visit.window_start),
             end=fmt_time(visit.window_end)),
           _("Visitors: %(list)s", list="; ".join(f"{v.name} ({v.badge_number})" for v in visit.visitors) or "—")]
    record = visit.record
    if record is not None:
        out += [_("Arrival: %(when)s", when=fmt_datetime(record.arrived_at)),
                _("Departure: %(when)s", when=fmt_datetime(record.departed_at)),
                _("Met: %(who)s", who=record.met),
                _("Outcome recorded by staff: %(text)s", text=record.outcome)]
    for dispute in visit.disputes:
        out += ["", _("Disputed by the borrower:"), dispute.text]
    return out


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def bundle_files(complaint: Complaint, *, with_visit: bool) -> list[tuple[str, bytes]]:
    """Every file of the bundle but the summary and the manifest, in order: the complaint with its timeline, the
    linked visit record (not for a third party: it is the borrower's), then the evidence files as uploaded."""
    files = [("complaint.txt", ("\r\n".join(str(line) for line in lines(complaint)) + "\r\n").encode("utf-8"))]
    if with_visit and complaint.visit_id is not None:
        visit = db.session.get(Visit, complaint.visit_id)
        if visit is not None:
            files.append((f"visit-{visit.id}.txt",
                          ("\r\n".join(str(line) for line in _visit_lines(visit)) + "\r\n").encode("utf-8")))
    for n, item in enumerate(complaint.evidence, 1):
        with uploads.open_file(item.stored_name) as f:
            files.append((f"evidence/{n:02d}-{download_name(item)}", f.read()))
    return files


def manifest(files: list[tuple[str, bytes]]) -> bytes:
    rows = [f"{_sha256(data)}  {len(data):>10}  {name}" for name, data in files]
    head = ["SHA-256" + " " * 59 + "bytes  file"]
    return ("\r\n".join(head + rows) + "\r\n").encode("utf-8")


def bundle(complaint: Complaint, *, audience: str) -> Response:
    """The ZIP: ``00-summary.html`` first (printable; it names the manifest's SHA-256, the bundle's own fingerprint),
    ``manifest.txt`` (SHA-256 and size of every other file), the complaint, the visit record, the evidence."""
    files = bundle_files(complaint, with_visit=audience != "third_party")
    listed = manifest(files)
    stored = {f"evidence/{n:02d}-{download_name(item)}": item.sha256 for n, item in enumerate(complaint.evidence, 1)}
    changed = [name for name, data in files if name in stored and _sha256(data) != stored[name]]
    summary = render_template(
        "complaints/_bundle_summary.html", complaint=complaint, files=[(n, len(d), _sha256(d)) for n, d in files],
        manifest_sha256=_sha256(listed), changed=changed, visit_included=any(n.startswith("visit-") for n, _ in files),
        outcome_text=labels.OUTCOME_TEXTS.get(complaint.outcome_category) if complaint.outcome_category else None,
        made_at=fmt_datetime(utcnow()), **labels.template_labels())
    buffer = io.BytesIO()
    stamp = utcnow().astimezone(lender_tz()).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [(SUMMARY_NAME, summary.encode("utf-8")), (MANIFEST_NAME, listed), *files]:
            info = zipfile.ZipInfo(f"{complaint.reference}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    response = Response(buffer.getvalue(), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{complaint.reference}-evidence.zip"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
