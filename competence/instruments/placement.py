"""Where the editor shows validation errors: under the form field they concern, or above."""

from competence.instruments.fieldchecks import ValidationError
from competence.instruments.wording import Vocabulary, placed, plain

# Settings fields whose validation path differs from the form field name.
SETTINGS_PATHS = {
    ("audience", "positions"): "positions",
    ("audience", "subjects"): "subjects",
    ("retake", "cooldown_days"): "cooldown_days",
    ("retake", "attempts_per_year"): "attempts_per_year",
    ("review",): "review",
    ("form", "items_per_competence"): "items_per_competence",
}


def item_errors(errors: list[ValidationError]) -> dict[int, list[ValidationError]]:
    """Group the errors of items by the item's position."""
    grouped: dict[int, list[ValidationError]] = {}
    for error in errors:
        if len(error.path) >= 2 and error.path[0] == "items" and isinstance(error.path[1], int):
            grouped.setdefault(error.path[1], []).append(error)
    return grouped


def place_errors(
    form,
    errors: list[ValidationError],
    words: Vocabulary,
    prefix: tuple = (),
    attach: bool = True,
) -> list[str]:
    """Attach each error under `prefix` to the form field it concerns; return the rest.

    A field's error is said plainly under it; the rest are led by what they are about
    («Вопрос 3: …»). With `attach` false the fields are left alone: a re-rendered submission
    holds what was typed, and the saved draft's errors would stand under values they are not
    about. Errors found in other documents (instruments built on a framework) are never a field's.
    """
    general = []
    for error in errors:
        if error.path[: len(prefix)] != prefix and error.file is None:
            continue
        field = _field_for(form, error.path[len(prefix) :]) if error.file is None else None
        message = plain(error, words)
        if field is None:
            general.append(placed(error, words))
        elif not attach:
            continue
        elif message not in field.errors:
            # Validation errors arrive after form validation ran, so errors may be a tuple.
            field.errors = [*field.errors, message]
    return general


def item_messages(errors: list[ValidationError], words: Vocabulary) -> dict[int, list[str]]:
    """Return the plain messages of the items' errors by the item's position."""
    return {
        index: [plain(error, words) for error in found]
        for index, found in item_errors(errors).items()
    }


def to_form_rows(form, errors: list[ValidationError], prefix: tuple) -> list[ValidationError]:
    """Point the errors of a saved item's options and pairs at the form rows they came from.

    Blank rows are left out of the item, so its option 2 may be the form's row 3.
    """
    kept = {
        "options": [n for n, row in enumerate(form.options) if (row.text.data or "").strip()],
        "pairs": [
            n
            for n, row in enumerate(form.pairs)
            if (row.left.data or "").strip() or (row.right.data or "").strip()
        ],
    }
    result = []
    for error in errors:
        path = error.path
        rest = path[len(prefix) :]
        if len(rest) >= 2 and rest[0] in kept and isinstance(rest[1], int):
            rows = kept[rest[0]]
            if rest[1] < len(rows):
                path = (*prefix, rest[0], rows[rest[1]], *rest[2:])
        result.append(ValidationError(error.file, error.line, path, error.message))
    return result


def _field_for(form, path: tuple):
    """Return the form field a validation path points at, or None."""
    if not path:
        return None
    if path[:2] in SETTINGS_PATHS:
        return getattr(form, SETTINGS_PATHS[path[:2]], None)
    head = path[0]
    if head in ("competences",) and hasattr(form, "weights") and len(path) > 1:
        for row in form.weights:
            if row.competence.data == path[1]:
                return row.weight
        return None
    if head in ("thresholds", "cut_scores") and hasattr(form, head) and len(path) > 1:
        for row in getattr(form, head):
            if row.key.data == path[1]:
                return row.value
        return None
    field = getattr(form, str(head), None) if isinstance(head, str) else None
    if field is None or not hasattr(field, "entries"):
        return field
    # A list of rows (options, pairs): the error goes to a field of the row it names;
    # errors about the list as a whole are shown above the form.
    if len(path) < 2 or not isinstance(path[1], int) or path[1] >= len(field.entries):
        return None
    row = field.entries[path[1]].form
    named = getattr(row, str(path[2]), None) if len(path) >= 3 else None
    return named or next(f for f in row if f.type != "HiddenField")
