"""Forms of the accounts pages."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from competence.accounts.models import PLACE_LOCKED_ROLES, REQUIRED_PLACE
from competence.accounts.passwords import MAX_LENGTH
from competence.accounts.reference import POSITIONS, SUBJECTS
from competence.forms import PlainText, PortalForm

REQUIRED = _l("This field is required.")


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _email_field(label=None):
    """Return an e-mail field with the portal's validators."""
    return EmailField(
        label or _l("E-mail"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=254),
            Email(_l("Enter a valid e-mail address."), check_deliverability=False),
        ],
        render_kw={"autocomplete": "email"},
    )


def optional_int(value):
    """Coerce a choice to int, keeping an empty choice empty."""
    return int(value) if value not in (None, "", "None") else None


def _new_password_fields(label=None):
    """Return the pair of fields for choosing a new password."""
    password = PasswordField(
        label or _l("New password"),
        validators=[DataRequired(REQUIRED), Length(max=MAX_LENGTH)],
        description=_l("At least 12 characters. A phrase of several words is easy to remember."),
        render_kw={"autocomplete": "new-password", "minlength": 12, "maxlength": MAX_LENGTH},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class ProfileFields(PortalForm):
    """Fields a user states about themselves, shared by registration and the profile."""

    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(REQUIRED), Length(min=3, max=200), PlainText()],
        render_kw={"autocomplete": "name"},
    )
    position = SelectField(
        _l("Position"),
        choices=[("", _l("— choose —"))] + list(POSITIONS.items()),
        validators=[DataRequired(REQUIRED)],
    )
    subjects = MultiCheckboxField(_l("Subjects taught"), choices=list(SUBJECTS.items()))
    # Membership is checked by the service (the school must belong to the municipality).
    # Which of the two is required depends on the role, see `required_place`.
    municipality = SelectField(
        _l("Municipality"),
        coerce=optional_int,
        validate_choice=False,
        render_kw={"data-municipality-for": "school"},
    )
    school = SelectField(_l("School"), coerce=optional_int, validate_choice=False)

    # "school", "municipality" or None: what the user must state (registration: a teacher).
    required_place: str | None = "school"

    def validate_municipality(self, field) -> None:
        """Require the municipality where the role needs one."""
        if self.required_place == "municipality" and field.data is None:
            raise ValidationError(REQUIRED)

    def validate_school(self, field) -> None:
        """Require the school where the role needs one."""
        if self.required_place == "school" and field.data is None:
            raise ValidationError(REQUIRED)

    def set_region_choices(self, municipalities) -> None:
        """Offer the municipalities and their schools (grouped) as choices."""
        choose = ("", _l("— choose —"))
        self.municipality.choices = [choose] + [(m.id, m.name) for m in municipalities]
        self.school.choices = {"": [choose]} | {
            m.name: [(s.id, s.name) for s in m.schools] for m in municipalities if m.schools
        }


class RegistrationForm(ProfileFields):
    """Create an account."""

    email = _email_field()
    password, password_confirm = _new_password_fields(_l("Password"))
    consent = BooleanField(
        _l("I consent to the processing of my personal data"),
        validators=[DataRequired(_l("Without the consent we cannot create an account."))],
    )
    submit = SubmitField(_l("Register"))


class ProfileForm(ProfileFields):
    """Edit one's own profile."""

    email = _email_field()
    submit = SubmitField(_l("Save"))

    # Directors and coordinators see their school or municipality but do not change it.
    place_locked = False

    def configure_for(self, user) -> None:
        """Fit the place fields to the user's role."""
        self.place_locked = user.role in PLACE_LOCKED_ROLES
        self.required_place = None if self.place_locked else REQUIRED_PLACE.get(user.role)


class LoginForm(PortalForm):
    """Sign in."""

    email = _email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(REQUIRED), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Remember me on this device"))
    submit = SubmitField(_l("Sign in"))


class EmailForm(PortalForm):
    """Ask for a letter: a password reset or a new confirmation link."""

    email = _email_field()
    submit = SubmitField(_l("Send the letter"))


class ResetPasswordForm(PortalForm):
    """Choose a new password through a reset link."""

    password, password_confirm = _new_password_fields()
    submit = SubmitField(_l("Save the new password"))


class ChangePasswordForm(PortalForm):
    """Change the password while signed in."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(REQUIRED), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    password, password_confirm = _new_password_fields()
    end_other_sessions = BooleanField(_l("Sign out on all other devices"), default=True)
    submit = SubmitField(_l("Change the password"))


class ConsentForm(PortalForm):
    """Accept a new version of the consent."""

    consent = BooleanField(
        _l("I consent to the processing of my personal data"),
        validators=[DataRequired(_l("Without the consent the portal cannot be used."))],
    )
    submit = SubmitField(_l("Accept"))


class SecondFactorCodeForm(PortalForm):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(REQUIRED), Length(max=40)],
        description=_l("Six digits from the app, or one of your recovery codes."),
        render_kw={"autocomplete": "one-time-code"},
    )
    submit = SubmitField(_l("Confirm"))


class SecondFactorSetupForm(PortalForm):
    """Confirm the connection of an authenticator app with the code it shows."""

    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(REQUIRED), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField(_l("Turn on"))
