"""Batch issue of certificates as a background job with progress an admin can come back to."""

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload, selectinload

from competence import audit
from competence.accounts.models import User
from competence.certificates import services
from competence.certificates.models import (
    BatchStatus,
    Certificate,
    CertificateBatch,
    CertificateBatchError,
    CertificateKind,
)
from competence.database import utcnow
from competence.diagnostics.models import Attempt, AttemptStatus
from competence.extensions import db
from competence.jobs import enqueue
from competence.outbox.models import OutboxAttachment, OutboxMessage
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
        return [t.id for t in tracks if services.active_certificate(track=t) is None]
    query = select(Attempt).where(
        Attempt.user_id.in_(users), Attempt.status == AttemptStatus.SUBMITTED
    )
    if document_id:
        query = query.where(Attempt.document_id == document_id)
    newest: dict[tuple[int, int], Attempt] = {}
    for attempt in db.session.scalars(query.order_by(Attempt.submitted_at.desc())):
        newest.setdefault((attempt.user_id, attempt.document_id), attempt)
    return sorted(a.id for a in newest.values() if services.active_certificate(attempt=a) is None)


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


def _load_targets(batch: CertificateBatch, target_ids: list[int]) -> dict:
    """Load the tracks or attempts of a group with what their certificates print, at once."""
    if batch.kind == CertificateKind.TRACK:
        query = select(DevelopmentTrack).options(
            joinedload(DevelopmentTrack.user),
            joinedload(DevelopmentTrack.source_attempt),
            joinedload(DevelopmentTrack.retake_attempt),
            selectinload(DevelopmentTrack.modules),
        )
        model = DevelopmentTrack
    else:
        query = select(Attempt).options(
            joinedload(Attempt.user), selectinload(Attempt.competence_scores)
        )
        model = Attempt
    found = db.session.scalars(query.where(model.id.in_(target_ids))).unique()
    return {target.id: target for target in found}


def _plan(batch: CertificateBatch, target: DevelopmentTrack | Attempt | None) -> services.Plan:
    """Check one target of a batch and say what its certificate will be."""
    if target is None:
        raise services.CertificateError(_l("The track or diagnostic no longer exists."))
    if batch.kind == CertificateKind.TRACK:
        return services.plan_for_track(target, batch.forced_reason)
    return services.plan_for_attempt(target)


def _target(batch: CertificateBatch, target_id: int) -> DevelopmentTrack | Attempt | None:
    """Return the track or diagnostic attempt a target id of a batch names."""
    model = DevelopmentTrack if batch.kind == CertificateKind.TRACK else Attempt
    return db.session.get(model, target_id)


def _holder(batch: CertificateBatch, target_id: int) -> User | None:
    """Return the holder a target belongs to, for the error report."""
    target = _target(batch, target_id)
    return target.user if target is not None else None


def _forget_documents() -> None:
    """Drop certificates and letters (they carry PDFs) from the session: flat memory."""
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Certificate | OutboxMessage | OutboxAttachment):
            db.session.expunge(obj)


def _failure(exc: Exception) -> str:
    """Say in the administrator's words why a certificate failed, with the technical cause."""
    return str(_l("The certificate could not be made (%(cause)s).", cause=type(exc).__name__))[
        :2000
    ]


@dataclass
class Outcome:
    """What a group of a batch came to, written with the batch's counters."""

    issued: int = 0
    skipped: int = 0
    failures: list[tuple[int, Exception]] = field(default_factory=list)

    def fail(self, target_id: int, exc: Exception) -> None:
        """Count a certificate that could not be made, and log why."""
        current_app.logger.error("certificate batch: target %s failed", target_id, exc_info=exc)
        self.failures.append((target_id, exc))


def _report(batch_id: int, outcome: Outcome) -> None:
    """Add a group's outcome to the batch's counters and error list (left to commit)."""
    batch = CertificateBatch
    db.session.execute(
        update(batch)
        .where(batch.id == batch_id)
        .values(
            {
                batch.issued: batch.issued + outcome.issued,
                batch.skipped: batch.skipped + outcome.skipped,
                batch.failed: batch.failed + len(outcome.failures),
                batch.progressed_at: utcnow(),
            }
        )
    )
    if outcome.failures:
        current = db.session.get(CertificateBatch, batch_id)
        for target_id, exc in outcome.failures:
            holder = _holder(current, target_id)
            db.session.add(
                CertificateBatchError(
                    batch_id=batch_id,
                    target_id=target_id,
                    holder_name=holder.full_name if holder else "—",
                    error=_failure(exc),
                )
            )


def _prepare(batch_id: int, target_ids: list[int], actor, outcome: Outcome) -> list:
    """Plan, number and render the certificates of a group, writing nothing yet.

    The database sees a group only when it is ready: SQLite has one writer, and a shard that
    held the write lock while rendering would make the other shards wait.
    """
    batch = db.session.get(CertificateBatch, batch_id)
    loaded = _load_targets(batch, target_ids)
    plans = []
    for target_id in target_ids:
        try:
            plans.append((target_id, _plan(batch, loaded.get(target_id))))
        except services.CertificateError:
            outcome.skipped += 1
        except Exception as exc:  # noqa: BLE001 - one broken record must not stop the batch
            outcome.fail(target_id, exc)
    if not plans:
        return []
    year, first = services.take_numbers(len(plans))
    made = []
    for offset, (target_id, plan) in enumerate(plans):
        try:
            made.append((target_id, plan, services.make(plan, actor, year, first + offset)))
        except Exception as exc:  # noqa: BLE001 - one broken certificate must not stop the batch
            outcome.fail(target_id, exc)
    return made


def _issue_group(batch_id: int, target_ids: list[int], actor) -> None:
    """Issue the certificates of a group of targets and write them in one transaction.

    A database error (a number taken twice, a broken row) rolls the group back; its
    certificates are then written one by one, so that only the failing one is lost.
    """
    outcome = Outcome()
    made = _prepare(batch_id, target_ids, actor, outcome)
    try:
        for _target_id, plan, certificate in made:
            services.record(certificate, plan, actor)
        db.session.flush()
        outcome.issued = len(made)
        _report(batch_id, outcome)
        db.session.commit()
        return
    except Exception:  # noqa: BLE001 - find the certificate that failed
        db.session.rollback()
    outcome.issued = 0
    _report(batch_id, outcome)
    db.session.commit()
    for target_id, plan, certificate in made:
        alone = Outcome()
        try:
            services.record(certificate, plan, actor)
            db.session.flush()
            alone.issued = 1
        except Exception as exc:  # noqa: BLE001 - this one is counted as failed
            db.session.rollback()
            alone.fail(target_id, exc)
        _report(batch_id, alone)
        db.session.commit()


# Certificates written to the database in one transaction: a group shares the commit, the
# progress update and the taking of numbers. Small enough that the progress bar moves smoothly.
GROUP = 8


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
    for start in range(0, len(targets), GROUP):
        actor = db.session.get(User, actor_id) if actor_id else None
        _issue_group(batch_id, targets[start : start + GROUP], actor)
        _forget_documents()
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


# A shard reports progress after every certificate (well under a second each): a batch silent
# for this long has lost its worker (a restarted web process or a killed RQ worker).
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
    """Tell whether a target of a batch already has a valid certificate."""
    target = _target(batch, target_id)
    if target is None:
        return True
    if batch.kind == CertificateKind.TRACK:
        return services.active_certificate(track=target) is not None
    return services.active_certificate(attempt=target) is not None
