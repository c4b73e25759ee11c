"""The demo region and accounts that the README's first command loads."""

from collections import Counter

from sqlalchemy import func, select

from competence.accounts.access import tutors_teacher
from competence.accounts.models import Role, User
from competence.accounts.passwords import verify_password
from competence.demo import DEMO_ACCOUNTS
from competence.demo.colleagues import COLLEAGUES
from competence.demo.staff import CAMPAIGNS, STAFF_SIZES, demo_staff_query
from competence.extensions import db
from competence.instruments.library import latest_published_versions
from competence.schools.models import Municipality, School
from competence.tutoring.models import TutorAssignment
from tests.factories import login, make_user, post_form


def _check_generated_staff(app, output: str) -> None:
    """Every demo school has a generated staff with results; the region's shares are shown."""
    from competence.deficits.results import instruments_with_results, region_cells
    from competence.diagnostics.models import Attempt
    from competence.tracks.models import DevelopmentTrack

    staff = db.session.scalars(demo_staff_query()).all()
    assert f"Generated demo staff with results of {CAMPAIGNS} campaigns: {len(staff)} people" in (
        output
    )
    per_school = Counter(user.school_id for user in staff)
    assert len(per_school) == db.session.scalar(select(func.count(School.id)))
    assert STAFF_SIZES[0] <= min(per_school.values()) <= max(per_school.values()) <= STAFF_SIZES[1]
    assert all(user.role == Role.TEACHER for user in staff)
    ids = [user.id for user in staff]
    taken = db.session.scalar(select(func.count(Attempt.id)).where(Attempt.user_id.in_(ids)))
    assert taken >= CAMPAIGNS * len(staff)
    assert db.session.scalar(
        select(func.count(DevelopmentTrack.id)).where(DevelopmentTrack.user_id.in_(ids))
    )
    # The region's soft-skills shares are published, not hidden as a small group.
    soft = next(i for i in instruments_with_results() if i.key == "soft-skills")
    cells = region_cells(soft, app.config["ANALYTICS_MIN_GROUP"])
    for competence in soft.competence_ids:
        cell = cells.region(competence)
        assert cell.n >= len(staff) and not cell.suppressed and 0 < cell.with_deficit < cell.n
    # Generated accounts cannot sign in: their stored hash is no argon2 hash at all.
    assert not verify_password(staff[0].password_hash, "")


def test_seed_demo_loads_the_region_accounts_and_a_staff_with_results(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    for account in DEMO_ACCOUNTS:
        assert account.email in result.output and account.password in result.output
    assert {account.role for account in DEMO_ACCOUNTS} == set(Role)
    groups = set(db.session.scalars(select(School.school_group)))
    assert groups == {"secondary", "basic"}
    assert db.session.scalar(select(func.count(Municipality.id))) >= 19
    instruments = latest_published_versions("instrument")
    assert sorted(v.document.key for v in instruments) == [
        "management-director",
        "mathematics-teacher",
        "methodical-teacher",
        "russian-teacher",
        "soft-skills",
    ]

    _check_generated_staff(app, result.output)
    staff = db.session.scalars(demo_staff_query()).all()
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "Generated demo staff" not in again.output
    # The demo tutor tutors the demo teacher (and the demo school's municipality), once.
    tutor, teacher = (
        db.session.scalar(select(User).where(User.email == email))
        for email in ("tutor@demo.khkiro.ru", "teacher@demo.khkiro.ru")
    )
    assert tutors_teacher(tutor, teacher)
    assert db.session.scalar(select(func.count(TutorAssignment.id))) == 2
    assert db.session.scalar(select(func.count(User.id))) == (
        len(DEMO_ACCOUNTS) + len(COLLEAGUES) + len(staff)
    )


def test_demo_accounts_sign_in_with_the_printed_passwords(app, runner):
    runner.invoke(args=["seed-demo"])
    for account in DEMO_ACCOUNTS:
        client = app.test_client()
        assert login(client, account.email, account.password).status_code == 302
        # Demo accounts accept the consent on first use, like everybody else.
        assert client.get("/cabinet/").status_code == 302


def test_readme_lists_the_demo_credentials():
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for account in DEMO_ACCOUNTS:
        assert account.email in readme and account.password in readme


def test_the_demo_school_has_colleagues_with_results_and_a_certificate(app, runner):
    from competence.certificates.models import Certificate
    from competence.certificates.verification import format_check_code
    from competence.diagnostics.models import Attempt

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    emails = [c.email for c in COLLEAGUES]
    attempts = db.session.scalars(
        select(Attempt).join(User, User.id == Attempt.user_id).where(User.email.in_(emails))
    ).all()
    assert len(attempts) == sum(len(c.skills) for c in COLLEAGUES) + 1  # and one retake
    assert all(a.is_submitted and a.competence_scores for a in attempts)
    # Simulated answers of different strength give different profiles, some with deficits.
    totals = {round(a.total_score) for a in attempts}
    assert len(totals) > 5 and any(s.deficit for a in attempts for s in a.competence_scores)
    [certificate] = db.session.scalars(select(Certificate)).all()
    assert certificate.holder_name == "Смирнова Анна Игоревна" and certificate.kind == "track"
    code = format_check_code(certificate.check_code)
    assert f"Demo certificate to check at /verify: {certificate.number}, check code {code}" in (
        result.output
    )
    client = app.test_client()
    check = client.get(f"/verify/{certificate.number}?code={code}").get_data(as_text=True)
    assert "Сертификат действителен" in check
    # The director of their school sees the staff's deficits and the completed track.
    director = next(a for a in DEMO_ACCOUNTS if a.role == Role.DIRECTOR)
    login(client, director.email, director.password)
    post_form(client, "/consent/accept?next=/staff/", {"consent": "y"}, page="/consent/accept")
    page = client.get("/staff/").get_data(as_text=True)
    for colleague in COLLEAGUES:
        assert colleague.full_name in page
    assert "Коммуникация" in page


def test_the_development_server_prints_new_letters_with_their_links(app, capsys):
    from competence.demo import LetterEcho
    from competence.outbox.services import queue_email

    user = make_user()
    queue_email("old", user.email, "Старое", "password_changed", user=user, link="http://x/1")
    db.session.commit()
    echo = LetterEcho()
    queue_email(
        "password_changed",
        user.email,
        "Пароль изменён",
        "password_changed",
        user=user,
        link="http://localhost/password/reset/SECRET-TOKEN-1234567890",
    )
    db.session.commit()
    echo()
    out = capsys.readouterr().out
    assert "e-mail to teacher@example.org: Пароль изменён" in out
    assert "http://localhost/password/reset/SECRET-TOKEN-1234567890" in out
    assert "Старое" not in out
    echo()
    assert capsys.readouterr().out == ""
