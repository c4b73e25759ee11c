"""A small world for course groups: two schools with directors, teachers with tracks, a module."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import func, select

from competence.accounts.models import Role
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from competence.tracks.models import (
    CatalogModule,
    DevelopmentTrack,
    ModuleStatus,
    TrackModule,
    TrackStatus,
)
from competence.tracks.services import new_plan
from competence.training.models import CourseGroup, GroupApplication
from competence.training.services import GroupData
from tests.deficits.helpers import record_result
from tests.diagnostics.helpers import load_instruments
from tests.factories import make_school, make_user


def catalog_module(key="course-a", title="Курс А", hours=36) -> CatalogModule:
    """Add a catalogue module."""
    module = CatalogModule(
        key=key,
        kind="course",
        title=title,
        description="—",
        provider="ХКИРО",
        format="in_person",
        hours=hours,
        duration_weeks=4,
        audience={"positions": ["teacher"]},
        develops=[],
    )
    db.session.add(module)
    db.session.commit()
    return module


def give_track(user, entries, status=TrackStatus.ACTIVE) -> DevelopmentTrack:
    """Give a teacher a track of (module, status) entries, all mandatory."""
    attempt = record_result(user, "soft-skills", {})
    track = new_plan(attempt, status=status)
    for position, (module, module_status) in enumerate(entries):
        track.modules.append(
            TrackModule(
                module=module,
                position=position,
                mandatory=True,
                deficits=[],
                title=module.title,
                kind=module.kind,
                hours=module.hours,
                status=module_status,
                due_date=date(2027, 1, 1),
            )
        )
    db.session.add(track)
    db.session.commit()
    return track


def group_data(**changes) -> GroupData:
    """Return valid data of a group, with some fields changed."""
    values = {
        "starts_on": date(2027, 2, 1),
        "ends_on": date(2027, 2, 5),
        "place": "ХКИРО, ауд. 12",
        "online_link": "",
        "hours": 36,
        "format": "in_person",
        "places": 2,
        "provider": "ХКИРО",
    }
    values.update(changes)
    return GroupData(**values)


@dataclass
class World:
    """Two schools (A, B) with a director each, teachers of A with the module in their tracks."""

    module: CatalogModule
    other_module: CatalogModule
    teachers: list
    director_a: object
    director_b: object
    teacher_b: object
    methodist: object
    school_a: object


def build_world(teachers: int = 4) -> World:
    """Create the world; each teacher of school A has `course-a` open in an active track."""
    load_instruments()
    school_a = make_school("a-001", "Школа А", municipality="Район А")
    school_b = make_school("b-001", "Школа Б", municipality="Район Б")
    module = catalog_module()
    other = catalog_module("webinar-b", "Вебинар Б", 4)
    people = []
    for number in range(1, teachers + 1):
        teacher = make_user(
            f"t{number}@example.org", school=school_a, full_name=f"Учитель {number}"
        )
        give_track(teacher, [(module, ModuleStatus.PLANNED)])
        people.append(teacher)
    teacher_b = make_user("tb@example.org", school=school_b, full_name="Учитель Б")
    give_track(teacher_b, [(module, ModuleStatus.PLANNED), (other, ModuleStatus.PLANNED)])
    director_a = make_user(
        "director.a@example.org", Role.DIRECTOR, "director", school_a, full_name="Директор А"
    )
    director_b = make_user(
        "director.b@example.org", Role.DIRECTOR, "director", school_b, full_name="Директор Б"
    )
    methodist = make_user(
        "methodist@example.org", Role.METHODIST, "other", school_b, full_name="Методист"
    )
    return World(module, other, people, director_a, director_b, teacher_b, methodist, school_a)


def letters(kind: str) -> list[OutboxMessage]:
    """Return the queued letters of a kind, oldest first."""
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
    )


def count(model) -> int:
    """Count the rows of a model."""
    return db.session.scalar(select(func.count()).select_from(model))


def state(group: CourseGroup) -> dict:
    """Return {teacher e-mail: application status} of a group, read afresh."""
    db.session.expire_all()
    rows = db.session.scalars(
        select(GroupApplication).where(GroupApplication.group_id == group.id)
    ).all()
    return {row.user.email: row.status for row in rows}


def said(msgid: str, **values) -> str:
    """Return a message as the portal says it (Russian once the catalogue has it)."""
    return gettext(msgid, **values)
