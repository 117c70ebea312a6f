"""Follow-up of a supported record through the API: the owner's six-monthly progress reports
(with their documents) and the department's answer, inspections, and acceptance on the
acceptance council's rating. Who sees what is the models' `can_*`; the rules are
registry.services.followup, the same calls the pages make."""
from flask import abort, g, jsonify, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from registry.api import bp
from registry.api.fields import BodyFields
from registry.api.documents import _send, _uploaded, multipart_form
from registry.api.views import (
    READER_ROLES,
    _full_options,
    application_response,
    json_body,
    load_application,
    requested_version,
    roles,
    takes_upload,
)
from registry.extensions import db
from registry.models import Application, Inspection, ProgressReport
from registry.services import followup
from registry.services.applications import json_value
from registry.services.unit_of_work import commit
from registry.services.versions import given_version

REVIEW_DECISIONS = ("accept", "request_more")


# What a caller sees ----------------------------------------------------------------------------

def report_json(report: ProgressReport) -> dict:
    application_id = report.application_id
    return {
        "number": report.number,
        "due_on": json_value(report.due_on),
        "status": report.status,
        "progress": report.progress,
        "spent_vnd": report.spent_vnd,
        "products": report.products,
        "problems": report.problems,
        "submitted_at": json_value(report.submitted_at),
        "reviewed_at": json_value(report.reviewed_at),
        "review_comment": report.review_comment,
        "version": report.version,
        "documents": [{
            "id": d.id, "name": d.original_name, "content_type": d.content_type,
            "size_bytes": d.size_bytes, "sha256": d.sha256, "uploaded_at": json_value(d.uploaded_at),
            "url": url_for("api.download_progress_document", application_id=application_id,
                           number=report.number, document_id=d.id, _external=True),
        } for d in report.documents],
        "url": url_for("api.get_progress_report", application_id=application_id, number=report.number,
                       _external=True),
    }


def _inspection_json(inspection: Inspection) -> dict:
    return {"id": inspection.id, "inspected_on": json_value(inspection.inspected_on),
            "inspectors": inspection.inspectors, "findings": inspection.findings,
            "conclusion": inspection.conclusion, "recorded_by": inspection.recorded_by.display_name,
            "recorded_at": json_value(inspection.recorded_at)}


# Loading -----------------------------------------------------------------------------------------

def _supported(application_id: int) -> Application:
    """A supported record the caller may see, with its reports; 404 otherwise (before its
    decision a record has no follow-up)."""
    application = load_application(
        application_id, *_full_options(),
        selectinload(Application.progress_reports).selectinload(ProgressReport.documents))
    if application.support_decision is None:
        abort(404)
    return application


def _scheduled(application: Application, number: int) -> None:
    """404 for a number the record's schedule does not have."""
    if number not in {row.number for row in followup.schedule_rows(application)}:
        abort(404)


def _visible_report(application: Application, number: int) -> ProgressReport:
    report = next((r for r in application.progress_reports if r.number == number), None)
    if report is None or not report.can_view(g.api_user):
        abort(404)
    return report


def _report_response(application_id: int, number: int, status: int = 200):
    """The report as it is now (read again after the commit)."""
    report = _visible_report(_supported(application_id), number)
    response = jsonify(report_json(report))
    response.status_code = status
    response.set_etag(str(report.version))
    return response


# Progress reports ------------------------------------------------------------------------------

@bp.get("/applications/<int:application_id>/progress-reports")
@roles(*READER_ROLES)
def list_progress_reports(application_id: int):
    """The reports the record owes, each with the report as the caller may see it."""
    application = _supported(application_id)
    user = g.api_user
    return jsonify({"items": [{
        "number": row.number, "due_on": json_value(row.due_on), "overdue": row.overdue,
        "report": report_json(row.report) if row.report is not None and row.report.can_view(user) else None,
    } for row in followup.schedule_rows(application)]})


@bp.get("/applications/<int:application_id>/progress-reports/<int:number>")
@roles(*READER_ROLES)
def get_progress_report(application_id: int, number: int):
    return _report_response(application_id, number)


@bp.put("/applications/<int:application_id>/progress-reports/<int:number>")
@roles("applicant", "reviewer", "admin")
def save_progress_report(application_id: int, number: int):
    """The owner's report: saved as a draft, or submitted to the department with `submit`."""
    application = _supported(application_id)
    _scheduled(application, number)
    fields = BodyFields(json_body())
    values = {"progress": fields.text("progress"), "spent_vnd": fields.amount("spent_vnd"),
              "products": fields.text("products"), "problems": fields.text("problems"),
              "submit": fields.boolean("submit", default=False)}
    fields.run(lambda: followup.save_progress_report(application, g.api_user, number=number,
                                                     version=fields.body.get("version"), **values))
    commit()
    return _report_response(application_id, number)


@bp.post("/applications/<int:application_id>/progress-reports/<int:number>/documents")
@roles("applicant", "reviewer", "admin")
@takes_upload
def upload_progress_document(application_id: int, number: int):
    """A document of the report (the `file`, with the report's `version`), while the owner
    may still change it."""
    application = _supported(application_id)
    report = _visible_report(application, number)
    version = given_version(multipart_form().get("version"))  # the report's: required
    stream, filename = _uploaded()
    document = followup.add_progress_document(report, g.api_user, stream, filename, version)
    commit()
    response = _report_response(application_id, number, 201)
    response.headers["Location"] = url_for("api.download_progress_document", application_id=application_id,
                                           number=number, document_id=document.id)
    return response


@bp.get("/applications/<int:application_id>/progress-reports/<int:number>/documents/<int:document_id>")
@roles(*READER_ROLES)
def download_progress_document(application_id: int, number: int, document_id: int):
    report = _visible_report(_supported(application_id), number)
    document = next((d for d in report.documents if d.id == document_id), None)
    if document is None or not document.can_download(g.api_user):
        abort(404)
    return _send(document, private=True)


@bp.post("/applications/<int:application_id>/progress-reports/<int:number>/review")
@roles("applicant", "reviewer", "admin")
def review_progress_report(application_id: int, number: int):
    """The department accepts a submitted report or asks for more, saying what."""
    report = _visible_report(_supported(application_id), number)
    fields = BodyFields(json_body())
    decision = fields.code("decision")
    if decision not in REVIEW_DECISIONS:
        fields.fail("decision", _("Choose accept or request_more."))
    comment = fields.text("comment")
    fields.run(lambda: followup.review_progress_report(report, g.api_user, accept=decision == "accept",
                                                       comment=comment, version=fields.body.get("version")))
    commit()
    return _report_response(application_id, number)


# Inspections -------------------------------------------------------------------------------------

@bp.get("/applications/<int:application_id>/inspections")
@roles(*READER_ROLES)
def list_inspections(application_id: int):
    """The department's own record of its inspections, oldest first."""
    application = load_application(application_id, selectinload(Application.inspections)
                                   .joinedload(Inspection.recorded_by))
    if not application.can_read_internal(g.api_user):
        abort(403)
    return jsonify({"items": [_inspection_json(i) for i in application.inspections]})


@bp.post("/applications/<int:application_id>/inspections")
@roles("applicant", "reviewer", "admin")
def record_inspection(application_id: int):
    application = load_application(application_id, *_full_options())
    fields = BodyFields(json_body())
    values = {"inspected_on": fields.date("inspected_on"), "inspectors": fields.text("inspectors"),
              "findings": fields.text("findings"), "conclusion": fields.code("conclusion")}
    inspection = fields.run(lambda: followup.record_inspection(application, g.api_user, **values))
    commit()
    inspection = db.session.get(Inspection, inspection.id, options=[joinedload(Inspection.recorded_by)])
    response = jsonify(_inspection_json(inspection))
    response.status_code = 201
    return response


# Acceptance --------------------------------------------------------------------------------------

@bp.post("/applications/<int:application_id>/acceptance")
@roles("applicant", "reviewer", "admin")
def record_acceptance(application_id: int):
    """The acceptance council's rating with the total disbursed: passed or excellent ends the
    record as completed, failed as terminated. Answers with the application."""
    application = load_application(application_id, *_full_options())
    body = json_body()
    version = requested_version(application, body)
    fields = BodyFields(body)
    values = {"accepted_on": fields.date("accepted_on"), "disbursed_vnd": fields.amount("disbursed_vnd"),
              "reasons": fields.text("reasons")}
    fields.run(lambda: followup.record_acceptance(application, g.api_user, version=version, **values))
    commit()
    return application_response(load_application(application_id, *_full_options()), 201)
