"""The department's side of the yearly reporting cycle: which agencies have reported on their
plan tasks (overdue ones flagged), one report with its history, returning a report for
correction, and the consolidated annual report as a page, XLSX and PDF. Staff only, through
the review blueprint's `require_staff`; the rules are in `registry.services.plan_reports`."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from registry.extensions import db
from registry.forms import commune_choices
from registry.models import (Agency, AgencyReport, AgencyReportEvent, AnnualReportDraft, Commune, IssuedReport,
                             ReportInvitation, User)
from registry.models.annual_reports import DEFAULT_RECIPIENTS, SECTIONS, TASK_GROUPS
from registry.models.base import current_language, province_today
from registry.models.reference import PROVINCE_MERGED_ON
from registry.review import bp
from registry.review.documents import file_response, send_document
from registry.review.forms import AnnualReportDraftForm, InviteCommitteesForm, IssueReportForm, ReopenForm
from registry.services import (annual_documents, annual_report, generated_files, plan_reports,
                               report_files)
from registry.web import run_service, year_arg

REPORT_FILE_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@bp.get("/plan-tasks")
def plan_tasks():
    year = year_arg(plan_reports.report_years(), province_today().year)
    overview = plan_reports.year_overview(year)
    only_overdue = request.args.get("show") == "overdue"
    return render_template(
        "review/plan_tasks.html", overview=overview, year=year,
        years=plan_reports.report_years(), only_overdue=only_overdue,
        consolidation=plan_reports.consolidation_date(year),
    )


@bp.route("/plan-tasks/invitations", methods=["GET", "POST"])
def report_invitations():
    """The commune and ward committees invited to report for a year: the plan's duties of the
    district committees are theirs since 01/07/2025."""
    year = year_arg(plan_reports.report_years(), province_today().year)
    if request.method == "POST" and request.args.get("year", str(year)) != str(year):
        abort(404)  # never invite for another year than the one asked
    form = InviteCommitteesForm()
    form.communes.choices = commune_choices(None)[1:]
    status = 200
    if form.validate_on_submit():
        communes = list(db.session.scalars(db.select(Commune).where(Commune.code.in_(form.communes.data))))
        outcome = run_service(form, lambda: plan_reports.invite_committees(
            current_user._get_current_object(), year, communes))
        if not outcome.refused:
            flash(_("%(n)s committees invited to report for %(year)s.", n=len(outcome.result), year=year),
                  "success")
            return redirect(url_for(".report_invitations", year=year))
        status = outcome.status
    elif form.errors:
        status = 422
    invitations = list(db.session.scalars(
        db.select(ReportInvitation).where(ReportInvitation.year == year)
        .options(joinedload(ReportInvitation.agency).joinedload(Agency.commune),
                 joinedload(ReportInvitation.invited_by))
        .order_by(ReportInvitation.invited_at.desc(), ReportInvitation.id.desc())))
    accounts = dict(db.session.execute(
        db.select(User.agency_id, db.func.count(User.id)).where(
            User.agency_id.in_([i.agency_id for i in invitations]), User.role == "agency")
        .group_by(User.agency_id)).all())
    return render_template("review/report_invitations.html", year=year, form=form,
                           years=plan_reports.report_years(), invitations=invitations,
                           accounts=accounts, due=plan_reports.due_date(year),
                           merged_on=PROVINCE_MERGED_ON), status


def _load_report(report_id: int) -> AgencyReport:
    report = db.session.scalar(
        db.select(AgencyReport).where(AgencyReport.id == report_id)
        .options(joinedload(AgencyReport.task), joinedload(AgencyReport.agency),
                 selectinload(AgencyReport.attachments),
                 selectinload(AgencyReport.events).joinedload(AgencyReportEvent.actor)))
    if report is None:
        abort(404)
    return report


def _render_report(report: AgencyReport, form: ReopenForm | None = None, status: int = 200):
    form = form or ReopenForm(formdata=None, data={"version": report.version})
    return render_template("review/agency_report.html", report=report, form=form,
                           due=plan_reports.due_date(report.year),
                           state=plan_reports.state_of(report), states=plan_reports.STATES,
                           overdue=plan_reports.is_overdue(report, report.year)), status


@bp.get("/agency-reports/<int:report_id>")
def agency_report(report_id: int):
    return _render_report(_load_report(report_id))


@bp.post("/agency-reports/<int:report_id>/reopen")
def reopen_report(report_id: int):
    report = _load_report(report_id)
    form = ReopenForm()
    if not form.validate_on_submit():
        return _render_report(report, form, 422)
    refused = run_service(form, lambda: plan_reports.reopen_report(
        report, current_user._get_current_object(), form.reason.data, form.version.data)).status
    if refused:
        return _render_report(_load_report(report_id), form, refused)
    flash(_("The report has been returned to %(agency)s for correction; its reporters were told by e-mail.",
            agency=report.agency.name), "success")
    return redirect(url_for(".agency_report", report_id=report.id))


# The annual report ------------------------------------------------------------------------------

def _report_year(year: int | None = None) -> int:
    """The year asked for; an unknown one is not found (never silently another year)."""
    if year is None:
        year = request.args.get("year", default=province_today().year, type=int)
    if year not in plan_reports.report_years():
        abort(404)
    return year


def _annual_report(year: int):
    return annual_report.figures(year)


@bp.get("/annual-report")
def annual_report_page():
    year = _report_year()
    return render_template("review/annual_report.html", report=_annual_report(year),
                           years=plan_reports.report_years(), issues=annual_documents.issues_of(year),
                           deadline=annual_documents.deadline(year),
                           draft=annual_documents.draft_of(year),
                           can_issue=AnnualReportDraft.can_issue(current_user))


@bp.get("/annual-report/<int:year>.<any(xlsx, pdf):file_type>")
def annual_report_file(year: int, file_type: str):
    """Built once per data version, language and day, then the same bytes until the data
    changes; the browser may keep it, and asks again (304) before showing it."""
    year = _report_year(year)
    render = report_files.xlsx_bytes if file_type == "xlsx" else report_files.pdf_bytes
    filename = f"bao-cao-ke-hoach-cnsh-hung-yen-{year}.{file_type}"
    return generated_files.download(
        f"annual-report-{year}-{current_language()}-{province_today().isoformat()}.{file_type}",
        REPORT_FILE_TYPES[file_type],
        build=lambda out: out.write(render(_annual_report(year))),
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "private, no-cache"})


# The annual report as the department's document: draft, issue, issued files ----------------------

def _draft_form(draft) -> AnnualReportDraftForm:
    """The draft as saved (or the defaults before the first save), to show."""
    data = {"version": draft.version if draft else 0, "recipients": DEFAULT_RECIPIENTS}
    if draft is not None:
        data.update(recipients=draft.recipients, signing_authority=draft.signing_authority,
                    signer_name=draft.signer_name,
                    **{f"section_{code}": draft.text(code) for code in SECTIONS})
    return AnnualReportDraftForm(formdata=None, data=data)


def _render_draft(year: int, form: AnnualReportDraftForm, draft, status: int = 200):
    return render_template(
        "review/annual_report_draft.html", year=year, form=form, draft=draft,
        sections=SECTIONS, task_groups=TASK_GROUPS, narratives=annual_documents.agency_narratives(year),
        report=_annual_report(year), deadline=annual_documents.deadline(year),
        can_issue=AnnualReportDraft.can_issue(current_user)), status


@bp.route("/annual-report/<int:year>/draft", methods=["GET", "POST"])
def annual_report_draft(year: int):
    year = _report_year(year)
    if not AnnualReportDraft.can_edit(current_user):
        abort(403)
    draft = annual_documents.draft_of(year)
    if request.method == "GET":
        return _render_draft(year, _draft_form(draft), draft)
    form = AnnualReportDraftForm()
    if not form.validate_on_submit():
        return _render_draft(year, form, draft, 422)
    outcome = run_service(form, lambda: annual_documents.save_draft(
        current_user._get_current_object(), year, sections=form.section_texts(),
        recipients=form.recipients.data or "", signing_authority=form.signing_authority.data,
        signer_name=form.signer_name.data or "", version=form.version.data), record=draft)
    if outcome.refused:
        # The text typed stays in the form; the page shows what is saved now beside it.
        saved = annual_documents.draft_of(year)
        if outcome.status == 409 and saved is not None:
            form.version.data = saved.version
        return _render_draft(year, form, saved, outcome.status)
    flash(_("The draft of the %(year)s report has been saved.", year=year), "success")
    return redirect(url_for(".annual_report_draft", year=year))


@bp.get("/annual-report/<int:year>/draft.<any(pdf, docx):file_type>")
def annual_report_draft_file(year: int, file_type: str):
    """The draft as it would be issued now, marked DỰ THẢO, with blanks for number and date."""
    year = _report_year(year)
    draft = annual_documents.draft_of(year)
    if draft is None:
        abort(404)
    return send_document(annual_documents.build_document(year, draft), file_type, f"du-thao-bao-cao-cnsh-{year}")


@bp.route("/annual-report/<int:year>/issue", methods=["GET", "POST"])
def issue_annual_report(year: int):
    year = _report_year(year)
    if not AnnualReportDraft.can_issue(current_user):
        abort(403)
    draft = annual_documents.draft_of(year)
    replaces = annual_documents.current_issue(year)
    if request.method == "GET":
        form = IssueReportForm(formdata=None, data={"version": draft.version if draft else 0})
    else:
        form = IssueReportForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            outcome = run_service(form, lambda: annual_documents.issue_report(
                current_user._get_current_object(), year, number=form.number.data,
                issued_on=form.issued_on.data, version=form.version.data,
                correction_note=form.correction_note.data or ""), record=draft)
            if not outcome.refused:
                issued = outcome.result
                flash(_("Report No. %(number)s has been issued; its PDF and DOCX are stored.",
                        number=issued.number_label), "success")
                return redirect(url_for(".annual_report_page", year=year, _anchor="issued"))
            status = outcome.status
            draft = annual_documents.draft_of(year)
            replaces = annual_documents.current_issue(year)
    draft_form = AnnualReportDraftForm(formdata=None)
    return render_template("review/annual_report_issue.html", year=year, form=form, draft=draft,
                           replaces=replaces, sections=SECTIONS,
                           form_labels={name: draft_form[name].label.text for name in ("recipients", "signer_name")},
                           deadline=annual_documents.deadline(year)), status


@bp.get("/annual-report/issued/<int:issue_id>.<any(pdf, docx):file_type>")
def issued_report_file(issue_id: int, file_type: str):
    """The bytes stored when the report was issued: the same on every download."""
    issued = db.session.get(IssuedReport, issue_id)
    if issued is None or not issued.can_download(current_user):
        abort(404)
    data, digest = (issued.pdf, issued.pdf_sha256) if file_type == "pdf" else (issued.docx, issued.docx_sha256)
    return file_response(data, file_type, f"bao-cao-{issued.number:02d}-bc-skhcn-{issued.issued_year}",
                         etag=digest)
