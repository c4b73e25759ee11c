"""Benchmark certificate rendering and the batch job against bare WeasyPrint, side by side.

    python benchmarks/bench_certificates.py [--count 1000] [--sample 100] [--workers 2] [--rounds 3]

Three figures in one run, on the same certificates:
- bare limit: WeasyPrint writing the already-rendered HTML of each certificate, with one font
  configuration and one parsed stylesheet, nothing else around it;
- one process: the portal's `render_certificate` (template, QR code, PDF) per certificate;
- batch job: `run_batch` issuing `--count` certificates into a fresh SQLite database (numbering,
  PDF, hash, storage, the e-mail with the PDF in the outbox, audit log, a commit per certificate),
  with the resident memory of the process after the first tenth and at the end.

Where the time goes (2 cores, 2026-11-23): WeasyPrint needs 55-75 ms for one certificate page,
about 6 ms of it for an empty page; each score row costs ~3 ms (a table row with a bold run cost
~6 ms, hence the plain rows), the footer with the QR code ~14 ms. Around the render, the QR
encoding (segno's mask choice) takes ~5 ms and the database, e-mail and audit ~10 ms. The batch
reaches ~0.8 of bare WeasyPrint because a shard takes its number in a short transaction of its
own and does not hold a lock while rendering.
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


def run_batch_in_workers(app, admin, count: int, workers: int, redis_url: str, database_url: str):
    """Issue `count` certificates through RQ with `workers` worker processes; return figures."""
    import subprocess

    from redis import Redis

    from competence.certificates import batch as batches
    from competence.certificates.models import CertificateBatch
    from competence.extensions import db

    Redis.from_url(redis_url).flushdb()
    app.config.update(JOBS_BACKEND="rq", REDIS_URL=redis_url, CERTIFICATE_BATCH_SHARDS=workers)
    env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, JOBS_BACKEND="rq")
    started = time.perf_counter()
    batch = batches.start_batch(admin, "diagnostic", {})
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--burst"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    first_tenth, peak_end, tenth = None, {}, max(1, count // 10)
    steady_from = None  # (time, done) when a tenth was done: the workers have started
    while any(p.poll() is None for p in processes):
        db.session.expire_all()
        current = db.session.get(CertificateBatch, batch.id)
        done = current.issued + current.failed + current.skipped
        memory = {p.pid: rss_of(p.pid) for p in processes if p.poll() is None}
        if first_tenth is None and done >= tenth:
            first_tenth = memory
            steady_from = (time.perf_counter(), done)
        for pid, value in memory.items():
            if value:
                peak_end[pid] = value
        time.sleep(0.2)
    ended = time.perf_counter()
    elapsed = ended - started
    db.session.expire_all()
    finished = db.session.get(CertificateBatch, batch.id)
    steady = (finished.issued - steady_from[1]) / (ended - steady_from[0]) if steady_from else 0
    growth = max(
        (peak_end[pid] - first_tenth[pid]) / first_tenth[pid]
        for pid in first_tenth
        if first_tenth.get(pid)
    )
    return finished, elapsed, steady, first_tenth, peak_end, growth


def main() -> None:
    """Run the measurements and print them with the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{folder}/bench.sqlite3"
        app, context, admin = prepare(database_url, args.count)
        from multiprocessing import get_context

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
            with get_context("fork").Pool(args.workers) as pool:
                times = pool.map(bare_worker, [(html, 3)] * args.workers)
            bare_all = max(bare_all, args.workers * len(html) / max(times))
        db.session.rollback()

        finished, elapsed, steady, first_tenth, at_end, growth = run_batch_in_workers(
            app, admin, args.count, args.workers, args.redis, database_url
        )
        in_batch = finished.issued / elapsed
        context.pop()

    print(f"one-page A4 certificates; {len(sample)} for rendering alone, {args.count} in the batch")
    print(f"font subsetting with HarfBuzz (libharfbuzz-subset0): {harfbuzz_subset()}")
    print(f"{'':<44}{'per second':>11}{'vs bare':>9}")
    print(f"{'bare WeasyPrint, same HTML, 1 process':<44}{bare_one:>11.1f}{'':>9}")
    rows = [
        (f"bare WeasyPrint, same HTML, {args.workers} processes", bare_all, bare_all),
        ("render_certificate, 1 process", one_process, bare_one),
        (f"batch job, RQ, {args.workers} workers ({finished.issued} issued)", in_batch, bare_all),
        ("  the same once the workers run (after 1/10)", steady, bare_all),
    ]
    for name, rate, limit in rows:
        print(f"{name:<44}{rate:>11.1f}{rate / limit:>8.2f}x")
    print(f"(render_certificate is compared with 1 bare process, the batch with {args.workers})")
    print(
        "batch worker memory (MiB) after the first tenth -> at the end: "
        + ", ".join(f"{first_tenth[p]:.0f} -> {at_end[p]:.0f}" for p in first_tenth)
        + f"; largest growth {growth:+.1%}"
    )


if __name__ == "__main__":
    main()
