"""What a round shows: the rated items, the panel's cut and where each shipped cut came from.

Reads only. The cut itself is computed by competence.analytics.angoff; this module turns the
rows of a round into its arrays and names the panellists the way the viewer may see them.
"""

from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from competence.analytics.angoff import MIN_PANEL, AngoffCut, ItemSpread, angoff_cut, rounded_cut
from competence.extensions import db
from competence.instruments import spec
from competence.instruments.library import compiled
from competence.instruments.models import ContentDocument, ContentVersion
from competence.standards.models import Panellist, RoundStatus, StandardRound


def fixed(value: float, digits: int = 1, trim: bool = False) -> str:
    """Return a number with `digits` decimals in the reader's locale (62,1); `trim` drops
    trailing zeros (0,70 → 0,7), as a rating is shown back in its field."""
    pattern = "0." + ("#" if trim else "0") * digits if digits else "0"
    return format_decimal(value, format=pattern)


@dataclass(frozen=True)
class RatedItem:
    """An item of the rated competence and its link weight."""

    item: spec.Item
    weight: float


def competence_titles(version: ContentVersion) -> dict[str, str]:
    """Return the titles of the competences a published instrument version measures."""
    return {key: c.title for key, c in compiled(version).competences.items()}


def rated_items(version: ContentVersion, competence: str) -> list[RatedItem]:
    """Return the items of a version linked to a competence, in written order."""
    instrument = compiled(version).instrument
    return [
        RatedItem(item, dict(item.competences)[competence])
        for item in instrument.items
        if dict(item.competences).get(competence, 0) > 0
    ]


def panellist_of(round_: StandardRound, user) -> Panellist | None:
    """Return the user's place on the round's panel, if they are invited."""
    return next((p for p in round_.panellists if p.user_id == user.id), None)


def is_owner(round_: StandardRound, user) -> bool:
    """Tell whether the user opened the round (and so closes it and sees names)."""
    return round_.created_by_id is not None and round_.created_by_id == user.id


@dataclass(frozen=True)
class PanelCut:
    """A finished panellist's cut, labelled as the viewer may see it."""

    label: str
    cut: float
    own: bool


@dataclass(frozen=True)
class DisputedItem:
    """An item the panel rated most differently."""

    item: spec.Item
    spread: ItemSpread


@dataclass(frozen=True)
class RoundResults:
    """The panel's cut over the finished panellists, as shown on the round's page."""

    cut: AngoffCut
    adopted: int
    panellists: list[PanelCut]
    disputed: list[DisputedItem]


def finished(round_: StandardRound) -> list[Panellist]:
    """Return the panellists who declared their ratings finished."""
    return [p for p in round_.panellists if p.finished_at is not None]


def round_results(round_: StandardRound, viewer) -> RoundResults | None:
    """Return the cut of the finished panellists, or None while fewer than two have finished.

    Only the round's owner sees whose cut is whose; to the others panellists are «Эксперт N».
    """
    done = finished(round_)
    if len(done) < MIN_PANEL:
        return None
    items = rated_items(round_.version, round_.competence)
    ratings = []
    for panellist in done:
        values = {rating.item_id: rating.value for rating in panellist.ratings}
        ratings.append([values[rated.item.id] for rated in items])
    cut = angoff_cut(ratings, [rated.weight for rated in items])
    named = is_owner(round_, viewer)
    labels = [
        PanelCut(
            p.user.full_name if named else _("Expert %(n)d", n=n),
            value,
            p.user_id == viewer.id,
        )
        for n, (p, value) in enumerate(zip(done, cut.panellist_cuts, strict=True), start=1)
    ]
    disputed = [DisputedItem(items[spread.index].item, spread) for spread in cut.disputed()]
    return RoundResults(cut, rounded_cut(cut.cut), labels, disputed)


# Where cuts came from ---------------------------------------------------------------------


@dataclass(frozen=True)
class CutSource:
    """A competence's deficit cut in the newest published version, and where it came from."""

    competence: str
    title: str
    threshold: float
    round: StandardRound | None  # the round it was adopted from; None: the authors set it
    pending: StandardRound | None  # a round adopted into the open draft, not yet published


def _adopted_rounds(document: ContentDocument) -> list[StandardRound]:
    """Return the document's rounds whose cut was adopted, newest first."""
    return list(
        db.session.scalars(
            select(StandardRound)
            .where(
                StandardRound.document_id == document.id,
                StandardRound.status == RoundStatus.CLOSED,
                StandardRound.adopted_version_id.is_not(None),
            )
            .order_by(StandardRound.closed_at.desc(), StandardRound.id.desc())
        )
    )


def cut_sources(document: ContentDocument) -> list[CutSource]:
    """Return each competence's cut in the newest published version with its provenance.

    A cut comes from a round when the round was adopted into this version or an earlier one and
    the cut has not been changed since; otherwise it is the authors' (in the file or editor).
    """
    latest = document.latest_published
    if latest is None or document.kind != "instrument":
        return []
    instrument = compiled(latest).instrument
    titles = competence_titles(latest)
    draft = document.draft
    rounds = _adopted_rounds(document)
    sources = []
    for competence in instrument.competences:
        threshold = instrument.threshold(competence)
        own = [r for r in rounds if r.competence == competence]
        published = next(
            (
                r
                for r in own
                if r.adopted_version_id <= latest.id and r.adopted_version.is_published
            ),
            None,
        )
        if published is not None and published.adopted_cut != threshold:
            published = None
        pending = next(
            (r for r in own if draft is not None and r.adopted_version_id == draft.id), None
        )
        sources.append(CutSource(competence, titles[competence], threshold, published, pending))
    return sources


def document_rounds(document: ContentDocument) -> list[StandardRound]:
    """Return every round of an instrument, newest first."""
    return list(
        db.session.scalars(
            select(StandardRound)
            .where(StandardRound.document_id == document.id)
            .order_by(StandardRound.id.desc())
        )
    )
