"""A school's risk profile: its category joined with the staff's aggregate deficits.

The deficits are the shares of the school's tested staff with a deficit in each competence (their
latest result per diagnostic, competence.staff.services), ranked by the lower bound of their
Wilson interval so that a tiny group does not outrank a large one by chance. The programmes the
staff most need are the catalogue modules that develop those competences, ranked by how many
teachers' deficits they address. The profile lists its risk factors in words; it adds no score
of its own.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from competence.accounts.models import User
from competence.analytics.identification import Category, SchoolIdentification, SocialBand
from competence.analytics.matching import QUALIFICATION_KINDS
from competence.extensions import db
from competence.instruments.library import compiled_version
from competence.schools.models import School
from competence.staff.services import CompetenceShare, deficit_shares, latest_attempts
from competence.tracks.models import CatalogModule

# A competence in which at least this share of the tested staff has a deficit is a risk factor.
MAJORITY_SHARE = 0.5
# Fewer tested staff than this share of the registered staff makes the deficit picture thin.
FEW_TESTED_SHARE = 0.5
# How many programmes the profile lists.
PROGRAMME_COUNT = 5


@dataclass(frozen=True)
class Programme:
    """A catalogue module and the staff deficits it addresses."""

    module: CatalogModule
    competences: tuple[CompetenceShare, ...]

    @property
    def teachers(self) -> int:
        """Return how many staff deficits it addresses (one person may count per competence)."""
        return sum(share.with_deficit for share in self.competences)


@dataclass
class RiskProfile:
    """The school's category, its staff's deficits, the factors of risk and what to study."""

    identification: SchoolIdentification | None
    staff: int
    tested: int
    deficits: list[CompetenceShare] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)
    factors: list[str] = field(default_factory=list)
    # Why the school takes no part in the identification (file or register), None if it does.
    excluded: str | None = None


def risk_profile(school: School, identification: SchoolIdentification | None) -> RiskProfile:
    """Build the school's risk profile from its identification and its staff's latest results."""
    users = list(db.session.scalars(select(User).where(User.school_id == school.id)))
    attempts = [a for found in latest_attempts(users).values() for a in found]
    tested = len({attempt.user_id for attempt in attempts})
    shares = [share for share in deficit_shares(attempts) if share.with_deficit]
    # By the Wilson lower bound: «1 of 1» says less than «5 of 7» and must not come first.
    shares.sort(key=lambda s: (-s.lower_bound, -s.with_deficit, s.title))
    frameworks = {}
    for attempt in attempts:
        ready = compiled_version(attempt.version_id)
        frameworks[ready.instrument.title] = ready.framework.id
    profile = RiskProfile(identification, len(users), tested, shares)
    profile.excluded = (identification.excluded if identification else None) or (
        school.excluded_reason or None
    )
    profile.programmes = needed_programmes(shares, frameworks)
    profile.factors = _factors(profile)
    return profile


def needed_programmes(shares: list[CompetenceShare], frameworks: dict[str, str]) -> list[Programme]:
    """Rank the modules that develop the competences with deficits (instrument -> framework)."""
    by_key: dict[tuple[str, str], list[CompetenceShare]] = {}
    for share in shares:
        by_key.setdefault((frameworks[share.instrument], share.competence), []).append(share)
    if not by_key:
        return []
    modules = db.session.scalars(
        select(CatalogModule).where(CatalogModule.retired.is_(False))
    ).all()
    programmes = []
    for module in modules:
        developed = {(entry["framework"], entry["competence"]) for entry in module.develops}
        addressed = tuple(
            share for key in sorted(developed & by_key.keys()) for share in by_key[key]
        )
        if addressed:
            programmes.append(Programme(module, addressed))

    def order(programme: Programme):
        kind = programme.module.kind
        rank = (
            QUALIFICATION_KINDS.index(kind)
            if kind in QUALIFICATION_KINDS
            else len(QUALIFICATION_KINDS)
        )
        top = max(share.share for share in programme.competences)
        return -programme.teachers, -top, rank, programme.module.hours, programme.module.key

    programmes.sort(key=order)
    return programmes[:PROGRAMME_COUNT]


def _factors(profile: RiskProfile) -> list[str]:
    found = []
    school = profile.identification
    if school is not None and school.category == Category.LOW_RESULTS:
        found.append(_l("Low results in all three years (a school with low results)."))
    elif school is not None and school.category == Category.RISK:
        found.append(_l("Low results in the last two years (risk group)."))
    if school is not None and school.social_category == SocialBand.UNFAVOURABLE:
        found.append(_l("Unfavourable social conditions in at least two of the three years."))
    for share in profile.deficits:
        if share.share >= MAJORITY_SHARE:
            found.append(
                _l(
                    "%(count)d of %(tested)d tested staff have a deficit in «%(title)s».",
                    count=share.with_deficit,
                    tested=share.tested,
                    title=share.title,
                )
            )
    if profile.staff and not profile.tested:
        found.append(
            ngettext(
                "None of the %(num)d registered staff member has taken a diagnostic yet.",
                "None of the %(num)d registered staff have taken a diagnostic yet.",
                profile.staff,
            )
        )
    elif profile.staff and profile.tested < FEW_TESTED_SHARE * profile.staff:
        # The plural follows the number who took it: "прошёл 1 из 3", "прошли 2 из 5".
        found.append(
            ngettext(
                "Only %(num)d of %(staff)d registered staff has taken a diagnostic.",
                "Only %(num)d of %(staff)d registered staff have taken a diagnostic.",
                profile.tested,
                staff=profile.staff,
            )
        )
    return found
