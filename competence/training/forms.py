"""Forms of course groups: scheduling, results, the import of удостоверение numbers."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from competence.forms import DayField, PortalForm
from competence.tracks.forms import FORMAT_LABELS, REQUIRED, WholeNumberField, web_address
from competence.training.models import GroupStatus, TrainingResult

STATUS_LABELS = {
    GroupStatus.OPEN: _l("open for applications"),
    GroupStatus.RUNNING: _l("under way"),
    GroupStatus.FINISHED: _l("finished"),
    GroupStatus.CANCELLED: _l("cancelled"),
}
APPLICATION_LABELS = {
    "awaiting_release": _l("waits for the director's release"),
    "released": _l("released by the director"),
    "refused": _l("not released by the director"),
    "enrolled": _l("enrolled"),
    "waiting": _l("on the waiting list"),
    "withdrawn": _l("withdrawn"),
}
RESULT_LABELS = {
    TrainingResult.PASSED: _l("passed"),
    TrainingResult.FAILED: _l("failed"),
}


class GroupForm(PortalForm):
    """What a methodist writes about a course group."""

    module = SelectField(_l("Catalogue module"), choices=[], validate_choice=True)
    starts_on = DayField(_l("First day"), validators=[InputRequired(REQUIRED)])
    ends_on = DayField(_l("Last day"), validators=[InputRequired(REQUIRED)])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    online_link = StringField(
        _l("Link of the online sessions"), validators=[Optional(), Length(max=500), web_address]
    )
    hours = WholeNumberField(
        _l("Academic hours"),
        validators=[InputRequired(REQUIRED), NumberRange(min=1, max=2000)],
    )
    format = SelectField(_l("Format"), choices=list(FORMAT_LABELS.items()))
    places = WholeNumberField(
        _l("Places"), validators=[InputRequired(REQUIRED), NumberRange(min=1, max=1000)]
    )
    provider = StringField(_l("Provider"), validators=[InputRequired(REQUIRED), Length(max=300)])
    status = SelectField(_l("Status"), choices=list(STATUS_LABELS.items()))


class ResultForm(PortalForm):
    """Attendance and the final result of one enrolled teacher."""

    attended = SelectField(
        _l("Attended"), choices=[("", "—"), ("yes", _l("yes")), ("no", _l("no"))]
    )
    result = SelectField(_l("Result"), choices=[("", "—"), *RESULT_LABELS.items()])
    document = StringField(_l("Qualification document number"), validators=[Length(max=64)])


class ImportForm(PortalForm):
    """The institute's file of удостоверение numbers."""

    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired(_l("Choose a file."))])
