"""Property: no file given to an import (registry, indicators, instrument YAML) gives a 500."""

import csv
import io
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from competence.accounts.models import Role
from competence.analytics.indicators import EDUCATIONAL_INDICATORS, SOCIAL_INDICATORS
from competence.schools.registry import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from tests.factories import csrf_token, login, make_user
from tests.properties.strategies import FAST, JSON, NUMBER, TEXT
from tests.schools.helpers import HEADER

COLUMNS = (
    list(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    + HEADER
    + [i.code for i in EDUCATIONAL_INDICATORS + SOCIAL_INDICATORS]
    + ["year", "indicator", "value"]
)
CELL = st.one_of(st.none(), TEXT, NUMBER, st.sampled_from(["ШНРО", "1", "2024", "=1+1", "да"]))
TABLE = st.tuples(
    st.lists(st.one_of(st.sampled_from(COLUMNS), TEXT), min_size=1, max_size=8),
    st.lists(st.lists(CELL, max_size=9), max_size=6),
)


def csv_text(table) -> bytes:
    header, rows = table
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows([["" if c is None else c for c in row] for row in rows])
    return out.getvalue().encode("utf-8", "surrogatepass")


def xlsx(table) -> bytes:
    header, rows = table
    workbook = Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        # openpyxl refuses control characters in cells: a real workbook cannot hold them.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# (file name, content) of a random upload: bytes, CSV text or a workbook, named either way.
UPLOAD = st.one_of(
    st.tuples(st.sampled_from(["f.csv", "f.xlsx", "f.txt", "", "f"]), st.binary(max_size=300)),
    st.tuples(st.sampled_from(["f.csv", "f.xlsx"]), TABLE.map(csv_text)),
    st.tuples(st.sampled_from(["f.xlsx", "f.csv"]), TABLE.map(xlsx)),
)
SHIPPED = (Path(__file__).parent.parent.parent / "instruments" / "soft-skills.yaml").read_text()
LINES = SHIPPED.splitlines()


def mutated(change) -> str:
    """Return the shipped instrument with one line replaced (a near miss of a valid document)."""
    index, line = change
    return "\n".join(LINES[:index] + [line] + LINES[index + 1 :])


YAML = st.one_of(
    st.tuples(st.integers(0, len(LINES) - 1), TEXT | st.just("") | st.just("  - x: [")).map(
        mutated
    ),
    JSON.map(lambda v: yaml.safe_dump(v, allow_unicode=True)),
    st.fixed_dictionaries(
        {"kind": st.sampled_from(["instrument", "framework", "scale"]) | TEXT, "key": TEXT},
        optional={"title": TEXT, "items": JSON, "version": NUMBER, "scales": JSON},
    ).map(lambda v: yaml.safe_dump(v, allow_unicode=True)),
    TEXT,
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
)


def admin(client):
    make_user("admin@example.org", Role.ADMIN, "other")
    login(client, "admin@example.org")


def test_no_registry_upload_gives_a_server_error(app, client, runner, tmp_path):
    admin(client)
    token = csrf_token(client, "/admin/registry")

    @settings(FAST, max_examples=25)
    @given(upload=UPLOAD)
    def check(upload):
        name, data = upload
        form = {"csrf_token": token, "file": (io.BytesIO(data), name)}
        response = client.post("/admin/registry", data=form, content_type="multipart/form-data")
        assert response.status_code < 500, upload
        path = tmp_path / (name or "file")
        path.write_bytes(data)
        result = runner.invoke(args=["schools", "import-registry", str(path)])
        assert result.exit_code in (0, 1), (upload, result.output, result.exception)
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit
        ), (upload, result.exception)

    check()


def test_no_indicator_upload_gives_a_server_error(app, client):
    admin(client)
    token = csrf_token(client, "/schools/indicators")

    @settings(FAST, max_examples=25)
    @given(upload=UPLOAD, means=st.none() | UPLOAD, years=st.just("") | TEXT)
    def check(upload, means, years):
        form = {"csrf_token": token, "indicators": (io.BytesIO(upload[1]), upload[0])}
        form["years"] = years
        if means is not None:
            form["region_means"] = (io.BytesIO(means[1]), means[0])
        response = client.post("/schools/indicators", data=form, content_type="multipart/form-data")
        assert response.status_code < 500, (upload, means, years)

    check()


def test_no_instrument_yaml_gives_a_server_error(app, client):
    admin(client)
    token = csrf_token(client, "/instruments/import")

    @settings(FAST, max_examples=30)
    @given(text=YAML, as_file=st.booleans(), replace=st.booleans())
    def check(text, as_file, replace):
        form = {"csrf_token": token}
        if replace:
            form["replace_draft"] = "y"
        if as_file:
            form["file"] = (io.BytesIO(text.encode("utf-8", "surrogatepass")), "doc.yaml")
        else:
            form["text"] = text
        response = client.post("/instruments/import", data=form, content_type="multipart/form-data")
        assert response.status_code < 500, (text, as_file)

    check()
