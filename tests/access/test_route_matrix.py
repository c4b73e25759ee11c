"""Every route × every identity: the status each gets, from one table.

A new route fails the test until it has a row. Rows are "METHOD RULE": ten statuses in the
order of `IDENTITIES` (anonymous, teacher of school A, teacher of school B, their directors, the
coordinator of B's municipality, a methodist, an admin, the ministry, a tutor assigned to the
teacher of school A). A redirect to sign-in reads "login".
GET routes are opened; a POST-only route is sent its CSRF token and nothing else, so a refused
identity shows its refusal and an allowed one the form's complaint (or the done action: those
rows are documented, their effects are tested by each domain). Objects opened all belong to the
teacher of school A; ids of objects that do not exist (batches, requests, sessions) are 999999.

To print the observed table after a change of routes: ACCESS_MATRIX_PRINT=1 pytest this file.
"""

import os
import re

from flask import url_for

from tests.access.world import IDENTITIES, build_world

MISSING = 999999
# Routes whose effect would change the rest of the walk for that identity come last.
LAST = ("accounts.logout",)


def url_values(rule, world) -> dict:
    """Return the values of a rule's arguments: the world's objects, by the rule's domain."""
    values = world.values
    endpoint = rule.endpoint
    found = {}
    for name in rule.arguments:
        if name in values and name != "number":
            found[name] = values[name]
        elif name == "number":
            version = endpoint == "instruments.export" or endpoint.startswith("measurement.")
            found[name] = 1 if version else values["number"]
        elif name == "key":
            if endpoint.startswith("tracks."):
                found[name] = values["module_key"]
            elif "/framework/" in rule.rule:
                found[name] = "khkiro-pedagogue"
            else:
                found[name] = "soft-skills"
        elif name == "kind":
            found[name] = "track" if endpoint == "certificates.issue" else "instrument"
        elif name == "index":
            found[name] = 1
        elif name == "area_id":
            found[name] = "methodical"
        elif name == "competence_id":
            found[name] = "fgos-planning"
        elif name == "token":
            found[name] = "not-a-token"
        elif name == "stage":
            found[name] = "entry"
        elif name == "filename":
            found[name] = "css/portal.css"
        elif name == "file_format":
            found[name] = "csv"
        else:  # batch_id, request_id, partnership_id, session_id ...
            found[name] = MISSING
    return found


def status_of(response) -> str:
    """Return a status as the table writes it."""
    if response.status_code in (301, 302, 303) and "/login" in response.headers.get("Location", ""):
        return "login"
    return str(response.status_code)


def csrf_of(client) -> str:
    """Return the client's CSRF token (every page carries one in its language form)."""
    page = client.get("/verify").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def observe(app, world) -> dict[str, str]:
    """Walk every route with every identity; return the table of statuses."""
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint in LAST, r.rule))
    tokens = {name: csrf_of(client) for name, client in world.clients.items()}
    table = {}
    for rule in rules:
        method = "GET" if "GET" in rule.methods else "POST"
        with app.test_request_context():
            url = url_for(rule.endpoint, **url_values(rule, world))
        statuses = []
        for name in IDENTITIES:
            client = world.clients[name]
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": tokens[name]})
            statuses.append(status_of(response))
        table[f"{method} {rule.rule}"] = " ".join(statuses)
    return table


EXPECTED = {
    "GET /": "200 302 302 302 302 302 302 302 302 302",
    "GET /admin/": "login 403 403 403 403 403 403 200 403 403",
    "GET /admin/audit": "login 403 403 403 403 403 403 200 403 403",
    "GET /admin/audit/export.<any(csv, xlsx):file_format>": "login 403 403 403 403 403 403 200 403 403",
    "GET /admin/deletions": "login 403 403 403 403 403 403 200 403 403",
    "POST /admin/deletions/<int:request_id>/confirm": "login 403 403 403 403 403 403 404 403 403",
    "POST /admin/deletions/<int:request_id>/refuse": "login 403 403 403 403 403 403 404 403 403",
    "GET /admin/outbox": "login 403 403 403 403 403 403 200 403 403",
    "GET /admin/outbox/<int:message_id>": "login 403 403 403 403 403 403 200 403 403",
    "POST /admin/outbox/<int:message_id>/retry": "login 403 403 403 403 403 403 409 403 403",
    "GET /admin/registry": "login 403 403 403 403 403 403 200 403 403",
    "GET /admin/users": "login 403 403 403 403 403 403 200 403 403",
    "GET /admin/users/<int:user_id>": "login 403 403 403 403 403 403 200 403 403",
    "POST /admin/users/<int:user_id>/second-factor/reset": "login 403 403 403 403 403 403 302 403 403",
    "GET /admin/users/<int:user_id>/history": "login 403 403 403 403 403 403 200 403 403",
    "GET /analytics/": "login 403 403 302 302 302 302 302 302 403",
    "GET /analytics/demand": "login 403 403 200 200 200 200 200 200 403",
    "GET /analytics/demand.xlsx": "login 403 403 200 200 200 200 200 200 403",
    "GET /analytics/municipality": "login 403 403 403 403 200 302 302 302 403",
    "GET /analytics/municipality/<int(max=2147483647):municipality_id>": "login 403 403 403 403 404 200 200 200 403",
    "GET /analytics/municipality/<int(max=2147483647):municipality_id>.xlsx": "login 403 403 403 403 404 200 200 200 403",
    "GET /analytics/region": "login 403 403 403 403 403 200 200 200 403",
    "GET /analytics/region.xlsx": "login 403 403 403 403 403 200 200 200 403",
    # School B's director has no results yet: the page says so, the workbook is 404.
    "GET /analytics/school": "login 403 403 200 200 403 403 403 403 403",
    "GET /analytics/school.xlsx": "login 403 403 200 404 403 403 403 403 403",
    "POST /api/attempts/<int:attempt_id>/answers": "401 400 404 404 404 404 404 404 404 404",
    "GET /cabinet/": "login 200 200 200 200 200 200 200 200 200",
    "GET /certificates/": "login 200 200 200 200 200 200 200 200 200",
    "GET /certificates/<number>.pdf": "login 200 404 404 404 404 404 200 404 404",
    "GET /certificates/admin/": "login 403 403 403 403 403 403 200 403 403",
    "GET /certificates/admin/<number>": "login 403 403 403 403 403 403 200 403 403",
    "POST /certificates/admin/batches": "login 403 403 403 403 403 403 422 403 403",
    "GET /certificates/admin/batches/<int:batch_id>": "login 403 403 403 403 403 403 404 403 403",
    "GET /certificates/admin/batches/<int:batch_id>.json": "login 403 403 403 403 403 403 404 403 403",
    "POST /certificates/admin/batches/<int:batch_id>/resume": "login 403 403 403 403 403 403 404 403 403",
    "GET /certificates/admin/holder": "login 403 403 403 403 403 403 200 403 403",
    "POST /certificates/admin/issue/<kind>/<int:target_id>": "login 403 403 403 403 403 403 409 403 403",
    "POST /certificates/diagnostic/<int:attempt_id>": "login 302 404 404 404 404 404 404 404 404",
    "GET /confirm/<token>": "400 400 400 400 400 400 400 400 400 400",
    "GET /confirm/resend": "200 200 200 200 200 200 200 200 200 200",
    "GET /consent": "200 200 200 200 200 200 200 200 200 200",
    "GET /consent/accept": "login 200 200 200 200 200 200 200 200 200",
    "GET /diagnostics/": "login 200 200 200 200 200 200 200 200 200",
    "POST /diagnostics/<key>/start": "login 303 302 302 302 303 303 303 303 303",
    "GET /diagnostics/attempts/<int:attempt_id>": "login 302 404 404 404 404 404 404 404 404",
    "GET /diagnostics/attempts/<int:attempt_id>/report.pdf": "login 200 404 404 404 404 404 404 404 404",
    "GET /diagnostics/attempts/<int:attempt_id>/result": "login 200 404 200 404 404 404 404 404 404",
    "GET /diagnostics/attempts/<int:attempt_id>/review": "login 200 404 404 404 404 404 404 404 404",
    "GET /diagnostics/attempts/<int:attempt_id>/submit": "login 302 404 404 404 404 404 404 404 404",
    "GET /instruments/": "login 403 403 403 403 403 200 200 403 403",
    "GET /instruments/<kind>/<key>": "login 403 403 403 403 403 200 200 403 403",
    "POST /instruments/<kind>/<key>/draft": "login 403 403 403 403 403 302 302 403 403",
    "POST /instruments/<kind>/<key>/draft/discard": "login 403 403 403 403 403 302 404 403 403",
    "POST /instruments/<kind>/<key>/draft/publish": "login 403 403 403 403 403 404 404 403 403",
    "GET /instruments/<kind>/<key>/v<int:number>.yaml": "login 403 403 403 403 403 200 200 403 403",
    "POST /instruments/framework/<key>/areas": "login 403 403 403 403 403 404 404 403 403",
    "POST /instruments/framework/<key>/areas/<area_id>/delete": "login 403 403 403 403 403 404 404 403 403",
    "GET /instruments/framework/<key>/competences/<competence_id>": "login 403 403 403 403 403 404 404 403 403",
    "POST /instruments/framework/<key>/competences/<competence_id>/delete": "login 403 403 403 403 403 404 404 403 403",
    "GET /instruments/framework/<key>/competences/new": "login 403 403 403 403 403 404 404 403 403",
    "GET /instruments/framework/<key>/edit": "login 403 403 403 403 403 404 404 403 403",
    "GET /instruments/import": "login 403 403 403 403 403 200 200 403 403",
    "GET /instruments/instrument/<key>/edit": "login 403 403 403 403 403 404 404 403 403",
    "GET /instruments/instrument/<key>/items/<int:index>": "login 403 403 403 403 403 404 404 403 403",
    "POST /instruments/instrument/<key>/items/<int:index>/delete": "login 403 403 403 403 403 404 404 403 403",
    "POST /instruments/instrument/<key>/items/<int:index>/move": "login 403 403 403 403 403 404 404 403 403",
    "GET /instruments/instrument/<key>/items/new": "login 403 403 403 403 403 404 404 403 403",
    "GET /instruments/instrument/<key>/preview": "login 403 403 403 403 403 200 200 403 403",
    "GET /instruments/new/<kind>": "login 403 403 403 403 403 200 200 403 403",
    "POST /locale": "400 400 400 400 400 400 400 400 400 400",
    "GET /login": "200 302 302 302 302 302 302 302 302 302",
    "GET /login/code": "login 302 302 302 302 302 302 302 302 302",
    "GET /measurement/instruments/<key>/v<int:number>": "login 403 403 403 403 403 200 200 403 403",
    "POST /measurement/instruments/<key>/v<int:number>/calibrate": "login 403 403 403 403 403 302 302 403 403",
    "GET /measurement/instruments/<key>/v<int:number>/item-analysis.xlsx": "login 403 403 403 403 403 200 200 403 403",
    "GET /password/change": "login 200 200 200 200 200 200 200 200 200",
    "GET /password/forgot": "200 200 200 200 200 200 200 200 200 200",
    "GET /password/reset/<token>": "400 400 400 400 400 400 400 400 400 400",
    "GET /profile": "login 200 200 200 200 200 200 200 200 200",
    "GET /profile/second-factor": "login 200 200 200 200 200 200 200 200 200",
    "POST /profile/second-factor/off": "login 302 302 302 302 302 302 302 302 302",
    "POST /profile/second-factor/recovery-codes": "login 302 302 302 302 302 302 302 302 302",
    "GET /profile/data.json": "login 200 200 200 200 200 200 200 200 200",
    "GET /profile/data.pdf": "login 200 200 200 200 200 200 200 200 200",
    "GET /profile/delete": "login 200 200 200 200 200 200 200 200 200",
    "POST /profile/delete/cancel": "login 302 302 302 302 302 302 302 302 302",
    "POST /profile/sessions/<int:session_id>/end": "login 404 404 404 404 404 404 404 404 404",
    "POST /profile/sessions/end-others": "login 302 302 302 302 302 302 302 302 302",
    "GET /register": "200 302 302 302 302 302 302 302 302 302",
    "GET /register/done": "200 200 200 200 200 200 200 200 200 200",
    "GET /schools/": "login 403 403 403 403 200 200 200 200 403",
    "GET /schools/<int:school_id>": "login 403 403 200 404 404 200 200 200 403",
    "POST /schools/<int:school_id>/partnerships": "login 403 403 403 404 404 422 403 403 403",
    "GET /schools/<int:school_id>/plans/new": "login 403 403 200 404 404 403 403 403 403",
    "GET /schools/indicators": "login 403 403 403 403 403 200 200 403 403",
    "GET /schools/indicators/template.csv": "login 403 403 403 403 403 200 200 403 403",
    "POST /schools/partnerships/<int:partnership_id>/end": "login 404 404 404 404 404 404 404 404 404",
    "GET /schools/plans/<int:plan_id>": "login 403 403 200 404 404 200 200 200 403",
    "POST /schools/plans/<int:plan_id>/approve": "login 403 403 403 404 404 409 403 403 403",
    "POST /schools/plans/<int:plan_id>/comments": "login 403 403 422 404 404 422 403 403 403",
    "GET /schools/plans/<int:plan_id>/edit": "login 403 403 200 404 404 403 403 403 403",
    "GET /schools/plans/<int:plan_id>/goals/new": "login 403 403 200 404 404 403 403 403 403",
    "GET /schools/plans/<int:plan_id>/measures/new": "login 403 403 200 404 404 403 403 403 403",
    "GET /schools/plans/<int:plan_id>/monitoring/<stage>": "login 403 403 200 404 404 200 403 403 403",
    "GET /schools/plans/<int:plan_id>/plan.pdf": "login 403 403 200 404 404 200 200 200 403",
    "GET /schools/plans/<int:plan_id>/plan.xlsx": "login 403 403 200 404 404 200 200 200 403",
    "POST /schools/plans/<int:plan_id>/reopen": "login 403 403 403 404 404 422 403 403 403",
    "POST /schools/plans/<int:plan_id>/submit": "login 403 403 302 404 404 403 403 403 403",
    "GET /schools/plans/goals/<int:goal_id>": "login 403 403 409 404 404 403 403 403 403",
    "POST /schools/plans/goals/<int:goal_id>/delete": "login 403 403 409 404 404 403 403 403 403",
    "GET /schools/plans/measures/<int:measure_id>": "login 403 403 409 404 404 403 403 403 403",
    "POST /schools/plans/measures/<int:measure_id>/delete": "login 403 403 409 404 404 403 403 403 403",
    "POST /schools/plans/measures/<int:measure_id>/status": "login 403 403 422 404 404 403 403 403 403",
    "GET /staff/": "login 403 403 200 200 403 403 403 403 403",
    "POST /staff/declines/<int:request_id>": "login 403 403 404 404 403 403 403 403 403",
    "GET /staff/moves/": "login 403 403 403 403 403 403 200 403 403",
    "POST /staff/moves/<int:request_id>": "login 403 403 404 404 403 403 404 403 403",
    "GET /standards/": "login 403 403 403 403 403 200 200 403 403",
    "GET /standards/<int:round_id>": "login 403 403 403 403 403 404 404 403 403",
    "POST /standards/<int:round_id>/adopt": "login 403 403 403 403 403 404 404 403 403",
    "GET /standards/<int:round_id>/rate": "login 403 403 403 403 403 404 404 403 403",
    "GET /standards/new/<key>": "login 403 403 403 403 403 200 200 403 403",
    "GET /static/<path:filename>": "200 200 200 200 200 200 200 200 200 200",
    "GET /tracks/": "login 200 200 200 200 200 200 200 200 200",
    "GET /tracks/<int:track_id>": "login 200 404 200 404 404 200 200 404 200",
    "POST /tracks/<int:track_id>/submit": "login 409 404 404 404 404 404 404 404 404",
    "GET /tracks/catalog.yaml": "login 403 403 403 403 403 200 200 403 403",
    "GET /tracks/catalog/": "login 403 403 403 403 403 200 200 403 403",
    "GET /tracks/catalog/<key>": "login 403 403 403 403 403 200 200 403 403",
    "POST /tracks/catalog/<key>/retire": "login 403 403 403 403 403 302 302 403 403",
    "GET /tracks/catalog/new": "login 403 403 403 403 403 200 200 403 403",
    "GET /tracks/goals": "login 200 200 200 200 403 403 403 403 403",
    "POST /tracks/from/<int:attempt_id>": "login 302 404 404 404 404 404 404 404 404",
    "POST /tracks/modules/<int:track_module_id>/decline": "login 422 404 404 404 404 404 404 404 404",
    "POST /tracks/modules/<int:track_module_id>/done": "login 409 404 404 404 404 404 404 404 404",
    "GET /tracks/modules/<int:track_module_id>/evidence": "login 404 404 404 404 404 404 404 404 404",
    "POST /tracks/modules/<int:track_module_id>/move": "login 400 404 404 404 404 404 404 404 404",
    "POST /tracks/modules/<int:track_module_id>/postpone": "login 422 404 404 404 404 404 404 404 404",
    "GET /tracks/recommendations/<int:attempt_id>": "login 200 404 404 404 404 404 404 404 404",
    "GET /tutor/": "login 403 403 403 403 403 403 403 403 200",
    "GET /tutor/assignments": "login 403 403 403 403 403 200 200 403 403",
    "POST /tutor/assignments": "login 403 403 403 403 403 400 400 403 403",
    "POST /tutor/assignments/<int:assignment_id>/delete": "login 403 403 403 403 403 404 404 403 403",
    "POST /tutor/modules/<int:track_module_id>/confirm": "login 403 403 403 403 403 403 403 403 409",
    "POST /tutor/modules/<int:track_module_id>/mandatory": "login 403 403 403 403 403 403 403 403 409",
    "POST /tutor/modules/<int:track_module_id>/remove": "login 403 403 403 403 403 403 403 403 409",
    "POST /tutor/modules/<int:track_module_id>/return": "login 403 403 403 403 403 403 403 403 400",
    "GET /tutor/teachers/<int:user_id>": "login 403 403 403 403 403 403 403 403 200",
    "POST /tutor/teachers/<int:user_id>/consultations": "login 403 403 403 403 403 403 403 403 400",
    "POST /tutor/tracks/<int:track_id>/approve": "login 403 403 403 403 403 403 403 403 409",
    "POST /tutor/tracks/<int:track_id>/modules": "login 403 403 403 403 403 403 403 403 400",
    "GET /verify": "200 200 200 200 200 200 200 200 200 200",
    "GET /verify/<number>": "200 200 200 200 200 200 200 200 200 200",
    "POST /logout": "302 302 302 302 302 302 302 302 302 302",
    "GET /training/": "login 200 200 200 200 200 200 200 200 200",
    "POST /training/applications/<int:application_id>/enrol": "login 403 403 403 403 403 409 409 403 403",
    "POST /training/applications/<int:application_id>/release": "login 403 403 422 404 403 403 403 403 403",
    "POST /training/applications/<int:application_id>/result": "login 403 403 403 403 403 422 422 403 403",
    "POST /training/applications/<int:application_id>/withdraw": "login 302 404 404 404 404 404 404 404 404",
    "GET /training/groups": "login 403 403 403 403 403 200 200 403 403",
    "GET /training/groups/<int:group_id>": "login 403 403 403 403 403 200 200 403 403",
    "POST /training/groups/<int:group_id>/apply": "login 403 403 403 403 403 403 403 403 403",
    "GET /training/groups/<int:group_id>/edit": "login 403 403 403 403 403 200 200 403 403",
    "POST /training/groups/<int:group_id>/enrol": "login 403 403 403 403 403 409 409 403 403",
    "POST /training/groups/<int:group_id>/import": "login 403 403 403 403 403 400 400 403 403",
    "GET /training/groups/new": "login 403 403 403 403 403 200 200 403 403",
    "GET /training/releases": "login 403 403 200 200 403 403 403 403 403",
}


def test_every_route_answers_every_identity_as_the_table_says(app):
    world = build_world(app)
    observed = observe(app, world)
    if os.environ.get("ACCESS_MATRIX_PRINT"):
        for row, statuses in observed.items():
            print(f'    "{row}": "{statuses}",')
    assert "500" not in " ".join(observed.values())
    missing = sorted(set(observed) - set(EXPECTED))
    assert missing == [], "routes without a row in the access matrix"
    stale = sorted(set(EXPECTED) - set(observed))
    assert stale == [], "rows of routes that no longer exist"
    wrong = {row: (EXPECTED[row], got) for row, got in observed.items() if EXPECTED[row] != got}
    assert wrong == {}
