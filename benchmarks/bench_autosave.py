"""Benchmark answer saves through the real portal against a bare Flask write, side by side.

    python benchmarks/bench_autosave.py [--clients 50] [--seconds 15] [--workers 2]
        [--databases sqlite,postgresql]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

For each database a fresh one is migrated and loaded with the shipped instruments and one attempt
per client. Both servers run under gunicorn with the same worker count: the portal (sessions,
CSRF, validation, the sequence compare-and-set, the ORM) and `benchmarks/bare_save_app.py`, which
does one similar write with nothing around it. Each of the clients (threads with keep-alive
connections) saves answers to its own attempt, one request at a time, like the page's autosave.
"""

import argparse
import http.client
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if not __package__:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

SECRET = "benchmark-secret-key-not-for-production"
PASSWORD = "benchmark pass phrase"


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(database_url: str, clients: int) -> list[dict]:
    """Migrate, load instruments and create one user with an open attempt per client."""
    os.environ.update(DATABASE_URL=database_url, SECRET_KEY=SECRET)
    from flask_migrate import upgrade

    from competence import create_app
    from competence.accounts import consent
    from competence.accounts.models import User
    from competence.accounts.passwords import hash_password
    from competence.database import utcnow
    from competence.diagnostics import services as diagnostics
    from competence.extensions import db
    from competence.instruments import services as instruments
    from competence.instruments.library import compiled
    from competence.instruments.models import ContentDocument
    from competence.schools.models import Municipality, School

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        instruments.load_tree(ROOT / "instruments")
        place = Municipality(name="Бенчмарк")
        school = School(code="bench-1", name="Школа", municipality=place, school_group="secondary")
        db.session.add_all([place, school])
        password_hash = hash_password(PASSWORD)
        document = db.session.scalar(
            db.select(ContentDocument).where(
                ContentDocument.kind == "instrument", ContentDocument.key == "soft-skills"
            )
        )
        items = compiled(document.latest_published).instrument.items
        answers = [(item.id, _answer(item)) for item in items]
        prepared = []
        for number in range(clients):
            user = User(
                email=f"bench{number}@example.org",
                password_hash=password_hash,
                full_name=f"Участник {number}",
                position="teacher",
                school=school,
                municipality=place,
                email_confirmed_at=utcnow(),
            )
            db.session.add(user)
            consent.record_acceptance(user, consent.current_document(), "127.0.0.1", "bench")
            db.session.commit()
            attempt = diagnostics.start(user, document)
            prepared.append({"email": user.email, "attempt": attempt.id, "answers": answers})
        db.session.remove()
        db.engine.dispose()
    return prepared


def _answer(item):
    """Return a valid answer for an item of the soft-skills instrument."""
    if item.type == "likert":
        return 4
    if item.type in ("single_choice", "situational"):
        return item.body.options[0].id
    if item.type == "multiple_choice":
        return [item.body.options[0].id]
    if item.type == "matching":
        return list(range(len(item.body.pairs)))
    if item.type == "ordering":
        return list(range(len(item.body.sequence)))
    return 1


def start_server(target: str, port: int, workers: int, database_url: str) -> subprocess.Popen:
    """Start gunicorn on `target` and wait until it answers."""
    # All clients sign in from one address at once: the sign-in limit would refuse most of them.
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY=SECRET, RATELIMIT_ENABLED="0")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            target,
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{target} did not start")


class Client:
    """One taker: a keep-alive connection, a session cookie and its attempt."""

    def __init__(self, port: int, spec: dict):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.spec = spec
        self.sequence = 0
        self.csrf = ""

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def sign_in(self) -> None:
        """Sign in through the login form and read the attempt page's CSRF token."""
        _, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form = f"csrf_token={token.decode()}&email={self.spec['email']}&password={PASSWORD}"
        status, _ = self.request(
            "POST", "/login", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 302, status
        _, page = self.request("GET", f"/diagnostics/attempts/{self.spec['attempt']}")
        self.csrf = re.search(rb'data-csrf="([^"]+)"', page).group(1).decode()
        self.sequence = int(re.search(rb'data-sequence="(\d+)"', page).group(1))


def run_load(port: int, specs: list[dict], seconds: float, portal: bool) -> list[float]:
    """Let every client save answers for `seconds`; return the latencies of accepted saves."""
    clients = [Client(port, spec) for spec in specs]
    if portal:
        for client in clients:
            client.sign_in()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients) + 1)

    def work(client: Client) -> None:
        answers = client.spec["answers"]
        mine = []
        barrier.wait()
        end = time.perf_counter() + seconds
        index = random.randrange(len(answers))
        while time.perf_counter() < end:
            item, answer = answers[index % len(answers)]
            index += 1
            payload = {"item": item, "answer": answer, "sequence": client.sequence}
            if portal:
                path = f"/api/attempts/{client.spec['attempt']}/answers"
                headers = {"Content-Type": "application/json", "X-CSRFToken": client.csrf}
            else:
                path, headers = (
                    f"/save/{client.spec['attempt']}",
                    {"Content-Type": "application/json"},
                )
            started = time.perf_counter()
            status, body = client.request("POST", path, json.dumps(payload).encode(), headers)
            elapsed = time.perf_counter() - started
            if status != 200:
                with lock:
                    errors.append(f"{status} {body[:120]!r}")
                return
            client.sequence = json.loads(body)["sequence"]
            mine.append(elapsed)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    barrier.wait()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} failed saves, e.g. {errors[0]}")
    return latencies


def percentile(values: list[float], share: float) -> float:
    """Return a percentile of latencies, in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def database_for(kind: str, postgres: str, folder: Path) -> tuple[str, callable]:
    """Return a fresh database URL of `kind` and a function that drops it."""
    if kind == "sqlite":
        path = folder / f"bench-{uuid.uuid4().hex}.sqlite3"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    server = make_url(postgres)
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    """Run both servers on each database and print throughput and latency side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.databases.split(","):
            url, drop = database_for(kind, args.postgres, Path(folder))
            try:
                specs = prepare(url, args.clients)
                measured = {}
                for name, target, portal in (
                    ("portal", "wsgi:app", True),
                    ("bare Flask write", "benchmarks.bare_save_app:app", False),
                ):
                    port = free_port()
                    server = start_server(target, port, args.workers, url)
                    try:
                        latencies = run_load(port, specs, args.seconds, portal)
                    finally:
                        server.terminate()
                        server.wait(timeout=30)
                    measured[name] = (len(latencies) / args.seconds, latencies)
                limit = measured["bare Flask write"][0]
                for name, (rate, latencies) in measured.items():
                    rows.append(
                        (
                            kind,
                            name,
                            rate,
                            percentile(latencies, 0.5),
                            percentile(latencies, 0.99),
                            rate / limit,
                        )
                    )
            finally:
                drop()
    print(
        f"answer saves: {args.clients} clients, gunicorn {args.workers} sync workers, "
        f"{args.seconds:g} s each"
    )
    print(f"{'database':<12}{'server':<20}{'saves/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs bare':>9}")
    for kind, name, rate, p50, p99, ratio in rows:
        print(f"{kind:<12}{name:<20}{rate:>9.0f}{p50:>9.1f}{p99:>9.1f}{ratio:>8.2f}x")


if __name__ == "__main__":
    main()
