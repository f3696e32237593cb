"""The task queue: Huey on a SQLite file (default, no server) or on Redis (several machines), and the worker.

``PORTAL_QUEUE_URL``: ``sqlite:///path`` (default: ``queue.sqlite3`` in the instance folder), ``redis://host:6379/1``,
or ``immediate:`` (tests: tasks run inline, in memory). The queue only carries "look at outbox row N" and the
periodic ticks of the tasks each domain registers (``register_task``); the database rows are the source of truth
(a task lost with a killed worker is picked up again by the sweep), so every task is idempotent.

Each task runs in an app context of its own: the worker's app (``flask --app portal worker``), or, in a process
that has none registered, an app created from the environment on first use. A task enqueued in ``immediate``
mode runs inside the app that enqueued it.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import click
from flask import Flask, current_app, has_app_context
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.api import Huey

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


@dataclass(frozen=True)
class Job:
    """Work a domain gives the worker: ``fn(*args)``, run in an app context; periodic when ``every`` is set."""
    name: str
    fn: Callable
    every: crontab | None = None


_JOBS = "portal_queue_jobs"


def register_task(app: Flask, name: str, fn: Callable, every: crontab | None = None) -> None:
    """Give the worker a task (``enqueue(name, *args)`` asks for it) or, with ``every``, a periodic one. Each domain
    registers its own in its ``configure``, before ``configure_queue`` builds the queue; periodic tasks must be
    idempotent (a worker's start fires them once more, and the sweeps redo what a killed worker lost)."""
    jobs = app.extensions.setdefault(_JOBS, {})
    if name in jobs and jobs[name].fn is not fn:
        raise ValueError(f"a task named {name!r} is registered already")
    jobs[name] = Job(name, fn, every)


class Queue:
    """A Huey instance with the tasks the domains registered."""

    def __init__(self, url: str, jobs: Iterable[Job] = ()) -> None:
        self.url = url
        self.huey = _make(url)
        self.tasks: dict[str, Callable] = {}
        for job in jobs:
            wrap = self.huey.task(name=job.name) if job.every is None else \
                self.huey.periodic_task(job.every, name=job.name)
            self.tasks[job.name] = wrap(_in_app(job.fn))

    def task(self, name: str) -> Callable:
        return self.tasks[name]


def queue_of(app: Flask | None = None) -> Queue:
    app = app or current_app._get_current_object()
    return app.extensions["portal_queue"]


def enqueue(name: str, *args, delay: float | None = None) -> None:
    """Ask a worker to run the task ``name`` with ``args`` (now, or after ``delay`` seconds)."""
    task = queue_of().task(name)
    if delay:
        task.schedule(args=args, delay=delay)
    else:
        task(*args)


def configure_queue(app: Flask) -> None:
    url = app.config["QUEUE_URL"]
    queue = app.extensions["portal_queue"] = Queue(url, app.extensions.get(_JOBS, {}).values())

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
