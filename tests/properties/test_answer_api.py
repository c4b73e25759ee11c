"""Property: no body sent to the answer API gives a 500, and a refused one saves nothing."""

from hypothesis import given, settings
from hypothesis import strategies as st

from competence.extensions import db
from tests.diagnostics.helpers import instrument, load_instruments, open_attempt, saved
from tests.factories import csrf_token, login, make_user
from tests.properties.strategies import FAST, JSON, NUMBER, SCALAR, TEXT

KEY = "mathematics-teacher"


def test_no_answer_body_gives_a_server_error(app, client):
    load_instruments()
    make_user(subjects=("mathematics",))
    login(client)
    attempt = open_attempt(client, KEY)
    items = [item.id for item in instrument(KEY).instrument.items]
    token = csrf_token(client, f"/diagnostics/attempts/{attempt.id}")
    url = f"/api/attempts/{attempt.id}/answers"

    current = st.just("current")  # replaced by the attempt's sequence at the time of the post
    item_ids = st.one_of(st.sampled_from(items), JSON)
    sequences = st.one_of(st.just(None), NUMBER, JSON)
    bodies = st.one_of(
        # Blank answers are valid for every item: they reach the saving path.
        st.fixed_dictionaries(
            {"item": st.sampled_from(items), "answer": st.none() | JSON, "sequence": current}
        ),
        st.fixed_dictionaries(
            {"item": item_ids, "answer": JSON},
            optional={"sequence": sequences, "extra": SCALAR},
        ),
        JSON,
    )
    raw_bodies = st.one_of(st.binary(max_size=200), TEXT.map(str.encode))
    # A header cannot carry a line break (the client refuses it before sending).
    tokens = st.one_of(st.just(token), TEXT.map(lambda t: "".join(t.splitlines())))
    statuses = set()

    @settings(FAST, max_examples=60)
    @given(body=bodies, raw=st.none() | raw_bodies, sent_token=tokens, stale=st.booleans())
    def check(body, raw, sent_token, stale):
        db.session.refresh(attempt)
        before_sequence, before = attempt.sequence, saved(attempt)
        if isinstance(body, dict) and (not stale or body.get("sequence") == "current"):
            body = {**body, "sequence": before_sequence}
        headers = {"X-CSRFToken": sent_token.encode("utf-8", "replace").decode("latin-1")}
        if raw is None:
            response = client.post(url, json=body, headers=headers)
        else:
            headers["Content-Type"] = "application/json"
            response = client.post(url, data=raw, headers=headers)
        assert response.status_code < 500, (body, raw, response.get_data(as_text=True))
        statuses.add(response.status_code)
        if response.status_code != 200:
            db.session.refresh(attempt)
            assert attempt.sequence == before_sequence
            assert saved(attempt) == before

    check()
    # The walk reached both the saving and the refusing paths.
    assert 200 in statuses and 400 in statuses, statuses
