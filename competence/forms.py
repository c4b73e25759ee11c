"""Forms shared by every domain, and the base form that speaks the portal's language."""

import unicodedata

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import DateField, SubmitField
from wtforms.validators import ValidationError


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
    """A Flask-WTF form whose built-in messages come in the user's language.

    Every one-line text field (names, titles, codes) and every uploaded file's name of every
    form is checked with `PlainText`, so no domain can forget it; multi-line texts keep what
    is pasted into them (a soft hyphen from a word processor), NUL excepted (`web.py`).
    """

    class Meta:
        def get_translations(self, form):
            """Use the portal's catalogue before WTForms' own."""
            return portal_translations

    def validate(self, extra_validators=None) -> bool:
        """Validate as WTForms does, then refuse hidden characters in names and file names."""
        valid = super().validate(extra_validators)
        return _refuse_hidden_characters(self) and valid


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


# Characters a typed line may not hold: control (NUL, escapes), format (zero-width spaces and
# joiners, the right-to-left override that disguises "exe.pdf" as "fdp.exe") and the line and
# paragraph separators. Multi-line text keeps its line breaks and tabs.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_MULTILINE_ALLOWED = frozenset("\n\r\t")


def hidden_character(text: str, multiline: bool = False) -> str | None:
    """Return the first control, invisible or direction-changing character of `text`, if any."""
    allowed = _MULTILINE_ALLOWED if multiline else frozenset()
    for char in text:
        if char not in allowed and unicodedata.category(char) in _REFUSED_CATEGORIES:
            return char
    return None


def describe_character(char: str) -> str:
    """Return a character's code and Unicode name, e.g. "U+202E RIGHT-TO-LEFT OVERRIDE"."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'CONTROL CHARACTER')}"


class PlainText:
    """Refuse control characters and invisible or direction-changing ones in a text field.

    For names, titles and file names of every domain; `multiline=True` for text areas.
    """

    def __init__(self, multiline: bool = False, message=None):
        self.multiline = multiline
        self.message = message

    def __call__(self, form, field) -> None:
        """Raise ValidationError naming the first refused character."""
        if not isinstance(field.data, str):
            return
        char = hidden_character(field.data, self.multiline)
        if char is not None:
            raise ValidationError(
                self.message
                or _l(
                    "The text contains an invisible or control character (%(char)s). "
                    "Remove it and type the text again.",
                    char=describe_character(char),
                )
            )


def _one_line_texts(form):
    """Yield the one-line text fields and file fields of a form and of its nested forms."""
    from flask_wtf.file import FileField
    from wtforms import FieldList, FormField, HiddenField, PasswordField, StringField
    from wtforms.fields import TextAreaField

    for field in form:
        if isinstance(field, FormField):
            yield from _one_line_texts(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    yield from _one_line_texts(entry.form)
                else:
                    yield from _one_line_texts([entry])
        elif isinstance(field, FileField):
            yield field, getattr(field.data, "filename", None)
        elif isinstance(field, StringField) and not isinstance(
            field, TextAreaField | PasswordField | HiddenField
        ):
            yield field, field.data


def _refuse_hidden_characters(form) -> bool:
    """Add an error to each one-line field or file name holding a hidden character."""
    clean = True
    for field, text in _one_line_texts(form):
        # Line breaks around a pasted title are trimmed by the services, not refused.
        char = hidden_character(text.strip()) if isinstance(text, str) else None
        if char is None:
            continue
        clean = False
        message = _l(
            "The text contains an invisible or control character (%(char)s). "
            "Remove it and type the text again.",
            char=describe_character(char),
        )
        if hasattr(field.data, "filename"):
            message = _l(
                "The file name contains an invisible or control character (%(char)s). "
                "Rename the file and choose it again.",
                char=describe_character(char),
            )
        if str(message) not in [str(error) for error in field.errors]:
            field.errors = [*field.errors, str(message)]
    return clean


class DayField(DateField):
    """A calendar date; a malformed one is refused with a message that says so."""

    def process_formdata(self, valuelist):
        """Read the date, or note that it is not one."""
        if not valuelist or not " ".join(valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a real date.")) from None


class ConfirmForm(PortalForm):
    """A button that changes something: it carries only the CSRF token."""

    submit = SubmitField()
