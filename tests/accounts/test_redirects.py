"""Every `next` taken from a request goes through one check: no open redirect (issue 13, 2)."""

import pytest

from tests.factories import PASSWORD, csrf_token, login, make_user, post_form

# Known ways to make a browser leave the site from a path that looks local.
BYPASSES = [
    "//evil.example",
    "//evil.example/",
    "///evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0d/evil.example",
    "/%0d%0a/evil.example",
    "/\r\n/evil.example",
    "/\n/evil.example",
    "/%2f/evil.example",
    "/%2F%2Fevil.example",
    "%2f%2fevil.example",
    "/%5cevil.example",
    "/%5Cevil.example",
    "/%255cevil.example",
    "/%252f/evil.example",
    "/%25252f/evil.example",
    "/%E2%80%AE/evil.example",
    "/%E2%80%8B/evil.example",
    "/\u200b/evil.example",
    "/%00/evil.example",
    " //evil.example",
    "%20//evil.example",
    "https://evil.example/",
    "http://evil.example",
    "HTTPS://evil.example",
    "//evil.example@portal",
    "https:evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "java%0ascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "ftp://evil.example",
    "",
]


@pytest.mark.parametrize("target", BYPASSES)
def test_no_next_sends_anybody_off_the_site(client, target):
    make_user()
    holds_nul = "%00" in target
    # Sign-in with the target in the query (a NUL anywhere is refused with 400 before).
    signed_in = post_form(
        client,
        "/login?" + _query(target),
        {"email": "teacher@example.org", "password": PASSWORD},
        page="/login",
    )
    assert (signed_in.status_code, signed_in.headers.get("Location")) == (
        (400, None) if holds_nul else (302, "/cabinet/")
    )
    if holds_nul:
        login(client)
    # The login page of a signed-in user.
    again = client.get("/login", query_string={"next": target})
    assert (again.status_code, again.headers["Location"]) == (302, "/cabinet/")
    # The language switch, from a form field.
    token = csrf_token(client, "/profile")
    switched = client.post("/locale", data={"locale": "en", "next": target, "csrf_token": token})
    assert (switched.status_code, switched.headers["Location"]) == (302, "/")


def _query(target: str) -> str:
    """Return `next=<target>` with the target's raw characters percent-encoded once."""
    from urllib.parse import quote

    return "next=" + quote(target, safe="%/:@")


@pytest.mark.parametrize(
    "target",
    ["/profile", "/diagnostics/3?tab=result", "/certificates/admin?q=Иванов Иван", "/"],
)
def test_pages_of_the_portal_are_kept(client, target):
    make_user()
    login(client)
    response = client.get("/login", query_string={"next": target})
    assert response.headers["Location"].startswith(target.split("?")[0])
    token = csrf_token(client, "/profile")
    switched = client.post("/locale", data={"locale": "en", "next": target, "csrf_token": token})
    assert switched.status_code == 302
    assert switched.headers["Location"].startswith(target.split("?")[0])


def test_a_line_break_in_next_is_not_a_server_error(client):
    make_user()
    login(client)
    response = client.get("/login?next=/%0a/evil.example")
    assert response.status_code == 302
    assert response.headers["Location"] == "/cabinet/"
