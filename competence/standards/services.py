"""Opening a round, saving a panellist's ratings, and adopting the panel's cut.

Ratings are saved as typed: a submission with any unreadable rating (text, 1.5) is refused as
a whole and changes nothing, so the panellist corrects it with everything else still on the
page; an empty field removes that rating. A panellist is finished only with every item rated.
"""

import copy
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from competence import audit
from competence.accounts.models import Role, User
from competence.analytics.angoff import MIN_PANEL
from competence.database import utcnow
from competence.extensions import db
from competence.instruments import services as content
from competence.instruments.models import ContentDocument
from competence.outbox.services import external_url, queue_email
from competence.standards.models import Panellist, Rating, RoundStatus, StandardRound
from competence.standards.results import (
    competence_titles,
    is_owner,
    rated_items,
    round_results,
)


class RoundError(Exception):
    """A request about a round that cannot be carried out; the message says why."""

    def __init__(self, message, status: int = 409):
        super().__init__(str(message))
        self.message = message
        self.status = status


class InvalidRatings(Exception):
    """Ratings that cannot be read, by item id; nothing of the submission was saved."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(f"{len(errors)} invalid ratings")
        self.errors = errors


def panel_candidates(actor) -> list[User]:
    """Return who may be invited: active methodists, and the round's creator."""
    users = db.session.scalars(
        select(User)
        .where(User.active.is_(True), (User.role == Role.METHODIST) | (User.id == actor.id))
        .order_by(User.full_name)
    )
    return list(users)


def open_round(
    document: ContentDocument,
    competence: str,
    title: str,
    deadline: date,
    panellist_ids: list[int],
    actor,
) -> StandardRound:
    """Open a round on the newest published version, invite the panel and write to them."""
    version = document.latest_published
    if version is None:
        raise RoundError(_l("The instrument has no published version to rate."), 404)
    if not rated_items(version, competence):
        raise RoundError(_l("No item of this version measures the competence."), 422)
    allowed = {user.id: user for user in panel_candidates(actor)}
    panel = [allowed[user_id] for user_id in dict.fromkeys(panellist_ids) if user_id in allowed]
    if len(panel) < MIN_PANEL:
        raise RoundError(_l("Invite at least two panellists."), 422)
    round_ = StandardRound(
        document=document,
        version=version,
        competence=competence,
        title=title,
        deadline=deadline,
        created_by_id=actor.id,
        panellists=[Panellist(user=user) for user in panel],
    )
    db.session.add(round_)
    db.session.flush()
    audit.record(
        "standard_round_opened",
        actor,
        "standard_round",
        round_.id,
        instrument=document.key,
        competence=competence,
        panel=len(panel),
    )
    for user in panel:
        if user.id != actor.id:
            queue_email(
                "standard_invitation",
                user.email,
                _l("You are invited to rate items in a standard-setting round"),
                "standard_invitation",
                locale=user.locale,
                user=user,
                actor=actor,
                round=round_,
                competence=competence_titles(version)[competence],
                link=external_url("standards.rate", round_id=round_.id),
            )
    db.session.commit()
    return round_


def parse_ratings(form, item_ids: list[str]) -> dict[str, float | None]:
    """Read the typed ratings (0..1, a comma or a point) by item id; raise InvalidRatings."""
    values, errors = {}, {}
    for item_id in item_ids:
        typed = (form.get(f"rating-{item_id}") or "").strip().replace(",", ".")
        if not typed:
            values[item_id] = None
            continue
        try:
            value = float(typed)
        except ValueError:
            value = None
        if value is None or not 0 <= value <= 1:  # NaN fails both comparisons
            errors[item_id] = _("Enter a probability from 0 to 1, for example 0.65.")
        else:
            values[item_id] = value
    if errors:
        raise InvalidRatings(errors)
    return values


@dataclass(frozen=True)
class SaveOutcome:
    """What saving did: how many items are rated, and whether the panellist is finished."""

    rated: int
    total: int
    finished: bool


def save_ratings(panellist: Panellist, values: dict[str, float | None], finish: bool, actor):
    """Store a panellist's ratings; finish (or stay finished) only with every item rated."""
    round_ = panellist.round
    if not round_.is_open:
        raise RoundError(_l("The round is closed: ratings can no longer be changed."))
    if panellist.finished_at is not None:
        # A finished panellist sees the others' cuts; changing ratings after that would end
        # the independence of the round.
        raise RoundError(
            _l("You have finished rating: the ratings can no longer be changed in this round.")
        )
    existing = {rating.item_id: rating for rating in panellist.ratings}
    for item_id, value in values.items():
        rating = existing.get(item_id)
        if value is None:
            if rating is not None:
                panellist.ratings.remove(rating)
        elif rating is None:
            panellist.ratings.append(Rating(item_id=item_id, value=value))
        elif rating.value != value:
            rating.value = value
    total = len(values)
    rated = sum(value is not None for value in values.values())
    complete = rated == total
    was_finished = panellist.finished_at is not None
    if not complete:
        panellist.finished_at = None
    elif finish and not was_finished:
        panellist.finished_at = utcnow()
        audit.record("standard_ratings_finished", actor, "standard_round", round_.id, items=total)
    db.session.commit()
    return SaveOutcome(rated, total, panellist.finished_at is not None)


def _with_threshold(data: dict, competence: str, cut: int) -> dict:
    """Return instrument content with a competence's threshold set, in the documented order."""
    result = copy.deepcopy(data)
    thresholds = dict(result.get("thresholds") or {})
    thresholds[competence] = cut
    if "thresholds" in result:
        result["thresholds"] = thresholds
        return result
    ordered = {}
    for key, value in result.items():
        ordered[key] = value
        if key == "deficit_threshold":
            ordered["thresholds"] = thresholds
    ordered.setdefault("thresholds", thresholds)
    return ordered


def adopt_cut(round_: StandardRound, actor) -> StandardRound:
    """Close the round and write its cut into the instrument's draft (opened if needed)."""
    if not is_owner(round_, actor):
        raise RoundError(_l("Only the methodist who opened the round closes it."), 403)
    if not round_.is_open:
        raise RoundError(_l("The round is already closed."))
    results = round_results(round_, actor)
    if results is None:
        raise RoundError(_l("At least two panellists must finish their ratings first."))
    draft = content.start_draft(round_.document, actor)
    round_.status = RoundStatus.CLOSED
    round_.closed_at = utcnow()
    round_.adopted_cut = results.adopted
    round_.panel_size = results.cut.panel_size
    round_.adopted_version_id = draft.id
    audit.record(
        "standard_cut_adopted",
        actor,
        "standard_round",
        round_.id,
        instrument=round_.document.key,
        competence=round_.competence,
        cut=results.adopted,
        panel=results.cut.panel_size,
    )
    # Saving the draft commits the round with it.
    content.save_draft(draft, _with_threshold(draft.content, round_.competence, results.adopted))
    return round_
