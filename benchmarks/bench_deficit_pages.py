"""Benchmark the deficit analytics pages on a generated region of 450 schools and 15,000 teachers.

    python benchmarks/bench_deficit_pages.py [--requests 50] [--warmup 3] [--schools 450]
        [--teachers 15000] [--campaigns 3] [--seed 1] [--max-seconds 120] [--only PATH-PART]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
        [--sqlite-file PATH] [--output benchmarks/results/deficit_pages.json]

For each database (a SQLite file in a temporary folder, or the one given with --sqlite-file,
kept and reused on the next run; and, with --postgres, a database created on that server for
the run and dropped after it) the script migrates it, runs the generator (`flask analytics
generate`, same function) and times it, then signs in through Flask's test client as the
director of the largest school (150 staff), a methodist and the coordinator of that school's
municipality, and requests each page of the plan `--warmup` times, then `--requests` times,
timing each request in the process (no network, no server). A page that takes longer than
`--max-seconds` over its warm-up, or again over its timed requests, gets fewer of them (at least
one of each); the table gives the count. A page that answers anything but 200 is reported as an
error with its status, and the script exits with status 1.

Prints p50/p99 per page and writes them with the generator's time, the sizes and the machine to
a JSON file under benchmarks/results/. Targets (issue 15, 2 cores): the director's page under
150 ms, the regional page under 300 ms. The second factor is switched off for the signed-in
roles (SECOND_FACTOR_ROLES empty), as the test suite does.
"""

import argparse
import json
import os
import platform
import re
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if not __package__:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

SECRET = "benchmark-secret-key-not-for-production"
PASSWORD = "benchmark pass phrase"
RESULTS = ROOT / "benchmarks" / "results" / "deficit_pages.json"
# (who, page); {municipality} is the director's school's municipality.
PLAN = (
    ("director", "/analytics/school"),
    ("director", "/analytics/demand"),
    ("coordinator", "/analytics/municipality"),
    ("coordinator", "/analytics/demand"),
    ("methodist", "/analytics/region"),
    ("methodist", "/analytics/municipality/{municipality}"),
    ("methodist", "/analytics/demand"),
)
TARGETS_MS = {"/analytics/school": 150, "/analytics/region": 300}


def percentile(values: list[float], share: float) -> float:
    """Return a percentile of latencies (nearest rank), in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def database_for(kind: str, postgres: str, folder: Path, sqlite_file: str | None):
    """Return a database URL of `kind` and a function that drops it (or keeps a given file)."""
    if kind == "sqlite":
        if sqlite_file:
            return f"sqlite:///{Path(sqlite_file).resolve()}", lambda: None
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


def make_app(database_url: str):
    """Return the portal on `database_url`, with no second factor and no rate limits."""
    os.environ.update(DATABASE_URL=database_url, SECRET_KEY=SECRET)
    from competence import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECOND_FACTOR_ROLES": (),
            "RATELIMIT_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )


def prepare(app, args) -> tuple[float | None, str]:
    """Migrate and generate the region unless it is there; return (seconds, summary line)."""
    from flask_migrate import upgrade

    from competence.deficits.generator import (
        already_generated,
        ensure_content,
        generate_region,
        refresh_statistics,
    )
    from competence.extensions import db

    with app.app_context():
        upgrade()
        if already_generated():
            return None, "region already generated in this database: reused"
        started = time.perf_counter()
        ensure_content()
        summary = generate_region(args.schools, args.teachers, args.campaigns, args.seed)
        db.session.commit()
        refresh_statistics()
        seconds = time.perf_counter() - started
        staff = summary["staff"]
        line = (
            f"generated {summary['schools']} schools, {staff.staff} staff, {staff.attempts} "
            f"attempts, {staff.scores} scores, {staff.tracks} tracks in {seconds:.1f} s"
        )
        db.session.remove()
        return seconds, line


def sign_in_accounts(app) -> dict:
    """Give the benchmark's three people a password and consent; return their e-mails and ids."""
    from sqlalchemy import func, select

    from competence.accounts import consent
    from competence.accounts.models import Role, User
    from competence.accounts.passwords import hash_password
    from competence.database import utcnow
    from competence.extensions import db

    with app.app_context():
        school_id, staff = db.session.execute(
            select(User.school_id, func.count())
            .where(User.school_id.is_not(None), User.active.is_(True))
            .group_by(User.school_id)
            .order_by(func.count().desc(), User.school_id)
            .limit(1)
        ).one()
        director = db.session.scalar(
            select(User).where(User.school_id == school_id, User.role == Role.DIRECTOR)
        )
        password_hash = hash_password(PASSWORD)
        director.password_hash = password_hash
        municipality_id = director.municipality_id
        people = {"director": director}
        for role in (Role.METHODIST, Role.COORDINATOR):
            email = f"bench-{role}@generated.khkiro.example"
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                user = User(
                    email=email,
                    password_hash=password_hash,
                    full_name=f"Бенчмарк {role}",
                    position="other",
                    role=role,
                    municipality_id=municipality_id if role == Role.COORDINATOR else None,
                    email_confirmed_at=utcnow(),
                )
                db.session.add(user)
            people[str(role)] = user
        document = consent.current_document()
        for user in people.values():
            db.session.flush()
            if not consent.has_accepted(user, document.id):
                consent.record_acceptance(user, document, "127.0.0.1", "benchmark")
        db.session.commit()
        found = {
            "emails": {who: user.email for who, user in people.items()},
            "school_id": school_id,
            "school_staff": staff,
            "municipality": municipality_id,
        }
        db.session.remove()
        return found


def sign_in(app, email: str):
    """Return a test client signed in as `email` through the login form."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token is None:
        token = re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    if response.status_code != 302:
        raise RuntimeError(f"signing in as {email} failed: status {response.status_code}")
    return client


def time_pages(app, accounts: dict, args) -> list[dict]:
    """Request each page of the plan; return one row per page with its latencies."""
    clients = {who: sign_in(app, email) for who, email in accounts["emails"].items()}
    rows = []
    for who, pattern in PLAN:
        path = pattern.format(municipality=accounts["municipality"])
        if args.only and args.only not in path:
            continue
        client = clients[who]
        row = {"who": who, "path": path, "status": None, "error": None, "latencies": []}
        started = time.perf_counter()
        for _ in range(args.warmup):
            response = client.get(path)
            row["status"] = response.status_code
            if row["status"] != 200 or time.perf_counter() - started > args.max_seconds:
                break
        if row["status"] != 200:
            location = response.headers.get("Location")
            row["error"] = f"answered {row['status']}" + (f" (to {location})" if location else "")
            print(f"  {who} {path}: {row['error']}", flush=True)
            rows.append(row)
            continue
        budget = time.perf_counter() + args.max_seconds
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(path)
            response.get_data()
            row["latencies"].append(time.perf_counter() - started)
            if response.status_code != 200:
                row["error"] = f"answered {response.status_code} during the run"
                break
            if time.perf_counter() > budget:
                break  # a page this slow gets fewer requests; the count is reported
        row["bytes"] = len(response.get_data())
        # Cold: the page built from scratch, as after a change of its data (competence/deficits/
        # snapshots.py keeps built pages and region cells on the app while the data is the same).
        row["cold_latencies"] = []
        for _ in range(args.cold):
            for name in [key for key in app.extensions if key.startswith("deficits.")]:
                app.extensions[name].clear()
            started = time.perf_counter()
            client.get(path).get_data()
            row["cold_latencies"].append(time.perf_counter() - started)
        rows.append(row)
        latencies, cold = row["latencies"], row["cold_latencies"]
        print(
            f"  {who} {path}: {len(latencies)} requests, p50 {percentile(latencies, 0.5):.0f} ms, "
            f"p99 {percentile(latencies, 0.99):.0f} ms"
            + (f"; cold ({len(cold)}): p50 {percentile(cold, 0.5):.0f} ms" if cold else ""),
            flush=True,
        )
    return rows


def dispose(app) -> None:
    """Close the app's database connections, so the database can be dropped."""
    from competence.extensions import db

    with app.app_context():
        db.engine.dispose()


def machine() -> dict:
    """Describe where the figures come from."""
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def main() -> None:
    """Build the region on each database, time the pages and print and store p50/p99."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--cold", type=int, default=5, help="requests timed with the page caches emptied first"
    )
    parser.add_argument("--schools", type=int, default=450)
    parser.add_argument("--teachers", type=int, default=15_000)
    parser.add_argument("--campaigns", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=120,
        help="time spent on a page's warm-up, and again on its requests, before stopping early",
    )
    parser.add_argument("--only", default="", help="time only pages whose path contains this")
    parser.add_argument("--postgres", default="", help="also run on a database of this server")
    parser.add_argument("--sqlite-file", default=None, help="build into (or reuse) this file")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    args.warmup = max(args.warmup, 1)  # the first request tells whether the page is there

    kinds = ["sqlite"] + (["postgresql"] if args.postgres else [])
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "sizes": {
            "schools": args.schools,
            "teachers": args.teachers,
            "campaigns": args.campaigns,
            "seed": args.seed,
        },
        "requests": args.requests,
        "warmup": args.warmup,
        "max_seconds": args.max_seconds,
        "targets_ms": TARGETS_MS,
        "databases": {},
    }
    errors = []
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            url, drop = database_for(kind, args.postgres, Path(folder), args.sqlite_file)
            try:
                app = make_app(url)
                seconds, line = prepare(app, args)
                print(f"{kind}: {line}", flush=True)
                accounts = sign_in_accounts(app)
                rows = time_pages(app, accounts, args)
                dispose(app)
            finally:
                drop()
            report["databases"][kind] = {
                "generator_seconds": None if seconds is None else round(seconds, 1),
                "director_school_staff": accounts["school_staff"],
                "pages": [_summary(row) for row in rows],
            }
            errors += [f"{kind} {r['who']} {r['path']}: {r['error']}" for r in rows if r["error"]]
    _print_table(report)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"results written to {output}")
    if errors:
        print("ERRORS:", *errors, sep="\n  ")
        sys.exit(1)


def _summary(row: dict) -> dict:
    """Return a page's figures for the JSON file."""
    latencies = row["latencies"]
    target = TARGETS_MS.get(row["path"])
    p99 = round(percentile(latencies, 0.99), 1) if latencies else None
    return {
        "who": row["who"],
        "path": row["path"],
        "status": row["status"],
        "error": row["error"],
        "requests": len(latencies),
        "p50_ms": round(percentile(latencies, 0.5), 1) if latencies else None,
        "p99_ms": p99,
        "max_ms": round(1000 * max(latencies), 1) if latencies else None,
        "bytes": row.get("bytes"),
        "cold_requests": len(row.get("cold_latencies", [])),
        "cold_p50_ms": round(percentile(row["cold_latencies"], 0.5), 1)
        if row.get("cold_latencies")
        else None,
        "target_ms": target,
        "within_target": None if target is None or p99 is None else p99 < target,
    }


def _print_table(report: dict) -> None:
    """Print p50/p99 per database and page."""
    sizes = report["sizes"]
    print(
        f"deficit pages: {sizes['schools']} schools, {sizes['teachers']} teachers, "
        f"{sizes['campaigns']} campaigns; {report['requests']} requests after "
        f"{report['warmup']} warm-up"
    )
    print(f"{'database':<11}{'who':<12}{'page':<34}{'n':>4}{'p50 ms':>9}{'p99 ms':>9}  target")
    for kind, figures in report["databases"].items():
        for page in figures["pages"]:
            if page["error"]:
                print(f"{kind:<11}{page['who']:<12}{page['path']:<34}  ERROR: {page['error']}")
                continue
            target = ""
            if page["target_ms"]:
                verdict = "ok" if page["within_target"] else "OVER"
                target = f"< {page['target_ms']} {verdict}"
            print(
                f"{kind:<11}{page['who']:<12}{page['path']:<34}{page['requests']:>4}"
                f"{page['p50_ms']:>9.1f}{page['p99_ms']:>9.1f}  {target}"
            )


if __name__ == "__main__":
    main()
