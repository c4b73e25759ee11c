"""Benchmark certificate rendering and the batch job against bare WeasyPrint, side by side.

    python benchmarks/bench_certificates.py [--count 1000] [--sample 100] [--workers 2]
        [--rounds 3] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Figures in one run, on the same certificates:
- bare limit: WeasyPrint writing the already-rendered HTML of each certificate, with one font
  configuration and one parsed stylesheet, nothing else around it, in one process and in as many
  processes as there are workers (measured before and after the batch; the best counts);
- one process: the portal's `render_certificate` (template, QR code, PDF) per certificate;
- batch job: `--count` certificates issued by `--workers` running `flask jobs worker` processes
  over RQ (needs Redis), timed from the start of the batch to its end (numbering, PDF, hash,
  storage, the e-mail with the PDF in the outbox, audit log, progress), into a fresh SQLite
  database, or into a PostgreSQL database created for the run with `--database-url`; with the
  resident memory of each worker after the first tenth and at the end.

Where the time goes (2 cores, 2026-12-02): WeasyPrint needs about 35-40 ms for one certificate
page (3-4 ms of it for an empty page; style and layout about 70 %, drawing, font subsetting and
writing the PDF the rest). Around it, per certificate: the QR code ~1.3 ms, the template ~0.5 ms,
checks, e-mail, audit and the database ~2 ms. A shard plans, numbers and renders a group of
certificates (`batch.GROUP`) without writing anything, then writes the group in one short
transaction: the commit, the progress update and the taking of numbers are shared, and SQLite's
single write lock is held only for the writing. A worker renders a sample certificate at its
start, so a batch does not wait for the fonts to load.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if not __package__:
    sys.path.insert(0, str(ROOT))


def rss_mib() -> float:
    """Return the resident memory of this process in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def prepare(database_url: str, count: int):
    """Create an app on a fresh database with `count` finished diagnostics to certify."""
    os.environ.update(DATABASE_URL=database_url, SECRET_KEY="benchmark", JOBS_BACKEND="sync")
    from flask_migrate import upgrade

    from competence import create_app
    from competence.accounts.models import User
    from competence.database import utcnow
    from competence.diagnostics.models import Attempt, AttemptStatus, CompetenceScore
    from competence.extensions import db
    from competence.instruments import services as instruments
    from competence.instruments.library import compiled
    from competence.instruments.models import ContentDocument
    from competence.schools.models import Municipality, School

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    context = app.app_context()
    context.push()
    upgrade()
    instruments.load_tree(ROOT / "instruments")
    document = db.session.scalar(
        db.select(ContentDocument).where(
            ContentDocument.kind == "instrument", ContentDocument.key == "soft-skills"
        )
    )
    version = document.latest_published
    ready = compiled(version)
    place = Municipality(name="Бенчмарк")
    school = School(code="bench-1", name="Школа", municipality=place, school_group="secondary")
    db.session.add_all([place, school])
    now = utcnow()
    for number in range(count):
        user = User(
            email=f"holder{number}@example.org",
            password_hash="x",
            full_name=f"Участникова Мария {number:04d}",
            position="teacher",
            school=school,
            municipality=place,
        )
        attempt = Attempt(
            user=user,
            document_id=document.id,
            version_id=version.id,
            status=AttemptStatus.SUBMITTED,
            started_at=now - timedelta(hours=1),
            deadline_at=now,
            submitted_at=now,
            layout={"items": [], "options": {}, "entries": {}},
            total_score=61.0,
            item_scores={},
        )
        for index, competence in enumerate(ready.instrument.competences):
            score = 40.0 + 10 * index
            attempt.competence_scores.append(
                CompetenceScore(
                    competence=competence,
                    score=score,
                    level="basic",
                    threshold=65.0,
                    deficit=score < 65,
                    depth=max(0.0, 65 - score),
                )
            )
        db.session.add(attempt)
    admin = User(
        email="admin@example.org",
        password_hash="x",
        full_name="Админ",
        position="other",
        role="admin",
    )
    db.session.add(admin)
    db.session.commit()
    return app, context, admin


def harfbuzz_subset() -> str:
    """Tell whether WeasyPrint can subset fonts with HarfBuzz (several times faster)."""
    import ctypes.util

    return "yes" if ctypes.util.find_library("harfbuzz-subset") else "NO (expect ~7x slower pages)"


def rss_of(pid: int) -> float:
    """Return the resident memory of a process in MiB (0 once it has exited)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def bare_worker(args) -> float:
    """Render pre-rendered HTML documents with WeasyPrint alone; return the seconds taken."""
    documents, warm = args
    from weasyprint import HTML

    from competence.certificates.document import STYLESHEETS
    from competence.certificates.pdf import STATIC, font_config, stylesheet

    sheets = [stylesheet(path) for path in STYLESHEETS]
    for document in documents[:warm]:
        HTML(string=document, base_url=str(STATIC) + "/").write_pdf(
            stylesheets=sheets, font_config=font_config()
        )
    started = time.perf_counter()
    for document in documents:
        HTML(string=document, base_url=str(STATIC) + "/").write_pdf(
            stylesheets=sheets, font_config=font_config()
        )
    return time.perf_counter() - started


def _database(url: str | None, folder: str):
    """Return the URL of a fresh database for the run and a function that drops it afterwards.

    Without a URL, an SQLite file in `folder` (the embedded default); with a PostgreSQL URL, a
    database `bench_certificates` created on that server (the production path).
    """
    if not url:
        return f"sqlite:///{folder}/bench.sqlite3", lambda: None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS bench_certificates"))
        connection.execute(text("CREATE DATABASE bench_certificates"))

    def drop() -> None:
        with server.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS bench_certificates WITH (FORCE)"))
        server.dispose()

    return make_url(url).set(database="bench_certificates").render_as_string(False), drop


def start_workers(workers: int, redis_url: str, database_url: str):
    """Start `workers` RQ worker processes and wait until each is warmed up and idle.

    In production the workers run all the time; a batch does not pay for their start.
    """
    import subprocess

    from redis import Redis
    from rq import Worker

    connection = Redis.from_url(redis_url)
    connection.flushdb()
    env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, JOBS_BACKEND="rq")
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready = [w for w in Worker.all(connection=connection) if w.get_state() == "idle"]
        if len(ready) == workers:
            return processes
        if any(p.poll() is not None for p in processes):
            break
        time.sleep(0.1)
    for process in processes:
        process.kill()
    sys.exit("the RQ workers did not start: run `flask --app wsgi jobs worker` to see why")


def stop_workers(processes) -> None:
    """Ask the workers to finish (SIGTERM is RQ's warm shutdown) and wait for them."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except Exception:  # noqa: BLE001 - a worker that hangs is killed
            process.kill()


def run_batch_in_workers(app, admin, count: int, processes, redis_url: str):
    """Issue `count` certificates through the running RQ workers; return figures.

    Timed from the administrator's start of the batch to its end, as the progress page sees it.
    """
    from competence.certificates import batch as batches
    from competence.certificates.models import BatchStatus, CertificateBatch
    from competence.extensions import db

    app.config.update(
        JOBS_BACKEND="rq", REDIS_URL=redis_url, CERTIFICATE_BATCH_SHARDS=len(processes)
    )
    started = time.perf_counter()
    batch = batches.start_batch(admin, "diagnostic", {})
    first_tenth, at_end, tenth = None, {}, max(1, count // 10)
    while True:
        db.session.expire_all()
        current = db.session.get(CertificateBatch, batch.id)
        memory = {p.pid: rss_of(p.pid) for p in processes}
        if first_tenth is None and current.issued + current.failed >= tenth:
            first_tenth = memory
        at_end = memory
        if current.status == BatchStatus.FINISHED:
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    db.session.commit()
    growth = max((at_end[pid] - first_tenth[pid]) / first_tenth[pid] for pid in first_tenth)
    return current, elapsed, first_tenth, at_end, growth


def bare_in_processes(html: list[str], workers: int) -> float:
    """Return certificates per second of bare WeasyPrint in `workers` parallel processes."""
    from multiprocessing import get_context

    with get_context("fork").Pool(workers) as pool:
        times = pool.map(bare_worker, [(html, 3)] * workers)
    return workers * len(html) / max(times)


def main() -> None:
    """Run the measurements and print them with the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to run the batch on (a database is created there and dropped)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        database_url, drop_database = _database(args.database_url, folder)
        app, context, admin = prepare(database_url, args.count)
        from competence.certificates import services
        from competence.certificates.document import certificate_html, render_certificate
        from competence.certificates.models import Certificate
        from competence.diagnostics.models import Attempt
        from competence.extensions import db

        attempts = db.session.scalars(db.select(Attempt).limit(args.sample)).all()
        sample = []
        for number, attempt in enumerate(attempts, start=1):
            content = services.attempt_content(attempt)
            certificate = Certificate(
                number=services.format_number(2026, number),
                year=2026,
                serial=number,
                kind="diagnostic",
                user_id=attempt.user_id,
                holder_name=attempt.user.full_name,
                title=content.title,
                hours=content.hours,
                details=content.details,
                issued_at=attempt.submitted_at,
            )
            sample.append((certificate, f"https://portal.khkiro.ru/verify/{certificate.number}"))
        html = [certificate_html(c, url) for c, url in sample]

        # The machine's load varies: measure bare and portal rendering in turns, keep the best.
        bare_one = one_process = bare_all = 0.0
        render_certificate(*sample[0])
        for _ in range(args.rounds):
            bare_one = max(bare_one, len(html) / bare_worker((html, 3)))
            started = time.perf_counter()
            for certificate, url in sample:
                render_certificate(certificate, url)
            one_process = max(one_process, len(sample) / (time.perf_counter() - started))
            bare_all = max(bare_all, bare_in_processes(html, args.workers))
        db.session.rollback()

        processes = start_workers(args.workers, args.redis, database_url)
        try:
            finished, elapsed, first_tenth, at_end, growth = run_batch_in_workers(
                app, admin, args.count, processes, args.redis
            )
        finally:
            stop_workers(processes)
        # The bare limit once more right after the batch: the batch is compared with the best.
        bare_all = max(bare_all, bare_in_processes(html, args.workers))
        in_batch = finished.issued / elapsed
        db.session.remove()
        context.pop()
        drop_database()

    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"one-page A4 certificates; {len(sample)} for rendering alone, {args.count} in the batch")
    print(f"font subsetting with HarfBuzz (libharfbuzz-subset0): {harfbuzz_subset()}")
    print(f"{'':<48}{'per second':>11}{'vs bare':>9}")
    print(f"{'bare WeasyPrint, same HTML, 1 process':<48}{bare_one:>11.1f}{'':>9}")
    rows = [
        (f"bare WeasyPrint, same HTML, {args.workers} processes", bare_all, bare_all),
        ("render_certificate, 1 process", one_process, bare_one),
        (
            f"batch job, RQ, {args.workers} workers, {backend} ({finished.issued})",
            in_batch,
            bare_all,
        ),
    ]
    for name, rate, limit in rows:
        print(f"{name:<48}{rate:>11.1f}{rate / limit:>8.2f}x")
    print(f"(render_certificate is compared with 1 bare process, the batch with {args.workers})")
    print(
        "batch worker memory (MiB) after the first tenth -> at the end: "
        + ", ".join(f"{first_tenth[p]:.0f} -> {at_end[p]:.0f}" for p in first_tenth)
        + f"; largest growth {growth:+.1%}"
    )


if __name__ == "__main__":
    main()
