"""The workflow of an application (SPEC section 4). HTML views and the API both call these.

Every function takes the acting user, checks the record's `version` first (a stale one is a
Conflict before any other rule), then the permission, then the rules; it flushes and leaves
the commit to the request.
"""
from datetime import date, datetime

from flask_babel import gettext as _

from registry.extensions import db
from registry.models import (
    Application,
    ApplicationEvent,
    ApplicationVersion,
    ReviewNote,
    User,
)
from registry.models.applications import (
    CHECKLIST,
    DECIDED_KINDS,
    DOCUMENT_TYPES,
    DECISIONS,
    IMPLEMENTATION_STATUSES,
    IMPLEMENTATION_TRANSITIONS,
    TRANSITIONS,
    fields_of,
)
from registry.models.base import now_utc, province_today
from registry.services import notifications
from registry.services.errors import Conflict, PermissionDenied, ValidationFailed
from registry.services.text import fold
from registry.services.unit_of_work import flush
from registry.services.validation import check_rules, clean_values, field_label, missing_fields
from registry.services.versions import given_version

PUBLIC_CODE_PREFIX = "HY-CNSH"


# Reading --------------------------------------------------------------------------------

def current_values(application: Application) -> dict:
    """The record's fields by their SPEC names (commune, district and resource as rows)."""
    return {name: getattr(application, name) for name in fields_of(application.kind)}


def json_value(value):
    """A field's value as JSON holds it: ISO dates (timestamps in UTC with "Z"), codes for rows
    of reference tables, lists copied."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "code"):
        return value.code
    if isinstance(value, list):
        return list(value)
    return value


def snapshot(application: Application) -> dict:
    """JSON-ready copy of the fields, as frozen at a submission."""
    return {name: json_value(value) for name, value in current_values(application).items()}


def diff_snapshots(older: dict, newer: dict) -> list[tuple[str, object, object]]:
    """(field, before, after) for each field that changed between two frozen versions."""
    names = list(dict.fromkeys([*older, *newer]))
    return [
        (name, older.get(name), newer.get(name))
        for name in names
        if (older.get(name) or None) != (newer.get(name) or None)
    ]


def missing_for_submission(application: Application) -> list[str]:
    """Labels of the fields that submission still needs."""
    return [field_label(n) for n in missing_fields(application.kind, current_values(application),
                                                   application.organization)]


# Writing --------------------------------------------------------------------------------

def check_version(application: Application, version) -> None:
    """`version` must be the application's current one (`given_version` says what a version
    may look like)."""
    number = given_version(version)
    if number != application.version:
        raise Conflict(
            _(
                "This application was changed by someone else (version %(current)s, you had "
                "version %(given)s). Reload it and try again.",
                current=application.version,
                given=number,
            )
        )


def bump_version(application: Application) -> None:
    application.version += 1


def _apply(application: Application, values: dict) -> None:
    for name, value in values.items():
        setattr(application, name, value)  # district and resource as their rows
    place = application.commune or application.district
    application.former_province = place.former_province if place is not None else None
    _refresh_search_text(application)


def _refresh_search_text(application: Application) -> None:
    parts = [
        application.title, application.summary, application.public_code,
        application.company_name, application.species, application.denomination,
        application.organization.name if application.organization else "",
        application.resource.name_vi if application.resource else "",
        application.resource.name_en if application.resource else "",
    ]
    application.search_text = fold(" ".join(p for p in parts if p))


def _validated(kind: str, application: Application | None, raw: dict) -> dict:
    values, errors = clean_values(kind, raw)
    merged = current_values(application) if application is not None else {}
    merged.update(values)
    for name, messages in check_rules(kind, merged, application.id if application else None).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    return values


def record_event(application, actor, action, from_status, to_status, comment="", implementation=None):
    db.session.add(
        ApplicationEvent(
            application=application, actor=actor, action=action, from_status=from_status,
            to_status=to_status, comment=comment or "", implementation_status=implementation,
        )
    )


def _transition(application: Application, actor: User, action: str, comment: str = "") -> str:
    allowed_from, to_status = TRANSITIONS[action]
    if application.status not in allowed_from:
        raise Conflict(
            _(
                "This action is not possible while the application is %(status)s.",
                status=application.status_label.lower(),
            )
        )
    from_status = application.status
    application.status = to_status
    record_event(application, actor, action, from_status, to_status, comment)
    return from_status


def create_application(actor: User, kind: str, raw: dict) -> Application:
    """A new draft of the actor's organisation."""
    from registry.models.applications import KINDS

    if not actor.is_applicant or actor.organization is None:
        raise PermissionDenied(_("Only applicants of an organisation can create applications."))
    if kind not in KINDS:
        raise ValidationFailed(_("Some fields are not valid."), {"kind": [_("Unknown kind of application.")]})
    values = _validated(kind, None, raw)
    application = Application(
        kind=kind, status="draft", version=1, organization=actor.organization, created_by=actor,
        title="", technologies=[], methods=[], review_checklist={},
    )
    db.session.add(application)
    _apply(application, values)
    record_event(application, actor, "create", None, "draft")
    flush()
    return application


def update_application(application: Application, actor: User, raw: dict, version) -> Application:
    check_version(application, version)
    if not application.can_edit(actor):
        if application.is_owned_by(actor):
            raise Conflict(_("The application can be edited only as a draft or when revision is requested."))
        raise PermissionDenied(_("You may not edit this application."))
    values = _validated(application.kind, application, raw)
    _apply(application, values)
    bump_version(application)
    flush()
    return application


def submit_application(application: Application, actor: User, version) -> Application:
    """`version` None: no condition, act on the current version (SPEC section 6)."""
    if version is not None:
        check_version(application, version)
    if not application.is_owned_by(actor):
        raise PermissionDenied(_("Only the applicant organisation can submit this application."))
    missing = missing_fields(application.kind, current_values(application), application.organization)
    if application.status in TRANSITIONS["submit"][0] and missing:
        raise ValidationFailed(
            _("The application is not complete: %(fields)s.", fields=", ".join(field_label(m) for m in missing)),
            {name: [_("Required before submission.")] for name in missing},
        )
    problems = check_rules(application.kind, current_values(application), application.id)
    if problems:
        raise ValidationFailed(_("Some fields are not valid."), problems)
    missing_documents = application.missing_documents()
    if application.status in TRANSITIONS["submit"][0] and missing_documents:
        names = ", ".join(str(DOCUMENT_TYPES[code]) for code in missing_documents)
        message = _("Attach the required documents first: %(documents)s.", documents=names)
        raise ValidationFailed(message, {"documents": [message]})
    from_status = _transition(application, actor, "submit")
    application.submitted_at = now_utc()
    number = len(application.versions) + 1
    db.session.add(
        ApplicationVersion(
            application=application, number=number, snapshot=snapshot(application), created_by=actor
        )
    )
    bump_version(application)
    notifications.application_submitted(application, resubmitted=from_status == "revision_requested")
    flush()
    return application


def withdraw_application(application: Application, actor: User, version, comment: str = "") -> Application:
    """`version` None: no condition, as for submitting."""
    if version is not None:
        check_version(application, version)
    if not application.is_owned_by(actor):
        raise PermissionDenied(_("Only the applicant organisation can withdraw this application."))
    from_status = _transition(application, actor, "withdraw", comment.strip())
    bump_version(application)
    if from_status != "draft":
        notifications.status_changed(application, comment)
    flush()
    return application


def start_review(application: Application, actor: User, version) -> Application:
    """The eligibility check passed: every item of the checklist is "yes", and the application
    goes on to appraisal."""
    check_version(application, version)
    if not application.can_review(actor):
        raise PermissionDenied(_("You may not review this application."))
    failed = [str(text) for code, text in CHECKLIST.items() if not (application.review_checklist or {}).get(code)]
    if application.status == "submitted" and failed:
        raise ValidationFailed(
            _("Only an application that meets every item of the checklist goes on to appraisal; "
              "otherwise request a revision or reject it, with the reasons. Not met: %(items)s.",
              items="; ".join(failed)), {"checklist": failed})
    _transition(application, actor, "start_review")
    bump_version(application)
    notifications.status_changed(application, "")
    flush()
    return application


def _next_public_code(year: int) -> str:
    prefix = f"{PUBLIC_CODE_PREFIX}-{year}-"
    # The largest number, not the largest text: "-10000" sorts before "-9999" as text.
    last = db.session.scalar(
        db.select(db.func.max(db.cast(db.func.substr(Application.public_code, len(prefix) + 1), db.Integer)))
        .where(Application.public_code.like(prefix + "%"))
    )
    return f"{prefix}{(last or 0) + 1:04d}"


def record_decision(application: Application, actor: User, decision: str, comment: str, version) -> Application:
    """approve | reject | request_revision, by a reviewer or admin of another organisation."""
    check_version(application, version)
    if not application.can_review(actor):
        if actor.is_staff and application.is_of_organisation_of(actor):
            raise PermissionDenied(_("You may not decide on an application of your own organisation."))
        raise PermissionDenied(_("You may not decide on this application."))
    if decision not in DECISIONS:
        raise ValidationFailed(
            _("Some fields are not valid."), {"decision": [_("Choose approve, reject or request_revision.")]}
        )
    comment = (comment or "").strip()
    if decision in ("reject", "request_revision") and not comment:
        raise ValidationFailed(
            _("A comment is required to reject or to request a revision."),
            {"comment": [_("A comment is required to reject or to request a revision.")]},
        )
    if decision == "approve" and application.status in TRANSITIONS["approve"][0]:
        _check_council_recommends(application)
    if decision == "approve":
        # Numbered before the status changes: the lookup must not flush a half-approved row.
        approved_on = province_today()
        public_code = _next_public_code(approved_on.year)
    _transition(application, actor, decision, comment)
    if decision in ("approve", "reject"):
        application.decided_at = now_utc()
        application.decided_by = actor
    if decision == "approve":
        application.approved_on = approved_on
        application.public_code = public_code
        application.implementation_status = "ongoing"
        _refresh_search_text(application)
    bump_version(application)
    notifications.status_changed(application, comment)
    flush()
    return application


def _check_council_recommends(application: Application) -> None:
    """A project, startup or conservation effort is approved on its appraisal council's
    recommendation, recorded once every member has scored."""
    from registry.models.councils import COUNCIL_KINDS

    if application.kind not in COUNCIL_KINDS:
        return
    assignment = application.council_assignment("selection")
    if assignment is None:
        raise Conflict(_("An appraisal council must score this application before it is approved."))
    if not assignment.is_complete:
        raise Conflict(_("The appraisal council has not finished scoring this application."))
    if not assignment.recommended:
        raise Conflict(_("The appraisal council did not recommend this application: it cannot be "
                         "approved (mean %(total)s/100).", total=assignment.mean_total))


def set_implementation_status(application: Application, actor: User, status: str, comment: str, version) -> Application:
    """ongoing -> completed (nghiệm thu) or terminated, for approved records; both are final."""
    check_version(application, version)
    if not application.can_review(actor) or application.status != "approved":
        raise PermissionDenied(_("You may not change the implementation status of this record."))
    if status not in IMPLEMENTATION_STATUSES:
        raise ValidationFailed(_("Some fields are not valid."), {"implementation_status": [_("Unknown value: %(values)s.", values=status)]})
    if status == application.implementation_status:
        raise Conflict(_("The record already has this implementation status."))
    if status not in IMPLEMENTATION_TRANSITIONS[application.implementation_status]:
        raise Conflict(_("A record that is %(status)s cannot change its implementation status.",
                         status=application.implementation_label.lower()))
    if status == "completed" and application.kind in DECIDED_KINDS:
        # A supported project or startup is completed by its acceptance, on the council's rating.
        raise Conflict(_("A project or startup is completed by recording its acceptance, on the "
                         "acceptance council's rating."))
    application.implementation_status = status
    record_event(application, actor, "implementation", application.status, application.status,
                  (comment or "").strip(), implementation=status)
    bump_version(application)
    notifications.status_changed(application, comment)
    flush()
    return application


def save_checklist(application: Application, actor: User, results: dict, version) -> Application:
    check_version(application, version)
    if not application.can_review(actor):
        raise PermissionDenied(_("You may not change the checklist of this application."))
    if application.status != "submitted":
        # Found eligible (in review) or decided: the checklist stands as it was.
        raise Conflict(_("The checklist is filled in while the application waits for its eligibility check."))
    application.review_checklist = {code: bool(results.get(code)) for code in CHECKLIST}
    bump_version(application)
    flush()
    return application


def add_review_note(application: Application, actor: User, body: str) -> ReviewNote:
    """Internal notes do not change the application, so they carry no version."""
    if not application.can_review(actor):
        raise PermissionDenied(_("You may not add notes to this application."))
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_("The note is empty."), {"body": [_("This field is required.")]})
    if len(body) > 5000:
        raise ValidationFailed(_("The note is too long."), {"body": [_("At most %(limit)s characters.", limit=5000)]})
    note = ReviewNote(application=application, author=actor, body=body)
    db.session.add(note)
    flush()
    return note
