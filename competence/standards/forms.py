"""Forms of standard setting: opening a round (ratings are read by the service)."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from competence.accounts.forms import MultiCheckboxField
from competence.forms import DayField, PlainText, PortalForm

REQUIRED = _l("This field is required.")


class RoundForm(PortalForm):
    """Which competence, what the round is called, until when, and who rates."""

    competence = SelectField(_l("Competence scale"), validators=[DataRequired(REQUIRED)])
    title = StringField(
        _l("Title of the round"),
        validators=[DataRequired(REQUIRED), Length(max=200), PlainText()],
    )
    deadline = DayField(_l("Rate by"), validators=[DataRequired(REQUIRED)])
    panellists = MultiCheckboxField(_l("Panellists"), coerce=int)

    def validate_deadline(self, field):
        """Refuse a deadline in the past."""
        if field.data is not None and field.data < date.today():
            raise ValidationError(_l("The deadline cannot be in the past."))

    def validate_panellists(self, field):
        """Ask for a panel of at least two."""
        if len(set(field.data or ())) < 2:
            raise ValidationError(_l("Invite at least two panellists."))
