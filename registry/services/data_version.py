"""The data version: one number (and a random token) that changes in the same transaction as
any change of the registry's data, so that a figure computed once can be kept until the data it
was computed from changes, on every app server at once.

Every flush of the session is watched (services flush, bulk statements go through the session
too): when it writes a row of the registry's data, the commit that follows bumps the version as
its last statement. Last, so that a transaction holding the version's row lock never waits for
another lock: concurrent writers queue at the commit, they cannot deadlock on it."""
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask import has_request_context, request
from flask_sqlalchemy.session import Session as AppSession

from registry.extensions import db
from registry.models.base import now_utc
from registry.models.summaries import DataVersion

NAME = "data"
# Rows about visits rather than data: they change on every request and no page counts them.
UNVERSIONED_TABLES = frozenset({"user_sessions", "outbox_messages", "signup_requests",
                                "data_versions", "generated_files", "report_reminders",
                                "progress_reminders",
                                # The department's own report: no public page or file reads it.
                                "annual_report_drafts", "issued_reports", "annual_report_reminders"})
# Columns that are bookkeeping of a visit on rows that are data otherwise.
BOOKKEEPING_COLUMNS = {"users": frozenset({"last_login_at"}),
                       "api_tokens": frozenset({"last_used_at"})}
_CHANGED = "data_changed"
# Read once per request, kept with the request itself (`g` may outlive it: a test's app context).
_READ = "registry.data_version"


def _changes_data(obj) -> bool:
    table = getattr(obj, "__tablename__", None)
    if table is None or table in UNVERSIONED_TABLES:
        return False
    bookkeeping = BOOKKEEPING_COLUMNS.get(table)
    if bookkeeping is None:
        return True
    state = sa.inspect(obj)
    if state.pending or state.deleted:
        return True
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    return bool(changed - bookkeeping)


# The app's sessions only: migrations work in plain SQLAlchemy sessions, before this table exists.
@sa.event.listens_for(AppSession, "before_flush")
def _note_flushed_changes(session, flush_context, instances):  # noqa: ARG001
    if not session.info.get(_CHANGED) and any(
            _changes_data(obj) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info[_CHANGED] = True


@sa.event.listens_for(AppSession, "do_orm_execute")
def _note_bulk_changes(orm_execute_state):
    if orm_execute_state.is_insert or orm_execute_state.is_update or orm_execute_state.is_delete:
        table = getattr(orm_execute_state.statement, "table", None)
        if getattr(table, "name", None) not in UNVERSIONED_TABLES:
            orm_execute_state.session.info[_CHANGED] = True


@sa.event.listens_for(AppSession, "before_commit")
def _bump_on_commit(session):
    session.flush()  # the last changes too (commit flushes only after this hook)
    if session.info.pop(_CHANGED, False):
        bump(session)


@sa.event.listens_for(AppSession, "after_rollback")
def _forget_on_rollback(session):
    session.info.pop(_CHANGED, None)


def bump(session=None) -> None:
    """A new version (the seed and bulk loads call it after writing around the session)."""
    session = session or db.session
    # Whole seconds, each version later than the one before: Last-Modified (to the second) then
    # tells two versions apart even when they are a moment apart.
    changed_at = now_utc().replace(microsecond=0)
    previous = session.scalar(sa.select(DataVersion.changed_at).where(DataVersion.name == NAME)
                              .with_for_update())
    if previous is not None and changed_at <= previous:
        changed_at = previous + timedelta(seconds=1)
    values = {"number": DataVersion.number + 1, "token": secrets.token_hex(16), "changed_at": changed_at}
    updated = session.execute(sa.update(DataVersion).where(DataVersion.name == NAME).values(**values))
    if not updated.rowcount:
        session.execute(sa.insert(DataVersion).values(name=NAME, number=1, token=values["token"],
                                                      changed_at=values["changed_at"]))
    session.info.pop(_CHANGED, None)
    if has_request_context():
        request.environ.pop(_READ, None)


class Version(NamedTuple):
    number: int
    token: str
    changed_at: datetime


# Read on every request that may be served from the cache: plain SQL, straight to the driver.
_CURRENT = f"SELECT number, token, changed_at FROM data_versions WHERE name = '{NAME}'"


def current() -> Version | None:
    """The version as committed, read once per request; None before any data was written,
    when nothing may be cached."""
    if has_request_context() and _READ in request.environ:
        return request.environ[_READ]
    row = db.session.connection().exec_driver_sql(_CURRENT).first()
    version = None
    if row is not None:
        number, token, changed_at = row
        if isinstance(changed_at, str):  # SQLite keeps timestamps as text
            changed_at = datetime.fromisoformat(changed_at)
        version = Version(number, token, changed_at)
    if has_request_context():
        request.environ[_READ] = version
    return version


def cached(name: str, key, compute):
    """compute() once per data version for (name, key), on every worker that shares the cache;
    computed afresh (and not kept) before any version exists. `key` must say everything the
    result depends on besides the data: the day, the language, the arguments."""
    from registry.extensions import cache

    version = current()
    if version is None:
        return compute()
    cache_key = f"{name}:{version.token}:{key!r}"
    value = cache.get(cache_key)
    if value is None:
        value = (compute(),)  # a tuple, so that a result of None is kept too
        cache.set(cache_key, value)
    return value[0]
