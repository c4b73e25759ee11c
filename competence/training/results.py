"""Attendance, final results and удостоверение numbers, typed in or imported from the institute.

A passed result with the number of an удостоверение о повышении квалификации confirms the
teacher's track module by an institute record (competence.tracks.services.confirm_module). An
import is all or nothing: every row is checked first, and one bad row changes nothing.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from competence import audit
from competence.accounts.models import User
from competence.database import utcnow
from competence.extensions import db
from competence.tabular import Table, TableFormatError, read_table
from competence.tracks.models import Confirmation
from competence.tracks.services import TrackError, confirm_module
from competence.training import notify
from competence.training.models import (
    ApplicationStatus,
    CourseGroup,
    GroupApplication,
    GroupStatus,
    TrainingResult,
)
from competence.training.services import TrainingError

MAX_DOCUMENT_LENGTH = 64
RESULTS = ("", TrainingResult.PASSED, TrainingResult.FAILED)

# The names a column of the institute's file may have (lower case, as the reader gives them).
EMAIL_COLUMNS = ("email", "e-mail", "эл. почта", "электронная почта", "почта")
TEACHER_COLUMNS = ("teacher_id", "id учителя", "учитель")
NUMBER_COLUMNS = ("number", "document", "номер", "номер удостоверения", "удостоверение")
GROUP_COLUMNS = ("group_id", "группа")
MODULE_COLUMNS = ("module", "module_key", "модуль")

OWN_RESULT = _l("Nobody records their own result: another methodist of the institute does.")


def _confirm(application: GroupApplication, actor) -> None:
    """Confirm the track module of a passed application that has its удостоверение number."""
    entry = application.track_module
    if entry is None:
        raise TrainingError(
            _l("The module this application came from is no longer in the teacher's track."), 409
        )
    try:
        confirm_module(
            entry,
            Confirmation.RECORD,
            actor,
            qualification_document=application.qualification_document,
        )
    except TrackError as exc:
        raise TrainingError(exc.message, exc.status) from None


def record_result(
    application: GroupApplication, actor, attended: bool | None, result: str, document: str
) -> None:
    """Record an enrolled teacher's attendance and result; a pass with a number confirms."""
    document = document.strip()
    if application.user_id == actor.id:  # a methodist with a track of their own
        raise TrainingError(OWN_RESULT, 403)
    if application.status != ApplicationStatus.ENROLLED:
        raise TrainingError(_l("Results are recorded for enrolled teachers only."), 409)
    if application.group.status == GroupStatus.CANCELLED:
        raise TrainingError(_l("The group is cancelled: it has no results."), 409)
    if result not in RESULTS:
        raise TrainingError(_l("Unknown result."), 400)
    if result == TrainingResult.PASSED and attended is not True:
        raise TrainingError(_l("A teacher who did not attend cannot pass."), 400)
    if document and result != TrainingResult.PASSED:
        raise TrainingError(
            _l("A qualification document number is written for a passed result only."), 400
        )
    if len(document) > MAX_DOCUMENT_LENGTH:
        raise TrainingError(_l("The qualification document number is too long."), 400)
    # A pass with a number has confirmed the module (its hours count on a certificate): the
    # number may be corrected, the pass is not taken back from this form.
    confirmed = application.result == TrainingResult.PASSED and application.qualification_document
    if confirmed and not (result == TrainingResult.PASSED and document):
        raise TrainingError(
            _l(
                "A pass with a qualification document has confirmed the module; only the "
                "number can be corrected."
            ),
            409,
        )
    changed_result = (result or None) != application.result or (
        document or None
    ) != application.qualification_document
    application.attended = attended
    application.result = result or None
    application.qualification_document = document or None
    if changed_result:
        application.result_recorded_at = utcnow() if result else None
    if result == TrainingResult.PASSED and document:
        _confirm(application, actor)
    audit.record(
        "course_result_recorded",
        actor,
        "group_application",
        application.id,
        attended=attended,
        result=result or None,
        document=document or None,
    )
    if changed_result and result:
        notify.result_recorded(application)
    db.session.commit()


@dataclass(frozen=True)
class ImportRow:
    """One checked row of an import: whose application gets which number."""

    row: int
    application: GroupApplication
    number: str


class ImportErrors(TrainingError):
    """The file has rows that cannot be imported; nothing was changed."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors), 422)
        self.errors = errors


def _column(table: Table, names) -> int | None:
    """Return the index of the first column called by one of `names`, if any."""
    for index, title in enumerate(table.header):
        if title in names:
            return index
    return None


def _teacher(email: str, teacher_id: str) -> User | None:
    """Return the teacher a row names by e-mail or by portal id."""
    if email:
        return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if teacher_id.isdigit():
        return db.session.get(User, int(teacher_id))
    return None


def check_import(group: CourseGroup, table: Table, actor) -> list[ImportRow]:
    """Check every row of the institute's file against the group; raise ImportErrors if any."""
    email_at = _column(table, EMAIL_COLUMNS)
    teacher_at = _column(table, TEACHER_COLUMNS)
    number_at = _column(table, NUMBER_COLUMNS)
    group_at = _column(table, GROUP_COLUMNS)
    module_at = _column(table, MODULE_COLUMNS)
    if number_at is None or (email_at is None and teacher_at is None):
        raise ImportErrors(
            [
                _(
                    "The file needs a column of e-mails (email) or of teacher ids (teacher_id) "
                    "and a column of qualification document numbers (number)."
                )
            ]
        )
    errors, checked, seen = [], [], set()
    for number, cells in table.rows:

        def cell(at, cells=cells):
            return cells[at].strip() if at is not None else ""

        email, teacher_id, document = cell(email_at), cell(teacher_at), cell(number_at)
        who = email or teacher_id
        if group_at is not None and cell(group_at) and cell(group_at) != str(group.id):
            errors.append(_("Row %(row)d: the row is for another group.", row=number))
            continue
        if module_at is not None and cell(module_at) and cell(module_at) != group.module.key:
            errors.append(_("Row %(row)d: the row is for another module.", row=number))
            continue
        if not document:
            errors.append(_("Row %(row)d: no qualification document number.", row=number))
            continue
        if len(document) > MAX_DOCUMENT_LENGTH:
            errors.append(
                _("Row %(row)d: the qualification document number is too long.", row=number)
            )
            continue
        teacher = _teacher(email, teacher_id)
        if teacher is None:
            errors.append(_("Row %(row)d: no teacher %(who)s on the portal.", row=number, who=who))
            continue
        application = db.session.scalar(
            select(GroupApplication).where(
                GroupApplication.group_id == group.id, GroupApplication.user_id == teacher.id
            )
        )
        if application is None or application.status != ApplicationStatus.ENROLLED:
            errors.append(
                _(
                    "Row %(row)d: %(who)s is not enrolled in this group.",
                    row=number,
                    who=teacher.full_name,
                )
            )
            continue
        if teacher.id == actor.id:
            errors.append(_("Row %(row)d: %(message)s", row=number, message=OWN_RESULT))
            continue
        if application.id in seen:
            errors.append(_("Row %(row)d: %(who)s is named twice.", row=number, who=who))
            continue
        seen.add(application.id)
        checked.append(ImportRow(number, application, document))
    if errors:
        raise ImportErrors(errors)
    if not checked:
        raise ImportErrors([_("The file has no rows.")])
    return checked


def import_documents(group: CourseGroup, filename: str, data: bytes, actor) -> int:
    """Import удостоверение numbers for the group's enrolled teachers: all rows or none."""
    if group.status == GroupStatus.CANCELLED:
        raise ImportErrors([str(_l("The group is cancelled: it has no results."))])
    try:
        table = read_table(filename, data)
    except TableFormatError as exc:
        raise ImportErrors([str(exc)]) from None
    rows = check_import(group, table, actor)
    for item in rows:
        application = item.application
        application.attended = True
        application.result = TrainingResult.PASSED
        application.qualification_document = item.number
        application.result_recorded_at = utcnow()
        try:
            _confirm(application, actor)
        except TrainingError as exc:
            db.session.rollback()
            raise ImportErrors(
                [_("Row %(row)d: %(message)s", row=item.row, message=exc.message)]
            ) from None
        notify.result_recorded(application)
    audit.record("course_documents_imported", actor, "course_group", group.id, rows=len(rows))
    db.session.commit()
    return len(rows)
