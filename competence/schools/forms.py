"""Forms of the identification pages: import, filters, partnerships."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from competence.accounts.forms import optional_int
from competence.forms import PortalForm
from competence.schools.imports import parse_years

REQUIRED = _l("This field is required.")


class IndicatorImportForm(PortalForm):
    """Upload an indicator file and, optionally, a file of region means."""

    indicators = FileField(
        _l("Indicator file (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file."))]
    )
    region_means = FileField(_l("Region means (CSV or XLSX, optional)"))
    years = StringField(
        _l("Years the file must contain (optional)"),
        validators=[Optional(), Length(max=100)],
        description=_l("For example 2022, 2023, 2024: a year without any row is then an error."),
    )
    submit = SubmitField(_l("Import"))

    def validate_years(self, field) -> None:
        """Accept a list of four-digit years."""
        try:
            parse_years(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class ListFilterForm(PortalForm):
    """Choose the window, the municipality and the group of the lists (sent by GET)."""

    class Meta:
        csrf = False

    year = SelectField(_l("Three years up to"), coerce=optional_int, validate_choice=False)
    municipality = SelectField(_l("Municipality"), coerce=optional_int, validate_choice=False)
    group = SelectField(_l("Group of schools"), validate_choice=False)


class PartnershipForm(PortalForm):
    """Record a network partnership agreement with one of the suggested schools."""

    partner = SelectField(
        _l("Partner school"), coerce=optional_int, validators=[DataRequired(REQUIRED)]
    )
    number = StringField(
        _l("Agreement number"), validators=[DataRequired(REQUIRED), Length(max=60)]
    )
    signed_on = DateField(_l("Agreement date"), validators=[DataRequired(REQUIRED)])
    notes = TextAreaField(
        _l("What the partner does (optional)"),
        validators=[Length(max=2000)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Record the partnership"))

    def validate_signed_on(self, field) -> None:
        """Refuse an agreement dated in the future."""
        if field.data and field.data > date.today():
            raise ValidationError(_l("The agreement cannot be dated in the future."))


class EndPartnershipForm(PortalForm):
    """End an agreement, with an optional reason."""

    reason = TextAreaField(
        _l("Reason (optional)"), validators=[Length(max=1000)], render_kw={"rows": 2}
    )
    submit = SubmitField(_l("End the agreement"))
