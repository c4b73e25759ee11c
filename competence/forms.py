"""Forms shared by every domain, and the base form that speaks the portal's language."""

from flask_babel import get_translations
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import SubmitField


class PortalTranslations:
    """WTForms' messages, where the portal's own catalogue translates them first.

    WTForms ships some Russian messages untranslated or marked fuzzy (so left out), e.g. the
    one for an unknown choice; the portal's catalogue carries them (see `_wtforms_messages`).
    """

    def gettext(self, string: str) -> str:
        """Translate one of WTForms' messages."""
        translated = get_translations().ugettext(string)
        return translated if translated != string else wtforms_translations.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate one of WTForms' messages with a number."""
        translated = get_translations().ungettext(singular, plural, n)
        if translated not in (singular, plural):
            return translated
        return wtforms_translations.ngettext(singular, plural, n)


portal_translations = PortalTranslations()


class PortalForm(FlaskForm):
    """A Flask-WTF form whose built-in messages come in the user's language."""

    class Meta:
        def get_translations(self, form):
            """Use the portal's catalogue before WTForms' own."""
            return portal_translations


def _wtforms_messages():  # pragma: no cover - never called, read by pybabel
    """Mark WTForms' messages the portal translates itself, for extraction."""
    from flask_babel import gettext, ngettext

    gettext("Not a valid choice.")
    gettext("Invalid choice(s): one or more data inputs could not be coerced.")
    ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
    )
    gettext("Not a valid integer value.")


class ConfirmForm(PortalForm):
    """A button that changes something: it carries only the CSRF token."""

    submit = SubmitField()
