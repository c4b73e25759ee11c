"""The review of an improvement plan: submission, approval, return for changes, discussion.

The director submits a draft (or a plan returned for changes); the coordinators of the school's
municipality are told by e-mail. A reviewer (the municipality's coordinator or a methodist)
approves only a submitted plan, or returns a submitted or approved one with a reason; the
school's director is told either way. Every step is a discussion entry, an audit event and,
for the people told, a letter in the outbox: all in the one commit of the step.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from competence import audit
from competence.accounts.models import Role, User
from competence.database import utcnow
from competence.extensions import db
from competence.outbox.services import external_url, queue_email
from competence.schools.errors import ActionError
from competence.schools.plan_models import CommentKind, ImprovementPlan, PlanComment, PlanStatus


def add_comment(plan: ImprovementPlan, body: str, actor) -> PlanComment:
    """Add a remark to the plan's discussion."""
    comment = PlanComment(plan=plan, author_id=actor.id, body=body.strip())
    db.session.add(comment)
    db.session.commit()
    return comment


def coordinators_of(plan: ImprovementPlan) -> list[User]:
    """Return the active coordinators of the plan's municipality, who approve it."""
    return _recipients(
        User.role == Role.COORDINATOR, User.municipality_id == plan.school.municipality_id
    )


def directors_of(plan: ImprovementPlan) -> list[User]:
    """Return the active directors of the plan's school, who draw it up."""
    return _recipients(User.role == Role.DIRECTOR, User.school_id == plan.school_id)


def _recipients(*conditions) -> list[User]:
    # An unconfirmed address may be somebody else's: nothing about a school is sent there.
    query = select(User).where(
        *conditions, User.active.is_(True), User.email_confirmed_at.is_not(None)
    )
    return list(db.session.scalars(query.order_by(User.id)))


def submit(plan: ImprovementPlan, actor, note: str = "") -> list[User]:
    """Send a draft (or returned) plan with goals for approval; return the coordinators told."""
    if plan.status == PlanStatus.SUBMITTED:
        raise ActionError(_l("The plan has already been submitted; it awaits approval."))
    if plan.status == PlanStatus.APPROVED:
        raise ActionError(_l("The plan has already been approved; the page now shows it as it is."))
    if not plan.goals:
        raise ActionError(_l("Add at least one goal before submitting the plan."), 422)
    plan.status = PlanStatus.SUBMITTED
    plan.comments.append(
        PlanComment(author_id=actor.id, kind=CommentKind.SUBMITTED, body=note.strip())
    )
    told = coordinators_of(plan)
    for coordinator in told:
        _letter(
            "plan_submitted",
            coordinator,
            _l("A school's improvement plan awaits your approval"),
            plan,
            actor=actor,
            note=note.strip(),
        )
    audit.record(
        "plan_submitted", actor, "improvement_plan", plan.id, notified=[u.id for u in told]
    )
    db.session.commit()
    return told


def approve(plan: ImprovementPlan, actor, note: str = "") -> None:
    """Approve a submitted plan; it is locked until returned. A draft is never approved."""
    if plan.status == PlanStatus.APPROVED:
        raise ActionError(_l("The plan has already been approved; the page now shows it as it is."))
    if plan.status != PlanStatus.SUBMITTED:
        raise ActionError(
            _l(
                "The plan is still a draft: only a plan the director has submitted for "
                "approval can be approved."
            )
        )
    if not plan.goals:  # a plan submitted before its goals were removed by a migration, say
        raise ActionError(_l("The plan has no goals yet: there is nothing to approve."), 422)
    plan.status, plan.approved_at, plan.approved_by_id = PlanStatus.APPROVED, utcnow(), actor.id
    plan.comments.append(
        PlanComment(author_id=actor.id, kind=CommentKind.APPROVED, body=note.strip())
    )
    told = directors_of(plan)
    for director in told:
        subject = _l("Your improvement plan is approved")
        _letter("plan_approved", director, subject, plan, actor=actor, note=note.strip())
    audit.record("plan_approved", actor, "improvement_plan", plan.id, notified=[u.id for u in told])
    db.session.commit()


def return_plan(plan: ImprovementPlan, actor, reason: str) -> None:
    """Return a submitted or approved plan to the director for changes, saying why."""
    if plan.status == PlanStatus.RETURNED:
        raise ActionError(
            _l("The plan has already been returned for changes; the page now shows it as it is.")
        )
    if plan.status == PlanStatus.DRAFT:
        raise ActionError(_l("The plan is a draft the director is working on: nothing to return."))
    was = plan.status
    plan.status, plan.approved_at, plan.approved_by_id = PlanStatus.RETURNED, None, None
    plan.comments.append(
        PlanComment(author_id=actor.id, kind=CommentKind.REOPENED, body=reason.strip())
    )
    told = directors_of(plan)
    for director in told:
        subject = _l("Your improvement plan is returned for changes")
        _letter("plan_returned", director, subject, plan, actor=actor, reason=reason.strip())
    notified = [u.id for u in told]
    audit.record(
        "plan_returned", actor, "improvement_plan", plan.id, was=str(was), notified=notified
    )
    db.session.commit()


def _letter(template: str, recipient: User, subject, plan: ImprovementPlan, **context) -> None:
    """Queue a letter about the plan, in the recipient's language, with a link to it."""
    queue_email(
        template,
        recipient.email,
        subject,
        template,
        locale=recipient.locale,
        user=recipient,
        plan=plan,
        school=plan.school,
        link=external_url("schools.plan", plan_id=plan.id),
        **context,
    )
