"""The life of a development track (ИОМ): built from recommendations, studied, closed."""

from datetime import date, timedelta
from typing import NamedTuple

from flask_babel import format_date, to_user_timezone
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from competence import audit
from competence.analytics.campaigns import school_year
from competence.database import utcnow
from competence.diagnostics.models import Attempt
from competence.diagnostics.profiles import Growth, growth, shown_depths
from competence.diagnostics.services import attempt_submitted, offered_to, retake_status
from competence.extensions import db
from competence.instruments.library import compiled_version
from competence.outbox.services import external_url, queue_email
from competence.tracks.evidence import CheckedFile
from competence.tracks.goals import goals_of, matching_goals
from competence.tracks.models import (
    MODULE_FORMATS,
    CatalogModule,
    Confirmation,
    DeclineRequest,
    DevelopmentTrack,
    EvidenceFile,
    ModuleStatus,
    PlanSource,
    RequestStatus,
    ReviewStatus,
    TrackModule,
    TrackStatus,
)
from competence.tracks.recommendations import (
    deficits_of,
    merged_recommendations,
    recommend,
    record_gaps,
)

# How far ahead a module may be postponed.
POSTPONE_LIMIT = timedelta(days=2 * 365)
DIRECTIONS = ("up", "down")


def local_today() -> date:
    """Return today's date in the portal's time zone (PORTAL_TIMEZONE), not the server's."""
    return to_user_timezone(utcnow()).date()


def local_date(moment) -> date:
    """Return the portal-local calendar date of a UTC timestamp."""
    return to_user_timezone(moment).date()


class TrackError(Exception):
    """A change to a track that cannot be made; `status` is the HTTP status to answer with."""

    def __init__(self, message, status: int = 409):
        super().__init__(str(message))
        self.message = message
        self.status = status


def track_for(attempt: Attempt) -> DevelopmentTrack | None:
    """Return the plan this result was merged into, if any."""
    return db.session.scalar(
        select(DevelopmentTrack)
        .join(PlanSource, PlanSource.track_id == DevelopmentTrack.id)
        .where(PlanSource.attempt_id == attempt.id)
    )


def open_plan(user_id: int, year: int) -> DevelopmentTrack | None:
    """Return the user's plan of this school year that is not completed, if any."""
    return db.session.scalar(
        select(DevelopmentTrack).where(
            DevelopmentTrack.user_id == user_id,
            DevelopmentTrack.school_year == year,
            DevelopmentTrack.status != TrackStatus.COMPLETED,
        )
    )


def build_track(attempt: Attempt, preferred_format: str | None = None) -> DevelopmentTrack:
    """Put a result into the teacher's plan of this school year (ИОМ на учебный год).

    The first result of a school year makes the plan from its recommendations; a later one is
    merged into the open plan (`merge_into`). A result already in a plan returns that plan.
    """
    existing = track_for(attempt)
    if existing is not None:
        return existing
    if not attempt.is_submitted:
        raise TrackError(_l("The diagnostic is not finished yet."))
    if preferred_format not in (None, *MODULE_FORMATS):
        raise TrackError(_l("Unknown format."), status=400)
    year = school_year(local_today())
    # The teacher's questionnaire of the year: its format when none is chosen, its kinds for ties.
    stated = goals_of(attempt.user_id, year)
    if preferred_format is None and stated is not None:
        preferred_format = stated.preferred_format
    plan = open_plan(attempt.user_id, year)
    if plan is not None:
        merge_into(plan, attempt, preferred_format)
        db.session.commit()
        return plan
    recommendations = recommend(attempt, preferred_format)
    record_gaps(attempt, recommendations.gaps)
    _require_proposals(recommendations)
    track = new_plan(
        attempt, school_year=year, preferred_format=preferred_format, gaps=recommendations.gaps
    )
    start = local_today()
    for position, item in enumerate(recommendations.ordered):
        track.modules.append(track_module(item.module, position, item.mandatory, item.deficits))
    schedule(track, start)
    db.session.add(track)
    try:
        db.session.commit()
    except IntegrityError:
        # Another request made this year's plan (or put this result in it) meanwhile.
        db.session.rollback()
        existing = track_for(attempt)
        if existing is not None:
            return existing
        plan = open_plan(attempt.user_id, year)
        if plan is None:
            raise
        merge_into(plan, attempt, preferred_format)
        db.session.commit()
        return plan
    return track


def new_plan(attempt: Attempt, **fields) -> DevelopmentTrack:
    """Return a new plan (not added) with this result as its first source.

    The school year is the current one unless `fields` give it.
    """
    fields.setdefault("school_year", school_year(local_today()))
    track = DevelopmentTrack(
        user_id=attempt.user_id,
        source_attempt_id=attempt.id,
        document_id=attempt.document_id,
        **fields,
    )
    track.sources.append(PlanSource(attempt_id=attempt.id, document_id=attempt.document_id))
    return track


def _require_proposals(recommendations) -> None:
    """Refuse a plan (or a merge) that would get no module; gaps are committed as logged."""
    if recommendations.ordered:
        return
    if recommendations.gaps:
        db.session.commit()
        raise TrackError(
            _l("The catalogue has no modules for your deficits yet; the methodists have been told.")
        )
    raise TrackError(_l("There are no deficits to build a track for."))


def _addresses(module: CatalogModule, deficit: dict) -> bool:
    """Tell whether a catalogue module develops a deficit's competence at its level."""
    return any(
        item["framework"] == deficit["framework"]
        and item["competence"] == deficit["competence"]
        and deficit["level"] in item["levels"]
        for item in module.develops
    )


def merge_into(plan: DevelopmentTrack, attempt: Attempt, preferred_format: str | None) -> None:
    """Merge another result into an open plan; the caller commits.

    The deficits of every source go through `merge_plan` together; a proposal joins the plan
    when its module is not in the plan yet (never a module twice) and it works on a deficit of
    the new result that no module of the plan (not declined) addresses already, so the plan
    does not grow modules for deficits it covers; a module of the plan that addresses a new
    deficit lists it (and is mandatory from now on if the merge chose it as mandatory). A plan
    sent to the tutor or approved goes back to a draft: a changed plan needs the tutor again
    (`plan.review_reset` tells the page).
    """
    own = deficits_of(attempt)
    if not own:
        raise TrackError(_l("There are no deficits to build a track for."))
    attempts = [source.attempt for source in plan.sources] + [attempt]
    recommendations = merged_recommendations(
        attempts,
        preferred_format or plan.preferred_format,
        matching_goals(goals_of(plan.user_id, plan.school_year)),
    )
    new_gaps = [gap for gap in recommendations.gaps if gap in own]
    record_gaps(attempt, new_gaps)
    kept = [entry for entry in plan.modules if entry.status != ModuleStatus.DECLINED]
    chosen = {item.module.key: item for item in recommendations.ordered}
    uncovered = []
    for deficit in own:
        covering = [entry for entry in kept if _addresses(entry.module, deficit)]
        if not covering:
            uncovered.append(deficit)
            continue
        # A module of the plan works on the new deficit too: it says so, and when merging
        # chose it as mandatory it becomes mandatory.
        entry = next((e for e in covering if e.module.key in chosen), covering[0])
        if deficit not in entry.deficits:
            entry.deficits = [*entry.deficits, deficit]
        item = chosen.get(entry.module.key)
        if item is not None and item.mandatory and entry.is_open:
            entry.mandatory = True
    in_plan = {entry.module_id for entry in plan.modules}
    position = max((entry.position for entry in plan.modules), default=-1) + 1
    added = []
    for item in recommendations.ordered:
        if item.module.id in in_plan or not any(d in uncovered for d in item.deficits):
            continue
        entry = track_module(item.module, position, item.mandatory, item.deficits)
        plan.modules.append(entry)
        added.append(entry)
        in_plan.add(item.module.id)
        position += 1
    if len(new_gaps) == len(own):
        db.session.commit()
        raise TrackError(
            _l("The catalogue has no modules for your deficits yet; the methodists have been told.")
        )
    plan.gaps = list(plan.gaps or []) + [gap for gap in new_gaps if gap not in (plan.gaps or [])]
    plan.sources.append(PlanSource(attempt_id=attempt.id, document_id=attempt.document_id))
    if added and plan.status == TrackStatus.AWAITING_RETAKE:
        plan.status = TrackStatus.ACTIVE
        plan.invited_at = None
    plan.review_reset = plan.review_status in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED)
    if plan.review_reset:
        plan.review_status = ReviewStatus.DRAFT
        plan.submitted_at = None
        plan.approved_at = None
        plan.approved_by_id = None
    schedule(plan)
    db.session.flush()
    audit.record(
        "track_source_added",
        attempt.user,
        "development_track",
        plan.id,
        attempt=attempt.id,
        modules=len(added),
        review_reset=plan.review_reset,
    )


def track_module(module: CatalogModule, position, mandatory, deficits) -> TrackModule:
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
        due_date=local_today(),
    )


def schedule(track: DevelopmentTrack, start: date | None = None) -> None:
    """Set due dates: mandatory modules one after another, optional ones alongside.

    The plan counts from the day the track was built. A postponed module keeps the date it was
    postponed to; modules after it follow it. A module whose turn came while the teacher was
    late gets its full duration from today, so no open module is ever due in the past.
    """
    today = local_today()
    if start is None:
        start = local_date(track.created_at) if track.created_at else today
    cursor = start
    for entry in track.modules:
        if entry.status in (ModuleStatus.DONE, ModuleStatus.DECLINED):
            continue
        weeks = timedelta(weeks=entry.module.duration_weeks)
        if entry.status == ModuleStatus.POSTPONED:
            cursor = max(cursor, entry.due_date)
            continue
        if entry.mandatory:
            cursor = max(cursor, today) + weeks
            entry.due_date = cursor
        else:
            due = max(start + weeks, cursor)
            entry.due_date = due if due >= today else today + weeks


def own_module(user, track_module_id: int) -> TrackModule:
    """Return a module of one of the user's tracks; anybody else's is not found."""
    entry = db.session.get(TrackModule, track_module_id)
    if entry is None or entry.track.user_id != user.id:
        raise TrackError(_l("No such module in your tracks."), status=404)
    return entry


def require_open(entry: TrackModule) -> None:
    """Refuse changes to a module that is done or declined, or to a closed track."""
    if entry.track.status == TrackStatus.COMPLETED:
        raise TrackError(_l("The track is completed and cannot change."))
    if entry.status == ModuleStatus.DONE:
        raise TrackError(_l("The module is already marked as done."))
    if entry.status == ModuleStatus.DECLINED:
        raise TrackError(_l("The module was declined."))


def move(entry: TrackModule, direction: str) -> None:
    """Move a module one place up or down in its track."""
    if direction not in DIRECTIONS:
        raise TrackError(_l("Unknown direction: a module moves up or down."), status=400)
    if entry.track.status == TrackStatus.COMPLETED:
        raise TrackError(_l("The track is completed and cannot change."))
    modules = entry.track.modules
    index = modules.index(entry)
    target = index + (-1 if direction == "up" else 1)
    if not 0 <= target < len(modules):
        raise TrackError(_l("The module cannot move further."), status=400)
    other = modules[target]
    entry.position, other.position = other.position, entry.position
    db.session.flush()
    db.session.expire(entry.track, ["modules"])
    schedule(entry.track)
    db.session.commit()


def postpone(entry: TrackModule, until: date, reason: str) -> None:
    """Postpone a module to a later date, with a reason."""
    require_open(entry)
    today = local_today()
    if until <= today:
        raise TrackError(_l("Choose a date in the future."), status=400)
    if until > today + POSTPONE_LIMIT:
        raise TrackError(
            _l(
                "A module can be postponed by two years at most (until %(date)s).",
                date=format_date(today + POSTPONE_LIMIT, "long"),
            ),
            status=422,
        )
    entry.status = ModuleStatus.POSTPONED
    entry.due_date = until
    entry.status_reason = reason.strip()
    schedule(entry.track)
    db.session.commit()


def mark_done(entry: TrackModule, note: str, link: str, file: CheckedFile | None) -> None:
    """Mark a module done with evidence (a note, a link or a file)."""
    require_open(entry)
    if not (note.strip() or link.strip() or file):
        raise TrackError(_l("Add evidence: a note, a link or a file."), status=400)
    withdraw_decline(entry)
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
    schedule(entry.track)
    check_completion(entry.track)
    db.session.commit()


def confirm_module(
    entry: TrackModule,
    via: Confirmation,
    actor,
    qualification_document: str | None = None,
) -> None:
    """Record that a module was really done: its hours count from now on.

    A tutor confirms evidence the teacher gave (the module is done already); an institute record
    (a course group's result, an imported удостоверение) also marks an open module done. The
    caller checks that `actor` may confirm and commits.
    """
    if entry.status == ModuleStatus.DECLINED:
        raise TrackError(_l("A declined module cannot be confirmed."), status=409)
    if via == Confirmation.TUTOR and entry.status != ModuleStatus.DONE:
        raise TrackError(_l("The teacher has not reported this module done yet."), status=409)
    if entry.status != ModuleStatus.DONE:
        withdraw_decline(entry)
        entry.status = ModuleStatus.DONE
        entry.done_at = utcnow()
    entry.confirmed_at = utcnow()
    entry.confirmed_by_id = actor.id if actor is not None else None
    entry.confirmed_via = via
    if qualification_document:
        entry.qualification_document = qualification_document.strip()
    schedule(entry.track)
    check_completion(entry.track)


def unconfirm_module(entry: TrackModule) -> None:
    """Take a confirmation back (evidence returned to the teacher); the caller commits."""
    entry.confirmed_at = None
    entry.confirmed_by_id = None
    entry.confirmed_via = None
    entry.qualification_document = None


def pending_decline(entry: TrackModule) -> DeclineRequest | None:
    """Return the request to decline this module that waits for a decision, if any."""
    return db.session.scalar(
        select(DeclineRequest).where(
            DeclineRequest.track_module_id == entry.id,
            DeclineRequest.status == RequestStatus.PENDING,
        )
    )


def withdraw_decline(entry: TrackModule) -> None:
    """Withdraw a waiting request to decline a module the teacher has done after all."""
    waiting = pending_decline(entry)
    if waiting is not None:
        waiting.status = RequestStatus.WITHDRAWN
        waiting.decided_at = utcnow()


class Progress(NamedTuple):
    """How far a track is: modules done of those that count, and whether the study is over."""

    done: int
    total: int
    finished: bool


def progress(track: DevelopmentTrack) -> Progress:
    """Return the progress of a track: the one source of its count and of its completion.

    The modules that count are those not declined (a decline waiting for the director's
    approval is not one yet). The study is over when every counted module is done and at
    least one mandatory module is: declining everything is not finishing the track.
    """
    counted = [m for m in track.modules if m.status != ModuleStatus.DECLINED]
    done = sum(m.status == ModuleStatus.DONE for m in counted)
    mandatory_done = sum(m.mandatory and m.status == ModuleStatus.DONE for m in counted)
    return progress_of_counts(len(counted), done, mandatory_done)


def confirmed_modules(track: DevelopmentTrack) -> list[TrackModule]:
    """Return the modules of a track that are done and confirmed, in the track's order."""
    return [m for m in track.modules if m.is_confirmed]


def confirmed_hours(track: DevelopmentTrack) -> int:
    """Return the academic hours of a track: those of its confirmed modules only.

    The one source of the figure: the certificate stores it at issue, and every page that shows
    a track's hours reads it from here. A module the teacher reported done without a tutor's
    or an institute record's confirmation counts no hours.
    """
    return sum(m.hours for m in confirmed_modules(track))


def progress_of_counts(counted: int, done: int, mandatory_done: int) -> Progress:
    """Return the progress from the counts `progress` takes (pages that count in SQL use it)."""
    return Progress(done, counted, counted > 0 and done == counted and mandatory_done > 0)


def is_finished(track: DevelopmentTrack) -> bool:
    """Tell whether the study part of a track is over (see `progress`)."""
    return progress(track).finished


def check_completion(track: DevelopmentTrack) -> None:
    """When every module that counts is done, invite the teacher to retake each diagnostic."""
    if track.status != TrackStatus.ACTIVE or not is_finished(track):
        return
    track.status = TrackStatus.AWAITING_RETAKE
    track.invited_at = utcnow()
    for document in pending_documents(track):
        _invite(track.user, document)


def pending_documents(track: DevelopmentTrack) -> list:
    """Return the instruments of the plan's sources not retaken yet, in the order merged."""
    found = []
    for source in track.sources:
        if source.retake_attempt_id is None and source.document not in found:
            found.append(source.document)
    return found


def _invite(user, document) -> None:
    """Invite the teacher by e-mail to retake one instrument."""
    ready = compiled_version(document.latest_published.id)
    attempts = db.session.scalars(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.document_id == document.id)
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


def source_growth(source: PlanSource, retake: Attempt) -> dict:
    """Return the growth of one source from its result to the retake (as track.growth)."""
    before = {row.competence: row for row in source.attempt.competence_scores}
    return {
        row.competence: {
            "before": round(before[row.competence].score, 2) if row.competence in before else None,
            "after": round(row.score, 2),
            "deficit_before": before[row.competence].deficit if row.competence in before else None,
            "deficit_after": row.deficit,
        }
        for row in retake.competence_scores
    }


def merged_growth(track: DevelopmentTrack) -> dict:
    """Return the plan's growth: that of its source for one instrument, all of them for several.

    Sources of one instrument count from the oldest. Competences are keyed as for one source
    unless two instruments share a competence id: then every key is "<instrument>:<competence>".
    """
    by_document: dict = {}
    for source in track.sources:
        by_document.setdefault(source.document, source.growth or {})
    if len(by_document) == 1:
        return next(iter(by_document.values()))
    seen = [competence for growth in by_document.values() for competence in growth]
    if len(seen) == len(set(seen)):
        return {key: row for growth in by_document.values() for key, row in growth.items()}
    return {
        f"{document.key}:{key}": row
        for document, growth in by_document.items()
        for key, row in growth.items()
    }


@attempt_submitted.connect
def _close_cycle(attempt: Attempt) -> None:
    """A retake after the study is over records a source's growth; the last one closes the plan.

    Runs in the submission's transaction.
    """
    # A subquery, not DISTINCT: PostgreSQL cannot compare the JSON columns of a track.
    waiting = select(PlanSource.track_id).where(
        PlanSource.document_id == attempt.document_id, PlanSource.retake_attempt_id.is_(None)
    )
    plans = db.session.scalars(
        select(DevelopmentTrack).where(
            DevelopmentTrack.user_id == attempt.user_id,
            DevelopmentTrack.status == TrackStatus.AWAITING_RETAKE,
            DevelopmentTrack.id.in_(waiting),
        )
    ).all()
    for track in plans:
        for source in track.sources:
            if (
                source.document_id == attempt.document_id
                and source.retake_attempt_id is None
                and source.attempt_id != attempt.id
            ):
                source.retake_attempt_id = attempt.id
                source.growth = source_growth(source, attempt)
        if any(source.retake_attempt_id is None for source in track.sources):
            continue
        track.growth = merged_growth(track)
        track.retake_attempt_id = attempt.id
        track.status = TrackStatus.COMPLETED
        track.completed_at = utcnow()


def retake_of(track: DevelopmentTrack):
    """Return (instrument key, retake status) of the next instrument a plan waits for, or None."""
    if track.status != TrackStatus.AWAITING_RETAKE:
        return None
    pending = pending_documents(track)
    if not pending:
        return None
    document = pending[0]
    ready = compiled_version(document.latest_published.id)
    attempts = db.session.scalars(
        select(Attempt).where(Attempt.user_id == track.user_id, Attempt.document_id == document.id)
    ).all()
    return document.key, retake_status(track.user, ready.instrument, list(attempts))


def tracks_of(user) -> list[DevelopmentTrack]:
    """Return the user's tracks, newest first."""
    return list(
        db.session.scalars(
            select(DevelopmentTrack)
            .where(DevelopmentTrack.user_id == user.id)
            .order_by(DevelopmentTrack.created_at.desc())
        )
    )


def source_pairs(track: DevelopmentTrack) -> list[tuple[Attempt, Attempt]]:
    """Return (result, retake) of each retaken instrument of a plan, in the order merged.

    Of several results of one instrument the oldest counts (the growth over the year).
    """
    seen, pairs = set(), []
    for source in track.sources:
        if source.document_id in seen or source.retake_attempt is None:
            continue
        seen.add(source.document_id)
        pairs.append((source.attempt, source.retake_attempt))
    if not pairs and track.retake_attempt is not None:
        pairs.append((track.source_attempt, track.retake_attempt))
    return pairs


def plan_growth(track: DevelopmentTrack) -> Growth | None:
    """Return the growth of a completed plan: one instrument's, or every instrument's rows."""
    if not (track.growth and track.retake_attempt):
        return None
    pairs = source_pairs(track)
    if len(pairs) <= 1:
        return growth(track.retake_attempt, [track.source_attempt])
    parts = [growth(retake, [source]) for source, retake in pairs]
    return Growth(parts[0].first, parts[0].previous, tuple(r for p in parts for r in p.rows))


def plan_depths(track: DevelopmentTrack) -> dict[str, int]:
    """Return the shown depths of the deficits of every source of a plan, by competence."""
    depths: dict[str, int] = {}
    for source in reversed(track.sources):
        depths.update(shown_depths(source.attempt))
    return depths or shown_depths(track.source_attempt)
