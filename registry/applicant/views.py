"""Views of the applicant area: the organisation's applications, their forms and actions."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload, undefer

from registry import presenters
from registry.applicant import bp
from registry.formatting import human_size
from registry.applicant.forms import (
    FORMS,
    KIND_DESCRIPTIONS,
    ProgressDocumentForm,
    ProgressReportForm,
    UploadForm,
    WithdrawForm,
    initial_data,
)
from registry.forms import CensusForm, VersionForm
from registry.web import paginate, run_service
from registry.extensions import db
from registry.models import Application, ApplicationEvent, Attachment, ProgressReport, visible_applications
from registry.models.applications import (
    DOCUMENT_TYPES,
    IMPLEMENTATION_STATUSES,
    KINDS,
    REQUIRED_DOCUMENTS,
    STATUSES,
)
from registry.models.followup import report_schedule
from registry.services import applications as workflow
from registry.services import attachments as documents
from registry.services import followup, genetics
from registry.services.validation import field_label


@bp.before_request
def require_applicant():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if current_user.role != "applicant":
        abort(403)
    return None


# Helpers ----------------------------------------------------------------------------------

def _load(application_id: int, *options) -> Application:
    """The application, if it belongs to the user's organisation; 404 otherwise."""
    application = db.session.get(Application, application_id, options=list(options))
    if application is None or not (
        application.can_view(current_user) and application.is_owned_by(current_user)
    ):
        abort(404)
    return application


def _detail_options():
    return (
        selectinload(Application.district),
        selectinload(Application.resource),
        selectinload(Application.attachments),
        selectinload(Application.events).selectinload(ApplicationEvent.actor),
        selectinload(Application.support_decision),
        selectinload(Application.progress_reports),
        undefer(Application.submissions),
    )


def _render_detail(application: Application, status: int = 200, upload_form=None,
                   withdraw_form=None, census_form=None):
    version = application.version
    census_allowed = application.resource is not None and application.resource.can_record_census(
        current_user, application)
    editable = application.can_edit(current_user)
    upload_form = upload_form or UploadForm(formdata=None, data={"version": version})
    withdraw_form = withdraw_form or WithdrawForm(formdata=None, data={"version": version})
    return render_template(
        "applicant/detail.html",
        application=application,
        rows=presenters.field_rows(application),
        missing=workflow.missing_for_submission(application) if editable else [],
        missing_documents=[DOCUMENT_TYPES[code] for code in application.missing_documents()] if editable else [],
        required_documents=[(code, DOCUMENT_TYPES[code], code not in application.missing_documents())
                            for code in REQUIRED_DOCUMENTS[application.kind]],
        editable=editable,
        can_submit=application.can_submit(current_user),
        can_withdraw=application.can_withdraw(current_user),
        action_form=VersionForm(formdata=None, data={"version": version}),
        upload_form=upload_form,
        withdraw_form=withdraw_form,
        max_upload=human_size(current_app.config["MAX_UPLOAD_BYTES"]),
        statuses=STATUSES,
        implementation_statuses=IMPLEMENTATION_STATUSES,
        census_form=(census_form or CensusForm(formdata=None)) if census_allowed else None,
        progress=followup.schedule_rows(application) if application.is_supported() else [],
    ), status


# The list ---------------------------------------------------------------------------------

@bp.get("/")
def index():
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else None

    mine = visible_applications(current_user)
    if kind:
        mine = mine.where(Application.kind == kind)
    counts = dict(db.session.execute(
        mine.with_only_columns(Application.status, db.func.count(Application.id))
        .group_by(Application.status)
    ).all())
    if status:
        mine = mine.where(Application.status == status)
    pagination = paginate(mine.options(undefer(Application.submissions))
                          .order_by(Application.created_at.desc(), Application.id.desc()))
    return render_template(
        "applicant/index.html",
        pagination=pagination,
        counts=counts,
        total=sum(counts.values()),
        statuses=STATUSES,
        kinds=KINDS,
        status=status,
        kind=kind,
    )


# Creating ---------------------------------------------------------------------------------

@bp.get("/new")
def new():
    return render_template("applicant/new.html", kinds=KINDS, descriptions=KIND_DESCRIPTIONS,
                           required_documents=REQUIRED_DOCUMENTS, document_types=DOCUMENT_TYPES)


@bp.route("/new/<kind>", methods=["GET", "POST"])
def create(kind: str):
    if kind not in FORMS:
        abort(404)
    form = FORMS[kind]()
    form.organization = current_user.organization
    status = 200
    if form.validate_on_submit():
        outcome = run_service(form, lambda: workflow.create_application(current_user, kind,
                                                                         form.values()))
        if not outcome.refused:
            flash(_("The draft was saved. You can complete it and add documents before you "
                    "submit it."), "success")
            return redirect(url_for(".detail", application_id=outcome.result.id))
        status = outcome.status
    elif form.is_submitted():
        status = 422
    return render_template("applicant/form.html", form=form, kind=kind, kind_label=KINDS[kind],
                           application=None), status


# One application --------------------------------------------------------------------------

@bp.get("/<int:application_id>")
def detail(application_id: int):
    application = _load(application_id, *_detail_options())
    return _render_detail(application)


@bp.route("/<int:application_id>/edit", methods=["GET", "POST"])
def edit(application_id: int):
    application = _load(application_id, selectinload(Application.district),
                        selectinload(Application.resource))
    if not application.can_edit(current_user):
        flash(_("This application can be changed only as a draft or when a revision is "
                "requested."), "error")
        return redirect(url_for(".detail", application_id=application.id))
    form_class = FORMS[application.kind]
    form = form_class() if request.method == "POST" else form_class(data=initial_data(application))
    form.organization = application.organization
    status = 200
    if form.validate_on_submit():
        outcome = run_service(form, lambda: workflow.update_application(
            application, current_user, form.values(), form.version.data), record=application)
        if not outcome.refused:
            flash(_("Your changes were saved."), "success")
            return redirect(url_for(".detail", application_id=application.id))
        status = outcome.status
    elif form.is_submitted():
        status = 422
    return render_template("applicant/form.html", form=form, kind=application.kind,
                           kind_label=KINDS[application.kind], application=application,
                           conflict=status == 409), status


def _act(application: Application, form, action, message: str, anchor: str | None = None,
         **forms):
    """One action on the application's page: the service call, then the page again with the
    refusal (422 beside the fields, 409 with the record as it is now) or a redirect with
    `message`. `forms` names the refused form for the page."""
    outcome = run_service(form, action, record=application)
    if outcome.refused:
        return _render_detail(_load(application.id, *_detail_options()), outcome.status, **forms)
    flash(message, "success")
    return redirect(url_for(".detail", application_id=application.id, _anchor=anchor))


@bp.post("/<int:application_id>/submit")
def submit(application_id: int):
    application = _load(application_id, *_detail_options())
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = run_service(form, lambda: workflow.submit_application(
        application, current_user, form.version.data), record=application)
    if outcome.status == 409 or (outcome.refused and "version" in outcome.error.errors):
        return _render_detail(_load(application_id, *_detail_options()), outcome.status)
    if outcome.refused and set(outcome.error.errors) == {"documents"}:
        # Only documents are missing (the message names them): they are added on this page.
        return redirect(url_for(".detail", application_id=application.id, _anchor="documents"))
    if outcome.refused:
        # The message names the missing fields; the other rules are named one by one, and
        # all are put right on the edit page.
        required = _("Required before submission.")
        for name, messages in outcome.error.errors.items():
            for message in messages:
                if message != required and name != "documents":
                    flash(_("%(field)s: %(message)s", field=field_label(name), message=message),
                          "error")
        return redirect(url_for(".edit", application_id=application.id))
    flash(_("The application was submitted. The Department will screen it and you will be "
            "told of every change by e-mail."), "success")
    return redirect(url_for(".detail", application_id=application.id))


@bp.post("/<int:application_id>/withdraw")
def withdraw(application_id: int):
    application = _load(application_id, *_detail_options())
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _render_detail(application, 422, withdraw_form=form)
    return _act(application, form,
                lambda: workflow.withdraw_application(application, current_user,
                                                      form.version.data, form.reason.data or ""),
                _("The application was withdrawn."), withdraw_form=form)


# Documents --------------------------------------------------------------------------------

@bp.post("/<int:application_id>/attachments")
def upload(application_id: int):
    application = _load(application_id, *_detail_options())
    form = UploadForm()
    if not form.validate_on_submit():
        return _render_detail(application, 422, upload_form=form)
    file = form.file.data
    outcome = run_service(form, lambda: documents.add_attachment(
        application, current_user, file.stream, file.filename or "", form.public.data,
        form.version.data, document_type=form.document_type.data), record=application)
    if outcome.refused:
        return _render_detail(_load(application_id, *_detail_options()), outcome.status,
                              upload_form=form)
    flash(_("The document “%(name)s” was added.", name=outcome.result.original_name), "success")
    return redirect(url_for(".detail", application_id=application.id, _anchor="documents"))


@bp.post("/<int:application_id>/attachments/<int:attachment_id>/delete")
def remove_attachment(application_id: int, attachment_id: int):
    application = _load(application_id, *_detail_options())
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.application_id != application.id:
        abort(404)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    name = attachment.original_name
    return _act(application, form,
                lambda: documents.remove_attachment(attachment, current_user, form.version.data),
                _("The document “%(name)s” was removed.", name=name), "documents")


# Population census of an approved conservation record ---------------------------------------

@bp.post("/<int:application_id>/census")
def add_census(application_id: int):
    application = _load(application_id, *_detail_options())
    if application.resource is None:
        abort(404)
    form = CensusForm()
    if not form.validate_on_submit():
        return _render_detail(application, 422, census_form=form)
    return _act(application, form, lambda: genetics.add_census(
        application.resource, current_user, counted_on=form.counted_on.data,
        locality=form.locality.data or "", breeding_females=form.breeding_females.data,
        breeding_males=form.breeding_males.data, individuals=form.individuals.data,
        note=form.note.data or "", application=application),
        _("The census was recorded."), "census", census_form=form)


# Follow-up of a supported record: the six-monthly progress reports --------------------------

def _load_supported(application_id: int) -> Application:
    application = _load(application_id, selectinload(Application.support_decision),
                        selectinload(Application.progress_reports).selectinload(ProgressReport.documents))
    if application.support_decision is None:
        abort(404)
    return application


def _render_progress(application: Application, number: int, status: int = 200, form=None,
                     document_form=None):
    schedule = dict(report_schedule(application))
    if number not in schedule:
        abort(404)
    report = next((r for r in application.progress_reports if r.number == number), None)
    editable = application.can_file_progress_report(current_user) and (report is None or report.can_edit(current_user))
    if form is None:
        form = ProgressReportForm(formdata=None, data={
            "version": report.version if report else 0,
            "progress": report.progress if report else "", "spent_vnd": report.spent_vnd if report else None,
            "products": report.products if report else "", "problems": report.problems if report else ""})
    document_form = document_form or ProgressDocumentForm(formdata=None, data={"version": report.version if report else 0})
    return render_template("applicant/progress_report.html", application=application, number=number,
                           due_on=schedule[number], report=report, editable=editable, form=form,
                           document_form=document_form), status


@bp.get("/<int:application_id>/progress/<int:number>")
def progress_report(application_id: int, number: int):
    return _render_progress(_load_supported(application_id), number)


@bp.post("/<int:application_id>/progress/<int:number>")
def save_progress_report(application_id: int, number: int):
    application = _load_supported(application_id)
    form = ProgressReportForm()
    if not form.validate():
        return _render_progress(application, number, 422, form=form)
    submit = request.form.get("action") == "submit"
    outcome = run_service(form, lambda: followup.save_progress_report(
        application, current_user, number=number, progress=form.progress.data or "",
        spent_vnd=form.spent_vnd.data, products=form.products.data or "",
        problems=form.problems.data or "", version=form.version.data, submit=submit))
    if outcome.refused:
        reloaded = _load_supported(application_id)
        report = next((r for r in reloaded.progress_reports if r.number == number), None)
        form.version.data = report.version if report else 0
        return _render_progress(reloaded, number, outcome.status, form=form)
    flash(_("The report is submitted to the department.") if submit
          else _("The report is saved. Submit it when it is complete."), "success")
    return redirect(url_for(".progress_report", application_id=application_id, number=number))


@bp.post("/<int:application_id>/progress/<int:number>/documents")
def add_progress_document(application_id: int, number: int):
    application = _load_supported(application_id)
    report = next((r for r in application.progress_reports if r.number == number), None)
    if report is None:
        abort(404)  # a report is saved before documents are added to it
    form = ProgressDocumentForm()
    if not form.validate():
        return _render_progress(application, number, 422, document_form=form)
    file = form.file.data
    outcome = run_service(form, lambda: followup.add_progress_document(
        report, current_user, file.stream, file.filename or "", form.version.data), record=report)
    if outcome.refused:
        return _render_progress(_load_supported(application_id), number, outcome.status, document_form=form)
    flash(_("The document “%(name)s” was added.", name=outcome.result.original_name), "success")
    return redirect(url_for(".progress_report", application_id=application_id, number=number))
