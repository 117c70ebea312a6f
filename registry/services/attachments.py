"""Attachments: checked by content and size, stored outside the web root under random names."""
import hashlib
import io
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from registry.extensions import db
from registry.models import Application, Attachment, User
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


def _sniff(data: bytes) -> str | None:
    """The extension the bytes really are, whatever the file is called."""
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if data.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
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


def store_upload(stream, filename: str) -> StoredUpload:
    """Check an upload by size and by content (not by its name) and store it under a random
    name. The caller saves the row inside `with store_upload(...) as stored:`."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    data = stream.read(limit + 1)
    name = clean_filename(filename)
    extension = Path(name).suffix.lower()
    if not data:
        raise ValidationFailed(_("The file is empty."), {"file": [_("The file is empty.")]})
    if len(data) > limit:
        message = _("The file is larger than %(mb)s MB.", mb=limit // (1024 * 1024))
        raise ValidationFailed(message, {"file": [message]})
    actual = _sniff(data)
    if extension not in ALLOWED or actual is None or ALLOWED[actual] != ALLOWED[extension]:
        message = _("Only PDF, DOCX, XLSX, JPG and PNG files are accepted, and the content must match the name.")
        raise ValidationFailed(message, {"file": [message]})
    stored_name = secrets.token_hex(16)
    path = upload_dir() / stored_name
    path.write_bytes(data)
    return StoredUpload(
        columns={"original_name": name, "stored_name": stored_name,
                 "content_type": ALLOWED[actual], "size_bytes": len(data),
                 "sha256": hashlib.sha256(data).hexdigest()},
        path=path,
    )


def add_attachment(application: Application, actor: User, stream, filename: str,
                   is_public: bool, version) -> Attachment:
    check_version(application, version)
    if not application.can_edit(actor):
        if application.is_owned_by(actor):
            raise Conflict(_("Documents can be added only to a draft or when revision is requested."))
        raise PermissionDenied(_("You may not add documents to this application."))
    with store_upload(stream, filename) as stored:
        attachment = Attachment(application=application, is_public=bool(is_public),
                                uploaded_by=actor, **stored.columns)
        db.session.add(attachment)
        bump_version(application)
        flush()
    return attachment


def remove_attachment(attachment: Attachment, actor: User, version) -> None:
    application = attachment.application
    check_version(application, version)
    if not application.can_edit(actor):
        raise PermissionDenied(_("You may not remove documents from this application."))
    # The stored file stays on disk: if the request failed after this, nothing would be lost.
    db.session.delete(attachment)
    bump_version(application)
    flush()


def can_download(attachment: Attachment, user) -> bool:
    application = attachment.application
    if application.can_view(user):
        return True
    return application.is_public and attachment.is_public


def file_path(attachment) -> Path:
    """Where an application's or a report's attachment is stored."""
    return upload_dir() / attachment.stored_name
