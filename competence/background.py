"""Periodic housekeeping in a thread of the development server (production runs the CLI)."""

import threading
import time
from collections.abc import Callable

from flask import Flask

from competence.extensions import db


def run_safely(app: Flask, task: Callable[[], object]) -> None:
    """Run one task in an app context; log an error instead of ending the loop."""
    with app.app_context():
        try:
            task()
        except Exception:  # noqa: BLE001 - a loop that dies silently stops all later work
            app.logger.exception("background task %s failed", task.__name__)
            db.session.rollback()
        finally:
            db.session.remove()


def start_housekeeping(app: Flask, tasks, interval: float = 10.0) -> threading.Thread:
    """Run `tasks` every `interval` seconds from a daemon thread."""

    def loop() -> None:
        while True:
            for task in tasks:
                run_safely(app, task)
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="housekeeping", daemon=True)
    thread.start()
    return thread
