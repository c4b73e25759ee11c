"""The director's (and administrator's) decision on a teacher's request."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length

from competence.forms import PortalForm

DECISIONS = (("approve", _l("Approve")), ("refuse", _l("Refuse")))


class DecisionForm(PortalForm):
    """Approve or refuse a request; a refusal says why."""

    comment = TextAreaField(
        _l("Comment (required to refuse)"), validators=[Length(max=1000)], render_kw={"rows": 2}
    )
    decision = SelectField(_l("Decision"), choices=list(DECISIONS))
