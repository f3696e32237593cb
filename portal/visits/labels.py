"""Words for visit states and answers, and ``describe(visit)``: the one description of a visit's state that the
visit pages, the loan badges, the borrower's home and the staff console use."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.i18n import fmt_date, fmt_time, lender_tz, local_today
from portal.visits import rules

STATE_LABELS = {
    "proposed": _l("Waiting for your answer"),
    "confirmed": _l("Confirmed"),
    "reschedule_requested": _l("New time requested"),
    "rescheduled": _l("Moved to a new time"),
    "remote_requested": _l("Video call requested"),
    "cancelled": _l("Cancelled"),
    "completed": _l("Visit took place"),
    "missed": _l("Nobody was met"),
}
# Staff see the same states named from their side.
STAFF_STATE_LABELS = dict(STATE_LABELS, proposed=_l("Proposed, no answer yet"))
ANSWER_LABELS = {
    "confirm": _l("Confirmed the visit"),
    "reschedule": _l("Asked for a new time"),
    "remote": _l("Asked for a video call instead"),
    "family": _l("Chose whether visitors may speak with family"),
    "record_confirm": _l("Confirmed the visit record"),
    "record_dispute": _l("Disputed the visit record"),
}
# How a visit was held, as its record states it (the audit log).
METHOD_LABELS = {
    # Translators: how a visit was held: the visitors came to the borrower's address
    "home visit": _l("Home visit"),
    # Translators: how a visit was held: a check by video call instead of a home visit
    "video": _l("Video check"),
}




def when_text(start: datetime, end: datetime) -> str:
    return _("%(date)s, %(start)s to %(end)s", date=fmt_date(start, "full"), start=fmt_time(start),
             end=fmt_time(end))


def day_word(start: datetime, today: date) -> str | None:
    """"Today" or "Tomorrow" for a window on those days (in the lender's time zone), else None."""
    day = start.astimezone(lender_tz()).date()
    if day == today:
        return _("Today")
    if day == today + timedelta(days=1):
        return _("Tomorrow")
    return None


@dataclass(frozen=True)
class VisitState:
    """What a borrower is told about one visit, wherever it shows."""
    state: str
    label: str              # the short state ("Waiting for your answer")
    headline: str           # what was asked or decided, in a sentence
    next_step: str          # what happens next, and when
    badge: str | None       # on the loan's card and page (None once the visit is closed)
    tone: str
    needs_answer: bool      # the borrower is asked to answer
    upcoming: bool          # visitors may still come to the door at the window shown
    past: bool              # the visit is over (took place, nobody met, cancelled, or its time has gone by)
    day_word: str | None    # "Today" / "Tomorrow" for an upcoming window on those days
    complaint_ref: str | None = None  # the complaint a disputed record opened


def describe(visit, today: date, now: datetime | None = None) -> VisitState:
    now = now or datetime.now(lender_tz())
    state = visit.state
    when = when_text(visit.window_start, visit.window_end)
    day = fmt_date(visit.window_start)
    time_gone = visit.window_end <= now
    closed = state not in rules.OPEN_STATES
    past = closed or (time_gone and state != "reschedule_requested")
    upcoming = state in rules.EXPECTED_AT_DOOR and not time_gone
    word = day_word(visit.window_start, today) if upcoming else None
    label = str(STATE_LABELS[state])
    if state == "proposed" and not time_gone:
        return VisitState(state, label, _("The lender proposes a visit on %(when)s.", when=when),
                          _("Please answer: confirm it, move it to another time or ask for a video call instead. "
                            "If you do not answer, the visit may take place at this time."),
                          _("Visit proposed for %(date)s: please answer", date=day), "warning", True, True, False, word)
    if state == "confirmed" and not time_gone:
        return VisitState(state, label, _("You confirmed the visit on %(when)s.", when=when),
                          _("The visitors come at that time. They must tell you the visit code and show their staff "
                            "cards. You can still move it or ask for a video call."),
                          _("Visit on %(date)s", date=day), "info", False, True, False, word)
    if state == "rescheduled" and not time_gone:
        return VisitState(state, label, _("The visit is moved to %(when)s, as you asked.", when=when),
                          _("Please confirm the new time. The visitors come at the new time; you can still ask for a "
                            "video call instead."),
                          _("Visit moved to %(date)s: please confirm", date=day), "warning", True, True, False, word)
    if state == "reschedule_requested":
        asked = when_text(visit.requested_start, visit.requested_end) if visit.requested_start else None
        return VisitState(state, label,
                          _("You asked to move the visit to %(when)s.", when=asked) if asked
                          else _("You asked to move the visit to another time."),
                          _("Staff will confirm the new time by SMS and on this page. Until then nobody comes at "
                            "the old time (%(old)s), nor at the new one: the visitor check at the door answers no "
                            "for this visit meanwhile. Staff have no set deadline; if they have not confirmed the "
                            "new time before it begins, they must arrange another time with you.", old=when),
                          _("Visit on %(date)s: you asked to move it to %(new)s", date=day,
                            new=fmt_date(visit.requested_start)) if visit.requested_start
                          else _("Visit on %(date)s: you asked to move it", date=day),
                          "info", False, False, False, None)
    if state == "remote_requested" and not time_gone:
        return VisitState(state, label, _("You asked for a video call instead of the visit on %(when)s.", when=when),
                          _("Staff will contact you to arrange the video call. The lender may decline, but only "
                            "before the day of the visit: then you are told why by SMS and on this page, and the "
                            "visit takes place at its time. Until staff answer, nobody comes: the visitor check at "
                            "the door answers no for this visit. Staff have no set deadline; if they have not "
                            "answered before the day of the visit, nobody comes at that time."),
                          _("Visit on %(date)s: you asked for a video call instead", date=day), "info", False, False,
                          False, None)
    if state == "remote_requested":
        return VisitState(state, label, _("You asked for a video call instead of the visit on %(when)s.", when=when),
                          _("Staff did not answer before the time of the visit, so nobody came. Staff will contact "
                            "you to arrange the video call or to agree another time with you."),
                          None, "info", False, False, True, None)
    if state in ("completed", "missed"):
        headline = (_("The visit took place on %(when)s.", when=when) if state == "completed"
                    else _("The visitors came on %(when)s but met nobody.", when=when))
        dispute = next(iter(visit.disputes), None) if visit.record_answer == "disputed" else None
        if visit.record_answer == "confirmed":
            step = _("You confirmed that the visitors' record is right. Nothing more is asked of you for this visit.")
        elif visit.record_answer == "disputed":
            step = (_("You disputed the visitors' record. It is handled as complaint %(ref)s: you will find the "
                      "reply and its deadline there.", ref=dispute.complaint_ref)
                    if dispute is not None and dispute.complaint_ref
                    else _("You disputed the visitors' record. Staff will look into it and reply to you."))
        else:
            step = _("Read what the visitors recorded below and tell us whether it is right.")
        return VisitState(state, label, headline, step, None, "info", False, False, True, None,
                          dispute.complaint_ref if dispute is not None else None)
    if state == "cancelled":
        return VisitState(state, label, _("The visit on %(when)s was cancelled.", when=when),
                          _("Nobody will come for this visit."), None, "info", False, False, True, None)
    # An open visit whose time has gone by without a record yet.
    return VisitState(state, label, _("The time of this visit (%(when)s) has passed.", when=when),
                      _("The visitors will record what happened; you will see it here."), None, "info", False,
                      False, True, None)


def template_helpers() -> dict:
    return {"state_labels": STATE_LABELS, "staff_state_labels": STAFF_STATE_LABELS,
            "answer_labels": ANSWER_LABELS, "describe_visit": lambda visit: describe(visit, local_today())}
