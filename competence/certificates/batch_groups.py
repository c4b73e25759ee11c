"""Issuing a group of a batch's certificates: prepared without writing, then stored at once.

A shard of a batch (see `batch.run_batch`) works through its targets in groups. A group is
planned, numbered and rendered while the database sees nothing of it, then written in one short
transaction with the batch's progress: the commit, the progress update and the taking of numbers
are shared, and SQLite's single write lock is held only for the writing.
"""

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload, selectinload

from competence.certificates import services
from competence.certificates.models import (
    Certificate,
    CertificateBatch,
    CertificateBatchError,
    CertificateKind,
)
from competence.database import utcnow
from competence.diagnostics.models import Attempt
from competence.extensions import db
from competence.outbox.models import OutboxAttachment, OutboxMessage
from competence.tracks.models import DevelopmentTrack

# Certificates written to the database in one transaction. Small enough that the progress bar
# moves smoothly and a failed group costs little to write again one by one.
GROUP = 8


def _load_targets(batch: CertificateBatch, target_ids: list[int]) -> dict:
    """Load the tracks or attempts of a group with what their certificates print, at once."""
    if batch.kind == CertificateKind.TRACK:
        query = select(DevelopmentTrack).options(
            joinedload(DevelopmentTrack.user),
            joinedload(DevelopmentTrack.source_attempt).selectinload(Attempt.competence_scores),
            joinedload(DevelopmentTrack.retake_attempt).selectinload(Attempt.competence_scores),
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


def target_of(batch: CertificateBatch, target_id: int) -> DevelopmentTrack | Attempt | None:
    """Return the track or diagnostic attempt a target id of a batch names."""
    model = DevelopmentTrack if batch.kind == CertificateKind.TRACK else Attempt
    return db.session.get(model, target_id)


def forget_documents() -> None:
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
    # (target id, holder's name, why)
    failures: list[tuple[int, str, Exception]] = field(default_factory=list)

    def fail(self, target_id: int, holder: str, exc: Exception) -> None:
        """Count a certificate that could not be made, and log why."""
        current_app.logger.error("certificate batch: target %s failed", target_id, exc_info=exc)
        self.failures.append((target_id, holder, exc))


def _holder_name(target: DevelopmentTrack | Attempt | None) -> str:
    """Return the name of a target's holder for the error list, or a dash if it is unreadable."""
    try:
        return target.user.full_name
    except Exception:  # noqa: BLE001 - a broken record: the error list still gets its line
        return "—"


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
    db.session.add_all(
        CertificateBatchError(
            batch_id=batch_id, target_id=target_id, holder_name=holder, error=_failure(exc)
        )
        for target_id, holder, exc in outcome.failures
    )


def _prepare(batch_id: int, target_ids: list[int], actor, outcome: Outcome) -> list:
    """Plan, number and render the certificates of a group, writing nothing yet.

    The database sees a group only when it is ready: SQLite has one writer, and a shard that
    held the write lock while rendering would make the other shards wait.
    """
    batch = db.session.get(CertificateBatch, batch_id)
    try:
        loaded = _load_targets(batch, target_ids)
    except Exception:  # noqa: BLE001 - a broken row among them: load each on its own below
        db.session.rollback()
        batch, loaded = db.session.get(CertificateBatch, batch_id), None
    plans = []
    for target_id in target_ids:
        target = None
        try:
            target = target_of(batch, target_id) if loaded is None else loaded.get(target_id)
            plans.append((target_id, _plan(batch, target)))
        except services.CertificateError:
            outcome.skipped += 1
        except Exception as exc:  # noqa: BLE001 - one broken record must not stop the batch
            holder = _holder_name(target)
            db.session.rollback()
            outcome.fail(target_id, holder, exc)
    if not plans:
        return []
    now = utcnow()
    try:
        first = services.take_numbers(services.number_year(now), len(plans))
    except Exception as exc:  # noqa: BLE001 - counted against the group; the batch goes on
        for target_id, plan in plans:
            outcome.fail(target_id, plan.user.full_name, exc)
        return []
    made = []
    for offset, (target_id, plan) in enumerate(plans):
        try:
            made.append((target_id, plan, services.make(plan, actor, now, first + offset)))
        except Exception as exc:  # noqa: BLE001 - one broken certificate must not stop the batch
            outcome.fail(target_id, plan.user.full_name, exc)
    return made


def issue_group(batch_id: int, target_ids: list[int], actor) -> None:
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
        # The rollback left the certificate transient but, had it been inserted, with its id.
        certificate.id = None
        try:
            services.record(certificate, plan, actor)
            db.session.flush()
            alone.issued = 1
        except Exception as exc:  # noqa: BLE001 - this one is counted as failed
            db.session.rollback()
            if _issued_meanwhile(plan):
                alone.skipped = 1
            else:
                alone.fail(target_id, plan.user.full_name, exc)
        _report(batch_id, alone)
        db.session.commit()


def _issued_meanwhile(plan: services.Plan) -> bool:
    """Tell whether a target got a certificate elsewhere while its group was rendering."""
    if plan.track is not None:
        existing = services.active_certificate(track=plan.track)
    else:
        existing = services.active_certificate(attempt=plan.attempt)
    replaced = plan.replaces.id if plan.replaces is not None else None
    return existing is not None and existing.id != replaced
