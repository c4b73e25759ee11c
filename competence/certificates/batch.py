"""Batch issue of certificates as a background job with progress an admin can come back to."""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from competence import audit
from competence.accounts.models import User
from competence.certificates import batch_groups as groups
from competence.certificates import services
from competence.certificates.models import BatchStatus, CertificateBatch, CertificateKind
from competence.database import utcnow
from competence.diagnostics.models import Attempt, AttemptStatus
from competence.extensions import db
from competence.jobs import enqueue
from competence.tracks.models import DevelopmentTrack, TrackStatus

JOB = "competence.certificates.batch:run_batch"


def _users(school_id: int | None, municipality_id: int | None):
    """Return a query of the ids of users in the chosen school or municipality (or all)."""
    query = select(User.id)
    if school_id:
        query = query.where(User.school_id == school_id)
    elif municipality_id:
        query = query.where(User.municipality_id == municipality_id)
    return query


def select_targets(
    kind: str, school_id=None, municipality_id=None, document_id=None, include_unfinished=False
) -> list[int]:
    """Return the tracks or diagnostic attempts a batch would certify, without a certificate."""
    users = _users(school_id, municipality_id)
    if kind == CertificateKind.TRACK:
        query = select(DevelopmentTrack).where(DevelopmentTrack.user_id.in_(users))
        if not include_unfinished:
            query = query.where(DevelopmentTrack.status == TrackStatus.COMPLETED)
        tracks = db.session.scalars(query.order_by(DevelopmentTrack.id)).all()
        return [t.id for t in tracks if _certifiable(t)]
    query = select(Attempt).where(
        Attempt.user_id.in_(users), Attempt.status == AttemptStatus.SUBMITTED
    )
    if document_id:
        query = query.where(Attempt.document_id == document_id)
    newest: dict[tuple[int, int], Attempt] = {}
    for attempt in db.session.scalars(query.order_by(Attempt.submitted_at.desc())):
        newest.setdefault((attempt.user_id, attempt.document_id), attempt)
    return sorted(a.id for a in newest.values() if services.active_certificate(attempt=a) is None)


def _certifiable(track: DevelopmentTrack) -> bool:
    """Tell whether a track has no valid certificate, or only one a new one would replace."""
    existing = services.active_certificate(track=track)
    return existing is None or services.replaceable(existing, track)


def _shard_count(targets: int) -> int:
    """Return how many parallel jobs a batch of `targets` certificates is split into."""
    # Rendering is CPU-bound: parallel shards only help with workers in other processes.
    if current_app.config["JOBS_BACKEND"] != "rq":
        return 1
    return max(1, min(targets, current_app.config["CERTIFICATE_BATCH_SHARDS"]))


def start_batch(actor, kind: str, selection: dict, forced_reason: str | None = None):
    """Create a batch for the selected holders and hand it to background jobs (one per shard)."""
    targets = select_targets(
        kind,
        selection.get("school_id"),
        selection.get("municipality_id"),
        selection.get("document_id"),
        include_unfinished=bool(forced_reason),
    )
    shards = _shard_count(len(targets))
    batch = CertificateBatch(
        created_by_id=actor.id,
        kind=kind,
        selection=selection,
        forced_reason=forced_reason or None,
        targets=targets,
        total=len(targets),
        shards=shards,
    )
    db.session.add(batch)
    audit.record(
        "certificate_batch_started",
        actor,
        "batch",
        None,
        kind=kind,
        total=len(targets),
        **selection,
    )
    db.session.commit()
    for shard in range(shards):
        enqueue(JOB, batch.id, shard, shards)
    return batch


def run_batch(batch_id: int, shard: int = 0, shards: int = 1) -> None:
    """Issue the certificates of one shard of a batch; a failure is recorded, the rest go on."""
    batch = db.session.get(CertificateBatch, batch_id)
    if batch is None or batch.status == BatchStatus.FINISHED:
        return
    if batch.status == BatchStatus.QUEUED:
        batch.status, batch.started_at = BatchStatus.RUNNING, utcnow()
    batch.progressed_at = utcnow()
    db.session.commit()
    actor_id, targets = batch.created_by_id, list(batch.targets)[shard::shards]
    size = groups.GROUP
    for start in range(0, len(targets), size):
        actor = db.session.get(User, actor_id) if actor_id else None
        groups.issue_group(batch_id, targets[start : start + size], actor)
        groups.forget_documents()
    done = db.session.execute(
        update(CertificateBatch)
        .where(CertificateBatch.id == batch_id)
        .values(shards_done=CertificateBatch.shards_done + 1)
        .returning(CertificateBatch.shards_done, CertificateBatch.shards)
    ).one()
    db.session.commit()
    if done.shards_done >= done.shards:
        _finish(batch_id)


def _finish(batch_id: int) -> None:
    """Mark a batch finished."""
    db.session.execute(
        update(CertificateBatch)
        .where(CertificateBatch.id == batch_id)
        .values(status=BatchStatus.FINISHED, finished_at=utcnow())
    )
    db.session.commit()


# A shard reports progress after every group (a second or so): a batch silent for this long
# has lost its worker (a restarted web process or a killed RQ worker).
STALL = timedelta(minutes=2)


def is_stalled(batch: CertificateBatch) -> bool:
    """Tell whether an unfinished batch has made no progress for a while."""
    if batch.status == BatchStatus.FINISHED:
        return False
    last = batch.progressed_at or batch.created_at
    return utcnow() - last > STALL


def resume_batch(batch: CertificateBatch, actor) -> int:
    """Start a stalled batch again on the targets it has not reached; return how many."""
    if not is_stalled(batch) or not _claim(batch):
        raise services.CertificateError(_l("The batch is not stalled: it is still working."))
    db.session.refresh(batch)
    failed = {error.target_id for error in batch.errors}
    remaining = [
        target_id
        for target_id in batch.targets
        if target_id not in failed and not _certified(batch, target_id)
    ]
    shards = _shard_count(len(remaining))
    batch.targets, batch.shards, batch.shards_done = remaining, shards, 0
    batch.status, batch.progressed_at = BatchStatus.RUNNING, utcnow()
    audit.record("certificate_batch_resumed", actor, "batch", batch.id, remaining=len(remaining))
    db.session.commit()
    if not remaining:
        _finish(batch.id)
        return 0
    for shard in range(shards):
        enqueue(JOB, batch.id, shard, shards)
    return len(remaining)


def _claim(batch: CertificateBatch) -> bool:
    """Take a stalled batch for resuming, unless another process (or click) already did.

    A compare-and-set on the last progress: of two resumes at once, one wins.
    """
    last = CertificateBatch.progressed_at
    seen = last.is_(None) if batch.progressed_at is None else last == batch.progressed_at
    claimed = db.session.execute(
        update(CertificateBatch)
        .where(CertificateBatch.id == batch.id, seen)
        .values(progressed_at=utcnow())
    ).rowcount
    db.session.commit()
    return claimed == 1


def resume_stalled_batches() -> int:
    """Resume every batch whose worker has gone; return how many (run at a worker's start)."""
    resumed = 0
    for batch in db.session.scalars(
        select(CertificateBatch).where(CertificateBatch.status != BatchStatus.FINISHED)
    ).all():
        if not is_stalled(batch):
            continue
        try:
            resume_batch(batch, None)
        except services.CertificateError:
            continue  # another process resumed it first
        resumed += 1
    return resumed


def _certified(batch: CertificateBatch, target_id: int) -> bool:
    """Tell whether a target of a batch needs nothing more (the same rule as the selection)."""
    target = groups.target_of(batch, target_id)
    if target is None:
        return True
    if batch.kind == CertificateKind.TRACK:
        return not _certifiable(target)
    return services.active_certificate(attempt=target) is not None
