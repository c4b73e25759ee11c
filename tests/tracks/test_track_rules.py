"""Rules of a track: completion, replacements per deficit, dates, links, refusals, gaps."""

import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from competence.accounts.models import Role
from competence.audit import AuditEvent
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from competence.tracks.library import load_catalog
from competence.tracks.models import CatalogModule, DevelopmentTrack, ModuleStatus, TrackStatus
from competence.tracks.services import local_today
from tests.diagnostics.helpers import load_instruments, take, worst_answer
from tests.factories import login, make_user, post_form
from tests.tracks.test_tracks import (
    PDF,
    act,
    build,
    decline_approved,
    director_of,
    finish,
    modules,
)

LEVELS = ["low", "basic", "sufficient", "high"]


def catalogue_module(key, kind, develops, fmt="distance", hours=2):
    """Add a soft-skills module of a hand-made catalogue."""
    module = CatalogModule(
        key=key,
        kind=kind,
        title=f"Модуль {key}",
        description="Описание.",
        provider="КГБОУ ДПО ХКИРО",
        format=fmt,
        hours=hours,
        duration_weeks=2,
        audience={"positions": ["teacher"], "subjects": []},
        develops=[
            {"framework": "soft-skills", "competence": c, "levels": LEVELS} for c in develops
        ],
        source="test",
    )
    db.session.add(module)
    return module


@pytest.fixture
def small_catalogue(client):
    """A teacher and a catalogue for two soft skills only: the other four are gaps.

    `both` (an exercise, ranked first) develops communication and teamwork; `talk` and `team`
    (webinars) develop one each and come as optional modules; `team-course` (a course, ranked
    after webinars) develops teamwork and stays out of the track.
    """
    load_instruments()
    catalogue_module("both", "exercise", ["communication", "teamwork"])
    catalogue_module("talk", "webinar", ["communication"])
    catalogue_module("team", "webinar", ["teamwork"])
    catalogue_module("team-course", "course", ["teamwork"], hours=16)
    db.session.commit()
    make_user()
    login(client)
    return client


def by_key(track):
    return {entry.module.key: entry for entry in modules(track)}


def competences(entry):
    return sorted(d["competence"] for d in entry.deficits)


def test_each_deficit_of_a_declined_module_goes_to_a_module_that_develops_it(small_catalogue):
    track = build(small_catalogue, take(small_catalogue, "soft-skills", worst_answer))
    entries = by_key(track)
    assert set(entries) == {"both", "talk", "team"}
    assert entries["both"].mandatory and competences(entries["both"]) == [
        "communication",
        "teamwork",
    ]
    assert not entries["talk"].mandatory and not entries["team"].mandatory

    # An optional module declined hands nothing on.
    declined = act(small_catalogue, entries["team"], "decline", {"reason": "Нет времени"})
    assert declined.status_code == 302
    director = director_of(small_catalogue.application)
    decline_approved(small_catalogue, director, entries["both"], "Уже проходила")
    entries = by_key(track)
    # Communication: the optional webinar already in the track is promoted to mandatory.
    assert entries["talk"].mandatory and competences(entries["talk"]) == ["communication"]
    # Teamwork: nothing left in the track, so the course joins it, for teamwork only.
    assert entries["team-course"].mandatory
    assert competences(entries["team-course"]) == ["teamwork"]
    assert entries["team-course"].position == entries["both"].position + 1
    assert entries["both"].replaced_by_id == entries["team-course"].id
    # Every deficit the declined module worked on still has an open mandatory module.
    open_mandatory = [e for e in entries.values() if e.mandatory and e.is_open]
    assert {d["competence"] for e in open_mandatory for d in e.deficits} == {
        "communication",
        "teamwork",
    }
    page = small_catalogue.get(f"/tracks/{track.id}").get_data(as_text=True)
    assert "Модуль team-course" in page and "Модуль talk" in page


def test_declining_every_mandatory_module_does_not_finish_the_track(small_catalogue):
    track = build(small_catalogue, take(small_catalogue, "soft-skills", worst_answer))
    director = director_of(small_catalogue.application)
    for _round in range(10):
        waiting = [e for e in modules(track) if e.mandatory and e.is_open]
        if not waiting:
            break
        decline_approved(small_catalogue, director, waiting[0])
    entries = modules(track)
    assert entries and all(e.status == ModuleStatus.DECLINED for e in entries if e.mandatory)
    db.session.refresh(track)
    assert track.status == TrackStatus.ACTIVE and track.invited_at is None
    invitations = select(func.count(OutboxMessage.id)).where(
        OutboxMessage.kind == "retake_invitation"
    )
    assert db.session.scalar(invitations) == 0


def test_gaps_are_recorded_once_shown_on_the_track_and_listed_for_methodists(app, small_catalogue):
    attempt = take(small_catalogue, "soft-skills", worst_answer)
    page = small_catalogue.get(f"/tracks/recommendations/{attempt.id}").get_data(as_text=True)
    assert "методисты ХКИРО видят этот список" in page and "Эмоциональный интеллект" in page
    small_catalogue.get(f"/tracks/recommendations/{attempt.id}?format=distance")
    track = build(small_catalogue, attempt)
    build(small_catalogue, attempt)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "catalog_gap")).all()
    gaps = sorted(e.object_id for e in events)
    assert gaps == sorted(
        ["emotional-intelligence", "critical-thinking", "self-organization", "stress-resilience"]
    )
    assert all(e.details["attempt"] == attempt.id for e in events)
    assert "Эмоциональный интеллект" in {g["title"] for g in track.gaps}
    page = small_catalogue.get(f"/tracks/{track.id}").get_data(as_text=True)
    assert "В каталоге пока нет модуля для:" in page and "Эмоциональный интеллект" in page

    make_user(email="m@example.org", role=Role.METHODIST, position="other")
    methodist = app.test_client()
    login(methodist, "m@example.org")
    listing = methodist.get("/tracks/catalog/").get_data(as_text=True)
    assert "Дефициты педагогов, для которых недавно не нашлось модуля (4)" in listing
    assert "Эмоциональный интеллект (Надпрофессиональные компетенции" in listing
    assert "уровень «Низкий»" in listing


def test_postponing_too_far_is_refused_with_the_input_kept(client):
    load_instruments()
    load_catalog()
    make_user()
    login(client)
    track = build(client, take(client, "soft-skills", worst_answer))
    entry = modules(track)[0]
    response = act(client, entry, "postpone", {"until": "9999-12-01", "reason": "Когда-нибудь"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "не больше чем на два года" in page
    assert 'value="9999-12-01"' in page and "Когда-нибудь" in page
    # The refusal is shown in the module's card with its own panel open, not the "done" one.
    card = page[page.index(f'id="module-{entry.id}"') :]
    card = card[: card.index("</li>")]
    assert f'id="module-{entry.id}-error"' in card
    # Sent again from this page, the form comes back to the module.
    assert f'action="/tracks/modules/{entry.id}/postpone#module-{entry.id}"' in card
    assert re.search(r"<details class=\"module-action\" open>\s*<summary[^>]*>Отложить", card)
    assert not re.search(r"<details class=\"module-action\" open>\s*<summary[^>]*>Выполнено", card)
    db.session.refresh(entry)
    assert entry.status == ModuleStatus.PLANNED

    malformed = act(client, entry, "postpone", {"until": "2027-02-31", "reason": "Отпуск"})
    assert malformed.status_code == 422
    text = malformed.get_data(as_text=True)
    assert "Введите существующую дату" in text and "Заполните это поле" not in text
    assert 'value="2027-02-31"' in text


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.org/cert.pdf"])
def test_evidence_links_are_web_addresses_only(client, link):
    load_instruments()
    load_catalog()
    make_user()
    login(client)
    track = build(client, take(client, "soft-skills", worst_answer))
    entry = modules(track)[0]
    response = finish(client, entry, link=link)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "начинающийся с http:// или https://" in page
    assert "Прошла, есть удостоверение." in page
    db.session.refresh(entry)
    assert entry.status == ModuleStatus.PLANNED and entry.evidence_link is None


def test_a_completed_track_cannot_be_reordered_and_directions_are_checked(client):
    load_instruments()
    load_catalog()
    make_user()
    login(client)
    track = build(client, take(client, "soft-skills", worst_answer))
    first, second = modules(track)[:2]
    sideways = act(client, second, "move", {"direction": "sideways"})
    assert sideways.status_code == 400
    assert "модуль перемещается только вверх или вниз" in sideways.get_data(as_text=True)
    assert [e.id for e in modules(track)[:2]] == [first.id, second.id]

    db.session.get(DevelopmentTrack, track.id).status = TrackStatus.COMPLETED
    db.session.commit()
    locked = act(client, second, "move", {"direction": "up"})
    assert locked.status_code == 409
    assert "Маршрут завершён и не может изменяться" in locked.get_data(as_text=True)
    assert [e.id for e in modules(track)[:2]] == [first.id, second.id]


def test_due_dates_never_fall_in_the_past_after_a_late_start(client):
    load_instruments()
    load_catalog()
    make_user()
    login(client)
    track = build(client, take(client, "soft-skills", worst_answer))
    row = db.session.get(DevelopmentTrack, track.id)
    row.created_at -= timedelta(days=400)
    db.session.commit()
    first = modules(track)[0]
    assert finish(client, first).status_code == 302
    today = local_today()
    waiting = [e for e in modules(track) if e.is_open]
    assert waiting and all(e.due_date > today for e in waiting)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_today_is_the_portal_date(app_factory, zone):
    app_factory(BABEL_DEFAULT_TIMEZONE=zone)
    assert local_today() == datetime.now(UTC).astimezone(ZoneInfo(zone)).date()


def test_evidence_sizes_are_russian_and_the_upload_limit_is_stated(app, client):
    load_instruments()
    load_catalog()
    make_user()
    login(client)
    track = build(client, take(client, "soft-skills", worst_answer))
    first, second = modules(track)[:2]
    page = client.get(f"/tracks/{track.id}").get_data(as_text=True)
    assert "не больше 10 МБ" in page and 'data-max-bytes="10485760"' in page
    upload = {"file": (io.BytesIO(PDF), "скан.pdf")}
    assert finish(client, first, **upload).status_code == 302
    page = client.get(f"/tracks/{track.id}").get_data(as_text=True)
    assert "(0,1 КБ)" in page and " KB)" not in page

    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    big = act(
        client,
        second,
        "done",
        {"note": "Заметка", "file": (io.BytesIO(b"%PDF-" + b"0" * 2 * 1024 * 1024), "big.pdf")},
        content_type="multipart/form-data",
    )
    assert big.status_code == 413
    text = big.get_data(as_text=True)
    assert "принимает файлы не больше 1 МБ" in text
    assert f'id="module-{second.id}-error"' in text
    db.session.refresh(second)
    assert second.status == ModuleStatus.PLANNED


def test_a_crafted_format_on_build_gets_a_russian_message(client):
    load_instruments()
    load_catalog()
    make_user()
    login(client)
    attempt = take(client, "soft-skills", worst_answer)
    response = post_form(
        client,
        f"/tracks/from/{attempt.id}",
        {"preferred_format": "zzz"},
        page=f"/tracks/recommendations/{attempt.id}",
    )
    assert response.status_code == 400
    assert "Выберите формат из списка" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(DevelopmentTrack.id))) == 0


def test_the_recommendations_offer_the_track_before_the_cards_and_badges_wrap(client):
    load_instruments()
    load_catalog()
    make_user()
    login(client)
    attempt = take(client, "soft-skills", worst_answer)
    page = client.get(f"/tracks/recommendations/{attempt.id}").get_data(as_text=True)
    action = f'action="/tracks/from/{attempt.id}"'
    assert page.count(action) == 2
    assert page.index(action) < page.index('class="card card-body mb-2"')
    assert "deficit-badge text-wrap" in page
