"""Heavy downloads built once per data version: the first request after a change builds the
file and stores it (in the database, so every app server serves the same bytes); every later one
streams the stored bytes with their ETag and Last-Modified, and a browser that has them gets 304."""
import hashlib
import tempfile
from collections.abc import Callable

import sqlalchemy as sa
from flask import Response, request, stream_with_context
from sqlalchemy.exc import IntegrityError

from registry.extensions import db
from registry.models import GeneratedFile
from registry.services import data_version

CHUNK = 1024 * 1024


def _stored(name: str, token: str):
    return db.session.execute(
        sa.select(GeneratedFile.id, GeneratedFile.size, GeneratedFile.sha256,
                  GeneratedFile.content_type, GeneratedFile.data_changed_at)
        .where(GeneratedFile.name == name, GeneratedFile.token == token)).one_or_none()


def _store(name: str, content_type: str, build: Callable, version) -> None:
    """Build the file into a spool on disk, then keep it as this version's; the older versions
    of the same file go. Two servers building it at once: the second one's insert loses, and
    it serves the first one's."""
    with tempfile.TemporaryFile() as spool:
        build(spool)
        spool.seek(0)
        content = spool.read()
    try:
        db.session.execute(sa.delete(GeneratedFile).where(GeneratedFile.name == name,
                                                          GeneratedFile.token != version.token))
        db.session.add(GeneratedFile(name=name, token=version.token, content_type=content_type,
                                     size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                                     content=content, data_changed_at=version.changed_at))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


def _chunks(file_id: int, size: int):
    for start in range(0, size, CHUNK):
        yield db.session.scalar(sa.select(sa.func.substr(GeneratedFile.content, start + 1, CHUNK))
                                .where(GeneratedFile.id == file_id))


def download(name: str, content_type: str, build: Callable, headers: dict) -> Response:
    """The stored file `name` of the current data version, built by `build(binary_file)` the
    first time it is asked for."""
    version = data_version.current()
    if version is None:  # nothing written yet: nothing to keep it under
        with tempfile.TemporaryFile() as spool:
            build(spool)
            spool.seek(0)
            return Response(spool.read(), mimetype=content_type, headers=headers)
    stored = _stored(name, version.token)
    if stored is None:
        _store(name, content_type, build, version)
        stored = _stored(name, version.token)
    response = Response(stream_with_context(_chunks(stored.id, stored.size)),
                        content_type=stored.content_type, headers=headers)
    response.content_length = stored.size
    response.set_etag(stored.sha256)
    response.last_modified = stored.data_changed_at
    return response.make_conditional(request)
