"""Forms of the administration pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import Optional

from competence.accounts.forms import optional_int
from competence.accounts.reference import ROLE_LABELS
from competence.forms import PortalForm


class UserAdminForm(PortalForm):
    """Change a user's role, attachment and state."""

    role = SelectField(_l("Role"), choices=list(ROLE_LABELS.items()))
    municipality = SelectField(
        _l("Municipality"),
        coerce=optional_int,
        validators=[Optional()],
        validate_choice=False,
        description=_l("Required for a municipal coordinator."),
        render_kw={"data-municipality-for": "school"},
    )
    school = SelectField(
        _l("School"),
        coerce=optional_int,
        validators=[Optional()],
        validate_choice=False,
        description=_l("Required for a director."),
    )
    active = BooleanField(_l("The account is active"))
    email_confirmed = BooleanField(_l("The e-mail address is confirmed"))
    submit = SubmitField(_l("Save"))

    def set_region_choices(self, municipalities) -> None:
        """Offer the municipalities and their schools as choices."""
        self.municipality.choices = [("", _l("— none —"))] + [
            (m.id, m.name) for m in municipalities
        ]
        self.school.choices = {"": [("", _l("— none —"))]}
        self.school.choices.update(
            {m.name: [(s.id, s.name) for s in m.schools] for m in municipalities if m.schools}
        )


class RegistryImportForm(PortalForm):
    """Upload the register of municipalities and schools."""

    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired(_l("Choose a file."))])
    submit = SubmitField(_l("Import"))


class UserSearchForm(PortalForm):
    """Filter the list of users (sent by GET, so no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail"))
    role = SelectField(_l("Role"), choices=[("", _l("All roles"))] + list(ROLE_LABELS.items()))
    pending = BooleanField(_l("Leaders waiting for the director role"))
