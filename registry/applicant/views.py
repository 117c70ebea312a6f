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
    UploadForm,
    WithdrawForm,
    initial_data,
)
from registry.forms import CensusForm, VersionForm
from registry.web import paginate, run_service
from registry.extensions import db
from registry.models import Application, ApplicationEvent, Attachment, visible_applications
from registry.models.applications import (
    DOCUMENT_TYPES,
    IMPLEMENTATION_STATUSES,
    KINDS,
    REQUIRED_DOCUMENTS,
    STATUSES,
)
from registry.services import applications as workflow
from registry.services import attachments as documents
from registry.services import genetics
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
    if outcome.refused:
        # The message names the missing fields; the other rules are named one by one, and
        # all are put right on the edit page.
        required = _("Required before submission.")
        for name, messages in outcome.error.errors.items():
            for message in messages:
                if message != required:
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
