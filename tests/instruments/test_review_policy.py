"""An instrument's answer-review policy: in YAML, validation, export, import and the editor."""

import re
from dataclasses import replace
from pathlib import Path

import pytest

from competence.instruments import spec
from competence.instruments.export import to_yaml
from competence.instruments.validation import validate_sources, validate_tree
from tests.factories import post_form
from tests.instruments.helpers import build_instrument, document, press
from tests.instruments.test_editor_input import settings

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
SCALES = validate_tree(ROOT / "instruments" / "scales").objects
VALID = validate_tree(FIXTURES / "valid", references=SCALES).objects
REFERENCES = (*SCALES, *VALID)
SAMPLE = FIXTURES / "valid" / "sample-teacher.yaml"
EDIT = "/instruments/instrument/reading-check/edit"


def with_review(line: str) -> str:
    """Return the sample instrument's YAML with a review line after the retake rules."""
    text = SAMPLE.read_text(encoding="utf-8")
    return re.sub(r"(?m)^levels:", f"{line}\nlevels:", text, count=1)


def check(text: str):
    others = [obj for obj in REFERENCES if obj.id != "sample-teacher"]
    return validate_sources([("sample.yaml", text)], references=others)


@pytest.mark.parametrize(
    ("line", "policy", "opens_on"),
    [
        ("", "immediately", None),
        ("review: immediately", "immediately", None),
        ("review: never", "never", None),
        ("review: 2027-06-01", "2027-06-01", "2027-06-01"),
        ("review: '2027-06-01'", "2027-06-01", "2027-06-01"),
    ],
)
def test_review_policies_are_read(line, policy, opens_on):
    result = check(with_review(line))
    assert result.errors == ()
    [instrument] = result.objects
    assert instrument.review == policy
    expected = opens_on and spec.review_date(opens_on)
    assert spec.review_date(instrument.review) == expected


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("review: soon", "«soon»"),
        ("review: 2027-02-30", "«2027-02-30»"),
        ("review: 20270601", "число 20270601"),
        ("review: 2027-06-01 10:00", "«2027-06-01 10:00»"),
        ("review: true", "логическое значение true"),
        ("review: {after: 2027-06-01}", "набор полей"),
    ],
)
def test_a_bad_review_policy_is_refused_with_its_line(line, shown):
    text = with_review(line)
    line_number = text.splitlines().index(line) + 1
    result = check(text)
    assert [str(error) for error in result.errors] == [
        f"sample.yaml:{line_number}: review: разбор ответов: ожидается immediately (сразу), "
        f"never (никогда) или дата в виде ГГГГ-ММ-ДД, указано: {shown}"
    ]


@pytest.mark.parametrize("policy", ["never", "2027-06-01"])
def test_export_writes_the_policy_after_the_retake_rules_and_reads_it_back(policy):
    instrument = replace(next(o for o in VALID if o.id == "sample-teacher"), review=policy)
    text = to_yaml(instrument)
    assert "  attempts_per_year: 3\nreview: " in text
    result = validate_sources([("sample.yaml", text)], references=SCALES + VALID[:1])
    assert result.errors == ()
    assert result.objects == (instrument,)


def test_the_default_policy_is_left_out_and_does_not_change_the_content_hash():
    absent = check(with_review("")).objects[0]
    explicit = check(with_review("review: immediately")).objects[0]
    assert absent == explicit
    assert spec.content_hash(absent) == spec.content_hash(explicit)
    assert "review" not in to_yaml(absent)
    assert spec.content_hash(replace(absent, review="never")) != spec.content_hash(absent)


def test_shipped_instruments_state_their_policy():
    for path in sorted((ROOT / "instruments").glob("*.yaml")):
        assert "\nreview: immediately\n" in path.read_text(encoding="utf-8"), path.name


def selected(page: str, name: str) -> str:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    return re.search(r'<option selected value="([^"]*)"', select).group(1)


def test_the_editor_sets_each_policy(methodist):
    build_instrument(methodist)
    page = methodist.get(EDIT).get_data(as_text=True)
    assert selected(page, "review") == "immediately"

    saved = post_form(methodist, EDIT, settings(review="after", review_date="2027-06-01"))
    assert saved.status_code == 302
    assert document("instrument", "reading-check").draft.content["review"] == "2027-06-01"
    page = methodist.get(EDIT).get_data(as_text=True)
    assert selected(page, "review") == "after"
    assert 'name="review_date" type="date" value="2027-06-01"' in page

    assert post_form(methodist, EDIT, settings(review="never")).status_code == 302
    assert document("instrument", "reading-check").draft.content["review"] == "never"

    assert post_form(methodist, EDIT, settings(review="immediately")).status_code == 302
    assert "review" not in document("instrument", "reading-check").draft.content


def test_the_editor_wants_a_date_for_a_review_from_a_date(methodist):
    build_instrument(methodist)
    post_form(methodist, EDIT, settings(review="never"))
    response = post_form(methodist, EDIT, settings(review="after", review_date=""))
    assert response.status_code == 422
    assert "Укажите дату, с которой открывается разбор ответов." in response.get_data(as_text=True)
    assert document("instrument", "reading-check").draft.content["review"] == "never"


def test_a_published_policy_survives_export_and_import(methodist):
    build_instrument(methodist)
    post_form(methodist, EDIT, settings(review="after", review_date="2027-06-01"))
    publish = press(methodist, "/instruments/instrument/reading-check/draft/publish", EDIT)
    assert publish.status_code == 302
    text = methodist.get("/instruments/instrument/reading-check/v1.yaml").get_data(as_text=True)
    assert "\nreview: '2027-06-01'\n" in text or "\nreview: 2027-06-01\n" in text
    imported = post_form(methodist, "/instruments/import", {"text": text})
    assert imported.status_code == 302
    assert document("instrument", "reading-check").draft.content["review"] == "2027-06-01"
