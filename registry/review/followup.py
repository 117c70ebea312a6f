"""The department reads and answers a supported record's progress reports (the record's own page
shows the schedule, the inspections and acceptance). The rules are in `registry.services.followup`."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from registry.extensions import db
from registry.models import Application, ProgressReport
from registry.review import bp
from registry.review.forms import ReportReviewForm
from registry.services import followup
from registry.web import run_service


def _actor():
    return current_user._get_current_object()


def _load(application_id: int) -> Application:
    application = db.session.get(Application, application_id, options=[
        selectinload(Application.support_decision),
        selectinload(Application.progress_reports).selectinload(ProgressReport.documents)])
    if application is None or not application.can_view(current_user) or application.support_decision is None:
        abort(404)
    return application


def _render_report(application: Application, number: int, status: int = 200, form=None):
    report = next((r for r in application.progress_reports if r.number == number), None)
    if report is None or not report.can_view(current_user):
        abort(404)
    form = form or ReportReviewForm(formdata=None, data={"version": report.version})
    return render_template("review/progress_report.html", application=application, report=report,
                           form=form, can_answer=report.can_review(_actor())), status


@bp.get("/<int:application_id>/progress/<int:number>")
def progress_report(application_id: int, number: int):
    return _render_report(_load(application_id), number)


@bp.post("/<int:application_id>/progress/<int:number>")
def review_progress_report(application_id: int, number: int):
    application = _load(application_id)
    report = next((r for r in application.progress_reports if r.number == number), None)
    if report is None or not report.can_view(current_user):
        abort(404)
    form = ReportReviewForm()
    if not form.validate():
        return _render_report(application, number, 422, form=form)
    outcome = run_service(form, lambda: followup.review_progress_report(
        report, _actor(), accept=form.decision.data == "accept", comment=form.comment.data or "",
        version=form.version.data), record=report)
    if outcome.refused:
        return _render_report(_load(application_id), number, outcome.status, form=form)
    flash(_("The report is accepted.") if report.status == "accepted"
          else _("The owner is asked for more."), "success")
    return redirect(url_for(".detail", application_id=application_id, _anchor="progress"))
