"""The item analysis report of a version as an XLSX workbook, always in Russian.

Every cell is written through competence.tabular.write_cell, so an item's or an option's text
that starts like a formula stays text.
"""

import math

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl.styles import Font

from competence.instruments.models import ContentVersion
from competence.measurement.labels import RASCH_STATUS_LABELS, flag_label
from competence.measurement.services import MIN_RELIABLE_ATTEMPTS, VersionReport
from competence.tabular import new_workbook, workbook_bytes, write_cell


def export_name(version: ContentVersion) -> str:
    """Return the file name: item-analysis-<key>-v<number>.xlsx."""
    return f"item-analysis-{version.document.key}-v{version.number}.xlsx"


def _value(value: float | None, digits: int = 3) -> float | None:
    """Return a rounded number for a cell, or None (an empty cell) for nan."""
    return round(value, digits) if value is not None and math.isfinite(value) else None


def _rows(sheet, rows, bold_first: bool = True) -> None:
    """Write rows from the first row down; the first row is bold."""
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = write_cell(sheet, r, c, value)
            if bold_first and r == 1:
                cell.font = Font(bold=True)


def report_xlsx(version: ContentVersion, report: VersionReport) -> bytes:
    """Write the report: summary and scales, items, distractors, method."""
    with force_locale("ru"):
        workbook = new_workbook()
        summary = workbook.active
        summary.title = _("Summary")
        _rows(summary, _summary_rows(version, report))
        _rows(workbook.create_sheet(_("Items")), _item_rows(report))
        _rows(workbook.create_sheet(_("Distractors")), _distractor_rows(report))
        _rows(workbook.create_sheet(_("Method")), _method_rows(), bold_first=False)
        return workbook_bytes(workbook)


def _summary_rows(version: ContentVersion, report: VersionReport) -> list:
    rows = [
        [_("Item analysis"), version.title],
        [_("Instrument"), version.document.key],
        [_("Version"), version.number],
        [_("Submitted attempts"), report.n_attempts],
    ]
    if not report.reliable:
        rows.append(
            [
                _("Warning"),
                _(
                    "Fewer than %(count)s attempts: the statistics are not reliable yet.",
                    count=MIN_RELIABLE_ATTEMPTS,
                ),
            ]
        )
    rows.append([])
    rows.append(
        [
            _("Scale"),
            _("Items"),
            _("Items per sitting"),
            _("Alpha"),
            _("SD, points"),
            _("SEM, points"),
        ]
    )
    for scale in (report.whole, *report.scales) if report.whole else ():
        title = _("Whole instrument") if scale is report.whole else scale.title
        rows.append(
            [
                title,
                len(scale.item_ids),
                scale.form_length,
                _value(scale.alpha),
                _value(scale.sd, 1),
                _value(scale.sem, 1),
            ]
        )
    return rows


def _item_rows(report: VersionReport) -> list:
    items = {item.id: item for item in report.instrument.items}
    rows = [
        [
            _("Item"),
            _("Type"),
            _("Competences"),
            _("Stem"),
            _("Answers"),
            _("Facility"),
            _("Discrimination"),
            _("Upper–lower"),
            _("Alpha if deleted"),
            _("Rasch difficulty, logits"),
            _("SE"),
            _("Infit"),
            _("Outfit"),
            _("Rasch estimate"),
            _("Flags"),
        ]
    ]
    for entry in report.items:
        item, stats, rasch = items[entry.item], entry.stats, entry.rasch
        rows.append(
            [
                entry.item,
                item.type,
                ", ".join(c for c, _weight in item.competences),
                item.stem,
                stats.n,
                _value(stats.facility),
                _value(stats.discrimination),
                _value(stats.upper_lower),
                _value(stats.alpha_if_deleted),
                _value(rasch.difficulty) if rasch else None,
                _value(rasch.se) if rasch else None,
                _value(rasch.infit) if rasch else None,
                _value(rasch.outfit) if rasch else None,
                str(RASCH_STATUS_LABELS[rasch.status]) if rasch else _("not dichotomous"),
                ", ".join(flag_label(flag) for flag in report.flags(entry.item)),
            ]
        )
    return rows


def _distractor_rows(report: VersionReport) -> list:
    items = {item.id: item for item in report.instrument.items}
    rows = [
        [
            _("Item"),
            _("Option"),
            _("Text"),
            _("Key"),
            _("Chosen, all"),
            _("Chosen, upper 27 %"),
            _("Chosen, lower 27 %"),
            _("Flag"),
        ]
    ]
    for item_id, analysis in report.distractors.items():
        texts = {option.id: option.text for option in items[item_id].body.options}
        for option in analysis.options:
            rows.append(
                [
                    item_id,
                    option.option,
                    texts.get(option.option, ""),
                    _("yes") if option.correct else "",
                    _value(option.share),
                    _value(option.share_upper),
                    _value(option.share_lower),
                    flag_label("distractor_upper") if option.flagged else "",
                ]
            )
        rows.append([item_id, "", _("no answer"), "", _value(analysis.omitted), None, None, ""])
    return rows


def _method_rows() -> list:
    return [[line] for line in method_lines()]


def method_lines() -> list[str]:
    """Return the explanation of the methods, as on the report page."""
    return [
        _(
            "Facility: the mean score of the item (0..1) over the attempts that had it. "
            "Discrimination: the correlation of the item with the total of the other items. "
            "Upper–lower: the facility in the best 27 percent of attempts minus that in the "
            "worst 27 percent."
        ),
        _(
            "Alpha: Cronbach's alpha of the scale for a sitting of its usual length; "
            "SEM = SD × √(1 − alpha), in points of the 0–100 score. Answers missing from a sitting "
            "are left out pairwise."
        ),
        _(
            "Rasch: a one-parameter logistic model of the items scored only 0 or 1, estimated by "
            "joint maximum likelihood with the (k − 1)/k correction; difficulties in logits, "
            "centred at 0. Infit and outfit near 1 mean the item fits the model; above 1.3, "
            "it is noisier than the model expects. Items everyone (or no one) answered right "
            "have no estimate."
        ),
    ]
