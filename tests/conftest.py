"""Fixtures: a real database (SQLite file, or PostgreSQL through TEST_DATABASE_URL) migrated
once per run with the project's migrations, emptied and re-seeded before each test.

Parallel runs (pytest-xdist, `make test`): every worker is a process of its own with its own
temporary directory (SQLite file and uploads) and, on PostgreSQL, its own database — the one
of TEST_DATABASE_URL with the worker's name appended (registry_test_gw0, …), created when
missing. Servers (live app, SMTP) listen on free ports; the Redis tests use a key prefix of
their own."""
import atexit
import email
import email.policy
import errno
import os
import shutil
import socket
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import g, request_started
from flask_migrate import upgrade
from sqlalchemy import event
from werkzeug.serving import make_server

from registry import create_app
from registry.cli import load_reference_data
from registry.config import TestConfig
from registry.extensions import db
from tests.postgres import ensure_database, worker_database_url

WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1, … under pytest-xdist; None without
_tmp = Path(tempfile.mkdtemp(prefix=f"registry-tests-{WORKER + '-' if WORKER else ''}"))
atexit.register(shutil.rmtree, _tmp, ignore_errors=True)
DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_tmp / 'test.sqlite3'}"
if DATABASE_URL.startswith("postgresql://"):
    DATABASE_URL = "postgresql+psycopg://" + DATABASE_URL[len("postgresql://"):]
IS_POSTGRES = DATABASE_URL.startswith("postgresql")
if IS_POSTGRES:
    DATABASE_URL = worker_database_url(DATABASE_URL, WORKER)


class SuiteConfig(TestConfig):
    SQLALCHEMY_DATABASE_URI = DATABASE_URL
    UPLOAD_DIR = str(_tmp / "uploads")


def pytest_report_header(config):
    database = f"{'PostgreSQL' if IS_POSTGRES else 'SQLite'} ({DATABASE_URL.split('@')[-1]})"
    if IS_POSTGRES and getattr(config.option, "numprocesses", None):
        database += ", under xdist one database per worker: its name + _gw0, _gw1, …"
    return f"database: {database}"


@pytest.fixture(scope="session")
def _migrated():
    if IS_POSTGRES:
        ensure_database(DATABASE_URL)
    app = create_app(SuiteConfig)
    with app.app_context():
        if IS_POSTGRES:
            db.session.execute(db.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        db.engine.dispose()
    return True


def _empty_all_tables() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def _fresh_request_globals(sender, **extra):
    # The test keeps one app context open, and requests inside it share `g`: forget the
    # previous request's user and locale so that each request starts as a browser's would.
    g.pop("_login_user", None)
    g.pop("_flask_babel", None)
    g.pop("api_token", None)


@pytest.fixture
def app(_migrated):
    app = create_app(SuiteConfig)
    request_started.connect(_fresh_request_globals, app)
    with app.app_context():
        _empty_all_tables()
        load_reference_data()
        yield app
        db.session.remove()


@contextmanager
def serving(config):
    """A real threaded HTTP server for an app built from `config`, on a free local port;
    yields its base URL."""
    served = create_app(config)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with served.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(client):
    """login(user) logs the test client in through the real login form."""
    from tests.factories import PASSWORD

    def _login(user, password: str = PASSWORD):
        response = client.post("/auth/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return _login


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ...; counter.count is the number of SQL statements."""
    from contextlib import contextmanager

    @contextmanager
    def _count():
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return _count


class Inbox:
    """What the test SMTP server received, parsed."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp(app):
    """A real SMTP server on a free local port; `smtp.messages` are the e-mails it received."""
    inbox = Inbox()
    for attempt in range(10):
        with socket.socket() as probe:  # a free port on this machine
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        try:
            controller.start()
            break
        except OSError as exc:  # another process (an xdist worker…) took the port meanwhile
            controller.stop(no_assert=True)
            if exc.errno != errno.EADDRINUSE or attempt == 9:
                raise
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    controller.stop()
    app.config["MAIL_SERVER"] = ""
