"""Forms of consent withdrawal and of an administrator's decision."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from competence.forms import PortalForm


class DeletionRequestForm(PortalForm):
    """Withdraw the consent and ask for the account's deletion, confirmed by the password."""

    reason = TextAreaField(
        _l("Why (optional)"),
        validators=[Optional(), Length(max=2000, message=_l("At most 2000 characters."))],
        render_kw={"rows": 3},
    )
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Type your password to confirm.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    understood = BooleanField(
        _l("I understand that my account and my data will be deleted and cannot be restored"),
        validators=[DataRequired(_l("Confirm that you understand the consequences."))],
    )
    submit = SubmitField(_l("Withdraw consent and ask to delete"))


class RefusalForm(PortalForm):
    """Refuse a deletion request with a reason the person is told."""

    note = TextAreaField(
        _l("Reason for the refusal"),
        validators=[
            DataRequired(_l("Say why: the person receives this reason.")),
            Length(max=2000, message=_l("At most 2000 characters.")),
        ],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Refuse"))
