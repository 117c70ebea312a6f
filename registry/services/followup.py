"""Follow-up of a supported record: the owner's progress report every six months (the
department accepts it or asks for more), inspections, reminders before a report is due, and
acceptance (nghiệm thu) on the acceptance council's rating — passed or excellent ends the record
as completed, failed as terminated, with the total disbursed. Pages and the API call these."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from registry.extensions import db
from registry.formatting import money
from registry.models import (
    Acceptance,
    Application,
    Inspection,
    ProgressReminder,
    ProgressReport,
    ProgressReportDocument,
    SupportDecision,
    User,
)
from registry.models.applications import DECIDED_KINDS
from registry.models.base import now_utc, province_today
from registry.models.followup import (FILED_STATUSES, INSPECTION_CONCLUSIONS, due_dates, overdue_reports,
                                      report_schedule)
from registry.services import data_version, notifications
from registry.services.applications import bump_version, check_version, record_event
from registry.services.attachments import store_upload
from registry.services.errors import Conflict, PermissionDenied, ValidationFailed
from registry.services.mail import queue_email, site_url
from registry.services.support import MAX_AMOUNT_VND
from registry.services.unit_of_work import flush
from registry.services.versions import given_version

MAX_TEXT = 10_000
REMINDER_DAYS = (14, 3)


def _text_errors(values: dict[str, str]) -> dict[str, list[str]]:
    return {name: [_("At most %(limit)s characters.", limit=MAX_TEXT)]
            for name, value in values.items() if len(value) > MAX_TEXT}


# Progress reports ------------------------------------------------------------------------------

def _check_report_version(report: ProgressReport | None, version) -> None:
    number = given_version(version) if version not in (None, "", 0, "0") else 0
    if number != (report.version if report is not None else 0):
        raise Conflict(_("This report was changed by someone else meanwhile. Reload it and try again."))


def save_progress_report(application: Application, actor: User, *, number: int, progress: str,
                         spent_vnd: int | None, products: str, problems: str, version,
                         submit: bool) -> ProgressReport:
    """The owner's report for the `number`-th period: saved as a draft, or submitted to the
    department. `version` is the report's (None or 0 for a new one)."""
    report = next((r for r in application.progress_reports if r.number == number), None)
    _check_report_version(report, version)
    if not application.can_file_progress_report(actor):
        raise PermissionDenied(_("Only the owner of a supported record under way files its progress reports."))
    schedule = dict(report_schedule(application))
    if number not in schedule:
        raise ValidationFailed(_("Some fields are not valid."),
                               {"number": [_("No report is scheduled with this number.")]})
    if report is not None and not report.can_edit(actor):
        raise Conflict(_("This report is with the department: it can be changed only if more is asked."))
    values = {"progress": (progress or "").strip(), "products": (products or "").strip(),
              "problems": (problems or "").strip()}
    errors = _text_errors(values)
    if spent_vnd is not None and not 0 <= spent_vnd <= MAX_AMOUNT_VND:
        errors["spent_vnd"] = [_("Give the amount spent in đồng.")]
    if submit and not values["progress"]:
        errors["progress"] = [_("Say how the work stands against the milestones.")]
    if submit and spent_vnd is None:
        errors["spent_vnd"] = [_("Give the amount spent so far (0 when none).")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    if report is None:
        report = ProgressReport(application=application, number=number, due_on=schedule[number], version=1)
        db.session.add(report)
    else:
        report.version += 1
    report.progress, report.products, report.problems = values["progress"], values["products"], values["problems"]
    report.spent_vnd = spent_vnd
    if submit:
        report.status = "submitted"
        report.submitted_at = now_utc()
        record_event(application, actor, "progress_report", application.status, application.status,
                     str(number))
        notifications.progress_report_filed(report)
    flush()
    return report


def add_progress_document(report: ProgressReport, actor: User, stream, filename: str,
                          version) -> ProgressReportDocument:
    _check_report_version(report, version)
    if not report.can_edit(actor):
        raise PermissionDenied(_("You may not add documents to this report."))
    from registry.services.attachments import organization_storage

    with store_upload(stream, filename, organization_storage(report.application.organization_id)) as stored:
        document = ProgressReportDocument(report=report, uploaded_by=actor, **stored.columns)
        db.session.add(document)
        report.version += 1
        flush()
    return document


def review_progress_report(report: ProgressReport, actor: User, *, accept: bool, comment: str,
                           version) -> ProgressReport:
    """The department accepts a submitted report or asks for more (with what is missing)."""
    _check_report_version(report, version)
    if not report.application.can_review(actor):
        raise PermissionDenied(_("You may not review this report."))
    if not report.can_review(actor):
        raise Conflict(_("Only a submitted report is accepted or returned."))
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationFailed(_("Say what more is needed."), {"comment": [_("Say what more is needed.")]})
    if len(comment) > MAX_TEXT:
        raise ValidationFailed(_("Some fields are not valid."),
                               {"comment": [_("At most %(limit)s characters.", limit=MAX_TEXT)]})
    report.status = "accepted" if accept else "more_requested"
    report.reviewed_at, report.reviewed_by, report.review_comment = now_utc(), actor, comment
    report.version += 1
    application = report.application
    record_event(application, actor, "progress_accepted" if accept else "progress_returned",
                 application.status, application.status, comment or str(report.number))
    notifications.progress_report_reviewed(report)
    flush()
    return report


# Inspections -------------------------------------------------------------------------------

def record_inspection(application: Application, actor: User, *, inspected_on: date | None,
                      inspectors: str, findings: str, conclusion: str) -> Inspection:
    if not application.can_record_inspection(actor):
        if application.can_review(actor):  # the department, on a record not (or no longer) supported
            raise Conflict(_("Only a supported record is inspected."))
        raise PermissionDenied(_("You may not record an inspection of this record."))
    inspectors, findings = (inspectors or "").strip(), (findings or "").strip()
    errors: dict[str, list[str]] = {}
    if inspected_on is None:
        errors["inspected_on"] = [_("This field is required.")]
    elif inspected_on > province_today():
        errors["inspected_on"] = [_("This date is in the future.")]
    if not inspectors or len(inspectors) > 500:
        errors["inspectors"] = [_("Name who inspected, at most 500 characters.")]
    if not findings:
        errors["findings"] = [_("Write the findings.")]
    errors.update(_text_errors({"findings": findings}))
    if conclusion not in INSPECTION_CONCLUSIONS:
        errors["conclusion"] = [_("Choose a conclusion.")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    inspection = Inspection(application=application, inspected_on=inspected_on, inspectors=inspectors,
                            findings=findings, conclusion=conclusion, recorded_by=actor)
    db.session.add(inspection)
    record_event(application, actor, "inspection", application.status, application.status,
                 str(INSPECTION_CONCLUSIONS[conclusion]))
    flush()
    return inspection


# Acceptance ----------------------------------------------------------------------------------

def record_acceptance(application: Application, actor: User, *, accepted_on: date | None,
                      disbursed_vnd: int | None, reasons: str, version) -> Acceptance:
    """The acceptance council's rating, recorded by the department with the total disbursed:
    excellent or passed → completed; failed → terminated, with the reasons."""
    check_version(application, version)
    if not application.can_record_acceptance(actor):
        if application.acceptance is not None:
            raise Conflict(_("The acceptance of this record is already recorded."))
        assignment = application.council_assignment("acceptance")
        if application.can_review(actor) and (assignment is None or not assignment.is_complete):
            raise Conflict(_("The acceptance council has not rated this record yet."))
        raise PermissionDenied(_("You may not record the acceptance of this record."))
    assignment = application.council_assignment("acceptance")
    reasons = (reasons or "").strip()
    errors: dict[str, list[str]] = {}
    if accepted_on is None:
        errors["accepted_on"] = [_("This field is required.")]
    elif accepted_on > province_today():
        errors["accepted_on"] = [_("This date is in the future.")]
    elif accepted_on < application.support_decision.decided_on:
        errors["accepted_on"] = [_("Acceptance cannot come before the decision.")]
    granted = application.support_decision.amount_vnd
    if disbursed_vnd is None or not 0 <= disbursed_vnd <= MAX_AMOUNT_VND:
        errors["disbursed_vnd"] = [_("Give the total disbursed in đồng (0 when none).")]
    elif application.kind in DECIDED_KINDS and disbursed_vnd > granted:
        errors["disbursed_vnd"] = [_("More than the support granted (%(amount)s).", amount=money(granted))]
    if assignment.rating == "failed" and not reasons:
        errors["reasons"] = [_("Give the reasons for the failed result.")]
    errors.update(_text_errors({"reasons": reasons}))
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    acceptance = Acceptance(application=application, assignment_id=assignment.id, rating=assignment.rating,
                            accepted_on=accepted_on, disbursed_vnd=disbursed_vnd, reasons=reasons,
                            recorded_by=actor)
    db.session.add(acceptance)
    status = "terminated" if assignment.rating == "failed" else "completed"
    application.implementation_status = status
    record_event(application, actor, "acceptance", application.status, application.status,
                 reasons or acceptance.rating_label, implementation=status)
    bump_version(application)
    notifications.status_changed(application, reasons)
    flush()
    return acceptance


# What staff watch --------------------------------------------------------------------------------

def _supported_under_way():
    return (sa.select(Application)
            .join(SupportDecision, SupportDecision.application_id == Application.id)
            .where(Application.status == "approved", Application.implementation_status == "ongoing")
            .options(selectinload(Application.support_decision), selectinload(Application.progress_reports)))


@dataclass
class Overdue:
    application_id: int
    title: str
    number: int
    due_on: date


def overdue(today: date | None = None) -> list[Overdue]:
    """Every report past due with nothing filed, oldest first: the supported records under way
    read in one query with their reports, once per data version and day."""
    today = today or province_today()

    def find() -> list[Overdue]:
        # Plain rows, not objects: tens of thousands of supported records in a large registry.
        under_way = db.session.execute(
            sa.select(Application.id, Application.title, SupportDecision.decided_on,
                      sa.func.coalesce(SupportDecision.period_end, Application.end_date))
            .join(SupportDecision, SupportDecision.application_id == Application.id)
            .where(Application.status == "approved", Application.implementation_status == "ongoing")
        ).all()
        filed = set(db.session.execute(
            sa.select(ProgressReport.application_id, ProgressReport.number)
            .join(Application, ProgressReport.application_id == Application.id)
            .where(Application.status == "approved", Application.implementation_status == "ongoing",
                   ProgressReport.status.in_(FILED_STATUSES))).all())
        late = [Overdue(application_id, title, number, due)
                for application_id, title, decided_on, end in under_way
                for number, due in due_dates(decided_on, end, today)
                if due < today and (application_id, number) not in filed]
        return sorted(late, key=lambda o: (o.due_on, o.application_id))

    return data_version.cached("overdue-progress", today, find)


def send_progress_reminders(today: date | None = None) -> int:
    """E-mail the owners of reports due in 14 or 3 days with nothing filed yet, once each."""
    today = today or province_today()
    sent = 0
    already = set(db.session.execute(sa.select(
        ProgressReminder.application_id, ProgressReminder.number, ProgressReminder.days_before)).all())
    for application in db.session.scalars(_supported_under_way()):
        filed = {r.number for r in application.progress_reports if r.is_filed}
        for number, due in report_schedule(application, today):
            days = (due - today).days
            if days not in REMINDER_DAYS or number in filed or (application.id, number, days) in already:
                continue
            link = site_url("applicant.detail", application_id=application.id, _anchor="progress")
            with force_locale("vi"):
                subject = _("Reminder: progress report %(number)s of “%(title)s” is due on %(due)s",
                            number=number, title=application.title, due=due.strftime("%d/%m/%Y"))
            for email in notifications.owner_emails(application):
                queue_email(email, subject, "email/progress_reminder.txt", application=application,
                            number=number, due=due, days_left=days, link=link)
            db.session.add(ProgressReminder(application_id=application.id, number=number, days_before=days))
            sent += 1
    flush()
    return sent


@dataclass
class ScheduledReport:
    number: int
    due_on: date
    report: ProgressReport | None
    overdue: bool


def schedule_rows(application: Application, today: date | None = None) -> list[ScheduledReport]:
    """The reports a supported record owes, each with the report as filed and whether it is late."""
    today = today or province_today()
    reports = {r.number: r for r in application.progress_reports}
    late = {n for n, _due in overdue_reports(application, today)}
    return [ScheduledReport(n, due, reports.get(n), n in late) for n, due in report_schedule(application, today)]

