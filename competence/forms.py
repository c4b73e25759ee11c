"""Forms shared by every domain."""

from flask_wtf import FlaskForm
from wtforms import SubmitField


class ConfirmForm(FlaskForm):
    """A button that changes something: it carries only the CSRF token."""

    submit = SubmitField()
