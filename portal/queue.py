"""The task queue: Huey on a SQLite file (default, no server) or on Redis (several machines), and the worker.

``PORTAL_QUEUE_URL``: ``sqlite:///path`` (default: ``queue.sqlite3`` in the instance folder), ``redis://host:6379/1``,
or ``immediate:`` (tests: tasks run inline, in memory). The queue only carries "look at outbox row N" and the
periodic ticks; the database rows are the source of truth (a task lost with a killed worker is picked up again by
the sweep), so every task is idempotent.

Each task runs in an app context of its own: the worker's app (``flask --app portal worker``), or, in a process
that has none registered, an app created from the environment on first use. A task enqueued in ``immediate``
mode runs inside the app that enqueued it.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import click
from flask import Flask, current_app, has_app_context
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.api import Huey

log = logging.getLogger(__name__)
_lock = threading.Lock()
_task_app: Flask | None = None


def queue_url(instance_path: str, configured: str | None) -> str:
    import os

    return configured or "sqlite:///" + os.path.join(instance_path, "queue.sqlite3")


def _make(url: str) -> Huey:
    if url.startswith("immediate:"):
        return MemoryHuey("portal", immediate=True)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("portal", url=url)
    if url.startswith("sqlite:///"):
        return SqliteHuey("portal", filename=url[len("sqlite:///"):], timeout=30)
    raise ValueError(f"PORTAL_QUEUE_URL must be sqlite:///…, redis://… or immediate:, got {url!r}")


def _in_app(fn: Callable) -> Callable:
    """Run ``fn`` in an app context: the current one (immediate mode), else the worker's app."""

    def run(*args):
        if has_app_context():
            return fn(*args)
        with _app().app_context():
            return fn(*args)

    run.__name__ = fn.__name__
    return run


def _app() -> Flask:
    global _task_app
    with _lock:
        if _task_app is None:
            from portal import create_app

            _task_app = create_app()
        return _task_app


def _deliver(row_id: int) -> None:
    from portal.notify import outbox

    outbox.deliver(row_id)


def _sweep() -> None:
    from portal.notify import outbox
    from portal.webhooks import outbox as webhooks

    outbox.sweep()
    webhooks.sweep()


def _deliver_webhook(row_id: int) -> None:
    from portal.webhooks import outbox

    outbox.deliver(row_id)


def _build_export(export_id: int) -> None:
    from portal.privacy import export

    export.build(export_id)


def _run_import(job_id: int) -> None:
    from portal.imports import worker

    worker.run(job_id)


def _import_sweep() -> None:
    from portal.imports import worker

    worker.sweep()


def _housekeeping() -> None:
    from portal import housekeeping

    housekeeping.run()


def _reminders() -> None:
    from portal.extensions import db
    from portal.notify.reminders import run_reminders
    from portal.orm import utcnow

    run_reminders(utcnow())
    db.session.commit()


def _tallies() -> None:
    from portal import tallies
    from portal.i18n import lender_tz

    if tallies.ensure(lender_tz()):
        log.info("report tallies built for %s", lender_tz().key)


def _tallies_check() -> None:
    from portal import tallies
    from portal.i18n import lender_tz

    tallies.repair(lender_tz())


class Queue:
    """A Huey instance with the portal's tasks registered on it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.huey = _make(url)
        self.deliver = self.huey.task(name="deliver")(_in_app(_deliver))
        self.build_export = self.huey.task(name="build_export")(_in_app(_build_export))
        self.deliver_webhook = self.huey.task(name="deliver_webhook")(_in_app(_deliver_webhook))
        self.sweep = self.huey.periodic_task(crontab(minute="*"), name="sweep")(_in_app(_sweep))
        self.run_import = self.huey.task(name="run_import")(_in_app(_run_import))
        self.import_sweep = self.huey.periodic_task(crontab(minute="*"), name="import_sweep")(_in_app(_import_sweep))
        # reminders and the staff digest: idempotent (a key per reminder), so a run that fires twice sends once
        self.reminders = self.huey.periodic_task(crontab(minute="*/5"), name="reminders")(_in_app(_reminders))
        self.housekeeping = self.huey.periodic_task(crontab(minute="17"), name="housekeeping")(
            _in_app(_housekeeping))
        # the reports' tallies, when not built for the lender's zone (a fresh database, a changed zone): one
        # one-row read a minute otherwise
        self.tallies = self.huey.periodic_task(crontab(minute="*"), name="tallies")(_in_app(_tallies))
        # and once an hour, compared with the rows (rebuilt if they differ: a change made without the ORM)
        self.tallies_check = self.huey.periodic_task(crontab(minute="43"), name="tallies_check")(
            _in_app(_tallies_check))


def queue_of(app: Flask | None = None) -> Queue:
    app = app or current_app._get_current_object()
    return app.extensions["portal_queue"]


def enqueue_delivery(row_id: int, delay: float | None = None) -> None:
    """Ask a worker to look at outbox row ``row_id`` (now, or after ``delay`` seconds)."""
    task = queue_of().deliver
    if delay:
        task.schedule(args=(row_id,), delay=delay)
    else:
        task(row_id)


def enqueue_webhook(row_id: int, delay: float | None = None) -> None:
    """Ask a worker to POST webhook delivery ``row_id`` (now, or after ``delay`` seconds)."""
    task = queue_of().deliver_webhook
    if delay:
        task.schedule(args=(row_id,), delay=delay)
    else:
        task(row_id)


def enqueue_export(export_id: int) -> None:
    """Ask a worker to build the borrower's data download ``export_id``."""
    queue_of().build_export(export_id)


def enqueue_import(job_id: int) -> None:
    """Ask a worker to import (or go on importing) the console's upload ``job_id``."""
    queue_of().run_import(job_id)


def configure_queue(app: Flask) -> None:
    url = app.config["QUEUE_URL"]
    queue = app.extensions["portal_queue"] = Queue(url)

    @app.cli.command("worker")
    @click.option("--workers", default=2, show_default=True, help="threads sending messages")
    @click.option("--no-periodic", is_flag=True, help="leave the periodic tasks (sweep, housekeeping) to another "
                                                       "worker: run them in one worker only")
    def worker(workers: int, no_periodic: bool) -> None:
        """Run a worker: sends the outbox, retries, console imports, sweeps and housekeeping (Ctrl+C stops it)."""
        global _task_app
        _task_app = current_app._get_current_object()
        consumer = queue.huey.create_consumer(workers=workers, worker_type="thread", periodic=not no_periodic,
                                        max_delay=1.0, check_worker_health=True)
        click.echo(f"worker: {workers} thread(s) on {url.split('@')[-1]}", err=True)
        consumer.run()
