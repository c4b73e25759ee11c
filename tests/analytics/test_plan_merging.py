"""Merging the deficits of several instruments into one plan: a greedy cover weighted by depth."""

import random

from competence.analytics.matching import (
    Deficit,
    Goals,
    Module,
    Taker,
    match_modules,
    merge_plan,
)

TEACHER = Taker("teacher", frozenset({"mathematics"}))


def module(id_, kind, develops, hours=16, format_="distance", positions=("teacher",)):
    return Module(id_, kind, format_, hours, frozenset(positions), frozenset(), frozenset(develops))


def d(competence, depth, instrument="i", framework="f", level="low", soft=False):
    return Deficit(framework, competence, level, depth, soft, instrument)


def plan(match):
    """Each proposal as (module, mandatory, [instrument:competence of its deficits])."""
    return [
        (p.module, p.mandatory, [f"{x.instrument}:{x.competence}" for x in p.deficits])
        for p in match.proposals
    ]


def test_two_instruments_finding_one_competence_get_one_module():
    methodical = [d("a", 20, instrument="methodical")]
    subject = [d("a", 10, instrument="subject")]
    modules = [
        module("web-a", "webinar", {("f", "a", "low")}),
        module("course-a", "course", {("f", "a", "low")}),
    ]
    match = merge_plan([methodical, subject], modules, TEACHER)
    # Both modules weigh 20 + 10 = 30 and cover two; the kind order of the deeper one decides.
    assert plan(match) == [
        ("course-a", True, ["methodical:a", "subject:a"]),
        ("web-a", False, ["methodical:a", "subject:a"]),
    ]
    assert match.gaps == ()


def test_one_module_covering_three_deficits_beats_three_single_modules():
    deficits = [d("a", 10), d("b", 10), d("c", 10)]
    modules = [
        module("course-a", "course", {("f", "a", "low")}),
        module("course-b", "course", {("f", "b", "low")}),
        module("course-c", "course", {("f", "c", "low")}),
        # A worse kind and more hours, but it covers all three: 10 + 10 + 10 = 30 against 10.
        module("mentoring-abc", "mentoring", {("f", x, "low") for x in "abc"}, hours=72),
    ]
    assert plan(merge_plan([deficits], modules, TEACHER, optional_per_deficit=0)) == [
        ("mentoring-abc", True, ["i:a", "i:b", "i:c"]),
    ]
    # The singles are still offered, as optional modules.
    assert plan(merge_plan([deficits], modules, TEACHER)) == [
        ("mentoring-abc", True, ["i:a", "i:b", "i:c"]),
        ("course-a", False, ["i:a"]),
        ("course-b", False, ["i:b"]),
        ("course-c", False, ["i:c"]),
    ]
    # Deficit by deficit, the track matching would have made each course mandatory.
    assert [
        p.module for p in match_modules(deficits, modules, TEACHER).proposals if p.mandatory
    ] == [
        "course-a",
        "course-b",
        "course-c",
    ]


def test_depth_weighs_more_than_the_count_of_deficits():
    deficits = [d("deep", 25), d("b", 8), d("c", 8), d("e", 8)]
    modules = [
        module("course-deep", "course", {("f", "deep", "low")}),
        module("seminar-bce", "seminar", {("f", x, "low") for x in "bce"}),
        module("course-b", "course", {("f", "b", "low")}),
    ]
    # 25 against 8 + 8 + 8 = 24: the deep deficit first, then the three shallow ones at once;
    # course-b is the optional module of b (c and e have no other module).
    assert plan(merge_plan([deficits], modules, TEACHER)) == [
        ("course-deep", True, ["i:deep"]),
        ("seminar-bce", True, ["i:b", "i:c", "i:e"]),
        ("course-b", False, ["i:b"]),
    ]


def test_no_module_twice_and_every_deficit_covered_by_one_mandatory_module():
    rng = random.Random(7)
    competences = [f"c{n}" for n in range(12)]
    deficits = [
        [d(c, rng.randint(1, 40), instrument=name) for c in rng.sample(competences, 6)]
        for name in ("subject", "methodical", "soft", "management")
    ]
    modules = [
        module(f"m{n:02d}", rng.choice(["course", "seminar", "webinar"]), develops)
        for n in range(20)
        for develops in [{("f", c, "low") for c in rng.sample(competences, rng.randint(1, 4))}]
    ]
    match = merge_plan(deficits, modules, TEACHER, optional_per_deficit=2)
    ids = [p.module for p in match.proposals]
    assert len(ids) == len(set(ids))
    covered = [x for p in match.proposals if p.mandatory for x in p.deficits]
    pooled = {x for group in deficits for x in group}
    assert len(covered) == len(set(covered)) and set(covered) | set(match.gaps) == pooled
    flags = [p.mandatory for p in match.proposals]
    assert flags == sorted(flags, reverse=True)  # mandatory first


def test_gaps_are_the_deficits_nothing_open_to_the_teacher_addresses():
    deficits = [d("a", 10), d("orphan", 30), d("directors-only", 20, instrument="management")]
    modules = [
        module("course-a", "course", {("f", "a", "low")}),
        module("school-lead", "course", {("f", "directors-only", "low")}, positions=("director",)),
        # The right competence at another level does not count.
        module("course-orphan-high", "course", {("f", "orphan", "high")}),
    ]
    match = merge_plan([deficits], modules, TEACHER)
    assert plan(match) == [("course-a", True, ["i:a"])]
    assert [(g.instrument, g.competence) for g in match.gaps] == [
        ("i", "orphan"),
        ("management", "directors-only"),
    ]


def test_the_plan_does_not_depend_on_the_order_of_its_inputs():
    sets = [
        [d("a", 12, "subject"), d("b", 30, "subject"), d("c", 12, "subject")],
        [d("a", 12, "methodical"), d("d", 5, "methodical", soft=True)],
        [d("e", 9, "soft", framework="s", soft=True), d("z", 50, "soft", framework="s")],
    ]
    modules = [
        module("course-ab", "course", {("f", "a", "low"), ("f", "b", "low")}),
        module("course-ac", "course", {("f", "a", "low"), ("f", "c", "low")}),
        module("seminar-bc", "seminar", {("f", "b", "low"), ("f", "c", "low")}),
        module("exercise-d", "exercise", {("f", "d", "low")}),
        module("webinar-d", "webinar", {("f", "d", "low")}),
        module("exercise-e", "exercise", {("s", "e", "low")}, hours=4),
        module("course-e", "course", {("s", "e", "low")}, hours=4),
    ]
    expected = plan(merge_plan(sets, modules, TEACHER))
    gaps = merge_plan(sets, modules, TEACHER).gaps
    rng = random.Random(1)
    for _ in range(30):
        shuffled = [rng.sample(group, len(group)) for group in rng.sample(sets, len(sets))]
        again = merge_plan(shuffled, rng.sample(modules, len(modules)), TEACHER)
        assert plan(again) == expected and again.gaps == gaps
    # By hand: course-ab weighs b 30 + a 12 + a 12 = 54 (seminar-bc 42, course-ac 36); then c is
    # left, 12 for course-ac and seminar-bc alike, and the course comes first; e (9) and d (5)
    # are soft skills, where exercises come first. z is a gap. Optional: seminar-bc for b (it
    # counts for c too), course-e for e, webinar-d for d; a has no module left.
    assert expected == [
        ("course-ab", True, ["subject:b", "methodical:a", "subject:a"]),
        ("course-ac", True, ["subject:c"]),
        ("exercise-e", True, ["soft:e"]),
        ("exercise-d", True, ["methodical:d"]),
        ("seminar-bc", False, ["subject:b", "subject:c"]),
        ("course-e", False, ["soft:e"]),
        ("webinar-d", False, ["methodical:d"]),
    ]
    assert [(g.instrument, g.competence) for g in gaps] == [("soft", "z")]


def test_the_teacher_s_goals_break_ties_before_the_kind_order():
    deficits = [d("a", 10)]
    modules = [
        module("course-a", "course", {("f", "a", "low")}),
        module("internship-a", "internship", {("f", "a", "low"), ("f", "vision", "high")}),
    ]
    assert plan(merge_plan([deficits], modules, TEACHER, optional_per_deficit=0)) == [
        ("course-a", True, ["i:a"])
    ]
    by_kind = Goals(kinds=("internship",))
    by_interest = Goals(interests=frozenset({("f", "vision")}))
    for goals in (by_kind, by_interest):
        chosen = merge_plan([deficits], modules, TEACHER, goals, optional_per_deficit=0)
        assert plan(chosen) == [("internship-a", True, ["i:a"])]
    # Goals never outweigh depth: a deeper deficit's module comes first whatever the teacher likes.
    deeper = [d("a", 10), d("b", 11)]
    modules.append(module("course-b", "course", {("f", "b", "low")}))
    chosen = merge_plan([deeper], modules, TEACHER, by_kind, optional_per_deficit=0)
    assert [p.module for p in chosen.proposals] == ["course-b", "internship-a"]


def test_the_rank_rules_decide_among_equals_for_soft_skills_too():
    soft = [d("listening", 20, framework="s", soft=True)]
    modules = [
        module("course-l", "course", {("s", "listening", "low")}),
        module("exercise-l", "exercise", {("s", "listening", "low")}, format_="in_person"),
        module("seminar-l", "seminar", {("s", "listening", "low")}),
    ]
    assert plan(merge_plan([soft], modules, TEACHER))[0][0] == "exercise-l"
    distance = Taker("teacher", preferred_format="distance")
    assert plan(merge_plan([soft], modules, distance)) == [
        ("seminar-l", True, ["i:listening"]),
        ("course-l", False, ["i:listening"]),
    ]


def test_the_same_deficit_listed_twice_is_one():
    twice = d("a", 10)
    match = merge_plan(
        [[twice], [twice]], [module("course-a", "course", {("f", "a", "low")})], TEACHER
    )
    assert plan(match) == [("course-a", True, ["i:a"])]
