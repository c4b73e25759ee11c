"""Forms of the tutor's pages and of the methodist's assignment page."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from competence.forms import DayField, PortalForm

REQUIRED = _l("This field is required.")

CONSULTATION_FORM_LABELS = {
    "in_person": _l("in person"),
    "online": _l("online"),
    "phone": _l("by phone"),
    "email": _l("by e-mail"),
}


class AssignmentForm(PortalForm):
    """Assign a tutor to a teacher (by e-mail or name) or to a municipality."""

    tutor_id = SelectField(_l("Tutor"), coerce=int, validators=[InputRequired(REQUIRED)])
    teacher = StringField(
        _l("Teacher: e-mail or full name"), validators=[Optional(), Length(max=254)]
    )
    municipality_id = SelectField(
        _l("or all teachers of a municipality"),
        coerce=lambda value: int(value) if value not in (None, "") else None,
        validators=[Optional()],
    )


class ReturnForm(PortalForm):
    """Return the evidence of a module with a comment for the teacher."""

    comment = TextAreaField(
        _l("What is missing (the teacher reads this)"),
        validators=[DataRequired(_l("Say why the evidence is returned.")), Length(max=2000)],
        render_kw={"rows": 2},
    )


class AddModuleForm(PortalForm):
    """Add a catalogue module to a plan."""

    module_id = SelectField(_l("Module of the catalogue"), coerce=int)
    mandatory = BooleanField(_l("Mandatory"))


class ConsultationForm(PortalForm):
    """Record a consultation with a teacher."""

    held_on = DayField(_l("Date"), validators=[InputRequired(REQUIRED)])
    form = SelectField(_l("Form"), choices=list(CONSULTATION_FORM_LABELS.items()))
    notes = TextAreaField(
        _l("What was discussed"),
        validators=[DataRequired(REQUIRED), Length(max=4000)],
        render_kw={"rows": 3},
    )
