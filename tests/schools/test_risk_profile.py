"""The school risk profile: the category joined with the staff's deficits and needed programmes."""

import re

import pytest

from competence.accounts.models import Role
from competence.analytics.identification import Category, SocialBand
from competence.extensions import db
from competence.instruments.library import compiled_version
from competence.schools.dataset import load_dataset
from competence.schools.risk import MAJORITY_SHARE, risk_profile
from competence.tracks.library import load_catalog
from tests.diagnostics.helpers import best_answer, load_instruments, take, worst_answer
from tests.factories import login, make_user
from tests.schools.helpers import load_region


@pytest.fixture
def staffed(app):
    """The small region; two teachers of a1 took the soft-skills diagnostic (one badly)."""
    load_instruments()
    load_catalog()
    schools = load_region()
    attempts = []
    for number, choose in enumerate((worst_answer, best_answer)):
        email = f"t{number}@example.org"
        make_user(email, school=schools["a1"], full_name=f"Учитель {number}")
        client = app.test_client()
        login(client, email)
        attempts.append(take(client, "soft-skills", choose))
    make_user("idle@example.org", school=schools["a1"], full_name="Не проходил")
    return schools, attempts


def test_profile_joins_category_deficits_and_programmes(staffed):
    schools, attempts = staffed
    dataset = load_dataset()
    identification = dataset.identification(dataset.window(), "a1")
    profile = risk_profile(schools["a1"], identification)
    assert (profile.staff, profile.tested) == (3, 2)
    competences = {row.competence for row in attempts[0].competence_scores if row.deficit}
    # the weak teacher has a deficit in every soft-skills competence, the strong one in none
    assert {share.competence for share in profile.deficits} == competences
    assert all((s.with_deficit, s.tested) == (1, 2) for s in profile.deficits)
    assert all(s.share == 0.5 >= MAJORITY_SHARE for s in profile.deficits)
    framework = compiled_version(attempts[0].version_id).framework.id
    assert profile.programmes, "the catalogue develops soft skills"
    for programme in profile.programmes:
        developed = {(e["framework"], e["competence"]) for e in programme.module.develops}
        assert {(framework, s.competence) for s in programme.competences} <= developed
        assert not programme.module.retired
    reached = [p.teachers for p in profile.programmes]
    assert reached == sorted(reached, reverse=True)
    assert identification.category is Category.LOW_RESULTS
    assert identification.social_category is SocialBand.UNFAVOURABLE
    factors = [str(f) for f in profile.factors]
    assert factors[0].startswith("Низкие результаты во всех трёх годах")
    assert any("неблагоприятные социальные условия" in f.lower() for f in factors)
    assert any(f.startswith("У 1 из 2 прошедших диагностику педагогов дефицит") for f in factors)


def test_the_card_shows_the_profile(app, staffed):
    schools, _ = staffed
    make_user("m@example.org", Role.METHODIST, position="other", school=schools["b1"])
    client = app.test_client()
    login(client, "m@example.org")
    page = client.get(f"/schools/{schools['a1'].id}").get_data(as_text=True)
    profile = page.split('id="risk-title"')[1].split("</section>")[0]
    assert "Зарегистрировано педагогов: 3, прошли диагностику: 2." in profile
    assert "1 из 2 прошедших" in profile
    assert "Программы, которые нужнее всего коллективу" in profile


def test_no_staff_no_deficits(app):
    schools = load_region()
    dataset = load_dataset()
    profile = risk_profile(schools["b3"], dataset.identification(dataset.window(), "b3"))
    assert (profile.staff, profile.tested, profile.deficits, profile.programmes) == (0, 0, [], [])
    assert profile.factors == []
    db.session.rollback()


@pytest.mark.parametrize(
    ("staff", "tested", "factor"),
    [
        (1, 0, "Никто из 1 зарегистрированного педагога ещё не прошёл диагностику."),
        (2, 0, "Никто из 2 зарегистрированных педагогов ещё не прошёл диагностику."),
        (3, 1, "Диагностику прошёл только 1 из 3 зарегистрированных педагогов."),
    ],
)
def test_few_tested_staff_in_proper_russian(app, staff, tested, factor):
    load_instruments()
    schools = load_region()
    for number in range(staff):
        email = f"s{number}@example.org"
        make_user(email, school=schools["b3"], full_name=f"Учитель {number}")
        if number < tested:
            client = app.test_client()
            login(client, email)
            take(client, "soft-skills", best_answer)
    dataset = load_dataset()
    profile = risk_profile(schools["b3"], dataset.identification(dataset.window(), "b3"))
    assert (profile.staff, profile.tested) == (staff, tested)
    assert [str(f) for f in profile.factors] == [factor]


def test_an_excluded_school_says_so_instead_of_no_risk_factors(app):
    schools = load_region()
    schools["b3"].excluded_reason = "школа при исправительной колонии"
    db.session.commit()
    make_user("m@example.org", Role.METHODIST, position="other", school=schools["b1"])
    client = app.test_client()
    login(client, "m@example.org")
    page = client.get(f"/schools/{schools['b3'].id}").get_data(as_text=True)
    profile = page.split('id="risk-title"')[1].split("</section>")[0]
    assert (
        "Школа исключена из идентификации (школа при исправительной колонии): категории у неё "
        "нет" in profile
    )
    assert "По имеющимся данным факторов риска не найдено." not in profile
    assert "По данным о педагогах факторов риска не найдено." in profile


def test_a_tiny_unanimous_group_does_not_outrank_a_larger_one(app):
    """«1 of 1» (Wilson lower bound 0.21) comes after «3 of 4» (0.30), with the sizes shown."""
    load_instruments()
    schools = load_region()
    for number, choose in enumerate((worst_answer, worst_answer, worst_answer, best_answer)):
        email = f"s{number}@example.org"
        make_user(email, school=schools["a1"], full_name=f"Педагог {number}")
        client = app.test_client()
        login(client, email)
        take(client, "soft-skills", choose)
    make_user("solo@example.org", school=schools["a1"], full_name="Один")
    client = app.test_client()
    login(client, "solo@example.org")
    take(client, "methodical-teacher", worst_answer)

    profile = risk_profile(schools["a1"], None)
    sizes = [(s.with_deficit, s.tested) for s in profile.deficits]
    assert (1, 1) in sizes and (3, 4) in sizes
    assert sizes.index((3, 4)) < sizes.index((1, 1))
    assert sizes == sorted(sizes, key=lambda size: size != (3, 4))

    make_user("m@example.org", Role.METHODIST, position="other", school=schools["b1"])
    methodist = app.test_client()
    login(methodist, "m@example.org")
    page = methodist.get(f"/schools/{schools['a1'].id}").get_data(as_text=True)
    listed = page.split('id="risk-title"')[1].split("</section>")[0]
    # The card lists the top rows: the larger group's, each with its size.
    assert re.findall(r"(\d+ из \d+) прошедших", listed)[0] == "3 из 4"
