"""Forms of the certificate pages."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from competence.accounts.forms import optional_int
from competence.forms import PortalForm

REQUIRED = _l("This field is required.")
TOO_LONG = _l("At most %(max)d characters.")


class VerifyForm(PortalForm):
    """Type a certificate number and its check code (sent by GET, no CSRF)."""

    class Meta:
        csrf = False

    number = StringField(
        _l("Certificate number"),
        validators=[
            DataRequired(_l("Type the number of the certificate.")),
            Length(max=40, message=_l("A certificate number is not that long.")),
        ],
        render_kw={"placeholder": "ХКИРО-2026-000123"},
    )
    code = StringField(
        _l("Check code"),
        validators=[
            DataRequired(_l("Type the check code printed next to the number.")),
            Length(max=40, message=_l("A check code is not that long.")),
        ],
        render_kw={"placeholder": "ABCD-EFGH", "autocomplete": "off"},
    )
    submit = SubmitField(_l("Check"))


class RevokeForm(PortalForm):
    """Revoke a certificate with a reason."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(REQUIRED), Length(max=2000, message=TOO_LONG)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Revoke"))


class FindHolderForm(PortalForm):
    """Find the person to issue a certificate to (sent by GET)."""

    class Meta:
        csrf = False

    email = EmailField(_l("E-mail of the holder"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Find"))


class IssueForm(PortalForm):
    """Issue one certificate by hand; a track not completed needs a reason."""

    reason = TextAreaField(
        _l("Reason (only for a track that is not completed)"),
        validators=[Optional(), Length(max=2000, message=TOO_LONG)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Issue"))


class BatchForm(PortalForm):
    """Issue certificates to many holders at once."""

    kind = SelectField(
        _l("Certificates of"),
        choices=[
            ("track", _l("completed development tracks")),
            ("diagnostic", _l("completed diagnostics (latest per instrument)")),
        ],
    )
    municipality = SelectField(
        _l("Municipality"), coerce=optional_int, validate_choice=False, validators=[Optional()]
    )
    school = SelectField(
        _l("School"), coerce=optional_int, validate_choice=False, validators=[Optional()]
    )
    instrument = SelectField(
        _l("Diagnostic"), coerce=optional_int, validate_choice=False, validators=[Optional()]
    )
    reason = TextAreaField(
        _l("Also tracks that are not completed, for this reason"),
        validators=[Optional(), Length(max=2000, message=TOO_LONG)],
        render_kw={"rows": 2},
    )
    # Set once the administrator has seen how many certificates the batch will issue.
    confirmed = HiddenField()
    submit = SubmitField(_l("Start the batch"))
