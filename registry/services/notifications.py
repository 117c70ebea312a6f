"""Who is told what by e-mail when an application moves."""
from flask_babel import gettext as _
from flask_babel import force_locale

from registry.extensions import db
from registry.models import Application, User
from registry.services.mail import queue_email, site_url, staff_recipients


def owner_emails(application: Application) -> list[str]:
    emails = db.session.scalars(
        db.select(User.email).where(
            User.organization_id == application.organization_id,
            User.role == "applicant",
            User.is_active_account.is_(True),
        )
    ).all()
    return list(emails)


def status_changed(application: Application, comment: str) -> None:
    link = site_url("applicant.detail", application_id=application.id)
    with force_locale("vi"):
        subject = _("Application #%(id)s: %(status)s", id=application.id, status=application.status_label)
    for recipient in owner_emails(application):
        queue_email(recipient, subject, "email/status_changed.txt",
                    application=application, comment=comment, link=link)


def application_submitted(application: Application, resubmitted: bool) -> None:
    link = site_url("review.detail", application_id=application.id)
    with force_locale("vi"):
        subject = _("New application to screen: #%(id)s", id=application.id)
    for recipient in staff_recipients():
        queue_email(recipient, subject, "email/submitted.txt",
                    application=application, resubmitted=resubmitted, link=link)


def progress_report_filed(report) -> None:
    application = report.application
    link = site_url("review.detail", application_id=application.id, _anchor="progress")
    with force_locale("vi"):
        subject = _("Progress report %(number)s filed: #%(id)s", number=report.number, id=application.id)
    for recipient in staff_recipients():
        queue_email(recipient, subject, "email/progress_filed.txt", report=report,
                    application=application, link=link)


def progress_report_reviewed(report) -> None:
    application = report.application
    link = site_url("applicant.detail", application_id=application.id, _anchor="progress")
    with force_locale("vi"):
        subject = _("Progress report %(number)s: %(status)s", number=report.number, status=report.status_label)
    for recipient in owner_emails(application):
        queue_email(recipient, subject, "email/progress_reviewed.txt", report=report,
                    application=application, link=link)
