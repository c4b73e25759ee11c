"""Importing YAML never overwrites an open draft unless the methodist asks for it."""

import io

from competence.instruments import services
from tests.factories import csrf_token, post_form
from tests.instruments.helpers import document, press

PAGE = "/instruments/instrument/soft-skills"


def edited_draft(client):
    """Open a draft of soft-skills and change its title through the editor's service."""
    press(client, f"{PAGE}/draft", PAGE)
    draft = document("instrument", "soft-skills").draft
    services.save_draft(draft, {**draft.content, "title": "Черновик методиста"})
    return client.get(f"{PAGE}/v1.yaml").get_data(as_text=True)


def test_import_over_an_open_draft_is_refused_and_the_text_kept(methodist):
    text = edited_draft(methodist)
    token = csrf_token(methodist, "/instruments/import")
    refused = methodist.post(
        "/instruments/import",
        data={"csrf_token": token, "file": (io.BytesIO(text.encode()), "soft-skills.yaml")},
        content_type="multipart/form-data",
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "soft-skills уже есть открытый черновик" in page
    # The uploaded document is kept in the text box for the second press.
    assert "instrument: soft-skills" in page
    assert document("instrument", "soft-skills").draft.content["title"] == "Черновик методиста"


def test_import_replaces_the_draft_when_confirmed(methodist):
    text = edited_draft(methodist)
    replaced = post_form(methodist, "/instruments/import", {"text": text, "replace_draft": "y"})
    assert replaced.status_code == 302
    draft = document("instrument", "soft-skills").draft
    assert draft.content["title"] != "Черновик методиста"
    assert draft.source == "import:text.yaml"


def test_import_without_a_draft_needs_no_confirmation(methodist):
    text = methodist.get(f"{PAGE}/v1.yaml").get_data(as_text=True)
    imported = post_form(methodist, "/instruments/import", {"text": text})
    assert imported.status_code == 302
    assert document("instrument", "soft-skills").draft.source == "import:text.yaml"
