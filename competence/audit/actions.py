"""The register of audit actions: each code, its group and the sentence that tells it in words.

Every code passed to `audit.record` has an entry here (tests/audit/test_actions.py reads the
source to make sure). A sentence names its values as `%(key)s`: `object` is the object of the
event in words (a name, «key» or No. N), `changes` lists the changed fields of a
"before → after" event, any other key is a detail of the event, written readably by
`competence.audit.wording`. A clause per detail key is added only when that detail is there.
Sentences put the object after a noun or a colon, so Russian needs no declension of it.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Action:
    """How one kind of audit event is told."""

    group: str
    label: object  # a short lazy name, for the filter
    sentence: object  # a lazy string with %(key)s placeholders
    clauses: dict = field(default_factory=dict)  # detail key -> lazy string with %(value)s


GROUPS = {
    "accounts": _l("Accounts and sign-in"),
    "personal_data": _l("Access to personal data"),
    "admin": _l("Administration"),
    "certificates": _l("Certificates"),
    "content": _l("Instruments and the module catalogue"),
    "schools": _l("Schools and improvement plans"),
    "training": _l("Course groups"),
    "tutoring": _l("Tutors: plans, evidence, consultations"),
}

_REASON = {"reason": _l("reason: %(value)s")}


def _a(group, label, sentence, clauses=None) -> Action:
    """Make a register entry."""
    return Action(group, label, sentence, clauses or {})


ACTIONS: dict[str, Action] = {
    # Accounts and sign-in.
    "user_registered": _a("accounts", _l("Registration"), _l("Account registered: %(object)s")),
    "login_succeeded": _a("accounts", _l("Sign-in"), _l("Signed in: %(object)s")),
    "login_failed": _a(
        "accounts", _l("Failed sign-in"), _l("Sign-in refused (%(failure)s): %(object)s")
    ),
    "logout": _a("accounts", _l("Sign-out"), _l("Signed out: %(object)s")),
    "password_reset_requested": _a(
        "accounts", _l("Password reset request"), _l("Password reset link sent: %(object)s")
    ),
    "password_reset_completed": _a(
        "accounts", _l("Password reset"), _l("Password set through a reset link: %(object)s")
    ),
    "password_changed": _a("accounts", _l("Password change"), _l("Password changed: %(object)s")),
    "email_changed": _a(
        "accounts", _l("E-mail change"), _l("E-mail address changed from %(old)s to %(new)s")
    ),
    "place_changed": _a(
        "accounts",
        _l("Change of the place of work"),
        _l("Place of work changed in the profile: %(changes)s"),
    ),
    "rate_limited": _a(
        "accounts",
        _l("Too frequent requests"),
        _l("Too frequent requests refused: %(path)s"),
        {"limit": _l("limit %(value)s")},
    ),
    # Second factor: the codes are reserved for the sign-in with a second factor.
    "second_factor_enabled": _a(
        "accounts", _l("Second factor on"), _l("Second factor turned on: %(object)s")
    ),
    "second_factor_disabled": _a(
        "accounts", _l("Second factor off"), _l("Second factor turned off: %(object)s")
    ),
    "second_factor_failed": _a(
        "accounts", _l("Wrong second-factor code"), _l("Wrong second-factor code: %(object)s")
    ),
    "recovery_codes_generated": _a(
        "accounts", _l("New recovery codes"), _l("New recovery codes made: %(object)s")
    ),
    "recovery_code_used": _a(
        "accounts", _l("Recovery code used"), _l("Signed in with a recovery code: %(object)s")
    ),
    # Reading and downloading personal data.
    "certificate_downloaded": _a(
        "personal_data", _l("Certificate download"), _l("Certificate %(object)s downloaded")
    ),
    "plan_exported": _a(
        "personal_data",
        _l("Plan download"),
        _l("Improvement plan %(object)s downloaded as %(format)s"),
    ),
    "evidence_downloaded": _a(
        "personal_data",
        _l("Evidence file download"),
        _l("Evidence file «%(filename)s» downloaded, its owner: %(holder)s"),
    ),
    "audit_exported": _a(
        "personal_data",
        _l("Audit log export"),
        _l("Audit log exported as %(format)s, entries: %(rows)s"),
    ),
    "outbox_letter_read": _a(
        "personal_data",
        _l("Letter read in the outbox"),
        _l("Letter %(object)s read, its recipient: %(recipient)s"),
        {"kind": _l("kind: %(value)s")},
    ),
    # Administration.
    "user_updated": _a(
        "admin",
        _l("Account change by an administrator"),
        _l("Account changed: %(object)s; %(changes)s"),
    ),
    "registry_imported": _a(
        "admin",
        _l("Register of schools import"),
        _l(
            "Register of schools imported from «%(filename)s»: schools added %(schools_created)s, "
            "updated %(schools_updated)s, municipalities added %(municipalities_created)s"
        ),
    ),
    "outbox_bodies_purged": _a(
        "admin",
        _l("Letter texts removed"),
        _l("Texts of delivered letters removed after %(days)s days: %(letters)s letters"),
    ),
    # Certificates.
    "certificate_issued": _a(
        "certificates",
        _l("Certificate issue"),
        _l("Certificate %(object)s issued (%(kind)s), its holder: %(holder)s"),
        {"forced_reason": _l("without completion, reason: %(value)s")},
    ),
    "certificate_superseded": _a(
        "certificates",
        _l("Certificate replacement"),
        _l("Certificate %(object)s replaced by certificate %(by)s"),
    ),
    "certificate_revoked": _a(
        "certificates", _l("Certificate revocation"), _l("Certificate %(object)s revoked"), _REASON
    ),
    "certificate_batch_started": _a(
        "certificates",
        _l("Certificate batch start"),
        _l("Batch issue of certificates started (%(kind)s), holders: %(total)s"),
        {
            "school_id": _l("school: %(value)s"),
            "municipality_id": _l("municipality: %(value)s"),
            "document_id": _l("instrument No. %(value)s"),
        },
    ),
    "certificate_batch_resumed": _a(
        "certificates",
        _l("Certificate batch resumption"),
        _l("Certificate batch %(object)s resumed, certificates left: %(remaining)s"),
    ),
    # Instruments and the module catalogue.
    "content_published": _a(
        "content",
        _l("Publication"),
        _l("Version %(number)s published: %(type)s %(object)s"),
        {"source": _l("source: %(value)s")},
    ),
    "draft_created": _a("content", _l("Draft creation"), _l("Draft created: %(type)s %(object)s")),
    "draft_discarded": _a(
        "content", _l("Draft discarding"), _l("Draft discarded: %(type)s %(object)s")
    ),
    "draft_imported": _a(
        "content",
        _l("Draft import"),
        _l("Draft imported from «%(filename)s»: %(type)s %(object)s"),
    ),
    "item_analysis_computed": _a(
        "content",
        _l("Item analysis"),
        _l(
            "Item analysis of version %(number)s stored, %(attempts)s attempts: %(type)s %(object)s"
        ),
    ),
    "item_analysis_exported": _a(
        "content",
        _l("Item analysis export"),
        _l("Item analysis of version %(number)s exported to XLSX: %(type)s %(object)s"),
    ),
    "standard_round_opened": _a(
        "content",
        _l("Standard-setting round opening"),
        _l("Standard-setting round %(object)s opened: %(instrument)s, %(competence)s"),
        {"panel": _l("panellists: %(value)s")},
    ),
    "standard_ratings_finished": _a(
        "content",
        _l("Standard-setting ratings finished"),
        _l("Ratings of the standard-setting round %(object)s finished"),
        {"items": _l("items: %(value)s")},
    ),
    "standard_cut_adopted": _a(
        "content",
        _l("Cut adoption"),
        _l(
            "Standard-setting round %(object)s closed, cut %(cut)s adopted into the draft: "
            "%(instrument)s, %(competence)s"
        ),
        {"panel": _l("panellists: %(value)s")},
    ),
    "catalog_module_saved": _a("content", _l("Module saving"), _l("Module %(object)s saved")),
    "catalog_module_retired": _a(
        "content",
        _l("Module retirement"),
        _l("Module %(object)s retired or returned to use; retired now: %(retired)s"),
    ),
    "catalog_loaded": _a(
        "content",
        _l("Catalogue loading"),
        _l("Module catalogue loaded: added %(created)s, updated %(updated)s, retired %(retired)s"),
    ),
    "catalog_gap": _a(
        "content",
        _l("Gap in the catalogue"),
        _l("No module in the catalogue for the competence %(object)s, level %(level)s"),
        {"title": _l("«%(value)s»")},
    ),
    # Schools and improvement plans.
    "indicators_imported": _a(
        "schools",
        _l("Indicators import"),
        _l("School indicators imported from «%(filename)s»: rows %(rows)s, years %(years)s"),
        {"replaced_years": _l("years replaced: %(value)s")},
    ),
    "partnership_confirmed": _a(
        "schools",
        _l("Partnership confirmation"),
        _l("Partnership confirmed: %(school)s and %(partner)s"),
        {"number": _l("agreement No. %(value)s")},
    ),
    "partnership_ended": _a(
        "schools", _l("Partnership end"), _l("Partnership %(object)s ended"), _REASON
    ),
    "plan_created": _a(
        "schools", _l("Plan creation"), _l("Improvement plan %(object)s created: %(school)s")
    ),
    "plan_updated": _a("schools", _l("Plan editing"), _l("Improvement plan %(object)s edited")),
    "plan_goal_saved": _a(
        "schools",
        _l("Plan goal saving"),
        _l("Goal No. %(goal)s of the improvement plan %(object)s saved"),
    ),
    "plan_goal_deleted": _a(
        "schools",
        _l("Plan goal deletion"),
        _l("Goal No. %(goal)s of the improvement plan %(object)s deleted"),
    ),
    "plan_measure_saved": _a(
        "schools",
        _l("Plan measure saving"),
        _l("Measure No. %(measure)s of the improvement plan %(object)s saved"),
    ),
    "plan_measure_deleted": _a(
        "schools",
        _l("Plan measure deletion"),
        _l("Measure No. %(measure)s of the improvement plan %(object)s deleted"),
    ),
    "plan_measure_status": _a(
        "schools",
        _l("Plan measure state"),
        _l("Measure No. %(measure)s of the improvement plan %(object)s: %(status)s"),
    ),
    "plan_monitoring": _a(
        "schools",
        _l("Plan monitoring"),
        _l("Monitoring of the improvement plan %(object)s recorded: %(stage)s"),
    ),
    "plan_approved": _a("schools", _l("Plan approval"), _l("Improvement plan %(object)s approved")),
    "plan_submitted": _a(
        "schools",
        _l("Plan submission"),
        _l("Improvement plan %(object)s submitted for approval"),
    ),
    "plan_returned": _a(
        "schools",
        _l("Plan returned"),
        _l("Improvement plan %(object)s returned to the school with a reason"),
    ),
    "plan_reopened": _a(
        "schools",
        _l("Plan reopening"),
        _l("Improvement plan %(object)s returned for changes"),
    ),
    # Staff: moves between schools and declines of mandatory modules.
    "school_move_requested": _a(
        "schools", _l("Request to move"), _l("Request to move to another school: %(object)s")
    ),
    "school_move_withdrawn": _a(
        "schools", _l("Move request withdrawn"), _l("Request to move withdrawn: %(object)s")
    ),
    "school_move_approved": _a(
        "schools", _l("Move approved"), _l("Move to another school approved: %(object)s")
    ),
    "school_move_refused": _a(
        "schools", _l("Move refused"), _l("Move to another school refused: %(object)s")
    ),
    "decline_requested": _a(
        "schools",
        _l("Request to decline a module"),
        _l("Request to decline a mandatory module of a track: %(object)s"),
    ),
    "decline_approved": _a(
        "schools",
        _l("Decline approved"),
        _l("Decline of a mandatory module approved: %(object)s"),
    ),
    "decline_refused": _a(
        "schools",
        _l("Decline refused"),
        _l("Decline of a mandatory module refused: %(object)s"),
    ),
    # Course groups: scheduling, release from work, enrolment, results.
    "course_group_scheduled": _a(
        "training", _l("Course group scheduled"), _l("Course group scheduled: %(object)s")
    ),
    "course_group_updated": _a(
        "training", _l("Course group changed"), _l("Course group changed: %(object)s")
    ),
    "course_application_submitted": _a(
        "training", _l("Application to a course group"), _l("Applied to a course group: %(object)s")
    ),
    "course_release_approved": _a(
        "training",
        _l("Release for a course"),
        _l("Teacher released from work for a course: %(object)s"),
    ),
    "course_release_refused": _a(
        "training",
        _l("Release for a course refused"),
        _l("Release from work for a course refused: %(object)s"),
    ),
    "course_enrolled": _a(
        "training", _l("Enrolment in a course group"), _l("Enrolled in a course group: %(object)s")
    ),
    "course_waiting_listed": _a(
        "training",
        _l("Waiting list of a course group"),
        _l("Put on the waiting list of a course group: %(object)s"),
    ),
    "course_moved_up": _a(
        "training",
        _l("Moved up from the waiting list"),
        _l("Enrolled from the waiting list as a place came free: %(object)s"),
    ),
    "course_application_withdrawn": _a(
        "training",
        _l("Application withdrawn"),
        _l("Application to a course group withdrawn: %(object)s"),
    ),
    "course_result_recorded": _a(
        "training",
        _l("Course result"),
        _l("Attendance and result of a course recorded: %(object)s"),
        {"document": _l("qualification document No. %(value)s")},
    ),
    "course_documents_imported": _a(
        "training",
        _l("Import of qualification documents"),
        _l("Qualification document numbers imported for %(object)s"),
        {"rows": _l("rows: %(value)s")},
    ),
    # Tutors: assignments, the review of plans and evidence, consultations.
    "tutor_assigned": _a(
        "tutoring",
        _l("Tutor assigned"),
        _l("Tutor %(object)s assigned"),
        {
            "holder": _l("to the teacher %(value)s"),
            "municipality": _l("to the teachers of %(value)s"),
        },
    ),
    "tutor_unassigned": _a(
        "tutoring",
        _l("Tutor assignment ended"),
        _l("Assignment of the tutor %(object)s ended"),
        {
            "holder": _l("teacher %(value)s"),
            "municipality": _l("municipality %(value)s"),
        },
    ),
    "track_submitted": _a(
        "tutoring",
        _l("Plan sent for review"),
        _l("Development plan %(object)s sent to the tutor for review"),
    ),
    "track_source_added": _a(
        "tutoring",
        _l("Diagnostic merged into the plan"),
        _l("Another diagnostic merged into development plan %(object)s"),
    ),
    "track_approved": _a(
        "tutoring",
        _l("Plan approved by the tutor"),
        _l("Development plan %(object)s approved by the tutor"),
    ),
    "track_module_added": _a(
        "tutoring",
        _l("Module added by the tutor"),
        _l("Module «%(title)s» added to the development plan %(object)s"),
        {
            "mandatory": _l("mandatory: %(value)s"),
            "after_approval": _l("after approval: %(value)s"),
        },
    ),
    "track_module_removed": _a(
        "tutoring",
        _l("Module removed by the tutor"),
        _l("Module «%(title)s» removed from the development plan %(object)s"),
        {"after_approval": _l("after approval: %(value)s")},
    ),
    "track_module_mandatory_changed": _a(
        "tutoring",
        _l("Module made mandatory or optional"),
        _l("Module «%(title)s» of the development plan %(object)s changed"),
        {
            "mandatory": _l("mandatory: %(value)s"),
            "after_approval": _l("after approval: %(value)s"),
        },
    ),
    "evidence_confirmed": _a(
        "tutoring",
        _l("Evidence confirmed"),
        _l("Evidence of the module %(object)s confirmed by the tutor, teacher: %(holder)s"),
    ),
    "evidence_returned": _a(
        "tutoring",
        _l("Evidence returned"),
        _l("Evidence of the module %(object)s returned by the tutor, teacher: %(holder)s"),
    ),
    "development_goals_saved": _a(
        "tutoring",
        _l("Goals for the school year saved"),
        _l("Professional goals for the school year saved: %(object)s"),
        {"year": _l("school year starting in %(value)s")},
    ),
    "consultation_recorded": _a(
        "tutoring",
        _l("Consultation recorded"),
        _l("Consultation with %(object)s recorded"),
        {"held_on": _l("held on %(value)s")},
    ),
    # Personal data under 152-FZ.
    "personal_data_exported": _a(
        "personal_data",
        _l("Copy of one's personal data"),
        _l("Copy of one's personal data downloaded as %(format)s: %(object)s"),
    ),
    "deletion_requested": _a(
        "personal_data",
        _l("Consent withdrawn"),
        _l("Consent withdrawn and deletion of the account asked for: %(object)s"),
    ),
    "deletion_cancelled": _a(
        "personal_data",
        _l("Deletion request cancelled"),
        _l("Request to delete the account cancelled: %(object)s"),
    ),
    "deletion_refused": _a(
        "personal_data",
        _l("Deletion refused"),
        _l("Request to delete the account refused: %(object)s"),
        {"note": _l("reason: %(value)s")},
    ),
    "deletion_done": _a(
        "personal_data",
        _l("Account deleted"),
        _l("Account deleted and personal data erased: %(object)s"),
    ),
}

# Said of an event whose code is not in the register (e.g. written by an older version).
UNKNOWN = Action("", _l("Other action"), _l("Action «%(code)s»: %(object)s"))


def action_of(code: str) -> Action:
    """Return the register entry of a code, or the fallback for unknown codes."""
    return ACTIONS.get(code, UNKNOWN)


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the actions grouped for a select: (group label, [(code, short label)])."""
    grouped: dict[str, list[tuple[str, str]]] = {group: [] for group in GROUPS}
    for code, action in ACTIONS.items():
        grouped[action.group].append((code, str(action.label)))
    return [
        (str(GROUPS[group]), sorted(items, key=lambda item: item[1]))
        for group, items in grouped.items()
    ]
