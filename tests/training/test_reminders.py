"""`flask training remind`: enrolled teachers of a group starting tomorrow get one letter each."""

from datetime import timedelta

from competence.extensions import db
from competence.tracks.services import local_today
from competence.training import enrolment, services
from competence.training.models import GroupApplication
from tests.training.helpers import build_world, group_data, letters


def test_the_reminder_goes_once_per_enrolment(app, runner):
    world = build_world(teachers=3)
    tomorrow = local_today() + timedelta(days=1)
    group = services.schedule_group(
        world.module,
        group_data(starts_on=tomorrow, ends_on=tomorrow + timedelta(days=4), places=2),
        world.methodist,
    )
    later = services.schedule_group(
        world.other_module,
        group_data(starts_on=tomorrow + timedelta(days=1), ends_on=tomorrow + timedelta(days=5)),
        world.methodist,
    )
    for teacher in world.teachers:
        services.decide_release(services.apply(teacher, group), world.director_a, True, "")
    enrolment.enrol_released(group, world.methodist)  # t1, t2 enrolled; t3 waits
    assert later.id  # a group starting the day after tomorrow is not reminded of

    result = runner.invoke(args=["training", "remind"])
    assert result.exit_code == 0, result.output
    assert "2 reminder(s)" in result.output
    assert sorted(m.recipient for m in letters("training_reminder")) == [
        "t1@example.org",
        "t2@example.org",
    ]
    again = runner.invoke(args=["training", "remind"])
    assert "0 reminder(s)" in again.output
    assert len(letters("training_reminder")) == 2

    # t1 withdraws, t3 moves up: the new enrolment is reminded, the others are not again.
    first = db.session.scalars(
        db.select(GroupApplication).where(GroupApplication.user_id == world.teachers[0].id)
    ).one()
    enrolment.withdraw(first, world.teachers[0])
    runner.invoke(args=["training", "remind"])
    assert [m.recipient for m in letters("training_reminder")][2:] == ["t3@example.org"]
