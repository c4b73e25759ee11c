"""The small-group rule: counts by hand, primary and complementary suppression, ties, chains."""

from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from competence.analytics.suppression import (
    cells_to_json,
    suppress_counts,
    suppress_deficits,
    suppress_table,
)
from tests.properties.strategies import FAST


def rows(spec, competence="оценивание"):
    """Expand {(municipality, school): (n, with_deficit)} into parallel arrays, one per teacher."""
    municipality, school, competences, deficit = [], [], [], []
    for (m, s), (n, with_deficit) in spec.items():
        municipality += [m] * n
        school += [s] * n
        competences += [competence] * n
        deficit += [1] * with_deficit + [0] * (n - with_deficit)
    return municipality, school, competences, deficit


def merge(*parts):
    """Concatenate the arrays of several `rows(...)` results."""
    return tuple(sum((list(part[i]) for part in parts), []) for i in range(4))


def table(cells):
    """Return {(level, municipality, school, competence): (n, with_deficit, share)} of the JSON."""
    return {
        (c["level"], c["municipality"], c["school"], c["competence"]): (
            c["n"],
            c["with_deficit"],
            c["share"],
        )
        for c in cells_to_json(cells)["cells"]
    }


def hidden(cells):
    """Return the suppressed cells as (level, municipality, school) for a single competence."""
    return {
        (c["level"], c["municipality"], c["school"])
        for c in cells_to_json(cells)["cells"]
        if c["suppressed"]
    }


# Амурский: 12 (3 with a deficit) + 8 (2) + 3 (1) = 23 (6); Бикинский: 6 (6) + 7 (0) = 13 (6).
RECOVERABLE = {
    ("Амурский", "Школа 1"): (12, 3),
    ("Амурский", "Школа 2"): (8, 2),
    ("Амурский", "Школа 3"): (3, 1),
    ("Бикинский", "Школа 4"): (6, 6),
    ("Бикинский", "Школа 5"): (7, 0),
}


def test_counts_and_shares_by_hand():
    result = table(suppress_deficits(*rows(RECOVERABLE), min_group=1))
    c = "оценивание"
    assert result[("region", None, None, c)] == (36, 12, 12 / 36)
    assert result[("municipality", "Амурский", None, c)] == (23, 6, 6 / 23)
    assert result[("municipality", "Бикинский", None, c)] == (13, 6, 6 / 13)
    assert result[("school", "Амурский", "Школа 3", c)] == (3, 1, 1 / 3)
    assert result[("school", "Бикинский", "Школа 4", c)] == (6, 6, 1.0)
    assert result[("school", "Бикинский", "Школа 5", c)] == (7, 0, 0.0)
    assert len(result) == 1 + 2 + 5


def test_single_hidden_cell_would_be_recoverable_without_the_complement():
    cells = suppress_deficits(*rows(RECOVERABLE), min_group=5)
    result = table(cells)
    # Primary suppression alone hides Школа 3 (n = 3); the published figures then give it back:
    # Амурский 23 (6) minus Школа 1 12 (3) minus Школа 2 8 (2) = 3 (1).
    assert RECOVERABLE[("Амурский", "Школа 3")] == (23 - 12 - 8, 6 - 3 - 2)
    # The complementary step hides the smallest published sibling, Школа 2 (8), too.
    assert hidden(cells) == {("school", "Амурский", "Школа 3"), ("school", "Амурский", "Школа 2")}
    published = result[("municipality", "Амурский", None, "оценивание")]
    assert published == (23, 6, 6 / 23)
    assert result[("school", "Амурский", "Школа 1", "оценивание")] == (12, 3, 0.25)
    # What is left is one equation in two unknowns: Школа 2 + Школа 3 = 11 (3).
    assert result[("school", "Амурский", "Школа 2", "оценивание")] == (None, None, None)


def test_chain_region_to_municipality_to_school():
    # Region 34 (8): А 3 (1) has one school; Б 6 (2) + 5 (1) = 11 (3); В 20 (4).
    spec = {
        ("А", "а1"): (3, 1),
        ("Б", "б1"): (6, 2),
        ("Б", "б2"): (5, 1),
        ("В", "в1"): (20, 4),
    }
    cells = suppress_deficits(*rows(spec), min_group=5)
    # Round 1, region: А is hidden (n = 3), so the smallest published municipality Б (11) goes.
    # Then Б is hidden with both schools published: Б = 6 + 5 would give А = 34 - 11 - 20 = 3,
    # so its smallest school б2 (5) goes as well. В and its only school stay.
    assert hidden(cells) == {
        ("municipality", "А", None),
        ("school", "А", "а1"),
        ("municipality", "Б", None),
        ("school", "Б", "б2"),
    }
    assert table(cells)[("region", None, None, "оценивание")] == (34, 8, 8 / 34)


def test_hidden_parent_with_a_hidden_child_keeps_the_other_children():
    # Region: Н (3) is hidden, so the smallest published municipality М (20 < О 30) goes too.
    # М already has a hidden school, м3 (2): М − м3 = 18 is known but both are unknown, and
    # Н + М = 23 is known but both are unknown, so м1 and м2 stay published.
    spec = {
        ("Н", "н1"): (3, 0),
        ("М", "м1"): (12, 1),
        ("М", "м2"): (6, 1),
        ("М", "м3"): (2, 1),
        ("О", "о1"): (30, 9),
    }
    cells = suppress_deficits(*rows(spec), min_group=5)
    assert hidden(cells) == {
        ("municipality", "Н", None),
        ("school", "Н", "н1"),
        ("municipality", "М", None),
        ("school", "М", "м3"),
    }


def test_ties_are_broken_by_name():
    spec = {
        ("Ванинский", "Школа Б"): (6, 1),
        ("Ванинский", "Школа А"): (6, 2),
        ("Ванинский", "Школа В"): (2, 0),
        # Two municipalities of 9 behind one of 4: Вяземский goes before Кербинский.
        ("Кербинский", "Школа А"): (9, 0),
        ("Вяземский", "Школа А"): (9, 0),
        ("Аянский", "Школа 1"): (4, 4),
    }
    cells = suppress_deficits(*rows(spec), min_group=5)
    assert hidden(cells) == {
        ("school", "Ванинский", "Школа В"),
        ("school", "Ванинский", "Школа А"),  # tie of 6 with Школа Б: А comes first
        ("municipality", "Аянский", None),
        ("school", "Аянский", "Школа 1"),
        ("municipality", "Вяземский", None),  # tie of 9 with Кербинский
        ("school", "Вяземский", "Школа А"),  # its only school: else Вяземский = Школа А
    }


def test_two_hidden_siblings_need_no_complement():
    spec = {("М", "а"): (3, 1), ("М", "б"): (4, 2), ("М", "в"): (10, 5)}
    assert hidden(suppress_deficits(*rows(spec), min_group=5)) == {
        ("school", "М", "а"),
        ("school", "М", "б"),
    }


def test_small_region_hides_everything():
    spec = {("М", "а"): (2, 1), ("Н", "б"): (2, 0)}
    cells = suppress_deficits(*rows(spec), min_group=5)
    assert all(c["suppressed"] for c in cells_to_json(cells)["cells"])


def test_competences_are_suppressed_separately():
    first = rows({("М", "а"): (3, 1), ("М", "б"): (8, 2), ("М", "в"): (9, 2)}, "оценивание")
    second = rows({("М", "а"): (6, 1), ("М", "б"): (8, 2), ("М", "в"): (9, 2)}, "цифровая среда")
    cells = suppress_deficits(*merge(first, second), min_group=5)
    assert cells.competences == ("оценивание", "цифровая среда")
    assert cells.schools.suppressed.tolist() == [[True, False], [True, False], [False, False]]


def test_same_school_name_in_two_municipalities_is_two_schools():
    spec = {("М", "Школа 1"): (6, 1), ("Н", "Школа 1"): (7, 2)}
    result = table(suppress_deficits(*rows(spec), min_group=5))
    assert result[("school", "М", "Школа 1", "оценивание")] == (6, 1, 1 / 6)
    assert result[("school", "Н", "Школа 1", "оценивание")] == (7, 2, 2 / 7)


def test_contract_of_the_json():
    data = cells_to_json(suppress_deficits(*rows(RECOVERABLE), min_group=5))
    assert data["min_group"] == 5
    levels = [c["level"] for c in data["cells"]]
    assert levels == ["region"] + ["municipality"] * 2 + ["school"] * 5
    hidden_cell = next(c for c in data["cells"] if c["school"] == "Школа 3")
    assert hidden_cell == {
        "level": "school",
        "municipality": "Амурский",
        "school": "Школа 3",
        "competence": "оценивание",
        "n": None,
        "with_deficit": None,
        "share": None,
        "suppressed": True,
    }


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((["М"], ["а"], ["к"], [2], 5), "deficit must be 0 or 1"),
        ((["М"], ["а"], ["к", "к"], [1], 5), "differ in length"),
        ((["М"], ["а"], ["к"], [1], 0), "min_group must be a positive integer"),
        ((["М"], [""], ["к"], [1], 5), "school must not be empty"),
    ],
)
def test_bad_arguments(arguments, message):
    *arrays, min_group = arguments
    with pytest.raises(ValueError, match=message):
        suppress_deficits(*arrays, min_group=min_group)


def test_empty_input_gives_no_cells():
    assert cells_to_json(suppress_deficits([], [], [], [], min_group=5))["cells"] == []


def test_module_stays_free_of_the_web_stack():
    import ast
    from pathlib import Path

    import competence.analytics.suppression as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= {"dataclasses", "typing", "numpy"}


# Property: random regions of up to 5 municipalities of up to 4 schools; per school and each of
# two competences a count of teachers (0: nobody took it) and a share with a deficit.
SCHOOL = st.lists(st.tuples(st.integers(0, 12), st.floats(0, 1)), min_size=2, max_size=2)
REGION = st.lists(st.lists(SCHOOL, min_size=1, max_size=4), min_size=1, max_size=5)


def _region_rows(region):
    parts = []
    for c in range(2):
        spec = {
            (f"м{m}", f"ш{s}"): (school[c][0], round(school[c][0] * school[c][1]))
            for m, schools in enumerate(region)
            for s, school in enumerate(schools)
        }
        parts.append(rows(spec, f"к{c}"))
    return merge(*parts)


def _determined(cells, column):
    """Return the hidden cells that the published ones and the tree's sums determine exactly."""
    levels = cells.levels
    names = [(level.level, i) for level in levels for i in range(len(level.n))]
    index = {name: k for k, name in enumerate(names)}
    hide = np.concatenate([level.suppressed[:, column] for level in levels])
    parents = [(("region", 0), [("municipality", i) for i in range(len(cells.municipalities.n))])]
    for m, name in enumerate(cells.municipalities.municipality):
        children = np.nonzero(cells.schools.municipality == name)[0]
        parents.append((("municipality", m), [("school", int(i)) for i in children]))
    # One equation per parent, parent − Σ children = 0, over the hidden unknowns only (published
    # terms are constants). A hidden cell is determined when its unit vector lies in the row
    # space of the equations, i.e. adding it as a row leaves the rank unchanged.
    matrix = np.zeros((len(parents), len(names)))
    for row, (parent, children) in enumerate(parents):
        matrix[row, index[parent]] = 1
        matrix[row, [index[child] for child in children]] = -1
    matrix = matrix[:, hide]
    unknown = [name for name, hidden_cell in zip(names, hide, strict=True) if hidden_cell]
    rank = np.linalg.matrix_rank(matrix)
    unit = np.eye(len(unknown))
    return [
        name
        for k, name in enumerate(unknown)
        if np.linalg.matrix_rank(np.vstack([matrix, unit[k]])) == rank
    ]


def _children(cells):
    """Yield (parent level, parent row, child level, mask of its children) of the tree."""
    for p in range(len(cells.region.n)):
        yield cells.region, p, cells.municipalities, np.ones(len(cells.municipalities.n), bool)
    for p, name in enumerate(cells.municipalities.municipality):
        yield cells.municipalities, p, cells.schools, cells.schools.municipality == name


@FAST
@given(REGION, st.integers(1, 8))
def test_no_published_parent_has_exactly_one_suppressed_child(region, min_group):
    cells = suppress_deficits(*_region_rows(region), min_group=min_group)
    for level in cells.levels:
        assert level.suppressed[level.exists & (level.n < min_group)].all()
        assert not level.suppressed[~level.exists].any()
    for parent, p, child, mask in _children(cells):
        for c in range(len(cells.competences)):
            if not parent.exists[p, c]:
                continue
            count = int(child.suppressed[mask, c].sum())
            if parent.suppressed[p, c]:
                assert count >= 1  # ours: else the parent is the sum of its children
            else:
                assert count != 1


@FAST
@given(REGION, st.integers(1, 8))
def test_no_hidden_cell_follows_from_the_published_ones(region, min_group):
    cells = suppress_deficits(*_region_rows(region), min_group=min_group)
    for column in range(len(cells.competences)):
        assert _determined(cells, column) == []


def test_counts_give_the_same_cells_as_teachers_rows():
    rng = np.random.default_rng(7)
    municipality = rng.choice(["М1", "М2", "М3"], 400)
    school = np.char.add(municipality, rng.integers(0, 6, 400).astype(str))
    competence = rng.choice(["a", "b", "c"], 400)
    deficit = rng.integers(0, 2, 400)
    by_teacher = suppress_deficits(municipality, school, competence, deficit, 5)
    teachers, deficits = Counter(), Counter()
    for key, value in zip(zip(municipality, school, competence, strict=True), deficit, strict=True):
        teachers[key] += 1
        deficits[key] += int(value)
    keys = sorted(teachers)
    by_group = suppress_counts(
        [k[0] for k in keys],
        [k[1] for k in keys],
        [k[2] for k in keys],
        [teachers[k] for k in keys],
        [deficits[k] for k in keys],
        5,
    )
    assert cells_to_json(by_group) == cells_to_json(by_teacher)


def test_counts_refuse_impossible_figures():
    with pytest.raises(ValueError, match="with_deficit"):
        suppress_counts(["М"], ["Ш"], ["a"], [3], [4], 5)


def test_a_cross_table_hides_a_second_group_beside_a_lone_small_one():
    # Categories x competences: in the first competence only one category is small, so the
    # next smallest is hidden too (total - the rest would give it away); the second competence
    # has no small group; the third's total is small, so a child goes with it.
    n = np.array([[3, 9, 2], [12, 10, 1], [20, 30, 0]])
    hidden, total_hidden = suppress_table(n, 5)
    assert hidden.tolist() == [[True, False, True], [True, False, True], [False, False, False]]
    assert total_hidden.tolist() == [False, False, True]
