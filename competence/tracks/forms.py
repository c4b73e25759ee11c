"""Forms of the track pages and of the catalogue editor."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from competence.accounts.forms import MultiCheckboxField
from competence.accounts.reference import POSITIONS, SUBJECTS
from competence.forms import DayField, PortalForm

REQUIRED = _l("This field is required.")
WEB_ADDRESS = _l("Enter a full web address starting with http:// or https://.")


class WholeNumberField(IntegerField):
    """A whole number; anything else is refused with a message that says so."""

    def process_formdata(self, valuelist):
        """Read the number, or note in Russian that it is not one."""
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter a whole number.")) from None

    def validate(self, form, extra_validators=()):
        """Stop at a value that is not a number: a range message would only add noise."""
        if self.process_errors:
            self.errors = list(self.process_errors)
            return False
        return super().validate(form, extra_validators)


class ChoiceListField(MultiCheckboxField):
    """Checkboxes whose values must come from the list; a crafted one is refused plainly."""

    def pre_validate(self, form):
        """Refuse values that are not offered, without repeating them back."""
        offered = {str(value) for value, _label in self.choices}
        if any(str(value) not in offered for value in self.data or ()):
            raise ValidationError(_l("Choose only from the list."))


def web_address(form, field):
    """Accept only http and https addresses: no javascript:, ftp: or file: links."""
    value = (field.data or "").strip().lower()
    if value and not value.startswith(("http://", "https://")):
        raise ValidationError(WEB_ADDRESS)


KIND_LABELS = {
    "course": _l("Further-training course"),
    "internship": _l("Internship"),
    "webinar": _l("Webinar"),
    "seminar": _l("Seminar or workshop"),
    "community": _l("Professional learning community"),
    "mentoring": _l("Mentoring"),
    "self_study": _l("Self-study materials"),
    "exercise": _l("Practical exercise"),
}
FORMAT_LABELS = {
    "in_person": _l("in person"),
    "distance": _l("distance"),
    "blended": _l("blended"),
}


class BuildTrackForm(PortalForm):
    """Build a track from recommendations, with a preferred format."""

    preferred_format = SelectField(
        _l("Preferred format"),
        choices=[("", _l("any"))] + list(FORMAT_LABELS.items()),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Build my development track"))


class GoalsForm(PortalForm):
    """The teacher's own goals for the school year, preferred kinds of modules and format."""

    goals = TextAreaField(
        _l("My professional goals for the school year"),
        description=_l("What you want to achieve this year, in a few sentences."),
        validators=[
            DataRequired(_l("Write your professional goals for the school year.")),
            Length(max=2000, message=_l("The goals are too long: at most %(max)d characters.")),
        ],
        render_kw={"rows": 5, "maxlength": 2000},
    )
    interests = ChoiceListField(_l("Kinds of modules I prefer"), choices=list(KIND_LABELS.items()))
    preferred_format = RadioField(
        _l("Preferred format"),
        choices=[("", _l("any"))] + list(FORMAT_LABELS.items()),
        default="",
        validators=[Optional()],
    )
    submit = SubmitField(_l("Save my goals"))


class PostponeForm(PortalForm):
    """Postpone a module."""

    until = DayField(_l("New date"), validators=[InputRequired(REQUIRED)])
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(REQUIRED), Length(max=1000)], render_kw={"rows": 2}
    )
    submit = SubmitField(_l("Postpone"))


class DeclineForm(PortalForm):
    """Decline a module."""

    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(REQUIRED), Length(max=1000)], render_kw={"rows": 2}
    )
    submit = SubmitField(_l("Decline"))


class DoneForm(PortalForm):
    """Mark a module done with evidence."""

    note = TextAreaField(
        _l("What was done (a short note)"), validators=[Length(max=4000)], render_kw={"rows": 3}
    )
    link = StringField(
        _l("Link to a certificate, a product or a publication"),
        validators=[Optional(), Length(max=500), web_address, URL(message=WEB_ADDRESS)],
    )
    file = FileField(_l("File (PDF, image, document; up to 10 MB)"))
    submit = SubmitField(_l("Mark as done"))


class ModuleForm(PortalForm):
    """A catalogue module as methodists edit it."""

    key = StringField(
        _l("Identifier"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=64),
            Regexp(
                r"^[a-z][a-z0-9-]*$",
                message=_l("Latin lower-case letters, digits and hyphens, starting with a letter."),
            ),
        ],
    )
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()))
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=300)])
    description = TextAreaField(
        _l("Description"), validators=[DataRequired(REQUIRED)], render_kw={"rows": 4}
    )
    provider = StringField(_l("Provider"), validators=[DataRequired(REQUIRED), Length(max=300)])
    format = SelectField(_l("Format"), choices=list(FORMAT_LABELS.items()))
    hours = WholeNumberField(_l("Hours"), validators=[InputRequired(REQUIRED), NumberRange(1, 144)])
    duration_weeks = WholeNumberField(
        _l("Duration, weeks"), validators=[InputRequired(REQUIRED), NumberRange(1, 52)]
    )
    positions = ChoiceListField(_l("For positions"), choices=list(POSITIONS.items()))
    subjects = ChoiceListField(
        _l("Only for teachers of (none = any)"), choices=list(SUBJECTS.items())
    )
    develops = TextAreaField(
        _l("Competences it develops"),
        description=_l(
            "One per line: framework competence levels, e.g. "
            "khkiro-pedagogue formative-assessment low basic"
        ),
        validators=[DataRequired(REQUIRED)],
        render_kw={"rows": 4, "spellcheck": "false"},
    )
    url = StringField(
        _l("Web address (optional)"),
        validators=[Optional(), Length(max=500), web_address, URL(message=WEB_ADDRESS)],
    )
    submit = SubmitField(_l("Save the module"))
