"""The agency area: the plan tasks an agency leads or coordinates, and its yearly report on
each task it leads (due 10 November). Every route is for agency reporters (the blueprint's
`before_request`); the rules are in `registry.services.plan_reports`."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from registry.agency import bp
from registry.agency.forms import ReportForm, ReportUploadForm, report_form_for
from registry.extensions import db, login_manager
from registry.forms import VersionForm
from registry.models import AgencyReport, AgencyReportAttachment, PlanTask
from registry.models.base import province_today
from registry.models.reference import PROVINCE_MERGED_ON
from registry.services import plan_reports
from registry.web import run_service, year_arg


@bp.before_request
def require_agency_reporter():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role != "agency":
        abort(403)
    if current_user.agency is None:
        return render_template("agency/no_agency.html"), 403
    return None


def _actor():
    return current_user._get_current_object()


@bp.get("/")
def index():
    agency = current_user.reporting_agency
    year = year_arg(plan_reports.report_years(), province_today().year)
    reports = plan_reports.reports_of_agency(year, agency)
    rows = [(task, role, reports.get(task.id)) for task, role in plan_reports.tasks_of_agency(agency, year)]
    today = province_today()
    due = plan_reports.due_date(year)
    return render_template(
        "agency/index.html", agency=agency, rows=rows, year=year,
        years=plan_reports.report_years(), due=due, days_left=(due - today).days,
        state_of=plan_reports.state_of, states=plan_reports.STATES,
        is_overdue=lambda report: plan_reports.is_overdue(report, year, today),
        merged_on=PROVINCE_MERGED_ON,
    )


# One task's report ----------------------------------------------------------------------------

def _task_of_my_agency(task_code: str, year: int) -> PlanTask:
    """The task, if the reader's agency leads or coordinates it; 404 otherwise."""
    for task, _role in plan_reports.tasks_of_agency(current_user.reporting_agency, year):
        if task.code == task_code:
            return task
    abort(404)


def _my_report(task: PlanTask, year: int) -> AgencyReport | None:
    """The agency's report, or the one a department whose duties it carries filed."""
    return plan_reports.find_report(task, current_user.reporting_agency, year)


def _render_report(task: PlanTask, year: int, status: int = 200, form=None, upload_form=None):
    report = _my_report(task, year)
    lead = plan_reports.leads_in_year(task, current_user.reporting_agency, year)
    editable = lead and (report is None or not report.is_submitted)
    # The lead agencies' submitted reports, so coordinating agencies see where the task stands.
    others = [r for r in db.session.scalars(
        db.select(AgencyReport)
        .where(AgencyReport.task_id == task.id, AgencyReport.year == year,
               AgencyReport.id != (report.id if report else 0),
               AgencyReport.submitted_at.is_not(None))
        .options(selectinload(AgencyReport.agency), selectinload(AgencyReport.attachments)))]
    return render_template(
        "agency/report.html", task=task, year=year, report=report, lead=lead,
        editable=editable, others=others,
        form=form or (report_form_for(report) if editable else None),
        upload_form=upload_form or ReportUploadForm(formdata=None),
        version_form=VersionForm(formdata=None, data={"version": report.version if report else ""}),
        due=plan_reports.due_date(year),
        overdue=lead and plan_reports.is_overdue(report, year),
    ), status


@bp.get("/tasks/<task_code>/<int:year>")
def report(task_code: str, year: int):
    task = _task_of_my_agency(task_code, year)
    if year not in plan_reports.report_years():
        abort(404)
    return _render_report(task, year)


@bp.post("/tasks/<task_code>/<int:year>")
def save(task_code: str, year: int):
    """Save the draft; with the "submit" button, save and submit it in one go."""
    task = _task_of_my_agency(task_code, year)
    if year not in plan_reports.report_years():
        abort(404)
    if not task.can_file_report(current_user):
        abort(403)
    form = ReportForm()
    submitting = request.form.get("action") == "submit"
    if not form.validate_on_submit():
        return _render_report(task, year, 422, form=form)

    def save_and_maybe_submit():
        saved = plan_reports.save_report(
            task, _actor(), year, status=form.status.data, narrative=form.narrative.data,
            figures=form.figure_rows(), version=form.version.data)
        if submitting:
            plan_reports.submit_report(saved, _actor(), saved.version)

    refused = run_service(form, save_and_maybe_submit).status
    if refused:
        return _render_report(task, year, refused, form=form)
    if submitting:
        flash(_("The report on task %(code)s for %(year)s has been submitted to the Department.",
                code=task.code, year=year), "success")
    else:
        flash(_("The draft has been saved. It is not yet submitted."), "success")
    return redirect(url_for(".report", task_code=task.code, year=year))


@bp.post("/tasks/<task_code>/<int:year>/attachments")
def upload(task_code: str, year: int):
    task = _task_of_my_agency(task_code, year)
    if year not in plan_reports.report_years():
        abort(404)
    report = _my_report(task, year)
    if report is None:
        flash(_("Save the draft before adding documents."), "error")
        return redirect(url_for(".report", task_code=task.code, year=year))
    form = ReportUploadForm()
    if not form.validate_on_submit():
        return _render_report(task, year, 422, upload_form=form)
    file = form.file.data
    outcome = run_service(form, lambda: plan_reports.add_report_attachment(
        report, _actor(), file.stream, file.filename or "", form.version.data), record=report)
    if outcome.refused:
        return _render_report(task, year, outcome.status, upload_form=form)
    flash(_("The document “%(name)s” was added.", name=outcome.result.original_name), "success")
    return redirect(url_for(".report", task_code=task.code, year=year, _anchor="documents"))


@bp.post("/attachments/<int:attachment_id>/remove")
def remove_attachment(attachment_id: int):
    attachment = db.get_or_404(AgencyReportAttachment, attachment_id)
    report = attachment.report
    if not report.is_filed_by(current_user):
        abort(404)
    form = VersionForm()
    if form.validate_on_submit():
        refused = run_service(form, lambda: plan_reports.remove_report_attachment(
            attachment, _actor(), form.version.data)).status
        if not refused:
            flash(_("The document was removed."), "success")
    return redirect(url_for(".report", task_code=report.task.code, year=report.year,
                            _anchor="documents"))
