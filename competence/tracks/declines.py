"""Declining a module of a track: an optional one at once, a mandatory one by request.

A mandatory module stays mandatory, and the track cannot finish, until the director of the
teacher's current school approves the request to decline it. Only then is it declined and each
of its deficits handed on to a replacement. A replacement is within the teacher's reach: a
distance module, or one held in the teacher's municipality, and of the track's preferred format
when the teacher chose one.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from competence import audit
from competence.accounts.access import directs_school_of
from competence.analytics.matching import Deficit, Taker, match_modules
from competence.database import utcnow
from competence.extensions import db
from competence.outbox.services import external_url, queue_email
from competence.staff.services import directors_of
from competence.tracks.library import matching_modules
from competence.tracks.models import (
    CatalogModule,
    DeclineRequest,
    ModuleStatus,
    RequestStatus,
    TrackModule,
)
from competence.tracks.services import (
    TrackError,
    check_completion,
    pending_decline,
    require_open,
    schedule,
    track_module,
)

# Formats that need no travel: a module in them is within reach of every teacher.
REMOTE_FORMATS = frozenset({"distance"})


@dataclass
class DeclineOutcome:
    """What a decline did: sent a request for approval, or declined at once (with takers)."""

    pending: bool
    taken: list[TrackModule] = field(default_factory=list)


def decline(entry: TrackModule, reason: str) -> DeclineOutcome:
    """Decline an optional module at once; ask the director's approval for a mandatory one."""
    require_open(entry)
    reason = reason.strip()
    if not entry.mandatory:
        decline_now(entry, reason)
        db.session.commit()
        return DeclineOutcome(pending=False)
    if pending_decline(entry) is not None:
        raise TrackError(
            _l("You have already asked to decline this module: the director has not decided yet.")
        )
    teacher = entry.track.user
    directors = directors_of(teacher.school_id)
    if not directors:
        raise TrackError(
            _l(
                "A mandatory module is declined only with the approval of your school's director, "
                "and no director of your school is registered on the portal yet. The module "
                "stays in the track."
            )
        )
    request = DeclineRequest(track_module=entry, reason=reason)
    db.session.add(request)
    db.session.flush()
    for director in directors:
        queue_email(
            "decline_requested",
            director.email,
            _l("A teacher asks to decline a mandatory module"),
            "decline_requested",
            locale=director.locale,
            director=director,
            teacher=teacher,
            title=entry.title,
            reason=reason,
            link=external_url("staff.index"),
        )
    audit.record("decline_requested", teacher, "track_module", entry.id, request=request.id)
    db.session.commit()
    return DeclineOutcome(pending=True)


def decide(request: DeclineRequest, actor, approve: bool, comment: str) -> list[TrackModule]:
    """Approve or refuse a request to decline; return the modules that took its deficits."""
    entry = request.track_module
    track = entry.track
    teacher = track.user
    if not directs_school_of(actor, teacher):
        raise TrackError(_l("No such request."), status=404)
    if request.status != RequestStatus.PENDING:
        raise TrackError(_l("This request has already been decided."))
    comment = comment.strip()
    if not approve and not comment:
        raise TrackError(_l("Say why the request is refused: the teacher will read it."), 422)
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    request.decided_at = utcnow()
    request.decided_by_id = actor.id
    request.comment = comment or None
    taken = decline_now(entry, request.reason) if approve else []
    details = {"request": request.id, "teacher": teacher.id}
    if approve:
        audit.record("decline_approved", actor, "track_module", entry.id, **details)
    else:
        audit.record("decline_refused", actor, "track_module", entry.id, **details)
    queue_email(
        "decline_decided",
        teacher.email,
        _l("Your request to decline a module is approved")
        if approve
        else _l("Your request to decline a module is refused"),
        "decline_decided",
        locale=teacher.locale,
        user=teacher,
        approved=approve,
        title=entry.title,
        comment=comment,
        taken=[m.title for m in taken],
        link=external_url("tracks.track", track_id=track.id),
    )
    db.session.commit()
    return taken


def decline_now(entry: TrackModule, reason: str) -> list[TrackModule]:
    """Mark a module declined; a mandatory one hands each of its deficits on (no commit)."""
    require_open(entry)
    entry.status = ModuleStatus.DECLINED
    entry.status_reason = reason
    taken = _replacements(entry) if entry.mandatory else []
    if taken:
        entry.replaced_by_id = taken[0].id
    schedule(entry.track)
    check_completion(entry.track)
    return taken


def within_reach(row: CatalogModule, user, preferred_format: str | None) -> bool:
    """Tell whether a catalogue module suits a teacher as a replacement.

    It must be of the preferred format (when one was chosen) and either need no travel or be
    held in the teacher's municipality; an in-person module whose place is unknown is not.
    """
    if preferred_format and row.format != preferred_format:
        return False
    if row.format in REMOTE_FORMATS:
        return True
    home = user.school.municipality_id if user.school else user.municipality_id
    return row.municipality_id is not None and row.municipality_id == home


def _develops(row: CatalogModule, deficit: dict) -> bool:
    """Tell whether a catalogue module develops a deficit's competence at its level."""
    return any(
        e["framework"] == deficit["framework"]
        and e["competence"] == deficit["competence"]
        and deficit["level"] in e["levels"]
        for e in row.develops
    )


def _replacements(entry: TrackModule) -> list[TrackModule]:
    """Give every deficit of a declined mandatory module to another module, one by one.

    For each deficit: a mandatory module of the track that also develops it takes it on; else an
    optional one of the track within reach is promoted to mandatory; else the best catalogue
    module within reach not yet in the track joins it as mandatory, right after the declined one.
    Each module claims only the deficits it develops. A deficit nothing can take stays
    uncovered. Returns the modules that took deficits, new ones first in track order.
    """
    track = entry.track
    user = track.user
    taken: list[TrackModule] = []
    remaining = []
    for deficit in entry.deficits:
        others = [m for m in track.modules if m is not entry and m.status != ModuleStatus.DECLINED]
        holder = next((m for m in others if m.mandatory and _develops(m.module, deficit)), None)
        if holder is None:
            holder = next(
                (
                    m
                    for m in others
                    if _develops(m.module, deficit)
                    and within_reach(m.module, user, track.preferred_format)
                ),
                None,
            )
            if holder is not None:
                holder.mandatory = True
        if holder is None:
            remaining.append(deficit)
            continue
        if deficit["competence"] not in {d["competence"] for d in holder.deficits}:
            holder.deficits = [*holder.deficits, deficit]
        if holder not in taken:
            taken.append(holder)
    if remaining:
        taken = _new_modules(entry, remaining) + taken
    db.session.flush()
    return taken


def _new_modules(entry: TrackModule, deficits: list[dict]) -> list[TrackModule]:
    """Add the best catalogue modules within reach for deficits nothing in the track covers."""
    track = entry.track
    used = {m.module.key for m in track.modules}
    modules, rows = matching_modules()
    user = track.user
    taker = Taker(user.position, frozenset(user.subjects), track.preferred_format)
    by_key = {(d["framework"], d["competence"]): d for d in deficits}
    candidates = [
        m
        for m in modules
        if m.id not in used and within_reach(rows[m.id], user, track.preferred_format)
    ]
    match = match_modules(
        [
            Deficit(d["framework"], d["competence"], d["level"], d["depth"], d["soft_skill"])
            for d in deficits
        ],
        candidates,
        taker,
        optional_per_deficit=0,
    )
    proposals = [p for p in match.proposals if p.mandatory]
    for later in track.modules:
        if later.position > entry.position:
            later.position += len(proposals)
    added = []
    for offset, proposal in enumerate(proposals, 1):
        claimed = [by_key[(d.framework, d.competence)] for d in proposal.deficits]
        added.append(track_module(rows[proposal.module], entry.position + offset, True, claimed))
    track.modules.extend(added)
    return added


def latest_requests(track) -> dict[int, DeclineRequest]:
    """Return the newest request to decline each module of a track, by module id."""
    ids = [m.id for m in track.modules]
    found = db.session.scalars(
        select(DeclineRequest)
        .where(DeclineRequest.track_module_id.in_(ids))
        .order_by(DeclineRequest.created_at, DeclineRequest.id)
    )
    return {request.track_module_id: request for request in found}
