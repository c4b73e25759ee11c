"""The letters of course groups: release requests, enrolment, waiting list, reminders, results."""

from flask_babel import lazy_gettext as _l

from competence.outbox.services import external_url, queue_email
from competence.training.models import ApplicationStatus, GroupApplication, TrainingResult


def _to_teacher(kind: str, subject, application: GroupApplication, **context) -> None:
    """Queue a letter about an application to its teacher."""
    teacher = application.user
    queue_email(
        kind,
        teacher.email,
        subject,
        kind,
        locale=teacher.locale,
        user=teacher,
        group=application.group,
        link=external_url("training.index"),
        **context,
    )


def release_requested(application: GroupApplication, directors) -> None:
    """Ask the directors of the teacher's school to release the teacher from work."""
    teacher = application.user
    for director in directors:
        queue_email(
            "training_release_requested",
            director.email,
            _l("A teacher asks to be released from work for a course"),
            "training_release_requested",
            locale=director.locale,
            director=director,
            teacher=teacher,
            group=application.group,
            link=external_url("training.releases"),
        )


def release_decided(application: GroupApplication) -> None:
    """Tell the teacher whether the director released them."""
    released = application.status == ApplicationStatus.RELEASED
    _to_teacher(
        "training_release_decided",
        _l("The director released you for the course")
        if released
        else _l("The director did not release you for the course"),
        application,
        released=released,
        comment=application.release_comment or "",
    )


def enrolled(application: GroupApplication, moved_up: bool = False) -> None:
    """Tell the teacher they are enrolled (straight away or from the waiting list)."""
    if moved_up:
        _to_teacher(
            "training_moved_up",
            _l("A place came free: you are enrolled in the course group"),
            application,
        )
    else:
        _to_teacher("training_enrolled", _l("You are enrolled in the course group"), application)


def waiting(application: GroupApplication, position: int) -> None:
    """Tell the teacher they are on the waiting list, and where."""
    _to_teacher(
        "training_waiting",
        _l("You are on the waiting list of the course group"),
        application,
        position=position,
    )


def starts_tomorrow(application: GroupApplication) -> None:
    """Remind an enrolled teacher that the group starts tomorrow."""
    _to_teacher("training_reminder", _l("Your course group starts tomorrow"), application)


def result_recorded(application: GroupApplication) -> None:
    """Tell the teacher their result (and the удостоверение number, if any)."""
    _to_teacher(
        "training_result",
        _l("Your course result is recorded"),
        application,
        passed=application.result == TrainingResult.PASSED,
        document=application.qualification_document or "",
    )
