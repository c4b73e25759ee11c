"""Forms of the methodist's editor: instrument settings, items, frameworks, import."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from competence.accounts.forms import MultiCheckboxField
from competence.accounts.reference import POSITIONS, SUBJECTS
from competence.forms import PortalForm, portal_translations

REQUIRED = _l("This field is required.")
IDENTIFIER = Regexp(
    r"^[a-z][a-z0-9-]*$",
    message=_l("Latin lower-case letters, digits and hyphens, starting with a letter."),
)

WHOLE_NUMBER = _l("Enter a whole number from %(min)s to %(max)s.")
NUMBER = _l("Enter a number from %(min)s to %(max)s.")

ITEM_TYPES = {
    "single_choice": _l("Single choice"),
    "multiple_choice": _l("Multiple choice"),
    "situational": _l("Situational judgement"),
    "likert": _l("Self-assessment statement (Likert)"),
    "numeric": _l("Numeric answer"),
    "matching": _l("Matching"),
    "ordering": _l("Ordering"),
}

DIFFICULTIES = {"easy": _l("easy"), "medium": _l("medium"), "hard": _l("hard")}


def unix_newlines(value):
    """Turn Windows (\\r\\n) and old Mac (\\r) line breaks into \\n."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _bind_with_newlines(unbound_field, options):
    """Bind a field; text fields get `unix_newlines` first, so no \\r reaches the drafts."""
    if issubclass(unbound_field.field_class, StringField):
        options["filters"] = (unix_newlines, *unbound_field.kwargs.get("filters", ()))
    return unbound_field.bind(**options)


class RowForm(Form):
    """A row of a FieldList: its messages are translated like those of the form around it."""

    class Meta:
        def get_translations(self, form):
            """Use the portal's catalogue, then WTForms' own, like every portal form."""
            return portal_translations

        def bind_field(self, form, unbound_field, options):
            """Normalise the line breaks of every text field of the row."""
            return _bind_with_newlines(unbound_field, {"form": form, **options})


class EditorForm(PortalForm):
    """A portal form whose text fields store line breaks as \\n whatever the browser sent."""

    class Meta(PortalForm.Meta):
        def bind_field(self, form, unbound_field, options):
            """Normalise the line breaks of every text field of the form."""
            return _bind_with_newlines(unbound_field, {"form": form, **options})


class CommaFloatField(FloatField):
    """A number field that also accepts a decimal comma, as Russian users type it."""

    def process_formdata(self, valuelist):
        """Replace a decimal comma before parsing."""
        if valuelist:
            valuelist = [str(valuelist[0]).replace(",", ".").strip()]
        super().process_formdata(valuelist)


class NewDocumentForm(EditorForm):
    """Create an instrument or a framework."""

    key = StringField(
        _l("Identifier"),
        validators=[DataRequired(REQUIRED), Length(max=64), IDENTIFIER],
        description=_l("Used in file names and links, e.g. history-teacher. It cannot change."),
    )
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=300)])
    parent = SelectField(_l("Framework"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Create a draft"))


class ThresholdForm(RowForm):
    """A per-competence threshold or a level's cut score (blank = the default)."""

    key = HiddenField()
    value = CommaFloatField(validators=[Optional(), NumberRange(0, 100, NUMBER)])


class SettingsForm(EditorForm):
    """The instrument as a whole: title, audience, rules, levels, thresholds, competences."""

    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=300)])
    description = TextAreaField(
        _l("Description for the teacher"),
        validators=[DataRequired(REQUIRED)],
        render_kw={"rows": 5},
        description=_l("A blank line starts a new paragraph."),
    )
    positions = MultiCheckboxField(
        _l("Positions it is offered to"), choices=list(POSITIONS.items())
    )
    subjects = MultiCheckboxField(
        _l("Only teachers of these subjects (none = any subject)"), choices=list(SUBJECTS.items())
    )
    # InputRequired, not DataRequired: 0 is a value, refused (or not) by the range check.
    time_limit_minutes = IntegerField(
        _l("Time limit, minutes"),
        validators=[InputRequired(REQUIRED), NumberRange(5, 240, WHOLE_NUMBER)],
    )
    cooldown_days = IntegerField(
        _l("Days before a retake"),
        validators=[Optional(), NumberRange(0, 365, WHOLE_NUMBER)],
        default=0,
    )
    attempts_per_year = IntegerField(
        _l("Attempts per year"),
        validators=[InputRequired(REQUIRED), NumberRange(1, 12, WHOLE_NUMBER)],
    )
    deficit_threshold = CommaFloatField(
        _l("Deficit threshold, %"),
        validators=[InputRequired(REQUIRED), NumberRange(0, 100, NUMBER)],
        description=_l("A competence scored below it is a deficit."),
    )
    review = SelectField(
        _l("Answer review for the teacher"),
        choices=[
            ("immediately", _l("right after submitting")),
            ("after", _l("from a date")),
            ("never", _l("never")),
        ],
        default="immediately",
        description=_l(
            "The teacher sees each question, their answer and whether it was right. Right "
            "answers and explanations open once the teacher has no retake left."
        ),
    )
    review_date = DateField(_l("Review opens on"), validators=[Optional()])
    items_per_competence = IntegerField(
        _l("Items per competence in one sitting"),
        validators=[Optional(), NumberRange(3, 60, WHOLE_NUMBER)],
        description=_l(
            "Blank: every sitting shows every item. A number: the items form a bank, and each "
            "sitting draws this many items of every competence, matched in difficulty, avoiding "
            "items the teacher has seen. Every competence needs at least this many items."
        ),
    )
    competences = MultiCheckboxField(_l("Competences it measures"), choices=[])
    cut_scores = FieldList(FormField(ThresholdForm))
    thresholds = FieldList(FormField(ThresholdForm))
    submit = SubmitField(_l("Save"))

    def validate(self, extra_validators=None) -> bool:
        """Validate the fields; a review that opens from a date needs the date."""
        # Here, not in validate_review_date: Optional stops the chain before inline checks.
        valid = super().validate(extra_validators)
        date = self.review_date
        if self.review.data == "after" and date.data is None and not date.errors:
            date.errors = [_l("Enter the date the review opens.")]
            return False
        return valid


class OptionForm(RowForm):
    """An answer option: text, whether it is correct, or its weight (situational)."""

    # Not "id": a FormField row has an `id` attribute of its own.
    option_id = HiddenField(validators=[Optional(), Length(max=64)])
    text = TextAreaField(render_kw={"rows": 2})
    correct = BooleanField(_l("correct"))
    weight = CommaFloatField(validators=[Optional(), NumberRange(0, 1, NUMBER)])


class WeightForm(RowForm):
    """The weight of an item for one competence (blank = not linked)."""

    competence = HiddenField()
    weight = CommaFloatField(validators=[Optional(), NumberRange(0, 1, NUMBER)])


class PairForm(RowForm):
    """A left and right text of a matching item."""

    left = TextAreaField(render_kw={"rows": 2})
    right = TextAreaField(render_kw={"rows": 2})


class ItemForm(EditorForm):
    """One item of an instrument; the fields used depend on its type."""

    id = StringField(
        _l("Item identifier"), validators=[DataRequired(REQUIRED), Length(max=64), IDENTIFIER]
    )
    type = HiddenField()
    stem = TextAreaField(
        _l("Question or statement"),
        validators=[DataRequired(REQUIRED)],
        render_kw={"rows": 5},
        description=_l(
            "A blank line starts a new paragraph; a single line break is joined into the line. "
            "Separate the lines of a worked solution with blank lines."
        ),
    )
    comment = TextAreaField(
        _l("Methodist's note on the key (never shown to teachers)"), render_kw={"rows": 4}
    )
    difficulty = SelectField(
        _l("Difficulty"),
        choices=[("", _l("not stated (counts as medium)")), *DIFFICULTIES.items()],
        default="",
        description=_l(
            "Sittings drawn from a bank are matched on it until the items are calibrated on "
            "teachers' answers."
        ),
    )
    weights = FieldList(FormField(WeightForm))
    options = FieldList(FormField(OptionForm))
    scoring = SelectField(
        _l("Scoring"),
        choices=[
            ("partial", _l("Partial credit: (correct chosen − wrong chosen) / correct")),
            ("all_or_nothing", _l("All or nothing")),
        ],
        validate_choice=False,
    )
    # Checked by the instrument validation, which knows the published scales.
    scale = SelectField(_l("Answer scale"), choices=[], validate_choice=False)
    reversed = BooleanField(_l("Reversed statement (agreement means a lower score)"))
    answer = CommaFloatField(_l("Correct answer"), validators=[Optional()])
    tolerance = CommaFloatField(
        _l("Tolerance (±)"), validators=[Optional(), NumberRange(min=0)], default=0
    )
    unit = StringField(_l("Unit (optional)"), validators=[Optional(), Length(max=40)])
    pairs = FieldList(FormField(PairForm))
    distractors = TextAreaField(
        _l("Extra right-hand entries that match nothing, one per line"), render_kw={"rows": 3}
    )
    sequence = TextAreaField(
        _l("Elements in the correct order, one per line"), render_kw={"rows": 6}
    )
    save = SubmitField(_l("Save the item"))
    add_option = SubmitField(_l("Add an option"))
    add_pair = SubmitField(_l("Add a pair"))


class AreaForm(EditorForm):
    """An area of a framework."""

    id = StringField(
        _l("Identifier"), validators=[DataRequired(REQUIRED), Length(max=64), IDENTIFIER]
    )
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=300)])
    submit = SubmitField(_l("Add the area"))


class FrameworkForm(EditorForm):
    """The framework as a whole."""

    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=300)])
    submit = SubmitField(_l("Save"))


class DescriptorForm(RowForm):
    """What a competence looks like at one level."""

    level = HiddenField()
    text = TextAreaField(render_kw={"rows": 2})


class CompetenceForm(EditorForm):
    """A competence of a framework with its level descriptors."""

    area = SelectField(_l("Area"), validators=[DataRequired(REQUIRED)])
    id = StringField(
        _l("Identifier"), validators=[DataRequired(REQUIRED), Length(max=64), IDENTIFIER]
    )
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=300)])
    description = TextAreaField(
        _l("Description"), validators=[DataRequired(REQUIRED)], render_kw={"rows": 3}
    )
    descriptors = FieldList(FormField(DescriptorForm))
    submit = SubmitField(_l("Save the competence"))


class ImportForm(EditorForm):
    """A YAML file or pasted YAML text to become a draft."""

    file = FileField(_l("YAML file"))
    text = TextAreaField(_l("or YAML text"), render_kw={"rows": 12, "spellcheck": "false"})
    replace_draft = BooleanField(_l("Replace the open draft of this document, if there is one"))
    submit = SubmitField(_l("Import as a draft"))
