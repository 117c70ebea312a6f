"""Attachments: checked by content and size, stored outside the web root under random names,
removed from disk once the transaction that removed their row has committed."""
import hashlib
import io
import secrets
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

from registry.extensions import db
from registry.formatting import human_size
from registry.models import AgencyReportAttachment, Application, Attachment, User
from registry.models.applications import DOCUMENT_TYPES
from registry.services.errors import Conflict, PermissionDenied, ValidationFailed
from registry.services.applications import bump_version, check_version
from registry.services.unit_of_work import flush

ALLOWED = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


# DOCX and XLSX files are zip archives: what they inflate to is bounded too (zip bombs).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
MAX_ZIP_RATIO = 100  # office documents compress text 5 to 20 times, images hardly at all
PENDING_REMOVAL = "attachment_files_to_remove"
NEW_FILES = "attachment_files_not_yet_committed"


class ZipBomb(Exception):
    """An archive that inflates far beyond what a document needs."""


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse an archive by its declared sizes, then inflate it (bounded) to make sure the
    declarations are true: a member that inflates past its declared size fails its check."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ZipBomb
    if sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES:
        raise ZipBomb
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1):
            raise ZipBomb
    for member in members:
        with archive.open(member) as inflating:
            while inflating.read(1024 * 1024):
                pass


def _sniff(data: bytes) -> str | None:
    """The extension the bytes really are, whatever the file is called. Raises ZipBomb."""
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if data.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if data.startswith(b"PK\x03\x04"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                return None
            _check_archive(archive)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
                ValueError, OSError, RuntimeError, zlib.error):
            # Damaged, encrypted or otherwise unreadable: not a document the registry accepts.
            return None
        if "word/document.xml" in names:
            return ".docx"
        if "xl/workbook.xml" in names:
            return ".xlsx"
    return None


def clean_filename(name: str) -> str:
    """Keep the Unicode name (Vietnamese letters included) but no path or control characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[:200] or "file"


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class StoredUpload:
    """An upload checked and written to disk, not yet in the database. Used as a context
    manager around saving its row: if that fails, the file is removed again."""

    columns: dict
    path: Path

    def __enter__(self) -> "StoredUpload":
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is not None:
            self.path.unlink(missing_ok=True)


def store_upload(stream, filename: str, stored_bytes: int | None = None) -> StoredUpload:
    """Check an upload by size and by content (not by its name) and store it under a random
    name. `stored_bytes`: what its owner keeps already, checked against the storage quota.
    The caller saves the row inside `with store_upload(...) as stored:`."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    data = stream.read(limit + 1)
    name = clean_filename(filename)
    extension = Path(name).suffix.lower()
    if not data:
        raise ValidationFailed(_("The file is empty."), {"file": [_("The file is empty.")]})
    if len(data) > limit:
        message = _("The file is larger than %(mb)s MB.", mb=limit // (1024 * 1024))
        raise ValidationFailed(message, {"file": [message]})
    quota = current_app.config["STORAGE_QUOTA_BYTES"]
    if stored_bytes is not None and stored_bytes + len(data) > quota:
        message = _("Your organisation's documents already take %(used)s of the %(quota)s it "
                    "may keep. Remove documents that are no longer needed, or ask the "
                    "Department of Science and Technology for more space.",
                    used=human_size(stored_bytes), quota=human_size(quota))
        raise ValidationFailed(message, {"file": [message]})
    try:
        actual = _sniff(data)
    except ZipBomb:
        message = _("This file inflates to far more than a document needs (a “zip bomb”) "
                    "and is refused.")
        raise ValidationFailed(message, {"file": [message]}) from None
    if extension not in ALLOWED or actual is None or ALLOWED[actual] != ALLOWED[extension]:
        message = _("Only PDF, DOCX, XLSX, JPG and PNG files are accepted, and the content must match the name.")
        raise ValidationFailed(message, {"file": [message]})
    stored_name = secrets.token_hex(16)
    path = upload_dir() / stored_name
    path.write_bytes(data)
    # Until the row is committed the file is provisional: a rollback (a failed flush or commit)
    # removes it, so no file is left without its row.
    db.session.info.setdefault(NEW_FILES, []).append(path)
    return StoredUpload(
        columns={"original_name": name, "stored_name": stored_name,
                 "content_type": ALLOWED[actual], "size_bytes": len(data),
                 "sha256": hashlib.sha256(data).hexdigest()},
        path=path,
    )


def add_attachment(application: Application, actor: User, stream, filename: str,
                   is_public: bool, version, document_type: str = "other") -> Attachment:
    check_version(application, version)
    if not application.can_edit(actor):
        if application.is_owned_by(actor):
            raise Conflict(_("Documents can be added only to a draft or when revision is requested."))
        raise PermissionDenied(_("You may not add documents to this application."))
    if document_type not in DOCUMENT_TYPES:
        message = _("Choose what the document is.")
        raise ValidationFailed(message, {"document_type": [message]})
    with store_upload(stream, filename, organization_storage(application.organization_id)) as stored:
        attachment = Attachment(application=application, is_public=bool(is_public),
                                document_type=document_type, uploaded_by=actor, **stored.columns)
        db.session.add(attachment)
        bump_version(application)
        flush()
    return attachment


def remove_attachment(attachment: Attachment, actor: User, version) -> None:
    application = attachment.application
    check_version(application, version)
    if not application.can_edit(actor):
        raise PermissionDenied(_("You may not remove documents from this application."))
    db.session.delete(attachment)  # the file goes once this is committed
    bump_version(application)
    flush()


def file_path(attachment) -> Path:
    """Where an application's or a report's attachment is stored."""
    return upload_dir() / attachment.stored_name


def organization_storage(organization_id: int) -> int:
    """Bytes the organisation's documents take, over all its applications."""
    return db.session.scalar(
        db.select(db.func.coalesce(db.func.sum(Attachment.size_bytes), 0))
        .join(Application, Attachment.application_id == Application.id)
        .where(Application.organization_id == organization_id)
    )


# A removed document's file goes only once the removal is committed: a rolled-back request
# keeps both the row and the file. A new document's file goes if its row is rolled back.

@event.listens_for(Attachment, "after_delete")
@event.listens_for(AgencyReportAttachment, "after_delete")
def _remove_file_after_commit(mapper, connection, attachment) -> None:
    session = object_session(attachment)
    session.info.setdefault(PENDING_REMOVAL, []).append(file_path(attachment))


@event.listens_for(Session, "after_commit")
def _remove_files(session) -> None:
    session.info.pop(NEW_FILES, None)  # their rows are saved: they stay
    for path in session.info.pop(PENDING_REMOVAL, []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _keep_files(session) -> None:
    session.info.pop(PENDING_REMOVAL, None)  # their rows are back: they stay
    for path in session.info.pop(NEW_FILES, []):
        path.unlink(missing_ok=True)  # their rows were never saved


def agency_storage(agency_id: int) -> int:
    """Bytes the documents of an agency's plan task reports take."""
    from registry.models import AgencyReport

    return db.session.scalar(
        db.select(db.func.coalesce(db.func.sum(AgencyReportAttachment.size_bytes), 0))
        .join(AgencyReport, AgencyReportAttachment.report_id == AgencyReport.id)
        .where(AgencyReport.agency_id == agency_id)
    )
