"""The interface speaks Russian by default, English on request; the catalogue is complete."""

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.factories import login, make_user, post_form

CATALOGUE = Path(__file__).parent.parent / "competence" / "translations" / "ru" / "LC_MESSAGES"


def test_russian_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="ru">' in page
    assert "Забыли пароль?" in page


def test_english_on_request_and_remembered_for_the_user(client):
    make_user()
    response = post_form(client, "/locale", {"locale": "en", "next": "/login"}, page="/login")
    assert response.headers["Location"] == "/login"
    assert "Forgot the password?" in client.get("/login").get_data(as_text=True)
    login(client)
    assert "My cabinet" in client.get("/cabinet/").get_data(as_text=True)


def test_an_unknown_language_is_refused(client):
    response = post_form(client, "/locale", {"locale": "xx"}, page="/login")
    assert response.status_code == 400


def test_every_message_is_translated_and_compiled():
    with open(CATALOGUE / "messages.po", "rb") as handle:
        catalogue = read_po(handle, locale="ru")
    untranslated = [
        message.id
        for message in catalogue
        if message.id and (not all(message.string) if message.pluralizable else not message.string)
    ]
    assert untranslated == []
    fuzzy = [message.id for message in catalogue if message.id and message.fuzzy]
    assert fuzzy == []
    with open(CATALOGUE / "messages.mo", "rb") as handle:
        compiled = read_mo(handle)

    def as_dict(messages):
        def plain(value):
            return value if isinstance(value, str) else tuple(value)

        return {plain(m.id): plain(m.string) for m in messages if m.id}

    assert as_dict(compiled) == as_dict(catalogue), "stale .mo: run `flask translations compile`"


def test_templates_and_code_have_no_message_missing_from_the_catalogue():
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).parent.parent
    with open(CATALOGUE / "messages.po", "rb") as handle:
        known = {m.id for m in read_po(handle, locale="ru") if m.id}
    method_map = [
        ("competence/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = set()
    for _, _, message, _, _ in extract_from_dir(root, method_map, keywords=keywords):
        found.add(message if isinstance(message, str) else tuple(message))
    missing = sorted(str(m) for m in found if m not in known)
    assert missing == [], "run `flask translations update` and translate"
