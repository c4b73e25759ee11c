"""The "group starts tomorrow" letters: one per enrolment, however often the command runs."""

from datetime import timedelta

from sqlalchemy import select

from competence.database import utcnow
from competence.extensions import db
from competence.tracks.services import local_today
from competence.training import notify
from competence.training.enrolment import LIVE_GROUPS
from competence.training.models import ApplicationStatus, CourseGroup, GroupApplication


def send_reminders() -> int:
    """Queue a reminder for each enrolled teacher of a group starting tomorrow; return how many."""
    tomorrow = local_today() + timedelta(days=1)
    applications = db.session.scalars(
        select(GroupApplication)
        .join(CourseGroup, CourseGroup.id == GroupApplication.group_id)
        .where(
            CourseGroup.starts_on == tomorrow,
            CourseGroup.status.in_(LIVE_GROUPS),
            GroupApplication.status == ApplicationStatus.ENROLLED,
            GroupApplication.reminded_at.is_(None),
        )
        .order_by(GroupApplication.id)
    ).all()
    for application in applications:
        notify.starts_tomorrow(application)
        application.reminded_at = utcnow()
    db.session.commit()
    return len(applications)
