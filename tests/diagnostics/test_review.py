"""A taker reviews a submitted attempt: answers, credit, and the key only when it is safe."""

import dataclasses
import html
import re
from datetime import timedelta

from competence.accounts.models import Role
from competence.database import utcnow
from competence.diagnostics.models import Attempt
from competence.extensions import db
from competence.instruments import services, spec
from tests.diagnostics.helpers import (
    best_answer,
    instrument,
    open_attempt,
    take,
    worst_answer,
)
from tests.factories import login, make_user

# The one shipped instrument with all seven item types.
KEY = "methodical-teacher"


def republish(key=KEY, **changes):
    """Publish a new version of a shipped instrument with some settings changed."""
    current = instrument(key).instrument
    services.publish_objects([dataclasses.replace(current, **changes)], source="test")


def only_attempt(**changes):
    """Allow one attempt a year (so the taker has no retake left), plus other changes."""
    republish(retake=spec.Retake(cooldown_days=0, attempts_per_year=1), **changes)


def review(client, attempt):
    return client.get(f"/diagnostics/attempts/{attempt.id}/review")


def section(page: str, item_id: str) -> str:
    """Return the text of one question of the review, tags removed, spaces collapsed."""
    match = re.search(rf'<section[^>]*id="review-{item_id}".*?</section>', page, re.S)
    assert match, f"no question {item_id}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(0))).split())


def flat(text: str) -> str:
    return " ".join(text.split())


def first_of_type(ready, item_type, with_comment=True):
    return next(
        item
        for item in ready.instrument.items
        if item.type == item_type and (item.comment or not with_comment)
    )


def mixed(item, scales):
    """Answer choice items wrongly and the others fully right."""
    if item.type in ("single_choice", "situational", "matching", "ordering"):
        return worst_answer(item, scales)
    return best_answer(item, scales)


def test_review_shows_each_item_type_with_the_key_and_the_comment(teacher):
    only_attempt()
    attempt = take(teacher, KEY, mixed)
    response = review(teacher, attempt)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    ready = instrument(KEY)
    scales = ready.scales
    assert "правильные ответы и пояснения скрыты" not in page.lower()

    single = first_of_type(ready, "single_choice")
    text = section(page, single.id)
    chosen = next(o for o in single.body.options if o.id == worst_answer(single, scales))
    right = next(o for o in single.body.options if o.correct)
    assert f"{flat(chosen.text)} ваш ответ" in text
    assert f"{flat(right.text)} правильный ответ" in text
    assert "Неверно" in text and flat(single.comment) in text

    multiple = first_of_type(ready, "multiple_choice")
    text = section(page, multiple.id)
    assert "Верно" in text and flat(multiple.comment) in text
    for option in multiple.body.options:
        if option.correct:
            assert f"{flat(option.text)} ваш ответ правильный ответ" in text

    situational = first_of_type(ready, "situational")
    text = section(page, situational.id)
    best = max(situational.body.options, key=lambda o: o.weight)
    worst = min(situational.body.options, key=lambda o: o.weight)
    assert f"{flat(best.text)} лучший вариант" in text
    assert f"{flat(worst.text)} ваш ответ" in text

    likert = first_of_type(ready, "likert", with_comment=False)
    text = section(page, likert.id)
    points = {p.value: p.label for p in scales[likert.body.scale].points}
    assert f"Ваш ответ: {points[best_answer(likert, scales)]}" in text
    assert "Самооценка: правильного ответа нет" in text and "Правильный" not in text
    # A Likert comment is a note to methodists (its weight, its reversal), not an explanation.
    noted = next(i for i in ready.instrument.items if i.type == "likert" and i.comment)
    assert flat(noted.comment) not in section(page, noted.id)

    numeric = first_of_type(ready, "numeric")
    text = section(page, numeric.id)
    shown = f"{numeric.body.answer:g}".replace(".", ",")
    unit = f" {numeric.body.unit}" if numeric.body.unit else ""
    assert f"Ваш ответ: {shown}{unit}" in text
    assert f"Правильный ответ: {shown}{unit}" in text and "Верно" in text

    matching = first_of_type(ready, "matching")
    text = section(page, matching.id)
    pairs = matching.body.pairs
    given = worst_answer(matching, scales)
    for pair, pick in zip(pairs, given, strict=True):
        assert (
            f"{flat(pair.left)} ваш ответ: {flat(pairs[pick].right)} "
            f"правильный ответ: {flat(pair.right)}"
        ) in text
    assert "Неверно" in text

    ordering = first_of_type(ready, "ordering")
    text = section(page, ordering.id)
    sequence = ordering.body.sequence
    yours = " ".join(flat(sequence[i]) for i in worst_answer(ordering, scales))
    assert f"Ваш порядок {yours} Правильный порядок {flat(' '.join(sequence))}" in text


def test_partial_credit_reads_partly_right_with_the_stored_share(teacher):
    only_attempt()
    ready = instrument(KEY)
    multiple = first_of_type(ready, "multiple_choice")
    correct = [o.id for o in multiple.body.options if o.correct]
    attempt = take(teacher, KEY, lambda item, scales: correct[:1], only={multiple.id})
    stored = attempt.item_scores[multiple.id]
    assert 0 < stored < 1
    text = section(review(teacher, attempt).get_data(as_text=True), multiple.id)
    assert f"Частично верно · {round(stored * 100)}%" in text
    unanswered = first_of_type(ready, "numeric")
    assert "Нет ответа" in section(review(teacher, attempt).get_data(as_text=True), unanswered.id)


def test_the_key_stays_hidden_while_a_retake_is_left(teacher):
    # Shipped: three attempts a year. After the first, the taker sees credit but no key.
    attempt = take(teacher, KEY, mixed)
    page = review(teacher, attempt).get_data(as_text=True)
    ready = instrument(KEY)
    assert "осталось 2 попытки" in page or "остались 2 попытки" in page
    for item in ready.instrument.items:
        text = section(page, item.id)
        assert "правильный ответ" not in text.lower() and "лучший вариант" not in text
        assert "Правильный порядок" not in text
        if item.comment:
            assert flat(item.comment) not in text
    single = first_of_type(ready, "single_choice")
    assert "Неверно" in section(page, single.id)


def test_the_key_stays_hidden_while_the_last_attempt_is_in_progress(teacher):
    republish(retake=spec.Retake(cooldown_days=0, attempts_per_year=2))
    first = take(teacher, KEY, mixed)
    second = open_attempt(teacher, KEY)  # the last attempt of the year, not finished
    page = review(teacher, first).get_data(as_text=True)
    assert "незавершённая попытка" in page
    single = first_of_type(instrument(KEY), "single_choice")
    assert flat(single.comment) not in section(page, single.id)
    # The attempt in progress itself has no review at all.
    assert review(teacher, second).status_code == 404


def test_a_review_closed_by_the_methodist_shows_why_and_nothing_else(teacher):
    only_attempt()
    attempt = take(teacher, KEY, mixed)
    # Closed after the attempt: the newest version's policy applies to earlier attempts.
    republish(review=spec.REVIEW_NEVER)
    response = review(teacher, attempt)
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Разбор ответов по этой диагностике методистами не предусмотрен." in page
    single = first_of_type(instrument(KEY), "single_choice")
    assert flat(single.comment)[:40] not in flat(page)
    assert 'id="review-' not in page


def test_a_review_opens_on_its_date(teacher):
    only_attempt()
    attempt = take(teacher, KEY, mixed)
    later = (utcnow() + timedelta(days=30)).date()
    republish(review=later.isoformat())
    response = review(teacher, attempt)
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    months = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    assert f"Разбор ответов откроется {later.day} {months.split()[later.month - 1]}" in page
    assert 'id="review-' not in page
    republish(review=(utcnow() - timedelta(days=1)).date().isoformat())
    response = review(teacher, attempt)
    assert response.status_code == 200
    assert 'id="review-' in response.get_data(as_text=True)


def test_nobody_but_the_taker_sees_a_review(app, teacher):
    only_attempt()
    attempt = take(teacher, KEY, mixed)
    for email, role, position in (
        ("colleague@example.org", Role.TEACHER, "teacher"),
        ("director@example.org", Role.DIRECTOR, "director"),
        ("methodist@example.org", Role.METHODIST, "other"),
        ("admin@example.org", Role.ADMIN, "other"),
    ):
        make_user(email=email, role=role, position=position)
        other = app.test_client()
        login(other, email)
        assert review(other, attempt).status_code == 404, email
    anonymous = review(app.test_client(), attempt)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert review(teacher, attempt).status_code == 200


def test_an_attempt_in_progress_has_no_review(teacher):
    attempt = open_attempt(teacher, KEY)
    assert review(teacher, attempt).status_code == 404
    assert teacher.get(f"/diagnostics/attempts/{attempt.id + 1}/review").status_code == 404


def test_the_result_page_links_to_the_review(teacher):
    attempt = take(teacher, KEY, mixed)
    page = teacher.get(f"/diagnostics/attempts/{attempt.id}/result").get_data(as_text=True)
    assert f'href="/diagnostics/attempts/{attempt.id}/review"' in page
    assert db.session.get(Attempt, attempt.id).is_submitted
