"""Between the editor's forms and a draft's plain data; where validation errors belong."""

import copy
import re
import string

from competence.analytics.forms import sitting_size
from competence.instruments import spec

CHOICE_TYPES = ("single_choice", "multiple_choice", "situational")


def lines(text: str | None) -> list[str]:
    """Return the non-empty lines of a text area."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def number(value: float | None):
    """Return an int when the number is whole (as a methodist types it), else the float."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


# Instrument settings --------------------------------------------------------------------


def settings_into_form(content: dict, form, competence_choices, level_ids) -> None:
    """Fill the settings form from a draft (on GET)."""
    audience = content.get("audience") or {}
    retake = content.get("retake") or {}
    form.title.data = content.get("title", "")
    form.description.data = content.get("description", "")
    form.positions.data = list(audience.get("positions") or [])
    form.subjects.data = list(audience.get("subjects") or [])
    form.time_limit_minutes.data = content.get("time_limit_minutes")
    form.cooldown_days.data = retake.get("cooldown_days")
    form.attempts_per_year.data = retake.get("attempts_per_year")
    form.deficit_threshold.data = content.get("deficit_threshold")
    review = str(content.get("review", spec.REVIEW_IMMEDIATELY))
    if review in (spec.REVIEW_IMMEDIATELY, spec.REVIEW_NEVER):
        form.review.data = review
    else:
        form.review.data = "after"
        try:
            form.review_date.data = spec.review_date(review)
        except ValueError:  # an invalid draft (imported as is) shows the field empty
            form.review_date.data = None
    form_size = content.get("form")
    form.items_per_competence.data = (
        form_size.get("items_per_competence") if isinstance(form_size, dict) else None
    )
    form.competences.data = list(content.get("competences") or [])
    set_threshold_rows(form, content, competence_choices, level_ids)


def set_threshold_rows(form, content: dict, competence_choices, level_ids) -> None:
    """Offer a row per level (cut score) and per competence (threshold).

    Call it after validating a submitted form: rows are rebuilt for the draft's levels and the
    framework's competences, and each submitted row keeps what was typed and its errors.
    """
    form.competences.choices = competence_choices
    for field_list, keys, name in (
        (form.cut_scores, level_ids[1:], "cut_scores"),
        (form.thresholds, [key for key, _ in competence_choices], "thresholds"),
    ):
        typed = {row.key.data: row for row in field_list}
        saved = {} if typed else (content.get(name) or {})
        while len(field_list):
            field_list.pop_entry()
        for key in keys:
            old = typed.get(key)
            value = old.value.data if old is not None else saved.get(key)
            entry = field_list.append_entry({"key": key, "value": value})
            if old is not None:
                entry.value.raw_data = old.value.raw_data
                entry.value.errors = list(old.value.errors)


def threshold_rows_invalid(form) -> bool:
    """Tell whether any cut-score or threshold row carries an error."""
    return any(row.value.errors for row in [*form.cut_scores, *form.thresholds])


def settings_from_form(content: dict, form) -> dict:
    """Return the draft with the settings of a validated form applied."""
    result = copy.deepcopy(content)
    result["title"] = form.title.data.strip()
    result["description"] = form.description.data.strip()
    audience = {"positions": list(form.positions.data or [])}
    if form.subjects.data:
        audience["subjects"] = list(form.subjects.data)
    result["audience"] = audience
    result["time_limit_minutes"] = form.time_limit_minutes.data
    result["retake"] = {
        "cooldown_days": form.cooldown_days.data or 0,
        "attempts_per_year": form.attempts_per_year.data,
    }
    result["deficit_threshold"] = number(form.deficit_threshold.data)
    review = form.review.data
    if review == "after":
        review = form.review_date.data.isoformat()
    if review == spec.REVIEW_IMMEDIATELY:
        result.pop("review", None)  # the default, left out as in exported files
    else:
        result["review"] = review
    result["competences"] = list(form.competences.data or [])
    if form.items_per_competence.data is None:
        result.pop("form", None)
    else:
        result["form"] = {"items_per_competence": form.items_per_competence.data}
    for name in ("cut_scores", "thresholds"):
        rows = {row.key.data: number(row.value.data) for row in getattr(form, name)}
        rows = {key: value for key, value in rows.items() if value is not None}
        if rows:
            result[name] = rows
        else:
            result.pop(name, None)
    # Keep the documented key order, so drafts read like the files.
    order = [
        "instrument",
        "title",
        "description",
        "framework",
        "audience",
        "time_limit_minutes",
        "retake",
        "review",
        "levels",
        "cut_scores",
        "deficit_threshold",
        "thresholds",
        "competences",
        "form",
        "items",
    ]
    return {key: result[key] for key in order if key in result} | {
        key: value for key, value in result.items() if key not in order
    }


# Items ----------------------------------------------------------------------------------


def item_id_stem(key: str) -> str:
    """Return the stem of an instrument's item ids: its words' initials (management-director:
    md), or the first three letters of a one-word key (reading: rea)."""
    words = [word for word in key.split("-") if word]
    if not words or not words[0][0].isalpha():
        return "item"
    return "".join(word[0] for word in words) if len(words) > 1 else words[0][:3]


def next_item_id(content: dict) -> str:
    """Suggest an id for a new item, continuing the pattern of the existing ones."""
    ids = [item.get("id", "") for item in content.get("items") or [] if isinstance(item, dict)]
    prefix, width, highest = f"{item_id_stem(str(content.get('instrument') or ''))}-", 2, 0
    for ident in ids:
        # Only a prefix that makes a valid identifier is continued: "md-" of md-07, not "" of 7.
        match = re.fullmatch(r"([a-z][a-z0-9-]*?-?)(\d+)", str(ident))
        if match:
            prefix, width = match.group(1), len(match.group(2))
            highest = max(highest, int(match.group(2)))
    candidate = highest + 1
    while f"{prefix}{candidate:0{width}d}" in ids:
        candidate += 1
    return f"{prefix}{candidate:0{width}d}"


def item_into_form(item: dict, form, competences: list[str]) -> None:
    """Fill the item form from a draft's item (on GET)."""
    form.id.data = item.get("id", "")
    form.type.data = item.get("type", "")
    form.stem.data = item.get("stem", "")
    form.comment.data = item.get("comment", "")
    difficulty = item.get("difficulty")
    form.difficulty.data = difficulty if isinstance(difficulty, str) else ""
    weights = item.get("competences") or {}
    for competence in competences:
        form.weights.append_entry({"competence": competence, "weight": weights.get(competence)})
    for option in item.get("options") or []:
        form.options.append_entry(
            {
                "option_id": option.get("id", ""),
                "text": option.get("text", ""),
                "correct": bool(option.get("correct")),
                "weight": option.get("weight"),
            }
        )
    for pair in item.get("pairs") or []:
        form.pairs.append_entry({"left": pair.get("left", ""), "right": pair.get("right", "")})
    form.scoring.data = item.get("scoring", "partial")
    form.scale.data = item.get("scale")
    form.reversed.data = bool(item.get("reversed"))
    form.answer.data = item.get("answer")
    form.tolerance.data = item.get("tolerance", 0)
    form.unit.data = item.get("unit", "")
    form.distractors.data = "\n".join(item.get("distractors") or [])
    form.sequence.data = "\n".join(item.get("sequence") or [])


def pad_rows(form, item_type: str, minimum: int = 4) -> None:
    """Show enough empty option or pair rows to fill in."""
    if item_type in CHOICE_TYPES:
        while len(form.options) < minimum:
            form.options.append_entry()
    if item_type == "matching":
        while len(form.pairs) < 3:
            form.pairs.append_entry()


def _option_ids(options: list[dict]) -> None:
    """Give options without an id the next free letter."""
    used = {option["id"] for option in options if option.get("id")}
    free = (letter for letter in string.ascii_lowercase if letter not in used)
    for option in options:
        if not option.get("id"):
            option["id"] = next(free, f"o{len(used) + 1}")
            used.add(option["id"])


def item_from_form(form) -> dict:
    """Return the item of a validated form as plain data in the documented shape."""
    item_type = form.type.data
    item = {"id": form.id.data.strip(), "type": item_type}
    item["competences"] = {
        row.competence.data: number(row.weight.data)
        for row in form.weights
        if row.weight.data not in (None, 0)
    }
    item["stem"] = form.stem.data.strip()
    if item_type in CHOICE_TYPES:
        options = []
        for row in form.options:
            if not (row.text.data or "").strip():
                continue
            option = {"id": (row.option_id.data or "").strip(), "text": row.text.data.strip()}
            if item_type == "situational":
                if row.weight.data is not None:
                    option["weight"] = number(row.weight.data)
            elif row.correct.data:
                option["correct"] = True
            options.append(option)
        _option_ids(options)
        item["options"] = options
        if item_type == "multiple_choice" and form.scoring.data == "all_or_nothing":
            item["scoring"] = "all_or_nothing"
    elif item_type == "likert":
        item["scale"] = form.scale.data
        if form.reversed.data:
            item["reversed"] = True
    elif item_type == "numeric":
        if form.answer.data is not None:
            item["answer"] = number(form.answer.data)
        item["tolerance"] = number(form.tolerance.data or 0)
        if (form.unit.data or "").strip():
            item["unit"] = form.unit.data.strip()
    elif item_type == "matching":
        item["pairs"] = [
            {"left": row.left.data.strip(), "right": row.right.data.strip()}
            for row in form.pairs
            if (row.left.data or "").strip() or (row.right.data or "").strip()
        ]
        if lines(form.distractors.data):
            item["distractors"] = lines(form.distractors.data)
    elif item_type == "ordering":
        item["sequence"] = lines(form.sequence.data)
    if (form.comment.data or "").strip():
        item["comment"] = form.comment.data.strip()
    if form.difficulty.data:
        item["difficulty"] = form.difficulty.data
    return item


# Every competence needs at least this many items when the instrument draws no forms.
MIN_LINKED_ITEMS = 3


def form_size(content: dict) -> int | None:
    """Return a draft's items per competence in one sitting, if it states a usable one."""
    form = content.get("form")
    size = form.get("items_per_competence") if isinstance(form, dict) else None
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        return None
    return size


def items_needed(content: dict) -> int:
    """Return how many items each competence of a draft must be linked to."""
    return max(form_size(content) or 0, MIN_LINKED_ITEMS)


def bank_counts(content: dict) -> tuple[int, int, bool]:
    """Return the items of a draft's bank, the items of one sitting, and whether that is exact.

    Drafts may be invalid: what cannot be read counts as absent.
    """
    items = [item for item in content.get("items") or [] if isinstance(item, dict)]
    links = [
        tuple(item["competences"]) if isinstance(item.get("competences"), dict) else ()
        for item in items
    ]
    sitting, exact = sitting_size(links, form_size(content))
    return len(items), sitting, exact


def linked_counts(content: dict) -> dict[str, int]:
    """Return how many items of a draft are linked to each competence."""
    counts: dict[str, int] = {}
    for item in content.get("items") or []:
        if isinstance(item, dict) and isinstance(item.get("competences"), dict):
            for competence in item["competences"]:
                counts[competence] = counts.get(competence, 0) + 1
    return counts


# Frameworks -----------------------------------------------------------------------------


def competence_into_form(framework: dict, area_id: str, competence: dict, form, levels) -> None:
    """Fill the competence form (on GET)."""
    form.area.data = area_id
    form.id.data = competence.get("id", "")
    form.title.data = competence.get("title", "")
    form.description.data = competence.get("description", "")
    descriptors = competence.get("descriptors") or {}
    for level in levels:
        form.descriptors.append_entry({"level": level, "text": descriptors.get(level, "")})


def find_competence(framework: dict, competence_id: str) -> tuple[dict, dict] | None:
    """Return (area, competence) of a competence id in framework data."""
    for area in framework.get("areas") or []:
        for competence in area.get("competences") or []:
            if competence.get("id") == competence_id:
                return area, competence
    return None


def put_competence(framework: dict, old_id: str | None, form) -> dict:
    """Return the framework with the competence of a validated form saved into its area."""
    result = copy.deepcopy(framework)
    competence = {
        "id": form.id.data.strip(),
        "title": form.title.data.strip(),
        "description": form.description.data.strip(),
        "descriptors": {row.level.data: (row.text.data or "").strip() for row in form.descriptors},
    }
    position = None
    for area in result.get("areas") or []:
        for index, existing in enumerate(area.get("competences") or []):
            if old_id is not None and existing.get("id") == old_id:
                del area["competences"][index]
                position = (area["id"], index)
                break
    for area in result.get("areas") or []:
        if area.get("id") == form.area.data:
            entries = area.setdefault("competences", [])
            same_area = position is not None and position[0] == area["id"]
            entries.insert(position[1] if same_area else len(entries), competence)
    return result
