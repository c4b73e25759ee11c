"""Compile a validated instrument into the scoring key of competence.analytics.scoring."""

from collections.abc import Mapping

from competence.analytics.scoring import ItemKey, ScoringKey
from competence.instruments.itemspec import (
    Item,
    LikertStatement,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    SingleChoice,
    Situational,
)
from competence.instruments.spec import Instrument, Scale


def scoring_key(instrument: Instrument, scales: Mapping[str, Scale]) -> ScoringKey:
    """Return the scoring key of an instrument; `scales` holds its level and Likert scales by id."""
    level_scale = scales[instrument.levels]
    overrides = dict(instrument.cut_scores)
    return ScoringKey(
        items=tuple(_item_key(item, scales) for item in instrument.items),
        competences=instrument.competences,
        weights=tuple(
            tuple(dict(item.competences).get(c, 0.0) for c in instrument.competences)
            for item in instrument.items
        ),
        thresholds=tuple(instrument.threshold(c) for c in instrument.competences),
        levels=level_scale.level_ids,
        cut_scores=tuple(overrides.get(lv.id, lv.start) for lv in level_scale.levels),
    )


def _item_key(item: Item, scales: Mapping[str, Scale]) -> ItemKey:
    body = item.body
    match body:
        case SingleChoice() | MultipleChoice():
            return ItemKey(
                item.id,
                item.type,
                options=tuple(option.id for option in body.options),
                credit=tuple(1.0 if option.correct else 0.0 for option in body.options),
                all_or_nothing=isinstance(body, MultipleChoice)
                and body.scoring == "all_or_nothing",
            )
        case Situational():
            return ItemKey(
                item.id,
                item.type,
                options=tuple(option.id for option in body.options),
                credit=tuple(option.weight for option in body.options),
            )
        case LikertStatement():
            points = tuple(point.value for point in scales[body.scale].points)
            return ItemKey(item.id, item.type, points=points, reversed=body.reversed)
        case Numeric():
            return ItemKey(item.id, item.type, answer=body.answer, tolerance=body.tolerance)
        case Matching():
            choices = len(body.pairs) + len(body.distractors)
            return ItemKey(item.id, item.type, size=len(body.pairs), choices=choices)
        case Ordering():
            return ItemKey(item.id, item.type, size=len(body.sequence))
    raise TypeError(f"unknown item body {type(body).__name__}")
