"""Recommendations and development tracks through the web client, to the closed cycle."""

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from competence.accounts.models import Role
from competence.extensions import db
from competence.outbox.services import deliver_due
from competence.tracks.library import load_catalog
from competence.tracks.models import DeclineRequest, DevelopmentTrack, ModuleStatus, TrackModule
from competence.tracks.recommendations import recommend
from tests.diagnostics.helpers import best_answer, load_instruments, take, worst_answer
from tests.factories import csrf_token, login, make_school, make_user, post_form
from tests.smtp import link_in, text_body

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def prepare():
    load_instruments()
    load_catalog()


@pytest.fixture
def teacher(client):
    prepare()
    make_user()
    login(client)
    return client


def build(client, attempt, fmt=""):
    response = post_form(
        client,
        f"/tracks/from/{attempt.id}",
        {"preferred_format": fmt},
        page=f"/tracks/recommendations/{attempt.id}",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.get(DevelopmentTrack, int(response.headers["Location"].rsplit("/", 1)[1]))


def modules(track):
    db.session.expire_all()
    return db.session.scalars(
        select(TrackModule).where(TrackModule.track_id == track.id).order_by(TrackModule.position)
    ).all()


def act(client, entry, action, data=None, **kwargs):
    page = f"/tracks/{entry.track_id}"
    return client.post(
        f"/tracks/modules/{entry.id}/{action}",
        data={"csrf_token": csrf_token(client, page), **(data or {})},
        **kwargs,
    )


def competences_of(entry):
    return {d["competence"] for d in entry.deficits}


def finish(client, entry, **data):
    return act(client, entry, "done", {"note": "Прошла, есть удостоверение.", **data})


def director_of(app, school=None, email="head@example.org"):
    """Sign in the director of a school (the default test school) on a new client."""
    make_user(
        email=email,
        role=Role.DIRECTOR,
        position="director",
        school=school or make_school(),
        full_name="Директорова Ольга Петровна",
    )
    client = app.test_client()
    login(client, email)
    return client


def pending_request(entry):
    """Return the waiting request to decline a module."""
    db.session.expire_all()
    return db.session.scalar(
        select(DeclineRequest).where(
            DeclineRequest.track_module_id == entry.id, DeclineRequest.status == "pending"
        )
    )


def decide(director, request, decision, comment=""):
    """Approve or refuse a request to decline from the staff page."""
    return post_form(
        director,
        f"/staff/declines/{request.id}",
        {"decision": decision, "comment": comment},
        page="/staff/",
    )


def decline_approved(teacher, director, entry, reason="Не подходит"):
    """Ask to decline a mandatory module and have the director approve it."""
    assert act(teacher, entry, "decline", {"reason": reason}).status_code == 302
    assert decide(director, pending_request(entry), "approve").status_code == 302


def test_recommendations_are_grouped_and_tied_to_deficits(teacher):
    attempt = take(teacher, "methodical-teacher", worst_answer)
    page = teacher.get(f"/tracks/recommendations/{attempt.id}").get_data(as_text=True)
    assert "Профессиональная квалификация: предмет и методика" in page
    assert "Работает с:" in page and "Формирующее оценивание" in page
    assert "обязательный" in page and "дополнительный" in page
    soft = take(teacher, "soft-skills", worst_answer)
    page = teacher.get(f"/tracks/recommendations/{soft.id}").get_data(as_text=True)
    assert "Soft skills (надпрофессиональные компетенции)" in page
    assert "Профессиональная квалификация" not in page


def test_a_track_orders_modules_deepest_deficit_first_without_repeats(teacher):
    attempt = take(teacher, "soft-skills", worst_answer, only=set())
    track = build(teacher, attempt)
    entries = modules(track)
    keys = [e.module.key for e in entries]
    assert len(keys) == len(set(keys))
    mandatory = [e for e in entries if e.mandatory]
    covered = {d["competence"] for e in mandatory for d in e.deficits}
    assert covered == {
        "communication",
        "teamwork",
        "emotional-intelligence",
        "critical-thinking",
        "self-organization",
        "stress-resilience",
    }
    depths = [max(d["depth"] for d in e.deficits) for e in mandatory]
    assert depths == sorted(depths, reverse=True)
    # Mandatory modules follow one another; each due date is later than the one before.
    dues = [e.due_date for e in mandatory]
    assert dues == sorted(dues) and dues[0] > date.today()
    # Building again gives the same track.
    assert build(teacher, attempt).id == track.id


def test_the_preferred_format_changes_what_comes_first(teacher):
    attempt = take(teacher, "soft-skills", worst_answer)
    page_any = teacher.get(f"/tracks/recommendations/{attempt.id}").get_data(as_text=True)
    page_distance = teacher.get(f"/tracks/recommendations/{attempt.id}?format=distance").get_data(
        as_text=True
    )

    def shown(page):
        return re.findall(r'<div class="fw-semibold">([^<]+)</div>', page)

    def proposed(fmt):
        found = recommend(attempt, fmt)
        return [r.module.title for r in found.qualification + found.soft_skills]

    # Each page lists the proposals for its format, in order, and the orders differ.
    assert shown(page_any) == proposed(None)
    assert shown(page_distance) == proposed("distance")
    assert proposed(None) != proposed("distance")
    track = build(teacher, attempt, "distance")
    assert track.preferred_format == "distance"

    def distance_share(recommendations):
        mandatory = [r for r in recommendations.ordered if r.mandatory]
        return sum(r.module.format == "distance" for r in mandatory) / len(mandatory)

    preferred = [e for e in modules(track) if e.mandatory]
    assert sum(e.module.format == "distance" for e in preferred) / len(preferred) == distance_share(
        recommend(attempt, "distance")
    )
    assert distance_share(recommend(attempt, "distance")) > distance_share(recommend(attempt, None))


def test_reorder_postpone_decline_and_done_with_evidence(teacher):
    track = build(teacher, take(teacher, "soft-skills", worst_answer))
    first, second = modules(track)[:2]
    assert act(teacher, second, "move", {"direction": "up"}).status_code == 302
    assert [e.id for e in modules(track)[:2]] == [second.id, first.id]

    later = (date.today() + timedelta(days=60)).isoformat()
    assert act(teacher, first, "postpone", {"until": later, "reason": "Отпуск"}).status_code == 302
    db.session.refresh(first)
    assert first.status == ModuleStatus.POSTPONED and first.due_date.isoformat() == later
    past = act(teacher, second, "postpone", {"until": "2020-01-01", "reason": "x"})
    assert past.status_code == 400 and "Выберите дату в будущем" in past.get_data(as_text=True)

    mandatory = next(e for e in modules(track) if e.mandatory and e.is_open and e.id != first.id)
    decline_approved(
        teacher, director_of(teacher.application), mandatory, "Уже проходила этот курс"
    )
    entries = modules(track)
    refused = next(e for e in entries if e.id == mandatory.id)
    assert (
        refused.status == ModuleStatus.DECLINED
        and refused.status_reason == "Уже проходила этот курс"
    )
    # Every deficit of the declined module went to an open mandatory module, which claims only
    # the deficits it develops.
    assert refused.replaced_by_id is not None
    for deficit in refused.deficits:
        holder = next(
            e
            for e in entries
            if e.mandatory and e.is_open and deficit["competence"] in competences_of(e)
        )
        develops = {
            (d["competence"], level) for d in holder.module.develops for level in d["levels"]
        }
        assert all((d["competence"], d["level"]) in develops for d in holder.deficits)
    no_reason = act(teacher, first, "decline", {"reason": ""})
    assert no_reason.status_code == 422

    target = next(e for e in modules(track) if e.is_open)
    upload = {"file": (io.BytesIO(PDF), "удостоверение.pdf")}
    done = finish(teacher, target, link="https://example.org/cert", **upload)
    assert done.status_code == 302
    db.session.refresh(target)
    assert (
        target.status == ModuleStatus.DONE and target.evidence_file.filename == "удостоверение.pdf"
    )
    download = teacher.get(f"/tracks/modules/{target.id}/evidence")
    assert download.data == PDF and download.headers["Content-Type"] == "application/pdf"
    again = finish(teacher, target)
    assert again.status_code == 409 and "уже отмечен выполненным" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("filename", "data", "status", "message"),
    [
        ("scan.exe", b"MZ\x90\x00", 415, "Файлы такого типа не принимаются"),
        ("scan.pdf", b"", 400, "Файл пуст"),
        ("scan.pdf", b"not a pdf at all", 415, "не соответствует его типу"),
        ("scan.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), 413, "больше 10 МБ"),
        # A right-to-left override shows "scan\u202efdp.exe" as "scanexe.pdf" (issue 13, 12).
        ("scan\u202efdp.pdf", PDF, 422, "Имя файла содержит невидимый или управляющий символ"),
    ],
)
def test_bad_evidence_files_are_refused_and_change_nothing(
    teacher, filename, data, status, message
):
    track = build(teacher, take(teacher, "soft-skills", worst_answer))
    entry = modules(track)[0]
    response = act(
        teacher,
        entry,
        "done",
        {"note": "Заметка, которую жалко потерять", "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert message in page
    assert "Заметка, которую жалко потерять" in page
    db.session.refresh(entry)
    assert entry.status == ModuleStatus.PLANNED and entry.evidence_file is None


def test_done_needs_some_evidence(teacher):
    track = build(teacher, take(teacher, "soft-skills", worst_answer))
    entry = modules(track)[0]
    response = act(teacher, entry, "done", {"note": "", "link": ""})
    assert response.status_code == 400
    assert "Добавьте подтверждение" in response.get_data(as_text=True)


def test_somebody_elses_module_is_not_found(app, teacher):
    track = build(teacher, take(teacher, "soft-skills", worst_answer))
    entry = modules(track)[0]
    make_user(email="other@example.org")
    other = app.test_client()
    login(other, "other@example.org")
    response = other.post(
        f"/tracks/modules/{entry.id}/done",
        data={"csrf_token": csrf_token(other, "/tracks/"), "note": "чужое"},
    )
    assert response.status_code == 404
    assert other.get(f"/tracks/{track.id}").status_code == 404
    db.session.refresh(entry)
    assert entry.status == ModuleStatus.PLANNED


def test_the_whole_cycle_with_the_invitation_by_email(mail_client, smtp):
    prepare()
    make_user()
    login(mail_client)
    first = take(mail_client, "soft-skills", worst_answer)
    track = build(mail_client, first)
    for entry in modules(track):
        assert finish(mail_client, entry).status_code == 302
    db.session.refresh(track)
    assert track.status == "awaiting_retake" and track.invited_at is not None
    assert "Все обязательные модули пройдены" in mail_client.get(f"/tracks/{track.id}").get_data(
        as_text=True
    )

    # The cabinet and the track page call to the retake; the cool-down has not passed yet.
    for page in ("/cabinet/", f"/tracks/{track.id}"):
        text = mail_client.get(page).get_data(as_text=True)
        assert "Повторная диагностика откроется" in text, page

    deliver_due()
    invitation = next(
        m for m in smtp.wait_for(2) if "пора пройти диагностику повторно" in m["Subject"]
    )
    assert "Вы прошли все обязательные модули" in text_body(invitation)
    assert mail_client.get(link_in(invitation)).status_code == 200

    # The cool-down of the instrument has passed (90 days) when the teacher retakes it.
    first.submitted_at -= timedelta(days=91)
    first.started_at -= timedelta(days=91)
    db.session.commit()
    cabinet = mail_client.get("/cabinet/").get_data(as_text=True)
    assert "Пройти диагностику повторно" in cabinet and "/diagnostics/soft-skills/start" in cabinet
    retake = take(mail_client, "soft-skills", best_answer)
    db.session.refresh(track)
    assert track.status == "completed" and track.retake_attempt_id == retake.id
    assert track.growth["communication"] == {
        "before": 0.0,
        "after": 100.0,
        "deficit_before": True,
        "deficit_after": False,
    }
    page = mail_client.get(f"/tracks/{track.id}").get_data(as_text=True)
    assert "Цикл завершён: результаты повторной диагностики" in page and "+100" in page
    # Communication has 9 items: 0 -> 100 is beyond its error (a change counts from 50).
    assert "+100 рост (значимо от 50 п.)" in " ".join(re.sub(r"<[^>]+>", " ", page).split())
    growth = page[page.index("Цикл завершён") : page.index("</table>")]
    assert "<td>Коммуникация</td>" in growth and "<td>communication</td>" not in growth
    locked = finish(mail_client, next(e for e in modules(track) if not e.mandatory))
    assert locked.status_code == 409


def test_directors_see_their_school_tracks_only(app):
    prepare()
    school = make_school()
    teacher = make_user(school=school)
    teacher_client = app.test_client()
    login(teacher_client)
    track = build(teacher_client, take(teacher_client, "soft-skills", worst_answer))
    finish(teacher_client, modules(track)[0])

    make_user(
        email="head@example.org",
        role=Role.DIRECTOR,
        position="director",
        school=school,
        full_name="Директоров Иван",
    )
    director = app.test_client()
    login(director, "head@example.org")
    page = director.get("/staff/").get_data(as_text=True)
    assert teacher.full_name in page
    assert "Выполнено модулей: 1 из" in page
    assert "6 / 1" not in page and "1 / 1" in page  # one tested, with a deficit in each competence
    assert director.get(f"/tracks/{track.id}").status_code == 200
    assert "Отметить выполненным" not in director.get(f"/tracks/{track.id}").get_data(as_text=True)

    other_school = make_school(code="t-002", name="МБОУ СОШ № 2", municipality="Другой район")
    make_user(
        email="other-head@example.org",
        role=Role.DIRECTOR,
        position="director",
        school=other_school,
        full_name="Другой Директор",
    )
    outsider = app.test_client()
    login(outsider, "other-head@example.org")
    assert outsider.get(f"/tracks/{track.id}").status_code == 404
    assert teacher.full_name not in outsider.get("/staff/").get_data(as_text=True)
    assert teacher_client.get("/staff/").status_code == 403
