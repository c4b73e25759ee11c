"""HSTS, no caching of personal pages and downloads, a private database file (issue 13, 15)."""

import os
import stat

import pytest

from competence import create_app
from competence.accounts.models import Role
from competence.extensions import db
from tests.conftest import BASE_CONFIG
from tests.factories import login, make_user


def test_hsts_is_sent_when_cookies_are_https_only(app_factory):
    secure = app_factory(SESSION_COOKIE_SECURE=True)
    assert secure.test_client().get("/").headers["Strict-Transport-Security"] == (
        "max-age=31536000"
    )


def test_no_hsts_on_plain_http_setups(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


@pytest.mark.parametrize("path", ["/cabinet/", "/profile", "/password/change", "/"])
def test_pages_seen_by_a_signed_in_user_are_not_stored(client, path):
    make_user()
    login(client)
    response = client.get(path)
    assert response.status_code in (200, 302)  # "/" sends a signed-in user to the cabinet
    assert response.headers["Cache-Control"] == "no-store"


def test_a_download_is_not_stored(client):
    make_user("methodist@example.org", role=Role.METHODIST, position="other")
    login(client, "methodist@example.org")
    response = client.get("/schools/indicators/template.csv")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"


def test_forms_with_a_session_are_not_stored_but_static_files_are_cacheable(client):
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    make_user()
    login(client)
    asset = client.get("/static/css/portal.css")
    assert asset.status_code == 200
    assert "no-store" not in asset.headers.get("Cache-Control", "")


def test_the_sqlite_database_file_is_created_private(tmp_path):
    path = tmp_path / "instance" / "competence.sqlite3"
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.session.execute(db.text("CREATE TABLE probe (id INTEGER)"))
        db.session.commit()
        for name in (path, path.with_name(path.name + "-wal")):
            if name.exists():
                assert stat.S_IMODE(os.stat(name).st_mode) == 0o600, name
        db.engine.dispose()
