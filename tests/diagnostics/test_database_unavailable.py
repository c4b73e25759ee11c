"""A busy or unreachable database gives the portal's own 503, and the answer is kept to retry."""

from sqlalchemy.exc import OperationalError

from competence.diagnostics import services
from tests.diagnostics.helpers import best_answer, instrument, open_attempt, save, saved

LOCKED = OperationalError("UPDATE attempts", {}, Exception("database is locked"))


def fail(*args, **kwargs):
    raise LOCKED


def test_a_save_while_the_database_is_locked_is_a_503_json_to_retry(teacher, monkeypatch):
    attempt = open_attempt(teacher, "mathematics-teacher")
    ready = instrument("mathematics-teacher")
    choice = next(i for i in ready.instrument.items if i.type == "single_choice")
    monkeypatch.setattr(services, "save_page_answer", fail)
    response = save(teacher, attempt, choice.id, best_answer(choice, ready.scales))
    assert response.status_code == 503
    assert response.is_json and "временно" in response.json["error"]
    assert int(response.headers["Retry-After"]) > 0
    assert saved(attempt) == {}


def test_a_page_while_the_database_is_down_is_the_portals_503_page(teacher, monkeypatch):
    attempt = open_attempt(teacher, "mathematics-teacher")
    monkeypatch.setattr(services, "answers_of", fail)
    response = teacher.get(f"/diagnostics/attempts/{attempt.id}")
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert "Retry-After" in response.headers
    page = response.get_data(as_text=True)
    assert "Сервис временно недоступен" in page and "navbar" in page


def test_when_even_the_signed_in_user_cannot_be_read_the_503_page_still_answers(
    app, teacher, monkeypatch
):
    # The layout reads the signed-in user; with the database down that fails too, and the
    # portal's bare 503 page is shown instead of Werkzeug's.
    monkeypatch.setattr(app.login_manager, "_user_callback", fail)
    response = teacher.get("/diagnostics/")
    assert response.status_code == 503
    assert "Retry-After" in response.headers
    page = response.get_data(as_text=True)
    assert "Сервис временно недоступен" in page and "navbar" not in page
