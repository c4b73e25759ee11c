"""Nobody confirms their own training: a methodist with a track of their own (a former teacher)
cannot record a pass or import a number for themselves, so their own hours cannot be inflated."""

import pytest

from competence.extensions import db
from competence.tracks.models import ModuleStatus
from competence.training import enrolment, results, services
from competence.training.services import TrainingError
from tests.training.helpers import build_world, give_track, group_data
from tests.training.test_results import application_of, csv_file, entry_of


def methodist_enrolled(world):
    """The methodist holds the module in a track, applies, is released and enrols themselves."""
    give_track(world.methodist, [(world.module, ModuleStatus.PLANNED)])
    group = services.schedule_group(world.module, group_data(places=5), world.methodist)
    application = services.apply(world.methodist, group)
    services.decide_release(application, world.director_b, True, "")
    enrolment.enrol(application, world.methodist)
    return group


def test_a_methodist_cannot_record_a_pass_for_themselves(app):
    world = build_world(teachers=1)
    methodist_enrolled(world)
    with pytest.raises(TrainingError) as refused:
        results.record_result(
            application_of(world.methodist), world.methodist, True, "passed", "272400000009"
        )
    db.session.rollback()
    assert refused.value.status == 403
    application = application_of(world.methodist)
    assert application.result is None and application.qualification_document is None
    assert not entry_of(application).is_confirmed


def test_a_methodist_cannot_import_a_number_for_themselves(app):
    world = build_world(teachers=1)
    group = methodist_enrolled(world)
    data = csv_file([("email", "number"), ("methodist@example.org", "272400000009")])
    with pytest.raises(results.ImportErrors) as refused:
        results.import_documents(group, "records.csv", data, world.methodist)
    db.session.rollback()
    assert "Row 2" in refused.value.errors[0] or "Строка 2" in refused.value.errors[0]
    application = application_of(world.methodist)
    assert application.result is None and application.qualification_document is None
    assert not entry_of(application).is_confirmed
