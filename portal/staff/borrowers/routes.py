"""Staff pages of borrowers: ``/staff/borrowers?q=`` (lookup) and ``/staff/borrowers/<id>`` with its actions."""
from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal.complaints import services as complaints
from portal.contacts import queries as contact_queries
from portal.complaints.forms import choice_list
from portal.extensions import db
from portal.i18n import local_today
from portal.loans import tables as loan_tables
from portal.loans import queries as loan_queries
from portal.navigation import action_addresses
from portal.orm import utcnow
from portal.security import db_int, gate
from portal.staff.access import require_role
from portal.staff.borrowers import lookup, queries, services
from portal.staff.borrowers.labels import template_helpers
from portal.staff.borrowers.forms import LookupForm, NoteForm, PhoneComplaintForm, RevealForm

bp = Blueprint("staff_borrowers", __name__, url_prefix="/staff/borrowers")
CONTACT_PREVIEW = 10  # the newest contacts on the borrower's page; the rest on their own pages
gate(bp, kind="staff", login_endpoint="staff.login")
bp.context_processor(template_helpers)
# Showing the personal data and a refused note answer with the borrower's page; opened again, they lead to it.
action_addresses(bp, "detail", "/<int:borrower_id>/show", "/<int:borrower_id>/notes")


@bp.route("")
@require_role("agent")
def search():
    form = LookupForm(request.args)
    after = request.args.get("after", type=db_int)
    q = results = None
    too_long = False
    try:
        q = lookup.parse(form.q.data)
    except lookup.QueryTooLong:
        too_long = True
        form.q.errors = [_("Type at most %(max)d characters.", max=lookup.MAX_QUERY_LENGTH)]
    if q is not None:  # only what was searched is audited: not an empty or refused query
        results = lookup.search(q, after)
        services.searched(form.q.data, q, results, after)
    return render_template("staff/borrowers/search.html", form=form, q=q, results=results, too_long=too_long,
                           page_size=lookup.PAGE_SIZE)


def _render_page(borrower, *, revealed: bool = False, note_form: NoteForm | None = None):
    page = queries.borrower_page(borrower, local_today(), revealed)
    contacts = contact_queries.page_for(borrower, None, utcnow(), size=CONTACT_PREVIEW, proposals=page.all_plans)
    return render_template("staff/borrowers/detail.html", page=page, note_form=note_form or NoteForm(formdata=None),
                           reveal_form=RevealForm(formdata=None), query=request.values.get("q", ""),
                           contacts=contacts, **_contact_words(contacts))


def _contact_words(contacts) -> dict:
    from portal.contacts import labels

    return {"contact_labels": labels.for_staff_pages(), "agency_names": contacts.agency_names}


@bp.route("/<int:borrower_id>/contacts")
@require_role("agent")
def contacts(borrower_id: int):
    """The borrower's whole contact log, newest first, in key-set pages (a staff view of personal data: audited)."""
    borrower = queries.borrower_or_404(borrower_id)
    after = request.args.get("after")
    page = contact_queries.page_for(borrower, after, utcnow())
    services.contacts_viewed(borrower, after)
    return render_template("staff/borrowers/contacts.html", borrower=borrower, contacts=page, after=after,
                           **_contact_words(page))


@bp.route("/<int:borrower_id>")
@require_role("agent")
def detail(borrower_id: int):
    borrower = queries.borrower_or_404(borrower_id)
    services.viewed(borrower, request.args.get("q"))
    return _render_page(borrower)


@bp.route("/<int:borrower_id>/show", methods=["POST"])
@require_role("agent")
def show(borrower_id: int):
    borrower = queries.borrower_or_404(borrower_id)
    if not RevealForm().validate_on_submit():
        return redirect(url_for("staff_borrowers.detail", borrower_id=borrower.id))
    services.personal_data_shown(borrower)
    return _render_page(borrower, revealed=True)


@bp.route("/<int:borrower_id>/notes", methods=["POST"])
@require_role("agent")
def add_note(borrower_id: int):
    borrower = queries.borrower_or_404(borrower_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _render_page(borrower, note_form=form)
    services.add_note(borrower, form.body.data, current_user)
    flash(_("Note added to %(name)s's file.", name=borrower.name), "success")
    return redirect(url_for("staff_borrowers.detail", borrower_id=borrower.id, _anchor="notes"))


@bp.route("/<int:borrower_id>/loans/<loan_ref>")
@require_role("agent")
def loan(borrower_id: int, loan_ref: str):
    borrower = queries.borrower_or_404(borrower_id)
    loan = queries.loan_of_borrower_or_404(borrower, loan_ref)
    page = loan_queries.loan_view(borrower, loan, local_today())
    services.loan_viewed(borrower, loan)
    return render_template("staff/borrowers/loan.html", borrower=borrower, page=page,
                           tables=loan_tables.tables(page))


@bp.route("/<int:borrower_id>/complaints/new", methods=["GET", "POST"])
@require_role("agent")
def new_complaint(borrower_id: int):
    borrower = queries.borrower_or_404(borrower_id)
    loans = loan_queries.loans_for_borrower(borrower)
    form = PhoneComplaintForm()
    form.loan.choices = choice_list([("", _("Not about one loan / not sure"))]
                                    + [(loan.loan_ref, loan.loan_ref) for loan in loans])
    if request.method == "GET":
        form.token.data = secrets.token_urlsafe(24)
        wanted = request.args.get("loan")
        form.loan.data = wanted if any(loan.loan_ref == wanted for loan in loans) else ""
        form.preferred_contact.data = "phone"
    if form.validate_on_submit():
        complaint = _take(borrower, form, loans)
        flash(_("Complaint %(ref)s is filed in %(name)s's name as made by phone. Tell them the reference; they "
                "can follow it on the portal.", ref=complaint.reference, name=borrower.name), "success")
        return redirect(url_for("staff_complaints.detail", reference=complaint.reference))
    return render_template("staff/borrowers/new_complaint.html", borrower=borrower, form=form)


def _take(borrower, form: PhoneComplaintForm, loans):
    filing = complaints.Filing.from_form(form, loans, contact_phone=borrower.phone, locale=borrower.locale)
    key = f"s{current_user.id}:{form.token.data}" if form.token.data else None
    try:
        with db.session.begin_nested():
            complaint = services.take_complaint(borrower, filing, current_user, key)
    except IntegrityError:  # the same form sent twice at once: the other request filed it
        complaint = complaints.find_by_key(key)
        if complaint is None:
            raise
    return complaint
