"""Forms of the improvement plan pages."""

import math

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from competence.accounts.forms import MultiCheckboxField, optional_int
from competence.analytics.indicators import EDUCATIONAL_INDICATORS, SOCIAL_INDICATORS
from competence.forms import PortalForm
from competence.instruments.forms import CommaFloatField
from competence.schools.labels import MEASURE_STATUS_LABELS

REQUIRED = _l("This field is required.")
NUMBER = _l("Enter a number, e.g. 12,5.")


def finite(form, field) -> None:
    """Refuse infinities and NaN, which float() accepts."""
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(NUMBER)


def indicator_choices() -> dict:
    """Return the indicators as grouped choices, with an empty choice first."""
    return {
        "": [("", _l("— no indicator —"))],
        str(_l("Educational results")): [(i.code, i.title) for i in EDUCATIONAL_INDICATORS],
        str(_l("Social conditions")): [(i.code, i.title) for i in SOCIAL_INDICATORS],
    }


class PlanForm(PortalForm):
    """The title and period of a plan."""

    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=300)])
    starts_on = DateField(_l("Start of the period"), validators=[DataRequired(REQUIRED)])
    ends_on = DateField(_l("End of the period"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Save"))


class GoalForm(PortalForm):
    """A goal: what it is, what it is measured by, where it starts and where it should get."""

    title = TextAreaField(
        _l("Goal"), validators=[DataRequired(REQUIRED), Length(max=500)], render_kw={"rows": 2}
    )
    indicator_code = SelectField(_l("Indicator"), validators=[Optional()])
    competences = MultiCheckboxField(_l("Staff competences the goal develops"))
    baseline = CommaFloatField(
        _l("Baseline value"),
        validators=[Optional(), finite],
        description=_l("Leave empty to take the school's latest value of the indicator."),
    )
    target = CommaFloatField(_l("Target value"), validators=[DataRequired(REQUIRED), finite])
    submit = SubmitField(_l("Save the goal"))

    def __init__(self, *args, competence_options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator_code.choices = indicator_choices()
        self.competence_groups = competence_options
        self.competences.choices = [
            choice for _, choices in competence_options for choice in choices
        ]


class MeasureForm(PortalForm):
    """A measure: what is done, for which goal, who answers for it and by when."""

    title = TextAreaField(
        _l("Measure"), validators=[DataRequired(REQUIRED), Length(max=500)], render_kw={"rows": 2}
    )
    goal = SelectField(_l("Goal"), coerce=optional_int, validators=[Optional()])
    responsible = StringField(
        _l("Responsible"),
        validators=[DataRequired(REQUIRED), Length(max=200)],
        description=_l("Name and position, e.g. Петрова И. А., deputy director."),
    )
    due_on = DateField(_l("Deadline"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Save the measure"))

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.goal.choices = [("", _l("— not tied to a goal —"))] + [
            (goal.id, f"{goal.position}. {goal.title}") for goal in goals
        ]


class MeasureStatusForm(PortalForm):
    """Change how far a measure has got."""

    status = SelectField(_l("Status"), choices=list(MEASURE_STATUS_LABELS.items()))
    submit = SubmitField(_l("Set"))


class CommentForm(PortalForm):
    """A remark on the plan."""

    body = TextAreaField(
        _l("Comment"), validators=[DataRequired(REQUIRED), Length(max=4000)], render_kw={"rows": 3}
    )
    submit = SubmitField(_l("Add the comment"))


class SubmitForm(PortalForm):
    """Send the plan for approval, with an optional remark to the reviewers."""

    note = TextAreaField(
        _l("Remark to the reviewer (optional)"),
        validators=[Length(max=4000)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Submit for approval"))


class ApproveForm(PortalForm):
    """Approve the plan, with an optional remark."""

    note = TextAreaField(
        _l("Remark (optional)"), validators=[Length(max=4000)], render_kw={"rows": 2}
    )
    submit = SubmitField(_l("Approve the plan"))


class ReopenForm(PortalForm):
    """Return the plan for changes, saying why."""

    reason = TextAreaField(
        _l("What should be changed"),
        validators=[DataRequired(REQUIRED), Length(max=4000)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Return for changes"))


class MonitoringForm(PortalForm):
    """The date of a monitoring point and its note; value fields are added per goal."""

    held_on = DateField(_l("Date of the monitoring"), validators=[DataRequired(REQUIRED)])
    note = TextAreaField(
        _l("Note (optional)"), validators=[Length(max=4000)], render_kw={"rows": 2}
    )
    submit = SubmitField(_l("Save the values"))


def monitoring_form(goals, ranges: dict[int, tuple[float, float] | None], **kwargs):
    """Build the monitoring form of a plan: one optional number field per goal."""

    class Form(MonitoringForm):
        pass

    for goal in goals:
        validators = [Optional(), finite]
        bounds = ranges.get(goal.id)
        if bounds is not None:
            message = _l(
                "The indicator takes values from %(low)s to %(high)s.",
                low=f"{bounds[0]:g}",
                high=f"{bounds[1]:g}",
            )
            validators.append(NumberRange(*bounds, message=message))
        setattr(Form, f"goal_{goal.id}", CommaFloatField(goal.title, validators=validators))
    return Form(**kwargs)
