"""An application's documents through the API — the list, upload, download and removal — and
the support decision with its signed PDF. Uploads are multipart/form-data, as from a form; the
rules (what may be attached, by whom, when; what a decision needs) are the services'."""
import io
import re
from datetime import date

from flask import abort, g, jsonify, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from registry.api import bp
from registry.api.serializers import document
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
from registry.models import Application, Attachment
from registry.models.applications import REQUIRED_DOCUMENTS
from registry.services import applications as workflow
from registry.services import attachments as attachment_service
from registry.services import support
from registry.services.errors import ValidationFailed
from registry.services.unit_of_work import commit

TRUE = ("true", "1", "yes", "on")
FALSE = ("false", "0", "no", "off", "")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# Reading a multipart form ------------------------------------------------------------------

def multipart_form():
    """The request's form fields; 415 unless it was sent as multipart/form-data."""
    if request.mimetype != "multipart/form-data":
        abort(415)
    return request.form


def form_version(application, form):
    """The version the caller last read: the form's `version` field or the If-Match header."""
    return requested_version(application, {"version": form["version"]} if "version" in form else {})


def _uploaded():
    """The stream and name of the form's `file`; an empty stream without one (the services
    refuse an empty file in their own words, after the version and the permission)."""
    upload = request.files.get("file")
    if upload is None:
        return io.BytesIO(b""), ""
    return upload.stream, upload.filename or ""


class FormFields:
    """Typed values read from the form's text, with a message per field that is not one."""

    def __init__(self, form):
        self.form = form
        self.errors: dict[str, list[str]] = {}

    def text(self, name: str) -> str:
        return self.form.get(name, "")

    def boolean(self, name: str) -> bool:
        value = self.form.get(name, "").strip().lower()
        if value in TRUE:
            return True
        if value not in FALSE:
            self.errors[name] = [_("Must be true or false.")]
        return False

    def date(self, name: str) -> date | None:
        value = self.form.get(name, "").strip()
        if not value:
            return None
        if ISO_DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.errors[name] = [_("Must be a date (YYYY-MM-DD).")]
        return None

    def whole_number(self, name: str) -> int | None:
        value = self.form.get(name, "").strip()
        if not value:
            return None
        if value.isascii() and value.isdigit() and len(value) <= 18:
            return int(value)
        self.errors[name] = [_("Must be a whole number.")]
        return None

    def refuse_if_invalid(self, application, version) -> None:
        """A stale version is a conflict before anything else; then text that is not the
        value its field takes is a 422."""
        if self.errors:
            workflow.check_version(application, version)
            raise ValidationFailed(_("Some fields are not valid."), self.errors)


# Documents -----------------------------------------------------------------------------------

def _document_response(application, attachment, status: int = 200):
    response = jsonify(document(attachment))
    response.status_code = status
    response.set_etag(str(application.version))  # the application's, for its next change
    return response


@bp.get("/applications/<int:application_id>/documents")
@roles(*READER_ROLES)
def list_documents(application_id: int):
    application = load_application(application_id, *_full_options())
    return jsonify({"items": [document(a) for a in application.attachments],
                    "required_documents": list(REQUIRED_DOCUMENTS[application.kind]),
                    "missing_documents": application.missing_documents()})


@bp.post("/applications/<int:application_id>/documents")
@roles("applicant", "reviewer", "admin")
@takes_upload
def upload_document(application_id: int):
    application = load_application(application_id, *_full_options())
    form = multipart_form()
    version = form_version(application, form)
    fields = FormFields(form)
    is_public = fields.boolean("is_public")
    fields.refuse_if_invalid(application, version)
    stream, filename = _uploaded()
    attachment = attachment_service.add_attachment(
        application, g.api_user, stream, filename, is_public, version,
        document_type=form.get("document_type"))
    commit()
    response = _document_response(application, attachment, 201)
    response.headers["Location"] = url_for("api.download_document", application_id=application.id,
                                           document_id=attachment.id)
    return response


def _send(stored, private: bool):
    """A stored file as a download; 404 when its file is gone."""
    path = attachment_service.file_path(stored)
    if not path.is_file():
        abort(404)
    response = send_file(path, as_attachment=True, download_name=stored.original_name,
                         mimetype=stored.content_type, conditional=False, etag=False)
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    return response


@bp.get("/applications/<int:application_id>/documents/<int:document_id>")
def download_document(application_id: int, document_id: int):
    """Whoever may see the application; anyone, without a token, for a public document of a
    public record (`Attachment.can_download`)."""
    attachment = db.session.get(Attachment, document_id, options=[joinedload(Attachment.application)])
    if (attachment is None or attachment.application_id != application_id
            or not attachment.can_download(g.api_user)):
        abort(401 if g.api_user is None else 404)
    return _send(attachment, private=not (attachment.is_public and attachment.application.is_public))


@bp.delete("/applications/<int:application_id>/documents/<int:document_id>")
@roles("applicant", "reviewer", "admin")
def delete_document(application_id: int, document_id: int):
    application = load_application(application_id, *_full_options())
    attachment = next((a for a in application.attachments if a.id == document_id), None)
    if attachment is None:
        abort(404)
    version = requested_version(application, json_body(optional=True))
    attachment_service.remove_attachment(attachment, g.api_user, version)
    commit()
    return application_response(application)


# The support decision ------------------------------------------------------------------------

@bp.post("/applications/<int:application_id>/support-decision")
@roles("applicant", "reviewer", "admin")
@takes_upload
def record_support_decision(application_id: int):
    application = load_application(application_id, *_full_options())
    form = multipart_form()
    version = form_version(application, form)
    fields = FormFields(form)
    values = {
        "number": fields.text("number"),
        "decided_on": fields.date("decided_on"),
        "signer": fields.text("signer"),
        "amount_vnd": fields.whole_number("amount_vnd"),
        "period_start": fields.date("period_start"),
        "period_end": fields.date("period_end"),
        "conditions": fields.text("conditions"),
    }
    fields.refuse_if_invalid(application, version)
    stream, filename = _uploaded()
    support.record_support_decision(application, g.api_user, stream=stream, filename=filename,
                                    version=version, **values)
    commit()
    response = application_response(application, 201)
    response.headers["Location"] = url_for("api.support_decision_file", application_id=application.id)
    return response


@bp.get("/applications/<int:application_id>/support-decision/file")
@roles(*READER_ROLES)
def support_decision_file(application_id: int):
    """The signed PDF: the applicant organisation and the department (`can_download`)."""
    application = load_application(application_id, joinedload(Application.support_decision))
    decision = application.support_decision
    if decision is None or not decision.can_download(g.api_user):
        abort(404)
    return _send(decision, private=True)
