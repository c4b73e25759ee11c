"""Recommendations from a result's deficits: the catalogue modules matched to them, and gaps."""

from dataclasses import dataclass, field

from sqlalchemy import select

from competence import audit
from competence.analytics.figures import shown_depth
from competence.analytics.matching import Deficit, Goals, Taker, match_modules, merge_plan
from competence.audit import AuditEvent
from competence.diagnostics.models import Attempt
from competence.extensions import db
from competence.instruments.library import compiled_version
from competence.tracks.library import matching_modules
from competence.tracks.models import CatalogModule

SOFT_SKILL_AREA = "soft"


@dataclass
class Recommendation:
    """A module proposed for some deficits."""

    module: CatalogModule
    mandatory: bool
    deficits: list[dict]


@dataclass
class Recommendations:
    """Proposals grouped as soft skills and professional qualification, and catalogue gaps."""

    soft_skills: list[Recommendation] = field(default_factory=list)
    qualification: list[Recommendation] = field(default_factory=list)
    gaps: list[dict] = field(default_factory=list)
    ordered: list[Recommendation] = field(default_factory=list)


def deficits_of(attempt: Attempt) -> list[dict]:
    """Return the deficits of a submitted attempt with what matching and pages need."""
    ready = compiled_version(attempt.version_id)
    found = []
    for row in attempt.competence_scores:
        if not row.deficit:
            continue
        competence = ready.competences[row.competence]
        area = ready.area_of[row.competence]
        found.append(
            {
                "framework": ready.framework.id,
                "competence": row.competence,
                "title": competence.title,
                "level": row.level,
                "depth": round(row.depth, 2),
                "shown_depth": shown_depth(row.score, row.threshold),
                "soft_skill": area.id == SOFT_SKILL_AREA,
            }
        )
    return found


def recommend(attempt: Attempt, preferred_format: str | None = None) -> Recommendations:
    """Match the deficits of a result with the catalogue."""
    deficits = deficits_of(attempt)
    as_deficit = {(d["framework"], d["competence"]): d for d in deficits}
    modules, rows = matching_modules()
    user = attempt.user
    taker = Taker(user.position, frozenset(user.subjects), preferred_format)
    match = match_modules(
        [
            Deficit(d["framework"], d["competence"], d["level"], d["depth"], d["soft_skill"])
            for d in deficits
        ],
        modules,
        taker,
    )
    result = Recommendations(gaps=[as_deficit[(g.framework, g.competence)] for g in match.gaps])
    for proposal in match.proposals:
        recommendation = Recommendation(
            rows[proposal.module],
            proposal.mandatory,
            [as_deficit[(d.framework, d.competence)] for d in proposal.deficits],
        )
        result.ordered.append(recommendation)
        soft = all(d["soft_skill"] for d in recommendation.deficits)
        (result.soft_skills if soft else result.qualification).append(recommendation)
    return result


def merged_recommendations(
    attempts: list[Attempt], preferred_format: str | None = None, goals: Goals = Goals()
) -> Recommendations:
    """Match the deficits of several results at once (`merge_plan`): one set of modules.

    Each deficit carries the instrument that found it, so the same competence found by two
    instruments stays two deficits that one module may cover together. The teacher's `goals`
    break ties between modules.
    """
    modules, rows = matching_modules()
    user = attempts[0].user
    taker = Taker(user.position, frozenset(user.subjects), preferred_format)
    found: dict[Deficit, dict] = {}
    sets = []
    for attempt in attempts:
        group = []
        for d in deficits_of(attempt):
            deficit = Deficit(
                d["framework"],
                d["competence"],
                d["level"],
                d["depth"],
                d["soft_skill"],
                str(attempt.document_id),
            )
            found.setdefault(deficit, d)
            group.append(deficit)
        sets.append(group)
    match = merge_plan(sets, modules, taker, goals)
    result = Recommendations(gaps=[found[g] for g in match.gaps])
    for proposal in match.proposals:
        recommendation = Recommendation(
            rows[proposal.module], proposal.mandatory, [found[d] for d in proposal.deficits]
        )
        result.ordered.append(recommendation)
        soft = all(d["soft_skill"] for d in recommendation.deficits)
        (result.soft_skills if soft else result.qualification).append(recommendation)
    return result


def record_gaps(attempt: Attempt, gaps: list[dict]) -> None:
    """Log deficits the catalogue cannot address, for the methodists' list of gaps.

    Each (result, competence) is logged once, however often the teacher tries to build a track.
    """
    if not gaps:
        return
    logged = {
        (event.object_id, event.details.get("framework"))
        for event in db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "catalog_gap",
                AuditEvent.object_type == "competence",
                AuditEvent.object_id.in_({gap["competence"] for gap in gaps}),
            )
        )
        if event.details.get("attempt") == attempt.id
    }
    for gap in gaps:
        if (gap["competence"], gap["framework"]) in logged:
            continue
        audit.record(
            "catalog_gap",
            None,
            "competence",
            gap["competence"],
            framework=gap["framework"],
            level=gap["level"],
            title=gap["title"],
            attempt=attempt.id,
        )


def show_recommendations(attempt: Attempt, preferred_format: str | None) -> Recommendations:
    """Match a result with the catalogue for its page, and tell the methodists of any gaps."""
    found = recommend(attempt, preferred_format)
    if found.gaps:
        record_gaps(attempt, found.gaps)
        db.session.commit()
    return found
