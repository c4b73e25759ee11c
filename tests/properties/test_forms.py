"""Property: no values posted to any form of the portal give a 500, for any identity."""

import re
from html import unescape
from urllib.parse import urlsplit

from flask import url_for
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException

from tests.access.test_route_matrix import url_values
from tests.access.world import build_world
from tests.properties.strategies import FAST, TEXT

# Who opens a form: the first of these that gets the page with a form.
OPENERS = ("admin", "methodist", "coordinator_b", "director_a", "teacher_a", "anonymous")
# Posts that would end the walk for the identity (signing out) are left out.
SKIPPED = ("accounts.logout",)
NAME = re.compile(r'name="([^"]+)"')
FORM = re.compile(r"<form([^>]*method=\"post\"[^>]*)>(.*?)</form>", re.IGNORECASE | re.DOTALL)
ACTION = re.compile(r'action="([^"]*)"')
VALUE = st.one_of(
    TEXT,
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["", "0", "-1", "on", "y", "2026-13-45", "1e999", "nan", "soft-skills"]),
)


def forms(app, world) -> dict[str, tuple[str, list[str]]]:
    """Return {action: (opener, field names)} of every post form on every page the world opens."""
    found, endpoints = {}, set()
    adapter = app.url_map.bind("localhost")
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]
    for rule in sorted(rules, key=lambda r: r.rule):
        with app.test_request_context():
            url = url_for(rule.endpoint, **url_values(rule, world))
        for opener in OPENERS:
            response = world.clients[opener].get(url)
            if response.status_code != 200 or "html" not in response.content_type:
                continue
            for attributes, body in FORM.findall(response.get_data(as_text=True)):
                action = ACTION.search(attributes)
                target = unescape(action.group(1)) if action and action.group(1) else url
                endpoint = endpoint_of(adapter, target)
                if endpoint and endpoint not in endpoints and endpoint not in SKIPPED:
                    endpoints.add(endpoint)
                    found[target] = (opener, sorted(set(NAME.findall(body)) - {"csrf_token"}))
    return found


def endpoint_of(adapter, target: str) -> str | None:
    """Return the endpoint a form posts to (one form per endpoint is walked), None if none."""
    try:
        return adapter.match(urlsplit(target).path, method="POST")[0]
    except HTTPException:
        return None


def csrf_of(client) -> str:
    """Return the client's CSRF token (every page carries one in its language form)."""
    page = client.get("/verify").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_no_form_post_gives_a_server_error(app):
    world = build_world(app)
    targets = forms(app, world)
    assert len(targets) >= 30, list(targets)  # the walk found the portal's forms
    tokens = {name: csrf_of(client) for name, client in world.clients.items()}

    @settings(FAST, max_examples=3)
    @given(data=st.data())
    def check(data):
        for url, (opener, names) in targets.items():
            chosen = data.draw(
                st.lists(st.sampled_from(names), unique=True) if names else st.just([])
            )
            fields = {name: data.draw(VALUE) for name in chosen}
            fields["csrf_token"] = tokens[opener]
            response = world.clients[opener].post(url, data=fields)
            assert response.status_code < 500, (opener, url, fields)

    check()
