"""The department's documents as downloads, in the form of Decree 30/2020/NĐ-CP, PDF or DOCX:
an application's draft support decision, the notice of its result and its printable dossier;
and a council's minutes.

Staff only (the blueprint's `require_staff`). The dossier is for whoever may see the application
(`can_view`); the decision and the notice are the department's acts on it, for staff who may
screen it (`can_review`: never staff of the applicant organisation). The minutes as
`Council.can_read_minutes`. The documents are built per request: each shows one record, and the
dossier's history depends on the viewer."""
from flask import Response, abort, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from registry.extensions import db
from registry.models import Application
from registry.review import bp
from registry.review.councils import load_council
from registry.services import department_documents
from registry.services import timeline as timeline_service
from registry.services.council_minutes import minutes_document
from registry.services.official_documents import OfficialDocument, docx_bytes, pdf_bytes

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
FILE_TYPES = "<any(pdf, docx):file_type>"


def file_response(data: bytes, file_type: str, stem: str, etag: str | None = None) -> Response:
    """A document's file as an attachment named `stem`.`file_type` (ASCII), kept by no shared
    cache; with an `etag` (a stored file's checksum), asked again it may answer 304."""
    # Built from what may change (and holds private data): never kept. A stored file, named by
    # its checksum, is asked for again instead.
    response = Response(data, mimetype=CONTENT_TYPES[file_type], headers={
        "Content-Disposition": f'attachment; filename="{stem}.{file_type}"',
        "Cache-Control": "private, no-store" if etag is None else "private, no-cache",
    })
    if etag is None:
        return response
    response.set_etag(etag)
    return response.make_conditional(request)


def send_document(document: OfficialDocument, file_type: str, stem: str) -> Response:
    render = pdf_bytes if file_type == "pdf" else docx_bytes
    return file_response(render(document), file_type, stem)


def _load(application_id: int, *, to_review: bool) -> Application:
    """The application with what the documents read; 404 unless the user may see it, 403 when
    the document is an act of screening the user may not do."""
    application = db.session.get(Application, application_id, options=list(timeline_service.LOADING))
    if application is None or not application.can_view(current_user):
        abort(404)
    if to_review and not application.can_review(current_user):
        abort(403)
    return application


@bp.get(f"/<int:application_id>/documents/decision.{FILE_TYPES}")
def support_decision_draft(application_id: int, file_type: str):
    application = _load(application_id, to_review=True)
    document = department_documents.support_decision_draft(application)  # NotFound: 404, says why
    return send_document(document, file_type, f"du-thao-quyet-dinh-ho-tro-{application.id}")


@bp.get(f"/<int:application_id>/documents/notice.{FILE_TYPES}")
def eligibility_notice(application_id: int, file_type: str):
    application = _load(application_id, to_review=True)
    document = department_documents.eligibility_notice(application)
    return send_document(document, file_type, f"thong-bao-ket-qua-ho-so-{application.id}")


@bp.get(f"/<int:application_id>/documents/dossier.{FILE_TYPES}")
def application_dossier(application_id: int, file_type: str):
    application = _load(application_id, to_review=False)
    document = department_documents.dossier(application, current_user._get_current_object())
    return send_document(document, file_type, f"ho-so-dang-ky-{application.id}")


@bp.get(f"/councils/<int:council_id>/minutes.{FILE_TYPES}")
def council_minutes(council_id: int, file_type: str):
    council = load_council(council_id)
    if not council.can_read_minutes(current_user):
        abort(403)
    return send_document(minutes_document(council), file_type, f"bien-ban-hoi-dong-{council.id}")


# name -> (endpoint, title, whether it is an act of screening: `can_review`)
DOCUMENTS = {
    "decision": ("review.support_decision_draft", _l("Draft support decision"), True),
    "notice": ("review.eligibility_notice", _l("Notice of the result to the applicant"), True),
    "dossier": ("review.application_dossier", _l("Printable dossier"), False),
}


def document_links(application: Application) -> list[dict]:
    """The documents the user may download for the application: title and the two files' URLs."""
    links = []
    for name in department_documents.available(application):
        endpoint, title, to_review = DOCUMENTS[name]
        if to_review and not application.can_review(current_user):
            continue
        links.append({"title": title, **{file_type: url_for(endpoint, application_id=application.id,
                                                            file_type=file_type)
                                         for file_type in CONTENT_TYPES}})
    return links


@bp.context_processor
def _document_links():
    return {"document_links": document_links}
