"""The demo region and accounts, and the development server that also delivers the outbox."""

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from werkzeug.serving import run_simple

from competence.accounts.models import Role, User
from competence.accounts.passwords import hash_password
from competence.accounts.sessions import purge_expired
from competence.background import start_housekeeping
from competence.certificates.batch import resume_stalled_batches
from competence.certificates.models import Certificate
from competence.certificates.verification import format_check_code
from competence.database import utcnow
from competence.demo.colleagues import load_colleagues
from competence.demo.staff import CAMPAIGNS, load_demo_staff
from competence.diagnostics.services import close_expired
from competence.extensions import db
from competence.instruments.cli import DEFAULT_PATH as INSTRUMENTS_DIR
from competence.instruments.cli import echo_skipped
from competence.instruments.services import load_tree
from competence.outbox.models import OutboxMessage
from competence.outbox.services import deliver_due
from competence.schools.imports import import_indicators
from competence.schools.models import Municipality, School, SchoolIndicators
from competence.schools.registry import import_registry
from competence.tracks.library import load_catalog
from competence.tutoring.models import TutorAssignment

REGION_FILE = Path(__file__).with_name("region.csv")
INDICATORS_FILE = Path(__file__).with_name("indicators.csv")


@dataclass(frozen=True)
class DemoAccount:
    """A demo account; its credentials are printed and listed in the README."""

    email: str
    password: str
    full_name: str
    role: str
    position: str
    school_code: str | None = None
    subjects: tuple[str, ...] = ()


DEMO_ACCOUNTS = (
    DemoAccount(
        "teacher@demo.khkiro.ru",
        "demo-teacher-2026",
        "Иванова Мария Петровна",
        Role.TEACHER,
        "teacher",
        "27-01-02",
        ("mathematics", "informatics"),
    ),
    DemoAccount(
        "director@demo.khkiro.ru",
        "demo-director-2026",
        "Соколов Андрей Викторович",
        Role.DIRECTOR,
        "director",
        "27-01-02",
    ),
    DemoAccount(
        "methodist@demo.khkiro.ru",
        "demo-methodist-2026",
        "Ким Елена Сергеевна",
        Role.METHODIST,
        "other",
    ),
    DemoAccount(
        "coordinator@demo.khkiro.ru",
        "demo-coordinator-2026",
        "Петренко Ольга Николаевна",
        Role.COORDINATOR,
        "other",
        "27-01-01",
    ),
    DemoAccount(
        "ministry@demo.khkiro.ru",
        "demo-ministry-2026",
        "Орлова Марина Игоревна",
        Role.MINISTRY,
        "other",
    ),
    DemoAccount(
        "tutor@demo.khkiro.ru",
        "demo-tutor-2026",
        "Белова Татьяна Александровна",
        Role.TUTOR,
        "other",
    ),
    DemoAccount(
        "admin@demo.khkiro.ru",
        "demo-admin-2026",
        "Администратор портала",
        Role.ADMIN,
        "other",
    ),
)


def load_region() -> None:
    """Create the demo municipalities and import the demo schools through the register import."""
    with REGION_FILE.open(encoding="utf-8") as handle:
        names = list(dict.fromkeys(row["municipality"] for row in csv.DictReader(handle)))
    existing = set(db.session.scalars(select(Municipality.name)))
    db.session.add_all(Municipality(name=name) for name in names if name not in existing)
    db.session.commit()
    import_registry(REGION_FILE.name, REGION_FILE.read_bytes())


def demo_school_codes() -> list[str]:
    """Return the codes of the demo schools."""
    with REGION_FILE.open(encoding="utf-8") as handle:
        return [row["school_code"] for row in csv.DictReader(handle)]


def load_indicators() -> bool:
    """Import the demo indicator values unless some are stored already; tell whether it did."""
    if db.session.scalar(select(SchoolIndicators.id).limit(1)) is not None:
        return False
    import_indicators(INDICATORS_FILE.name, INDICATORS_FILE.read_bytes())
    return True


def load_accounts() -> list[DemoAccount]:
    """Create the demo accounts that do not exist yet; return the ones created."""
    created = []
    for account in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.email == account.email)):
            continue
        school = (
            db.session.scalar(select(School).where(School.code == account.school_code))
            if account.school_code
            else None
        )
        user = User(
            email=account.email,
            password_hash=hash_password(account.password),
            full_name=account.full_name,
            role=account.role,
            position=account.position,
            school=school if account.role != Role.COORDINATOR else None,
            municipality=school.municipality if school else None,
            email_confirmed_at=utcnow(),
        )
        user.subjects = account.subjects
        db.session.add(user)
        created.append(account)
    db.session.commit()
    return created


def load_tutor_assignments() -> int:
    """Assign the demo tutor to the demo teacher and to the demo school's municipality.

    Returns how many assignments were added (none when they are there already).
    """
    emails = ("tutor@demo.khkiro.ru", "teacher@demo.khkiro.ru", "methodist@demo.khkiro.ru")
    people = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    tutor, teacher, methodist = (people.get(email) for email in emails)
    if tutor is None or teacher is None or not tutor.has_role(Role.TUTOR):
        return 0
    wanted = [{"teacher_id": teacher.id}]
    if teacher.school is not None:
        wanted.append({"municipality_id": teacher.school.municipality_id})
    added = 0
    for where in wanted:
        column, value = next(iter(where.items()))
        exists = db.session.scalar(
            select(TutorAssignment.id).where(
                TutorAssignment.tutor_id == tutor.id, getattr(TutorAssignment, column) == value
            )
        )
        if exists is None:
            db.session.add(
                TutorAssignment(
                    tutor_id=tutor.id, assigned_by_id=methodist.id if methodist else None, **where
                )
            )
            added += 1
    db.session.commit()
    return added


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo region, the shipped instruments and a demo account per role (repeatable)."""
    load_region()
    if load_indicators():
        click.echo("Indicator values of the demo schools imported (2021-2024)")
    load_accounts()
    load_tutor_assignments()
    report = load_tree(INSTRUMENTS_DIR)
    click.echo(f"Instruments: {len(report.published)} published, {len(report.unchanged)} unchanged")
    echo_skipped(report)
    catalog = load_catalog()
    click.echo(f"Catalogue: {len(catalog.created)} modules added, {catalog.unchanged} unchanged")
    colleagues = load_colleagues()
    if colleagues:
        click.echo(f"Colleagues of the demo teacher with diagnostics taken: {len(colleagues)}")
    codes = demo_school_codes()
    staff = load_demo_staff(codes)
    if staff is not None:
        click.echo(
            f"Generated demo staff with results of {CAMPAIGNS} campaigns: {staff.staff} people "
            f"in {len(codes)} schools, {staff.attempts} results, {staff.tracks} tracks"
        )
    for number, code in db.session.execute(
        select(Certificate.number, Certificate.check_code).order_by(Certificate.id)
    ):
        code = format_check_code(code)
        click.echo(f"Demo certificate to check at /verify: {number}, check code {code}")
    click.echo("Demo accounts (e-mail / password):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.role:<12} {account.email:<28} {account.password}")


class LetterEcho:
    """Print each letter queued since the last call to the console (development without SMTP)."""

    def __init__(self):
        self.last_id = db.session.scalar(select(func.max(OutboxMessage.id))) or 0

    def __call__(self) -> None:
        """Print the new letters: recipient, subject and the plain text with its links."""
        letters = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.id > self.last_id).order_by(OutboxMessage.id)
        ).all()
        for letter in letters:
            click.echo(
                f"--- e-mail to {letter.recipient}: {letter.subject}\n{letter.body_text}\n---"
            )
            self.last_id = letter.id


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Run the development server; a background thread delivers e-mail and closes attempts."""
    app = current_app._get_current_object()
    if "PUBLIC_URL" not in os.environ:
        # Links in e-mails and certificates should lead to the portal actually being served.
        app.config["PUBLIC_URL"] = f"http://{host}:{port}"
    if "SECOND_FACTOR_ROLES" not in os.environ:
        # The demo accounts are for trying the portal without a phone at hand; production
        # (gunicorn) requires the second factor of administrators, methodists and coordinators.
        app.config["SECOND_FACTOR_ROLES"] = ()
        click.echo(
            "Demo: the second factor is optional for every role "
            "(SECOND_FACTOR_ROLES=admin,methodist,coordinator,ministry,tutor requires it, "
            "as in production)"
        )
    tasks = [deliver_due, close_expired, resume_stalled_batches, purge_expired]
    if not app.config["MAIL_DELIVERY_ENABLED"]:
        # The outbox page masks the links in letters; on a development machine without SMTP
        # the console is where the person running the portal follows them.
        tasks.append(LetterEcho())
        click.echo("MAIL_SERVER is not set: new e-mails are printed here, links included")
    # With jobs in threads of this process, a batch cut short by a restart goes on by itself.
    start_housekeeping(app, tasks)
    click.echo(f"The portal is at http://{host}:{port}/ (Ctrl+C stops it)")
    # app.run() refuses to start from inside a `flask` command, so call Werkzeug directly.
    run_simple(host, port, app, threaded=True, use_reloader=False)
