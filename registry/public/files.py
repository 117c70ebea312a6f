"""Documents, served only to those who may see them, always as downloads."""
from flask import abort, send_file
from flask_login import current_user
from sqlalchemy.orm import joinedload

from registry.extensions import db
from registry.models import AgencyReportAttachment, Attachment, SupportDecision
from registry.public import bp
from registry.services import attachments as attachment_service


@bp.get("/files/<int:attachment_id>")
def download(attachment_id: int):
    attachment = db.get_or_404(
        Attachment, attachment_id, options=[joinedload(Attachment.application)]
    )
    # 404, not 403: whether a private document exists is itself private.
    if not attachment.can_download(current_user):
        abort(404)
    path = attachment_service.file_path(attachment)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        as_attachment=True,
        download_name=attachment.original_name,
        mimetype=attachment.content_type,
    )
    if not (attachment.is_public and attachment.application.is_public):
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/files/reports/<int:attachment_id>")
def report_file(attachment_id: int):
    """A document attached to an agency's plan task report: staff and the agencies involved."""
    attachment = db.get_or_404(AgencyReportAttachment, attachment_id)
    if not attachment.can_download(current_user):
        abort(404)
    path = attachment_service.file_path(attachment)
    if not path.is_file():
        abort(404)
    response = send_file(path, as_attachment=True, download_name=attachment.original_name,
                         mimetype=attachment.content_type)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/files/decisions/<int:decision_id>")
def decision_file(decision_id: int):
    """The signed support decision (or confirmation) of an application: its organisation and
    the department."""
    decision = db.get_or_404(SupportDecision, decision_id)
    if not decision.can_download(current_user):
        abort(404)
    path = attachment_service.file_path(decision)
    if not path.is_file():
        abort(404)
    response = send_file(path, as_attachment=True, download_name=decision.original_name,
                         mimetype=decision.content_type)
    response.headers["Cache-Control"] = "private, no-store"
    return response
