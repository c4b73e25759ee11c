"""The tutor's review: the plan (send, change, approve) and the evidence of modules done.

Only a tutor assigned to the teacher (`access.tutors_teacher`) reviews; anybody else is
refused with 403 and nothing changes. Every change of the plan by the tutor is written to the
audit log against the track, and the teacher's track page reads it from there ("who changed
what"); a change after approval keeps the plan approved and is marked as such in the log.

A returned piece of evidence puts the module back to planned. What the evidence was (note, link,
file name) is kept in the review with the tutor's comment, for the history the teacher sees; the
module's own evidence, the file included, is cleared so the teacher gives new evidence.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from competence import audit
from competence.accounts.access import tutors_teacher
from competence.audit import AuditEvent
from competence.database import lock_row, utcnow
from competence.extensions import db
from competence.outbox.services import external_url, queue_email
from competence.tracks.models import (
    CatalogModule,
    Confirmation,
    DevelopmentTrack,
    ModuleStatus,
    ReviewStatus,
    TrackModule,
    TrackStatus,
)
from competence.tracks.services import (
    TrackError,
    check_completion,
    confirm_module,
    is_finished,
    schedule,
    track_module,
    unconfirm_module,
)
from competence.tutoring.models import EvidenceReview, ReviewOutcome
from competence.tutoring.services import tutors_of

# The audit codes of the tutor's changes to a plan, shown to the teacher on the track page.
CHANGE_ACTIONS = ("track_module_added", "track_module_removed", "track_module_mandatory_changed")


NOT_TUTOR = _l(
    "Only the teacher's tutor may do this: you are not assigned to this teacher. "
    "Nothing was changed."
)


def require_tutor(tutor, track: DevelopmentTrack) -> None:
    """Refuse (403) anybody who is not a tutor assigned to the track's teacher."""
    if not tutors_teacher(tutor, track.user):
        raise TrackError(NOT_TUTOR, status=403)


def _require_open_track(track: DevelopmentTrack) -> None:
    """Refuse changes to a closed track."""
    if track.status == TrackStatus.COMPLETED:
        raise TrackError(_l("The track is completed and cannot change."))


def _reopen(track: DevelopmentTrack) -> None:
    """Take back the invitation to retake when the track has open modules again."""
    if track.status == TrackStatus.AWAITING_RETAKE and not is_finished(track):
        track.status = TrackStatus.ACTIVE
        track.invited_at = None


def submit_plan(track: DevelopmentTrack) -> list:
    """Send the teacher's plan to their tutors for review; return the tutors told; commit."""
    _require_open_track(track)
    lock_row(db.session, track)
    if track.review_status == ReviewStatus.SUBMITTED:
        raise TrackError(_l("The plan is already waiting for the tutor's review."))
    if track.review_status == ReviewStatus.APPROVED:
        raise TrackError(_l("The plan is already approved by the tutor."))
    teacher = track.user
    found = tutors_of(teacher)
    if not found:
        raise TrackError(
            _l(
                "No tutor is assigned to you yet: a methodist of the institute assigns one. "
                "The plan stays a draft."
            )
        )
    track.review_status = ReviewStatus.SUBMITTED
    track.submitted_at = utcnow()
    for tutor in found:
        queue_email(
            "track_submitted",
            tutor.email,
            _l("A development plan is ready for your review"),
            "track_submitted",
            locale=tutor.locale,
            tutor=tutor,
            teacher=teacher,
            title=track.sources_title,
            link=external_url("tutoring.teacher", user_id=teacher.id),
        )
    audit.record("track_submitted", teacher, "development_track", track.id)
    db.session.commit()
    return found


def approve_plan(track: DevelopmentTrack, tutor) -> None:
    """Approve a plan sent for review and tell the teacher; commit."""
    require_tutor(tutor, track)
    _require_open_track(track)
    lock_row(db.session, track)
    if track.review_status == ReviewStatus.DRAFT:
        raise TrackError(_l("The teacher has not sent the plan for review yet."))
    if track.review_status == ReviewStatus.APPROVED:
        raise TrackError(_l("The plan is already approved."))
    track.review_status = ReviewStatus.APPROVED
    track.approved_at = utcnow()
    track.approved_by_id = tutor.id
    teacher = track.user
    queue_email(
        "track_approved",
        teacher.email,
        _l("Your development plan is approved"),
        "track_approved",
        locale=teacher.locale,
        user=teacher,
        tutor=tutor,
        title=track.sources_title,
        link=external_url("tracks.track", track_id=track.id),
    )
    audit.record("track_approved", tutor, "development_track", track.id, holder=teacher.id)
    db.session.commit()


def _deficits_for(track: DevelopmentTrack, module: CatalogModule) -> list[dict]:
    """Return the track's deficits a catalogue module develops (each once)."""
    found: dict[str, dict] = {}
    for entry in track.modules:
        for deficit in entry.deficits:
            develops = any(
                e["framework"] == deficit.get("framework")
                and e["competence"] == deficit.get("competence")
                and deficit.get("level") in e["levels"]
                for e in module.develops
            )
            if develops:
                found.setdefault(deficit["competence"], deficit)
    return list(found.values())


def _change_details(track: DevelopmentTrack) -> dict:
    """Return the details every logged change of a plan carries: whose, and whether approved."""
    return {
        "holder": track.user_id,
        "after_approval": track.review_status == ReviewStatus.APPROVED,
    }


def add_module(track: DevelopmentTrack, tutor, module: CatalogModule, mandatory: bool):
    """Add a catalogue module to the plan, mandatory or optional; commit."""
    require_tutor(tutor, track)
    _require_open_track(track)
    if module.retired:
        raise TrackError(_l("This module is retired from the catalogue."))
    if any(entry.module_id == module.id for entry in track.modules):
        raise TrackError(_l("The module is already in the plan."))
    position = max((entry.position for entry in track.modules), default=-1) + 1
    entry = track_module(module, position, mandatory, _deficits_for(track, module))
    track.modules.append(entry)
    db.session.flush()
    schedule(track)
    _reopen(track)
    audit.record(
        "track_module_added",
        tutor,
        "development_track",
        track.id,
        title=module.title,
        mandatory=bool(mandatory),
        **_change_details(track),
    )
    db.session.commit()
    return entry


def remove_module(entry: TrackModule, tutor) -> None:
    """Remove a module the teacher has not done from the plan; commit."""
    track = entry.track
    require_tutor(tutor, track)
    _require_open_track(track)
    if entry.status == ModuleStatus.DONE:
        raise TrackError(_l("A module done cannot be removed from the plan."))
    if entry.status == ModuleStatus.DECLINED:
        raise TrackError(_l("A declined module stays in the plan as a record."))
    if len(track.modules) == 1:
        raise TrackError(_l("A plan keeps at least one module."))
    for other in track.modules:
        if other.replaced_by_id == entry.id:
            other.replaced_by_id = None
    audit.record(
        "track_module_removed",
        tutor,
        "development_track",
        track.id,
        title=entry.title,
        **_change_details(track),
    )
    track.modules.remove(entry)
    db.session.flush()
    schedule(track)
    check_completion(track)
    db.session.commit()


def toggle_mandatory(entry: TrackModule, tutor) -> None:
    """Make a mandatory module optional or an optional one mandatory; commit."""
    track = entry.track
    require_tutor(tutor, track)
    _require_open_track(track)
    if entry.status == ModuleStatus.DECLINED:
        raise TrackError(_l("The module was declined."))
    entry.mandatory = not entry.mandatory
    schedule(track)
    _reopen(track)
    check_completion(track)
    audit.record(
        "track_module_mandatory_changed",
        tutor,
        "development_track",
        track.id,
        title=entry.title,
        mandatory=entry.mandatory,
        **_change_details(track),
    )
    db.session.commit()


def confirm_evidence(entry: TrackModule, tutor) -> None:
    """Confirm the evidence of a module done: its hours count from now on; commit."""
    track = entry.track
    require_tutor(tutor, track)
    # Two tutors pressing at once: the second waits for the first and sees it confirmed.
    lock_row(db.session, entry)
    if entry.confirmed_at is not None:
        raise TrackError(_l("The module is already confirmed."))
    confirm_module(entry, Confirmation.TUTOR, tutor)
    db.session.add(
        EvidenceReview(track_module=entry, tutor_id=tutor.id, outcome=ReviewOutcome.CONFIRMED)
    )
    audit.record("evidence_confirmed", tutor, "track_module", entry.id, holder=track.user_id)
    db.session.commit()


def return_evidence(entry: TrackModule, tutor, comment: str) -> None:
    """Return the evidence of a module with a comment: the module is planned again; commit."""
    track = entry.track
    require_tutor(tutor, track)
    _require_open_track(track)
    comment = comment.strip()
    if not comment:
        raise TrackError(_l("Say why the evidence is returned: the teacher will read it."), 400)
    lock_row(db.session, entry)
    if entry.status != ModuleStatus.DONE:
        raise TrackError(_l("The teacher has not reported this module done yet."))
    if entry.confirmed_via == Confirmation.RECORD:
        raise TrackError(_l("The module is confirmed by an institute record and stays done."))
    stored = entry.evidence_file
    db.session.add(
        EvidenceReview(
            track_module=entry,
            tutor_id=tutor.id,
            outcome=ReviewOutcome.RETURNED,
            comment=comment,
            evidence_note=entry.evidence_note,
            evidence_link=entry.evidence_link,
            evidence_filename=stored.filename if stored else None,
        )
    )
    unconfirm_module(entry)
    entry.status = ModuleStatus.PLANNED
    entry.done_at = None
    entry.evidence_note = None
    entry.evidence_link = None
    entry.evidence_file = None
    db.session.flush()
    schedule(track)
    _reopen(track)
    teacher = track.user
    queue_email(
        "evidence_returned",
        teacher.email,
        _l("Your tutor returned the evidence of a module"),
        "evidence_returned",
        locale=teacher.locale,
        user=teacher,
        tutor=tutor,
        title=entry.title,
        comment=comment,
        link=external_url("tracks.track", track_id=track.id),
    )
    audit.record("evidence_returned", tutor, "track_module", entry.id, holder=teacher.id)
    db.session.commit()


def latest_reviews(track: DevelopmentTrack) -> dict[int, EvidenceReview]:
    """Return the newest evidence review of each module of a track, by module id."""
    ids = [entry.id for entry in track.modules]
    if not ids:
        return {}
    found = db.session.scalars(
        select(EvidenceReview)
        .where(EvidenceReview.track_module_id.in_(ids))
        .order_by(EvidenceReview.created_at, EvidenceReview.id)
    )
    return {review.track_module_id: review for review in found}


def plan_changes(track: DevelopmentTrack) -> list[AuditEvent]:
    """Return the tutor's changes of a plan, oldest first (from the audit log)."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == "development_track",
                AuditEvent.object_id == str(track.id),
                AuditEvent.action.in_(CHANGE_ACTIONS),
            )
            .order_by(AuditEvent.created_at, AuditEvent.id)
        )
    )


def waiting_confirmation(track: DevelopmentTrack) -> list[TrackModule]:
    """Return the modules of a track done and not confirmed yet."""
    return [
        entry
        for entry in track.modules
        if entry.status == ModuleStatus.DONE and entry.confirmed_at is None
    ]
