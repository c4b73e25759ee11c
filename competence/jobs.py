"""Background jobs: a thread of the web process by default, RQ workers in production.

A job is named by its dotted path ("competence.certificates.batch:run_batch") and takes plain
arguments, so the same call works in a thread, in an RQ worker, or at once (tests: "sync").
"""

import importlib
import threading
from functools import cache

from flask import Flask, current_app

from competence.extensions import db


def _function(path: str):
    """Import the function a job name points at."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def enqueue(path: str, *args) -> None:
    """Run `path(*args)` in the background with the configured backend."""
    backend = current_app.config["JOBS_BACKEND"]
    if backend == "sync":
        _function(path)(*args)
    elif backend == "rq":
        from rq import Queue

        Queue(connection=redis_connection(current_app.config["REDIS_URL"])).enqueue(
            run_job, path, *args, job_timeout=3600
        )
    else:
        app = current_app._get_current_object()
        thread = threading.Thread(target=_in_app, args=(app, path, args), daemon=True)
        thread.start()


def _in_app(app: Flask, path: str, args) -> None:
    """Run a job in its own app context (a thread of the web process)."""
    with app.app_context():
        try:
            _function(path)(*args)
        except Exception:  # noqa: BLE001 - the job records its own failures; log the rest
            app.logger.exception("background job %s failed", path)
        finally:
            db.session.remove()


@cache
def redis_connection(url: str):
    """Return one Redis connection per URL."""
    from redis import Redis

    return Redis.from_url(url)


@cache
def _worker_app() -> Flask:
    """Return the app an RQ worker process runs jobs in (configured from the environment)."""
    from competence import create_app

    return create_app()


def run_job(path: str, *args) -> None:
    """Entry point of RQ jobs: run inside an app context, creating the app if needed."""
    from flask import has_app_context

    if has_app_context():
        _function(path)(*args)
        return
    with _worker_app().app_context():
        try:
            _function(path)(*args)
        finally:
            db.session.remove()
