"""The attempt page carries nothing that names or orders options by the key."""

from collections import Counter, defaultdict
from html.parser import HTMLParser

import pytest

from competence.extensions import db
from tests.diagnostics.helpers import (
    best_answer,
    instrument,
    load_instruments,
    open_attempt,
    page_answer,
    save,
    saved,
)
from tests.factories import csrf_token, login, make_user, post_form

ATTEMPTS = 5
KEY = "mathematics-teacher"  # every item type with a key: choice, matching, ordering


class Elements(HTMLParser):
    """Collect every element of the page with its attributes, its text and its fieldset."""

    def __init__(self):
        super().__init__()
        self.elements, self.open, self.fieldset = [], [], None

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": "", "item": self.fieldset}
        if tag == "fieldset" and "data-item" in element["attrs"]:
            self.fieldset = element["attrs"]["data-item"]
            element["item"] = self.fieldset
        self.elements.append(element)
        if tag not in ("input", "br", "img", "meta", "link", "hr"):
            self.open.append(element)

    def handle_endtag(self, tag):
        while self.open:
            element = self.open.pop()
            if element["tag"] == tag:
                break
        if tag == "fieldset":
            self.fieldset = None

    def handle_data(self, data):
        for element in self.open:
            element["text"] += data


def parse(html: str) -> list[dict]:
    parser = Elements()
    parser.feed(html)
    return parser.elements


def answer_elements(elements, item):
    """Return (element, its label, is it the key, its group) for what the page offers.

    The key is found by the visible texts alone, as the YAML writes them: whatever the page
    uses to name options, the test does not need to know it.
    """
    mine = [e for e in elements if e["item"] == item.id]
    labels = {e["attrs"].get("for"): e for e in mine if e["tag"] == "label"}
    found = []
    body = item.body
    if item.type in ("single_choice", "multiple_choice", "situational"):
        if item.type == "situational":
            top = max(o.weight for o in body.options)
            keys = {o.text for o in body.options if o.weight == top}
        else:
            keys = {o.text for o in body.options if o.correct}
        for e in mine:
            if e["tag"] == "input":
                label = labels[e["attrs"]["id"]]
                found.append((e, label, label["text"].strip() in keys, "options"))
    elif item.type == "matching":
        lefts = [pair.left for pair in body.pairs]
        rights = {pair.left: pair.right for pair in body.pairs}
        for e in mine:
            if e["tag"] == "select":
                row = labels[e["attrs"]["id"]]["text"].strip()
                # The options of this select are the ones after it, up to the next select.
                following = []
                for o in mine[mine.index(e) + 1 :]:
                    if o["tag"] == "select":
                        break
                    if o["tag"] == "option" and o["attrs"].get("value"):
                        following.append(o)
                assert following
                group = f"row{lefts.index(row)}"
                found += [(o, None, o["text"].strip() == rights[row], group) for o in following]
    elif item.type == "ordering":
        for e in mine:
            if e["tag"] == "select":
                text = labels[e["attrs"]["id"]]["text"].strip()
                position = list(body.sequence).index(text)
                found.append((e, labels[e["attrs"]["id"]], position, "elements"))
    return found


def identifying(attrs_of_group: list[dict]) -> set[str]:
    """Return the attributes whose values differ between the elements of one group."""
    names = {name for attrs in attrs_of_group for name in attrs}
    return {name for name in names if len({attrs.get(name) for attrs in attrs_of_group}) > 1}


def attributes(element, label) -> dict:
    """Return the attributes of an element and its label (aria-label repeats the visible text)."""
    found = {f"{element['tag']}.{k}": v for k, v in element["attrs"].items() if k != "aria-label"}
    if label is not None:
        found |= {f"label.{k}": v for k, v in label["attrs"].items()}
    return found


@pytest.fixture
def attempts(app):
    """Open the same diagnostic for several teachers; return (attempt, page) pairs."""
    load_instruments()
    opened = []
    for n in range(ATTEMPTS):
        make_user(email=f"t{n}@example.org", subjects=("mathematics",))
        client = app.test_client()
        login(client, f"t{n}@example.org")
        attempt = open_attempt(client, KEY)
        page = client.get(f"/diagnostics/attempts/{attempt.id}").get_data(as_text=True)
        opened.append((attempt, page))
    return opened


def test_no_attribute_of_the_page_names_or_orders_by_the_key(attempts):
    ready = instrument(KEY)
    keyed = [i for i in ready.instrument.items if i.type not in ("likert", "numeric")]
    values_by_key = defaultdict(list)  # (item, attribute, key identity) -> values across attempts
    ranks, places = Counter(), Counter()
    for _attempt, page in attempts:
        elements = parse(page)
        for item in keyed:
            found = answer_elements(elements, item)
            assert found, item.id
            groups = defaultdict(list)
            for element, label, key, group in found:
                groups[group].append((attributes(element, label), key, element))
            for group, members in groups.items():
                differing = identifying([attrs for attrs, _key, _e in members])
                for index, (attrs, key, _element) in enumerate(members):
                    for name in differing:
                        # The identity of an element: the key (or the written position).
                        values_by_key[(item.id, group, name, key)].append(attrs.get(name))
                    if key is True or (item.type == "ordering" and key == 0):
                        places[index * 10 // len(members)] += 1
                        for name in differing:
                            values = sorted(str(a.get(name)) for a, _k, _e in members)
                            ranks[values.index(str(attrs.get(name))) * 10 // len(members)] += 1
    # Whatever tells elements apart on a page changes from one attempt to the next.
    for (item_id, group, name, key), values in values_by_key.items():
        assert len(set(values)) == len(values), (item_id, group, name, key, values)
    # Neither the order of the elements nor the sorted order of their names tells the key.
    assert max(places.values()) <= 0.6 * sum(places.values()), places
    assert max(ranks.values()) <= 0.6 * sum(ranks.values()), ranks


def test_the_page_shows_no_option_id_or_written_index(attempts):
    ready = instrument(KEY)
    ids = {o.id for i in ready.instrument.items for o in getattr(i.body, "options", ())}
    attempt, page = attempts[0]
    for element in parse(page):
        if element["item"] is None or element["tag"] not in ("input", "option", "select"):
            continue
        item = next(i for i in ready.instrument.items if i.id == element["item"])
        if item.type in ("likert", "numeric"):
            continue
        value, name = element["attrs"].get("value", ""), element["attrs"].get("name", "")
        assert value not in ids
        if element["tag"] == "option" and item.type == "matching":
            assert not value.isdigit()
        if element["tag"] == "select" and item.type == "ordering":
            assert not name.rsplit("-", 1)[1].isdigit()


def test_answers_sent_by_token_are_stored_in_the_scoring_format(teacher):
    attempt = open_attempt(teacher, KEY)
    ready = instrument(KEY)
    for item in ready.instrument.items:
        answer = best_answer(item, ready.scales)
        response = save(teacher, attempt, item.id, answer)
        assert response.status_code == 200, response.json
        assert saved(attempt)[item.id] == answer
    # The page shows the saved answers back, checked and selected, by the same tokens.
    page = teacher.get(f"/diagnostics/attempts/{attempt.id}").get_data(as_text=True)
    choice = next(i for i in ready.instrument.items if i.type == "single_choice")
    token = page_answer(attempt, choice.id, best_answer(choice, ready.scales))
    assert f'value="{token}" checked' in page


def test_a_token_of_another_attempt_or_a_bare_id_is_refused_and_saves_nothing(app, client):
    load_instruments()
    make_user(email="one@example.org")
    make_user(email="two@example.org")
    login(client, "one@example.org")
    first = open_attempt(client, KEY)
    other = app.test_client()
    login(other, "two@example.org")
    second = open_attempt(other, KEY)
    ready = instrument(KEY)
    choice = next(i for i in ready.instrument.items if i.type == "single_choice")
    ordering = next(i for i in ready.instrument.items if i.type == "ordering")
    matching = next(i for i in ready.instrument.items if i.type == "matching")
    foreign = page_answer(first, choice.id, best_answer(choice, ready.scales))
    cases = [
        (choice.id, foreign, "нет такого варианта"),
        (choice.id, best_answer(choice, ready.scales), "нет такого варианта"),
        (ordering.id, best_answer(ordering, ready.scales), "своё место"),
        (ordering.id, page_answer(first, ordering.id, best_answer(ordering, None)), "своё место"),
        (matching.id, best_answer(matching, ready.scales), "справа нет"),
    ]
    for item_id, answer, message in cases:
        response = save(other, second, item_id, answer, as_page=False)
        assert response.status_code == 400, (item_id, answer)
        assert message in response.json["error"], response.json
    assert saved(second) == {}
    db.session.refresh(second)
    assert second.sequence == 0


def test_the_form_fallback_takes_tokens_and_shows_a_refused_order_again(teacher):
    attempt = open_attempt(teacher, KEY)
    ready = instrument(KEY)
    choice = next(i for i in ready.instrument.items if i.type == "single_choice")
    matching = next(i for i in ready.instrument.items if i.type == "matching")
    ordering = next(i for i in ready.instrument.items if i.type == "ordering")
    size = len(ordering.body.sequence)
    form = {"sequence": "0", f"a-{choice.id}": page_answer(attempt, choice.id, "b")}
    for row, right in enumerate(page_answer(attempt, matching.id, best_answer(matching, None))):
        form[f"a-{matching.id}-{row}"] = right
    elements = page_answer(attempt, ordering.id, list(range(size)))
    for element in elements:
        form[f"a-{ordering.id}-{element}"] = "1"  # every element first: refused
    response = post_form(teacher, f"/diagnostics/attempts/{attempt.id}", form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert saved(attempt) == {choice.id: "b", matching.id: list(range(len(matching.body.pairs)))}
    # The refused order is shown as typed, under the same (token) names.
    for element in elements:
        assert f'name="a-{ordering.id}-{element}"' in page
    for place, element in enumerate(elements, start=1):
        form[f"a-{ordering.id}-{element}"] = str(place)
    form["sequence"] = "1"
    assert post_form(teacher, f"/diagnostics/attempts/{attempt.id}", form).status_code == 303
    assert saved(attempt)[ordering.id] == list(range(size))


def test_a_forged_token_in_the_form_fallback_saves_nothing(teacher):
    attempt = open_attempt(teacher, KEY)
    ready = instrument(KEY)
    choice = next(i for i in ready.instrument.items if i.type == "single_choice")
    numeric = next(i for i in ready.instrument.items if i.type == "numeric")
    form = {"sequence": "0", f"a-{choice.id}": "a", f"a-{numeric.id}": "4"}
    response = post_form(teacher, f"/diagnostics/attempts/{attempt.id}", form)
    assert response.status_code == 400
    assert "нет такого варианта" in response.get_data(as_text=True)
    assert choice.id not in saved(attempt)


def test_deeply_nested_json_is_refused_clearly_and_saves_nothing(teacher):
    attempt = open_attempt(teacher, KEY)
    item = attempt.layout["items"][0]
    headers = {"X-CSRFToken": csrf_token(teacher, f"/diagnostics/attempts/{attempt.id}")}
    for depth in (50_000, 5_000):
        nested = "[" * depth + "]" * depth
        body = f'{{"item": "{item}", "sequence": 0, "answer": {nested}}}'
        response = teacher.post(
            f"/api/attempts/{attempt.id}/answers",
            data=body,
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code in (400, 413), response.status_code
        assert response.is_json and response.json["error"]
    assert saved(attempt) == {}
    db.session.refresh(attempt)
    assert attempt.sequence == 0
