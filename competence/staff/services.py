"""What a director sees of the school's staff."""

from dataclasses import dataclass, field

from sqlalchemy import select

from competence.accounts.models import Role, User
from competence.analytics.figures import shown_score as shown_percent
from competence.analytics.intervals import wilson_lower_bound
from competence.diagnostics.models import Attempt, AttemptStatus
from competence.extensions import db
from competence.instruments.library import compiled_version
from competence.staff.models import SchoolMoveRequest
from competence.tracks.models import (
    DeclineRequest,
    DevelopmentTrack,
    RequestStatus,
    TrackModule,
)


@dataclass
class Member:
    """A staff member with their latest result per instrument and their tracks."""

    user: User
    latest: list[Attempt] = field(default_factory=list)
    tracks: list[DevelopmentTrack] = field(default_factory=list)


@dataclass(frozen=True)
class Holder:
    """A staff member with a deficit in a competence: the score and the result it is from."""

    user: User
    # As the result page shows it (analytics.figures.shown_score), so the two agree.
    shown_score: int
    attempt_id: int


@dataclass
class CompetenceShare:
    """How many of the tested staff have a deficit in one competence, and who they are."""

    instrument: str
    competence: str
    title: str
    tested: int
    with_deficit: int
    holders: list[Holder] = field(default_factory=list)

    @property
    def share(self) -> float:
        """Return the share of tested staff with a deficit, 0..1."""
        return self.with_deficit / self.tested if self.tested else 0.0

    @property
    def lower_bound(self) -> float:
        """Return the Wilson lower bound of the share: what it shows at least, group size told."""
        return wilson_lower_bound(self.with_deficit, self.tested)


def latest_attempts(users: list[User]) -> dict[int, list[Attempt]]:
    """Return each user's newest submitted attempt per instrument."""
    attempts = db.session.scalars(
        select(Attempt)
        .where(
            Attempt.user_id.in_([u.id for u in users]),
            Attempt.status == AttemptStatus.SUBMITTED,
        )
        .order_by(Attempt.submitted_at.desc())
    ).all()
    newest: dict[tuple[int, int], Attempt] = {}
    for attempt in attempts:
        newest.setdefault((attempt.user_id, attempt.document_id), attempt)
    by_user: dict[int, list[Attempt]] = {}
    for (user_id, _), attempt in newest.items():
        by_user.setdefault(user_id, []).append(attempt)
    return by_user


def staff_of(school_id: int) -> list[Member]:
    """Return the school's staff with their latest results and tracks."""
    users = list(
        db.session.scalars(select(User).where(User.school_id == school_id).order_by(User.full_name))
    )
    latest = latest_attempts(users)
    tracks = db.session.scalars(
        select(DevelopmentTrack)
        .where(DevelopmentTrack.user_id.in_([u.id for u in users]))
        .order_by(DevelopmentTrack.created_at.desc())
    ).all()
    members = {u.id: Member(u, latest.get(u.id, [])) for u in users}
    for track in tracks:
        members[track.user_id].tracks.append(track)
    return list(members.values())


def deficit_shares(attempts: list[Attempt]) -> list[CompetenceShare]:
    """Return, per instrument competence, how many of these results show a deficit."""
    shares: dict[tuple[str, str], CompetenceShare] = {}
    for attempt in attempts:
        ready = compiled_version(attempt.version_id)
        for row in attempt.competence_scores:
            key = (ready.instrument.title, row.competence)
            if key not in shares:
                title = ready.competences[row.competence].title
                shares[key] = CompetenceShare(ready.instrument.title, row.competence, title, 0, 0)
            shares[key].tested += 1
            shares[key].with_deficit += int(row.deficit)
            if row.deficit:
                shares[key].holders.append(
                    Holder(attempt.user, shown_percent(row.score, row.threshold), attempt.id)
                )
    for share in shares.values():
        share.holders.sort(key=lambda h: (h.shown_score, h.user.full_name))
    return sorted(shares.values(), key=lambda s: (s.instrument, -s.share, s.title))


def directors_of(school_id: int | None) -> list[User]:
    """Return the active directors of a school (none for no school)."""
    if school_id is None:
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(User.school_id == school_id, User.role == Role.DIRECTOR, User.active.is_(True))
            .order_by(User.id)
        )
    )


def pending_declines(school_id: int) -> list[DeclineRequest]:
    """Return the requests to decline a mandatory module by the school's current staff."""
    return list(
        db.session.scalars(
            select(DeclineRequest)
            .join(TrackModule, DeclineRequest.track_module_id == TrackModule.id)
            .join(DevelopmentTrack, TrackModule.track_id == DevelopmentTrack.id)
            .join(User, DevelopmentTrack.user_id == User.id)
            .where(User.school_id == school_id, DeclineRequest.status == RequestStatus.PENDING)
            .order_by(DeclineRequest.created_at, DeclineRequest.id)
        )
    )


def pending_moves(school_id: int | None = None) -> list[SchoolMoveRequest]:
    """Return the requests to join a school's staff that wait (every school's for None)."""
    query = select(SchoolMoveRequest).where(SchoolMoveRequest.status == RequestStatus.PENDING)
    if school_id is not None:
        query = query.where(SchoolMoveRequest.to_school_id == school_id)
    return list(db.session.scalars(query.order_by(SchoolMoveRequest.created_at)))
