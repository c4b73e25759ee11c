"""The world of the route × role matrix: two schools in two municipalities, one identity a role."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from competence.accounts.models import Role
from competence.certificates.models import Certificate
from competence.diagnostics.models import Attempt
from competence.extensions import db
from competence.outbox.models import OutboxMessage
from competence.schools import plan_services
from competence.tracks.models import CatalogModule, DevelopmentTrack
from competence.training.models import CourseGroup, GroupApplication
from competence.tutoring.services import assign
from tests.certificates.helpers import completed_track, prepare
from tests.factories import login, make_school, make_user

# The identities of the matrix, in the order of a row's statuses.
IDENTITIES = (
    "anonymous",
    "teacher_a",
    "teacher_b",
    "director_a",
    "director_b",
    "coordinator_b",
    "methodist",
    "admin",
    "ministry",
    "tutor",
)


@dataclass
class World:
    """Ids and keys of the objects the routes are opened with (all of school A's teacher)."""

    values: dict[str, object]
    clients: dict[str, object]


def build_world(app) -> World:
    """Create schools, identities, a completed track with its certificate, and a plan."""
    prepare()
    school_a = make_school("a-001", "МБОУ СОШ № 1", municipality="Район А")
    school_b = make_school("b-001", "МБОУ СОШ № 2", municipality="Район Б")
    people = {
        "teacher_a": make_user("teacher.a@example.org", school=school_a, full_name="Учитель А"),
        "teacher_b": make_user("teacher.b@example.org", school=school_b, full_name="Учитель Б"),
        "director_a": make_user(
            "director.a@example.org", Role.DIRECTOR, "director", school_a, full_name="Директор А"
        ),
        "director_b": make_user(
            "director.b@example.org", Role.DIRECTOR, "director", school_b, full_name="Директор Б"
        ),
        "coordinator_b": make_user(
            "coordinator.b@example.org",
            Role.COORDINATOR,
            "other",
            school_b,
            municipality=school_b.municipality,
            full_name="Координатор Б",
        ),
        "methodist": make_user(
            "methodist@example.org", Role.METHODIST, "other", school_b, full_name="Методист"
        ),
        "admin": make_user("admin@example.org", Role.ADMIN, "other", school_b, full_name="Админ"),
        "ministry": make_user(
            "ministry@example.org", Role.MINISTRY, "other", school_b, full_name="Министерство"
        ),
        "tutor": make_user("tutor@example.org", Role.TUTOR, "other", school_b, full_name="Тьютор"),
    }
    teacher = people["teacher_a"]
    # The tutor tutors school A's teacher, one by one.
    assign(people["tutor"], people["methodist"], teacher=teacher)
    track = completed_track(teacher)
    attempt = db.session.scalars(
        select(Attempt).where(Attempt.user_id == teacher.id).order_by(Attempt.id)
    ).first()
    certificate = db.session.scalars(select(Certificate)).one()
    plan = plan_services.create_plan(
        school_a,
        title="План-программа",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 8, 31),
        actor=people["director_a"],
    )
    goal = plan_services.save_goal(
        plan,
        None,
        title="Цель",
        indicator_code="oge_math_grade2",
        competences=[],
        baseline=10,
        target=5,
        actor=people["director_a"],
    )
    measure = plan_services.save_measure(
        plan,
        None,
        title="Мероприятие",
        goal=goal,
        responsible="Завуч",
        due_on=date(2026, 12, 1),
        actor=people["director_a"],
    )
    letter = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
    module = db.session.scalars(select(CatalogModule).order_by(CatalogModule.id)).first()
    group = CourseGroup(
        module_id=track.modules[0].module_id,
        title=track.modules[0].title,
        starts_on=date(2027, 2, 1),
        ends_on=date(2027, 2, 5),
        place="ХКИРО, ауд. 1",
        hours=36,
        format="in_person",
        places=10,
        provider="ХКИРО",
    )
    application = GroupApplication(group=group, user=teacher, track_module=track.modules[0])
    db.session.add_all([group, application])
    db.session.commit()
    values = {
        "group_id": group.id,
        "application_id": application.id,
        "attempt_id": attempt.id,
        "track_id": track.id,
        "track_module_id": track.modules[0].id,
        "number": certificate.number,
        "user_id": teacher.id,
        "school_id": school_a.id,
        "municipality_id": school_a.municipality_id,
        "plan_id": plan.id,
        "goal_id": goal.id,
        "measure_id": measure.id,
        "message_id": letter.id,
        "module_key": module.key,
        "target_id": db.session.get(DevelopmentTrack, track.id).id,
    }
    clients = {"anonymous": app.test_client()}
    for name, person in people.items():
        client = app.test_client()
        response = login(client, person.email)
        assert response.status_code == 302, name
        clients[name] = client
    return World(values, clients)
