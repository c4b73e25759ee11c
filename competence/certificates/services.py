"""Issuing, numbering, revoking and verifying certificates."""

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import format_date, to_user_timezone
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from competence import audit
from competence.accounts.models import User
from competence.certificates.document import render_certificate
from competence.certificates.models import Certificate, CertificateCounter, CertificateKind
from competence.certificates.naming import file_name, short_name
from competence.certificates.verification import format_check_code, new_check_code
from competence.database import utcnow
from competence.diagnostics.models import Attempt
from competence.diagnostics.services import attempt_recorded
from competence.extensions import db
from competence.instruments.library import compiled_version
from competence.measurement.precision import attempt_precision
from competence.outbox.services import external_url, queue_email
from competence.tracks.models import DevelopmentTrack, ModuleStatus, TrackModule, TrackStatus
from competence.tracks.services import (
    confirmed_hours,
    confirmed_modules,
    local_date,
    plan_growth,
    source_pairs,
)

PREFIX = "ХКИРО"
NUMBER = re.compile(rf"^{PREFIX}-(\d{{4}})-(\d{{6}})$")


class CertificateError(Exception):
    """A certificate operation refused; `status` is the HTTP status to answer with."""

    def __init__(self, message, status: int = 409):
        super().__init__(str(message))
        self.message = message
        self.status = status


def format_number(year: int, serial: int) -> str:
    """Return the public number of a certificate: ХКИРО-2026-000123."""
    return f"{PREFIX}-{year}-{serial:06d}"


def parse_number(text: str) -> tuple[int, int] | None:
    """Return (year, serial) of a well-formed number, else None."""
    match = NUMBER.fullmatch(text.strip().upper())
    return (int(match.group(1)), int(match.group(2))) if match else None


def number_year(moment: datetime) -> int:
    """Return the year of the numbers of certificates issued at `moment`.

    It is the portal's local year, the one the certificate is dated in.
    """
    return to_user_timezone(moment).year


def take_numbers(year: int, count: int = 1) -> int:
    """Take `count` consecutive serial numbers of a year; return the first.

    Numbers are never reused. They are taken in a transaction of their own, committed at once,
    so the counter is locked only for that moment and not while certificates render: parallel
    batch shards (and, on SQLite, every writer) would otherwise wait for each other's PDFs. A
    number whose certificate then fails is skipped, not given again.
    """
    rounds_left = 3
    while True:
        try:
            with db.engine.begin() as connection:
                last = connection.execute(
                    update(CertificateCounter)
                    .where(CertificateCounter.year == year)
                    .values(last=CertificateCounter.last + count)
                    .returning(CertificateCounter.last)
                ).scalar()
                if last is None:
                    # The first certificate of a year creates its counter; a concurrent first
                    # one makes this insert fail, and the update succeeds on the next round.
                    connection.execute(insert(CertificateCounter).values(year=year, last=count))
                    last = count
            return last - count + 1
        except (IntegrityError, OperationalError):
            # A concurrent first number of the year, or a database busy for longer than usual.
            rounds_left -= 1
            if not rounds_left:
                raise


def active_certificate(track: DevelopmentTrack | None = None, attempt: Attempt | None = None):
    """Return the valid certificate of a track or a diagnostic attempt, if one was issued."""
    query = select(Certificate).where(Certificate.revoked_at.is_(None))
    if track is not None:
        query = query.where(Certificate.track_id == track.id)
    else:
        query = query.where(
            Certificate.attempt_id == attempt.id, Certificate.kind == CertificateKind.DIAGNOSTIC
        )
    return db.session.scalar(query)


@dataclass(frozen=True)
class Content:
    """What a certificate certifies, as it will be printed."""

    title: str
    hours: int
    details: dict


# Marks certificates that count confirmed hours only; those issued before the rule have no such
# key, and their pages keep the wording they were issued with.
HOURS_RULE = "confirmed"


def confirmation_of(entry: TrackModule) -> dict:
    """Describe how a module was confirmed, as the certificate prints it."""
    return {
        "via": entry.confirmed_via,
        "by": entry.confirmed_by.full_name if entry.confirmed_by is not None else None,
        "on": local_date(entry.confirmed_at).isoformat(),
        "document": entry.qualification_document,
    }


def track_content(track: DevelopmentTrack) -> Content:
    """Describe a development track: its confirmed modules and hours, the growth after the retake.

    Only modules confirmed by a tutor or an institute record count, with their hours; those the
    teacher reported done without a confirmation are kept apart without hours (the PDF gives
    their number), so the certificate neither hides the work nor counts it (docs/certificates.md).
    """
    ready = compiled_version(track.source_attempt.version_id)
    confirmed = confirmed_modules(track)
    reported = [m for m in track.modules if m.status == ModuleStatus.DONE and not m.is_confirmed]
    # Scores with their thresholds, so that the PDF shows them by the portal's one rule; a
    # plan of several diagnostics lists the rows of every instrument retaken.
    change = plan_growth(track)
    instruments = [
        compiled_version(source.version_id).instrument.title for source, _ in source_pairs(track)
    ]
    title = ", ".join(instruments) if len(instruments) > 1 else ready.instrument.title
    rows = [
        {
            "title": row.title,
            "before": row.previous,
            "after": row.current,
            "threshold_before": row.previous_threshold,
            "threshold_after": row.threshold,
            # The errors at issue: a later calibration does not change what was certified.
            "sem_before": row.previous_sem,
            "sem_after": row.sem,
        }
        for row in (change.rows if change else ())
    ]
    return Content(
        title=title,
        hours=confirmed_hours(track),
        details={
            "instrument": title,
            "hours_rule": HOURS_RULE,
            "modules": [
                {
                    "title": m.title,
                    "kind": m.kind,
                    "hours": m.hours,
                    "confirmation": confirmation_of(m),
                }
                for m in confirmed
            ],
            "unconfirmed": [{"title": m.title, "kind": m.kind} for m in reported],
            "growth": rows,
            "diagnosed_on": track.source_attempt.submitted_at.date().isoformat(),
            "retaken_on": (
                track.retake_attempt.submitted_at.date().isoformat()
                if track.retake_attempt
                else None
            ),
        },
    )


def attempt_content(attempt: Attempt) -> Content:
    """Describe a completed diagnostic with its profile summary."""
    ready = compiled_version(attempt.version_id)
    levels = {level.id: level.title for level in ready.level_scale.levels}
    precisions = attempt_precision(attempt)
    return Content(
        title=ready.instrument.title,
        # A diagnostic is not a training programme: it has no academic hours to certify.
        hours=0,
        details={
            "instrument": ready.instrument.title,
            "total": attempt.total_score or 0.0,
            "competences": [
                {
                    "title": ready.competences[row.competence].title,
                    "score": row.score,
                    "threshold": row.threshold,
                    "level": levels.get(row.level, row.level),
                    "deficit": row.deficit,
                    "sem": precisions[row.competence].sem,
                }
                for row in attempt.competence_scores
            ],
            "diagnosed_on": attempt.submitted_at.date().isoformat(),
        },
    )


@dataclass
class Plan:
    """A certificate about to be issued: to whom, for what, and the one it replaces, if any."""

    kind: str
    user: User
    content: Content
    track: DevelopmentTrack | None = None
    attempt: Attempt | None = None
    forced_reason: str | None = None
    replaces: Certificate | None = None


def replaceable(certificate: Certificate, track: DevelopmentTrack) -> bool:
    """Tell whether a valid certificate of a track gives way to a new one.

    It does once the track is completed if it was forced before, or if it counts fewer hours
    than the track's modules have had confirmed since it was issued (a tutor often confirms
    evidence after the retake).
    """
    if track.status != TrackStatus.COMPLETED:
        return False
    return bool(certificate.forced_reason) or certificate.hours < confirmed_hours(track)


def plan_for_track(track: DevelopmentTrack, forced_reason: str | None = None) -> Plan:
    """Check that a development track may be certified; a track not completed needs a reason.

    A certificate forced before the track was completed, or one counting fewer hours than are
    confirmed now, is replaced by a new one (and revoked with a note) once the track is
    completed (see `replaceable`).
    """
    existing = active_certificate(track=track)
    replaced = None
    if existing is not None and replaceable(existing, track):
        replaced, existing = existing, None
    if existing is not None:
        raise CertificateError(
            _l(
                "A certificate for this track is already issued: %(number)s.",
                number=existing.number,
            )
        )
    if track.status != TrackStatus.COMPLETED:
        if not (forced_reason or "").strip():
            raise CertificateError(
                _l("The track is not completed: an administrator may issue it only with a reason."),
                status=422,
            )
    else:
        forced_reason = None
    return Plan(
        CertificateKind.TRACK,
        track.user,
        track_content(track),
        track=track,
        forced_reason=forced_reason,
        replaces=replaced,
    )


def plan_for_attempt(attempt: Attempt) -> Plan:
    """Check that a completed diagnostic may be certified (once per attempt)."""
    if not attempt.is_submitted:
        raise CertificateError(_l("The diagnostic is not finished yet."), status=422)
    existing = active_certificate(attempt=attempt)
    if existing is not None:
        raise CertificateError(
            _l(
                "A certificate for this diagnostic is already issued: %(number)s.",
                number=existing.number,
            )
        )
    return Plan(CertificateKind.DIAGNOSTIC, attempt.user, attempt_content(attempt), attempt=attempt)


def make(plan: Plan, actor, issued_at: datetime, serial: int) -> Certificate:
    """Number and render a planned certificate; nothing is added to the session yet.

    `serial` is a number of the year of `issued_at` (see `take_numbers`).
    """
    year = number_year(issued_at)
    certificate = Certificate(
        number=format_number(year, serial),
        check_code=new_check_code(),
        year=year,
        serial=serial,
        kind=plan.kind,
        user_id=plan.user.id,
        track_id=plan.track.id if plan.track else None,
        attempt_id=plan.attempt.id if plan.attempt else None,
        holder_name=plan.user.full_name,
        title=plan.content.title,
        hours=plan.content.hours,
        details=plan.content.details,
        issued_at=issued_at,
        issued_by_id=getattr(actor, "id", None),
        forced_reason=plan.forced_reason,
    )
    certificate.pdf = render_certificate(certificate, verify_url(certificate))
    certificate.pdf_sha256 = hashlib.sha256(certificate.pdf).hexdigest()
    return certificate


def verify_url(certificate: Certificate) -> str:
    """Return the public verification address of a certificate (printed in its QR code)."""
    return external_url(
        "certificates.verify",
        number=certificate.number,
        code=format_check_code(certificate.check_code),
    )


def pdf_name(certificate: Certificate) -> str:
    """Return the file name of a certificate's PDF: the holder's surname, initials and number."""
    return file_name(short_name(certificate.holder_name), certificate.number)


def record(certificate: Certificate, plan: Plan, actor) -> None:
    """Store a made certificate with its e-mail to the holder and the audit entry (no commit)."""
    db.session.add(certificate)
    user = plan.user
    queue_email(
        "certificate_issued",
        user.email,
        _l("Certificate %(number)s", number=certificate.number),
        "certificate_issued",
        locale=user.locale,
        user=user,
        certificate=certificate,
        link=verify_url(certificate),
        attachments=((pdf_name(certificate), "application/pdf", certificate.pdf),),
    )
    audit.record(
        "certificate_issued",
        actor,
        "certificate",
        certificate.number,
        kind=plan.kind,
        holder=user.id,
        forced_reason=plan.forced_reason,
    )
    if plan.replaces is not None:
        _supersede(plan.replaces, actor, by=certificate)


def _issue(plan: Plan, actor) -> Certificate:
    """Number, render, store and send one certificate, committed."""
    now = utcnow()
    certificate = make(plan, actor, now, take_numbers(number_year(now)))
    record(certificate, plan, actor)
    db.session.commit()
    return certificate


def _supersede(certificate: Certificate, actor, by: Certificate) -> None:
    """Revoke a certificate that a new certificate of the completed track replaces.

    Left to the flush, which writes updates before inserts: the forced certificate is revoked
    before its replacement is stored (one valid certificate per track).
    """
    if certificate.forced_reason:
        reason = _l("Replaced by certificate %(number)s of the completed track.", number=by.number)
    else:
        reason = _l(
            "Replaced by certificate %(number)s with the hours confirmed since.", number=by.number
        )
    certificate.revoke_reason = str(reason)
    certificate.revoked_at = by.issued_at
    certificate.revoked_by_id = getattr(actor, "id", None)
    audit.record("certificate_superseded", actor, "certificate", certificate.number, by=by.number)


def issue_for_track(track: DevelopmentTrack, actor=None, forced_reason=None) -> Certificate:
    """Issue the certificate of a development track; a track not completed needs a reason."""
    return _issue(plan_for_track(track, forced_reason), actor)


def issue_for_attempt(attempt: Attempt, actor=None) -> Certificate:
    """Issue the certificate of a completed diagnostic, or return the one already issued."""
    if attempt.is_submitted:
        existing = active_certificate(attempt=attempt)
        if existing is not None:
            return existing
    return _issue(plan_for_attempt(attempt), actor)


def revoke(certificate: Certificate, actor, reason: str) -> None:
    """Revoke a certificate with a reason; its number stays taken."""
    if certificate.is_revoked:
        raise CertificateError(
            _l(
                "The certificate was already revoked on %(date)s.",
                date=format_date(certificate.revoked_at, "long"),
            )
        )
    if not reason.strip():
        raise CertificateError(_l("Give the reason for revoking."), status=422)
    actor_id = actor.id  # read before changing the row: the revocation is set all at once
    certificate.revoke_reason = reason.strip()
    certificate.revoked_at = utcnow()
    certificate.revoked_by_id = actor_id
    audit.record("certificate_revoked", actor, "certificate", certificate.number, reason=reason)
    db.session.commit()


def find(number: str) -> Certificate | None:
    """Return the certificate with this number, if any."""
    return db.session.scalar(select(Certificate).where(Certificate.number == number.strip()))


def certificates_of(user) -> list[Certificate]:
    """Return a user's certificates, newest first."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user.id)
            .order_by(Certificate.issued_at.desc())
        )
    )


@attempt_recorded.connect
def _issue_after_retake(attempt: Attempt) -> None:
    """A retake that closed a development track earns its certificate automatically."""
    track = db.session.scalar(
        select(DevelopmentTrack).where(DevelopmentTrack.retake_attempt_id == attempt.id)
    )
    if track is None or track.status != TrackStatus.COMPLETED:
        return
    existing = active_certificate(track=track)
    if existing is not None and not replaceable(existing, track):
        return
    try:
        issue_for_track(track)
    except Exception:  # noqa: BLE001 - the result is saved; an admin can issue it later
        db.session.rollback()
        current_app.logger.exception("certificate for track %s was not issued", track.id)
