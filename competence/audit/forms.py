"""The filter of the audit log (sent by GET, so no CSRF)."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from competence.audit.actions import action_choices
from competence.audit.wording import OBJECT_TYPES
from competence.forms import DayField, PortalForm

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50


class AuditFilterForm(PortalForm):
    """Who, what, on which object and when."""

    class Meta:
        csrf = False

    actor = StringField(_l("Who (name or e-mail)"), validators=[Optional(), Length(max=100)])
    action = SelectField(_l("Action"), validators=[Optional()])
    object_type = SelectField(_l("Object"), validators=[Optional()])
    object_id = StringField(_l("Object number or key"), validators=[Optional(), Length(max=60)])
    date_from = DayField(_l("From"), validators=[Optional()])
    date_to = DayField(_l("To"), validators=[Optional()])
    per_page = SelectField(
        _l("Per page"),
        choices=[(str(size), str(size)) for size in PAGE_SIZES],
        default=str(DEFAULT_PAGE_SIZE),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = {"": [("", _l("All actions"))], **dict(action_choices())}
        self.object_type.choices = [("", _l("Any object"))] + sorted(
            ((code, str(label)) for code, label in OBJECT_TYPES.items()), key=lambda c: c[1]
        )

    def validate_date_to(self, field):
        """Refuse a period that ends before it begins."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end of the period is before its beginning."))

    def page_size(self) -> int:
        """Return the chosen page size, within the offered ones."""
        value = self.per_page.data
        return int(value) if value in {str(size) for size in PAGE_SIZES} else DEFAULT_PAGE_SIZE

    def args(self) -> dict:
        """Return the filter as query arguments, for page links and the export."""
        return {
            name: value
            for name, value in (
                ("actor", self.actor.data or ""),
                ("action", self.action.data or ""),
                ("object_type", self.object_type.data or ""),
                ("object_id", self.object_id.data or ""),
                ("date_from", self.date_from.data.isoformat() if self.date_from.data else ""),
                ("date_to", self.date_to.data.isoformat() if self.date_to.data else ""),
                ("per_page", str(self.page_size())),
            )
            if value
        }
