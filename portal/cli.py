"""Operator commands: ``db upgrade``, ``import-loans``, ``import-contacts``, ``seed-demo``, ``create-staff`` …"""
from __future__ import annotations

import re
import sys

import click
import pyotp
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from portal import migrate
from portal.extensions import db
from portal.locales import LOCALES

db_cli = AppGroup("db", help="Database schema (Alembic).")


def development_only(command):
    """Demo and development commands refuse to run in production (demo passwords, known TOTP secrets)."""
    import functools

    @functools.wraps(command)
    def guarded(*args, **kwargs):
        if current_app.config["PORTAL_ENV"] == "production":
            raise click.ClickException("not available in production (PORTAL_ENV=production)")
        return command(*args, **kwargs)

    return guarded


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION."""
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Autogenerate a new migration from the models (review it before committing)."""
    migrate.revision(current_app.config["DATABASE_URL"], message)


def _report_import(report) -> None:
    """The same summary for every JSON Lines import: rejected lines with reasons on stderr, exit 1 if any."""
    for number, reason in report.rejected:
        click.echo(f"line {number}: rejected: {reason}", err=True)
    click.echo(f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
               f"rejected {len(report.rejected)}")
    if not report.ok:
        sys.exit(1)


@click.command("import-loans")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def import_loans(file) -> None:
    """Import the lender's JSON Lines export (idempotent; bad lines reported; exit 1 if any rejected)."""
    from portal.loans.importer import import_lines

    _report_import(import_lines(db.session, file))


@click.command("import-contacts")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def import_contacts(file) -> None:
    """Import the lender's contact log (JSON Lines; idempotent on contact_ref; exit 1 if any line rejected)."""
    from portal.contacts.importer import import_lines

    _report_import(import_lines(db.session, file))


DEMO_STAFF = [
    ("agent", "agent", "李客服", "DEMOAGENTKEYAAAAAAAAAAAAAAAAAAAA"),
    ("supervisor", "supervisor", "赵主管", "DEMOSUPERVISORKEYAAAAAAAAAAAAAAA"),
]
DEMO_STAFF_PASSWORD = "staff-pass-2026"


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when the database holds no borrowers yet.")
@development_only
def seed_demo(if_empty: bool) -> None:
    """Load the demo data set (borrowers in every stage, staff accounts) and print the logins."""
    from portal import demo
    from portal.accounts.models import Borrower, StaffUser
    from portal.accounts.services import create_staff
    from portal.i18n import local_today

    if if_empty and db.session.scalar(select(func.count()).select_from(Borrower)):
        click.echo("The database already has data; demo data not loaded again.")
    else:
        for username, role, name, secret in DEMO_STAFF:
            if db.session.scalar(select(StaffUser).where(StaffUser.username == username)) is None:
                create_staff(username, role, DEMO_STAFF_PASSWORD, display_name=name, otp_secret=secret,
                             email=f"{username}@lender.example")
        db.session.commit()
        demo.seed_all(db.session, local_today())
    click.echo(demo_logins_text())


def demo_logins_text() -> str:
    from portal.loans.demo import DEMO_PASSWORD, demo_borrowers

    lines = ["Demo logins:"]
    for info in demo_borrowers():
        if info["activated"]:
            lines.append(f"  borrower    {info['phone']}  password {DEMO_PASSWORD}  ({info['name']}, {info['locale']})")
        else:
            lines.append(f"  borrower    {info['phone']}  not activated yet: use /activate with ID ending "
                         f"{info['id_number'][-6:]}; the SMS code is in instance/sms-outbox.jsonl")
    report = _demo_report_line()
    if report:
        lines.append(report)
    for username, role, _name, _secret in DEMO_STAFF:
        lines.append(f"  staff       /staff/login  {username} / {DEMO_STAFF_PASSWORD}  ({role}); code: "
                     f".venv/bin/flask --app portal totp-code {username}")
    return "\n".join(lines)


def _demo_report_line() -> str | None:
    from portal.complaints.demo import DEMO_REPORT_SECRET
    from portal.complaints.models import Complaint

    reference = db.session.scalar(select(Complaint.reference).where(Complaint.borrower_id.is_(None))
                                  .order_by(Complaint.id).limit(1))
    if reference is None:
        return None
    return f"  family      /report/status  reference {reference}  secret {DEMO_REPORT_SECRET}  (a third-party report)"


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@click.command("create-staff")
@click.argument("username")
@click.option("--role", type=click.Choice(["agent", "supervisor"]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "display_name", default="")
@click.option("--email", default=None, help="where the daily digest of complaint deadlines is sent")
@click.option("--locale", type=click.Choice(LOCALES), default="zh_Hans",
              help="script of the e-mail sent to this person")
def create_staff_cmd(username: str, role: str, password: str, display_name: str, email: str | None,
                     locale: str) -> None:
    """Create a staff account and print the otpauth:// URI for its second factor."""
    from portal.accounts.models import StaffUser
    from portal.accounts.services import create_staff, otpauth_uri

    if len(password) < 12:
        raise click.BadParameter("use at least 12 characters", param_hint="--password")
    if db.session.scalar(select(StaffUser).where(StaffUser.username == username)) is not None:
        raise click.ClickException(f"staff user {username!r} exists already")
    if email is not None and not _EMAIL.fullmatch(email):
        raise click.BadParameter("not an e-mail address", param_hint="--email")
    user = create_staff(username, role, password, display_name=display_name, email=email, locale=locale)
    db.session.commit()
    click.echo(f"Created {role} {username}. Add this to an authenticator app (TOTP):")
    click.echo(otpauth_uri(user))


@click.command("set-staff-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def set_staff_password(username: str, password: str) -> None:
    """Give a staff account a new password; every session of that account ends."""
    from portal.accounts.models import StaffUser
    from portal.accounts.services import change_password

    if len(password) < 12:
        raise click.BadParameter("use at least 12 characters", param_hint="--password")
    user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        raise click.ClickException(f"no staff user {username!r}")
    change_password(user, password)
    db.session.commit()
    click.echo(f"Password of {username} changed; its sessions have ended.")


@click.command("totp-code")
@click.argument("username")
@development_only
def totp_code(username: str) -> None:
    """Development only: print the current second-factor code of a staff account."""
    from portal.accounts.models import StaffUser

    user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        raise click.ClickException(f"no staff user {username!r}")
    click.echo(pyotp.TOTP(user.otp_secret).now())


@click.command("send-reminders")
def send_reminders() -> None:
    """Queue the reminders and staff digests due now (the worker runs this every few minutes; idempotent)."""
    from portal.notify.reminders import run_due

    counts = run_due()
    click.echo(", ".join(f"{name}: {n}" for name, n in counts.items()))


def configure_cli(app: Flask) -> None:
    app.cli.add_command(db_cli)
    from portal.tallies.cli import tallies_cli

    app.cli.add_command(tallies_cli)
    for command in (import_loans, import_contacts, seed_demo, create_staff_cmd, set_staff_password, totp_code,
                    send_reminders):
        app.cli.add_command(command)
