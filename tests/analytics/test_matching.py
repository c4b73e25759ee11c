"""Matching deficits to catalogue modules: the stated order, no duplicates, gaps reported."""

from competence.analytics.matching import Deficit, Module, Taker, match_modules

TEACHER = Taker("teacher", frozenset({"mathematics"}))


def module(id_, kind, develops, hours=16, format_="distance", positions=("teacher",), subjects=()):
    return Module(
        id_, kind, format_, hours, frozenset(positions), frozenset(subjects), frozenset(develops)
    )


def d(competence, depth, level="low", soft=False, framework="f"):
    return Deficit(framework, competence, level, depth, soft)


def plan(match):
    return [(p.module, p.mandatory, [x.competence for x in p.deficits]) for p in match.proposals]


def test_deepest_deficit_first_and_kind_order_decides():
    modules = [
        module("web-a", "webinar", {("f", "a", "low")}),
        module("course-a", "course", {("f", "a", "low")}, hours=36),
        module("course-b", "course", {("f", "b", "low")}),
        module("exercise-b", "exercise", {("f", "b", "low")}),
    ]
    match = match_modules([d("a", 10), d("b", 30)], modules, TEACHER)
    assert plan(match) == [
        ("course-b", True, ["b"]),
        ("exercise-b", False, ["b"]),
        ("course-a", True, ["a"]),
        ("web-a", False, ["a"]),
    ]
    assert match.gaps == ()


def test_soft_skills_prefer_exercises_and_the_preferred_format_comes_first():
    modules = [
        module("course-c", "course", {("s", "c", "low")}, format_="in_person"),
        module("exercise-c", "exercise", {("s", "c", "low")}, format_="in_person"),
        module("seminar-c", "seminar", {("s", "c", "low")}, format_="distance"),
    ]
    soft = d("c", 20, soft=True, framework="s")
    assert plan(match_modules([soft], modules, TEACHER))[0][0] == "exercise-c"
    distance = Taker("teacher", preferred_format="distance")
    assert plan(match_modules([soft], modules, distance))[0][0] == "seminar-c"


def test_fewer_hours_then_id_break_ties():
    modules = [
        module("course-z", "course", {("f", "a", "low")}, hours=16),
        module("course-y", "course", {("f", "a", "low")}, hours=72),
        module("course-x", "course", {("f", "a", "low")}, hours=16),
    ]
    assert [p.module for p in match_modules([d("a", 5)], modules, TEACHER).proposals] == [
        "course-x",
        "course-z",
    ]


def test_a_module_is_never_proposed_twice_and_counts_for_every_deficit_it_develops():
    both = module("course-ab", "course", {("f", "a", "low"), ("f", "b", "low")})
    only_b = module("web-b", "webinar", {("f", "b", "low")})
    match = match_modules([d("a", 40), d("b", 20)], [both, only_b], TEACHER)
    assert plan(match) == [("course-ab", True, ["a", "b"]), ("web-b", False, ["b"])]
    assert len({p.module for p in match.proposals}) == len(match.proposals)


def test_an_optional_module_is_promoted_when_nothing_else_fits():
    shared = module("web-ab", "webinar", {("f", "a", "low"), ("f", "b", "low")})
    first = module("course-a", "course", {("f", "a", "low")})
    match = match_modules([d("a", 40), d("b", 20)], [first, shared], TEACHER)
    assert plan(match) == [("course-a", True, ["a"]), ("web-ab", True, ["a", "b"])]


def test_level_audience_and_subject_are_respected_and_gaps_reported():
    modules = [
        module("basic-only", "course", {("f", "a", "basic")}),
        module("directors", "course", {("f", "a", "low")}, positions=("director",)),
        module("russian", "course", {("f", "a", "low")}, subjects=("russian",)),
        module("math", "course", {("f", "b", "low")}, subjects=("mathematics",)),
    ]
    match = match_modules([d("a", 30), d("b", 10)], modules, TEACHER)
    assert plan(match) == [("math", True, ["b"])]
    assert [gap.competence for gap in match.gaps] == ["a"]


def test_no_deficits_no_proposals():
    match = match_modules([], [module("m", "course", {("f", "a", "low")})], TEACHER)
    assert match.proposals == () and match.gaps == ()
