"""Documents, served only to those who may see them, always as downloads. 404, not 403, when
they may not: whether a private document exists is itself private."""
from flask import abort, send_file
from flask_login import current_user
from sqlalchemy.orm import joinedload

from registry.extensions import db
from registry.models import AgencyReportAttachment, Attachment, ProgressReportDocument, SupportDecision
from registry.public import bp
from registry.services import attachments as attachment_service


def _send(document, private: bool = True):
    """A stored document (any model with the `StoredFile` columns and `can_download`) to the
    reader, if they may have it."""
    if not document.can_download(current_user):
        abort(404)
    path = attachment_service.file_path(document)
    if not path.is_file():
        abort(404)
    response = send_file(path, as_attachment=True, download_name=document.original_name,
                         mimetype=document.content_type)
    if private:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/files/<int:attachment_id>")
def download(attachment_id: int):
    attachment = db.get_or_404(
        Attachment, attachment_id, options=[joinedload(Attachment.application)]
    )
    return _send(attachment, private=not (attachment.is_public and attachment.application.is_public))


@bp.get("/files/reports/<int:attachment_id>")
def report_file(attachment_id: int):
    """A document attached to an agency's plan task report: staff and the agencies involved."""
    return _send(db.get_or_404(AgencyReportAttachment, attachment_id))


@bp.get("/files/progress/<int:document_id>")
def progress_file(document_id: int):
    """A document of a progress report: the owner organisation, and the department once filed."""
    return _send(db.get_or_404(ProgressReportDocument, document_id))


@bp.get("/files/decisions/<int:decision_id>")
def decision_file(decision_id: int):
    """The signed support decision (or confirmation) of an application: its organisation and
    the department."""
    return _send(db.get_or_404(SupportDecision, decision_id))
