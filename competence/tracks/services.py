"""Recommendations from deficits, and the life of a development track (ИОМ)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from competence import audit
from competence.analytics.matching import Deficit, Taker, match_modules
from competence.database import utcnow
from competence.diagnostics.models import Attempt
from competence.diagnostics.services import attempt_submitted, offered_to, retake_status
from competence.extensions import db
from competence.instruments.library import compiled_version
from competence.outbox.services import external_url, queue_email
from competence.tracks.evidence import CheckedFile
from competence.tracks.library import matching_modules
from competence.tracks.models import (
    MODULE_FORMATS,
    CatalogModule,
    DevelopmentTrack,
    EvidenceFile,
    ModuleStatus,
    TrackModule,
    TrackStatus,
)

SOFT_SKILL_AREA = "soft"


class TrackError(Exception):
    """A change to a track that cannot be made; `status` is the HTTP status to answer with."""

    def __init__(self, message, status: int = 409):
        super().__init__(str(message))
        self.message = message
        self.status = status


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


def record_gaps(attempt: Attempt, gaps: list[dict]) -> None:
    """Log deficits the catalogue cannot address, for the methodists' list of gaps."""
    for gap in gaps:
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


def track_for(attempt: Attempt) -> DevelopmentTrack | None:
    """Return the track built from this result, if any."""
    return db.session.scalar(
        select(DevelopmentTrack).where(DevelopmentTrack.source_attempt_id == attempt.id)
    )


def build_track(attempt: Attempt, preferred_format: str | None = None) -> DevelopmentTrack:
    """Turn the recommendations of a result into a track (or return the one already built)."""
    existing = track_for(attempt)
    if existing is not None:
        return existing
    if not attempt.is_submitted:
        raise TrackError(_l("The diagnostic is not finished yet."))
    if preferred_format not in (None, *MODULE_FORMATS):
        raise TrackError(_l("Unknown format."), status=400)
    recommendations = recommend(attempt, preferred_format)
    record_gaps(attempt, recommendations.gaps)
    if not recommendations.ordered:
        if recommendations.gaps:
            db.session.commit()
            raise TrackError(
                _l(
                    "The catalogue has no modules for your deficits yet; the methodists have "
                    "been told."
                )
            )
        raise TrackError(_l("There are no deficits to build a track for."))
    track = DevelopmentTrack(
        user_id=attempt.user_id,
        source_attempt_id=attempt.id,
        document_id=attempt.document_id,
        preferred_format=preferred_format,
        gaps=recommendations.gaps,
    )
    start = utcnow().date()
    for position, item in enumerate(recommendations.ordered):
        track.modules.append(_track_module(item.module, position, item.mandatory, item.deficits))
    schedule(track, start)
    db.session.add(track)
    db.session.commit()
    return track


def _track_module(module: CatalogModule, position, mandatory, deficits) -> TrackModule:
    """Return a new track entry for a catalogue module."""
    return TrackModule(
        module=module,
        position=position,
        mandatory=mandatory,
        deficits=deficits,
        title=module.title,
        kind=module.kind,
        hours=module.hours,
        status=ModuleStatus.PLANNED,
        due_date=date.today(),
    )


def schedule(track: DevelopmentTrack, start: date) -> None:
    """Set due dates: mandatory modules one after another, optional ones alongside.

    A postponed module keeps the date it was postponed to; modules after it follow it.
    """
    cursor = start
    for entry in track.modules:
        if entry.status in (ModuleStatus.DONE, ModuleStatus.DECLINED):
            continue
        weeks = timedelta(weeks=entry.module.duration_weeks)
        if entry.status == ModuleStatus.POSTPONED:
            cursor = max(cursor, entry.due_date)
            continue
        if entry.mandatory:
            cursor = cursor + weeks
            entry.due_date = cursor
        else:
            entry.due_date = max(start + weeks, cursor)


def own_module(user, track_module_id: int) -> TrackModule:
    """Return a module of one of the user's tracks; anybody else's is not found."""
    entry = db.session.get(TrackModule, track_module_id)
    if entry is None or entry.track.user_id != user.id:
        raise TrackError(_l("No such module in your tracks."), status=404)
    return entry


def _require_open(entry: TrackModule) -> None:
    """Refuse changes to a module that is done or declined, or to a closed track."""
    if entry.track.status == TrackStatus.COMPLETED:
        raise TrackError(_l("The track is completed and cannot change."))
    if entry.status == ModuleStatus.DONE:
        raise TrackError(_l("The module is already marked as done."))
    if entry.status == ModuleStatus.DECLINED:
        raise TrackError(_l("The module was declined."))


def move(entry: TrackModule, direction: str) -> None:
    """Move a module one place up or down in its track."""
    modules = entry.track.modules
    index = modules.index(entry)
    target = index + (-1 if direction == "up" else 1)
    if not 0 <= target < len(modules):
        raise TrackError(_l("The module cannot move further."), status=400)
    other = modules[target]
    entry.position, other.position = other.position, entry.position
    db.session.flush()
    db.session.expire(entry.track, ["modules"])
    schedule(entry.track, entry.track.created_at.date())
    db.session.commit()


def postpone(entry: TrackModule, until: date, reason: str) -> None:
    """Postpone a module to a later date, with a reason."""
    _require_open(entry)
    if until <= date.today():
        raise TrackError(_l("Choose a date in the future."), status=400)
    entry.status = ModuleStatus.POSTPONED
    entry.due_date = until
    entry.status_reason = reason.strip()
    schedule(entry.track, entry.track.created_at.date())
    db.session.commit()


def decline(entry: TrackModule, reason: str) -> TrackModule | None:
    """Decline a module with a reason; a mandatory one is replaced by the next match if any."""
    _require_open(entry)
    entry.status = ModuleStatus.DECLINED
    entry.status_reason = reason.strip()
    replacement = None
    if entry.mandatory:
        replacement = _replacement(entry)
        if replacement is not None:
            entry.replaced_by_id = replacement.id
    schedule(entry.track, entry.track.created_at.date())
    _check_completion(entry.track)
    db.session.commit()
    return replacement


def _replacement(entry: TrackModule) -> TrackModule | None:
    """Add the best module not yet in the track for the declined module's deficits."""
    track = entry.track
    used = {m.module.key for m in track.modules}
    modules, rows = matching_modules()
    user = track.user
    taker = Taker(user.position, frozenset(user.subjects), track.preferred_format)
    deficits = [
        Deficit(d["framework"], d["competence"], d["level"], d["depth"], d["soft_skill"])
        for d in entry.deficits
    ]
    available = [m for m in modules if m.id not in used]
    match = match_modules(deficits, available, taker, optional_per_deficit=0)
    mandatory = [p for p in match.proposals if p.mandatory]
    if not mandatory:
        return None
    for later in track.modules:
        if later.position > entry.position:
            later.position += 1
    replacement = _track_module(rows[mandatory[0].module], entry.position + 1, True, entry.deficits)
    track.modules.append(replacement)
    db.session.flush()
    return replacement


def mark_done(entry: TrackModule, note: str, link: str, file: CheckedFile | None) -> None:
    """Mark a module done with evidence (a note, a link or a file)."""
    _require_open(entry)
    if not (note.strip() or link.strip() or file):
        raise TrackError(_l("Add evidence: a note, a link or a file."), status=400)
    entry.status = ModuleStatus.DONE
    entry.done_at = utcnow()
    entry.evidence_note = note.strip() or None
    entry.evidence_link = link.strip() or None
    if file is not None:
        entry.evidence_file = EvidenceFile(
            filename=file.filename,
            content_type=file.content_type,
            size=len(file.data),
            data=file.data,
        )
    schedule(entry.track, entry.track.created_at.date())
    _check_completion(entry.track)
    db.session.commit()


def progress(track: DevelopmentTrack) -> tuple[int, int]:
    """Return (done, total) over the modules that count: not declined."""
    counted = [m for m in track.modules if m.status != ModuleStatus.DECLINED]
    return sum(m.status == ModuleStatus.DONE for m in counted), len(counted)


def _check_completion(track: DevelopmentTrack) -> None:
    """When every mandatory module is done, invite the teacher to retake the diagnostic."""
    mandatory = [m for m in track.modules if m.mandatory and m.status != ModuleStatus.DECLINED]
    if track.status != TrackStatus.ACTIVE or any(m.status != ModuleStatus.DONE for m in mandatory):
        return
    track.status = TrackStatus.AWAITING_RETAKE
    track.invited_at = utcnow()
    user = track.user
    version = track.document.latest_published
    ready = compiled_version(version.id)
    attempts = db.session.scalars(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.document_id == track.document_id)
    ).all()
    status = retake_status(user, ready.instrument, list(attempts))
    available = None if status.allowed else format_date(status.available_from, "long")
    queue_email(
        "retake_invitation",
        user.email,
        _l("Your development track is done: time to retake the diagnostic"),
        "retake_invitation",
        locale=user.locale,
        user=user,
        title=ready.instrument.title,
        available=available,
        offered=offered_to(ready.instrument, user),
        link=external_url("diagnostics.index"),
    )


@attempt_submitted.connect
def _close_cycle(attempt: Attempt) -> None:
    """A retake after the track was done closes it and records the growth (same transaction)."""
    track = db.session.scalar(
        select(DevelopmentTrack).where(
            DevelopmentTrack.user_id == attempt.user_id,
            DevelopmentTrack.document_id == attempt.document_id,
            DevelopmentTrack.status == TrackStatus.AWAITING_RETAKE,
        )
    )
    if track is None or track.source_attempt_id == attempt.id:
        return
    before = {row.competence: row for row in track.source_attempt.competence_scores}
    track.growth = {
        row.competence: {
            "before": round(before[row.competence].score, 2) if row.competence in before else None,
            "after": round(row.score, 2),
            "deficit_before": before[row.competence].deficit if row.competence in before else None,
            "deficit_after": row.deficit,
        }
        for row in attempt.competence_scores
    }
    track.retake_attempt_id = attempt.id
    track.status = TrackStatus.COMPLETED
    track.completed_at = utcnow()


def tracks_of(user) -> list[DevelopmentTrack]:
    """Return the user's tracks, newest first."""
    return list(
        db.session.scalars(
            select(DevelopmentTrack)
            .where(DevelopmentTrack.user_id == user.id)
            .order_by(DevelopmentTrack.created_at.desc())
        )
    )
