"""One JSON log line per request, each request with an id, and the health endpoints.

The id comes from the proxy (nginx's `$request_id` in `X-Request-Id`) when it looks like one,
otherwise it is made here; it goes back in the `X-Request-Id` header, on every log line of the
request, and on the error page, so that what a user reads out on the telephone finds the line.
The lines go to standard error (gunicorn and systemd keep it), one JSON object each.

`/healthz` says the process answers; `/readyz` that the database answers and its schema is at
the latest migration, so that a load balancer sends no request to a server that cannot serve it.
"""
import logging
import re
import secrets
import sys
import time
from pathlib import Path

from flask import Blueprint, Flask, current_app, g, jsonify, request
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter

from registry.extensions import db, limiter

REQUEST_ID_HEADER = "X-Request-Id"
# The app's migrations, wherever the server was started from.
MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
TRUSTED_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
logger = logging.getLogger("registry.requests")

bp = Blueprint("health", __name__)


def request_id() -> str:
    """The current request's id ("" outside a request)."""
    return g.get("request_id", "")


def _json_handler() -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    # "time": when, in UTC and ISO 8601 ("2026-12-06T22:42:48.926000+00:00").
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s",
                                       rename_fields={"levelname": "level"}, timestamp="time"))
    handler.name = "registry-json"
    return handler


def _user_id():
    """The logged-in user's id if this request already loaded it (never a query for a log)."""
    user = g.get("_login_user")
    return user.id if user is not None and getattr(user, "is_authenticated", False) else None


def init_app(app: Flask) -> None:
    if app.config.get("JSON_LOGS", True):
        for name in ("registry.requests", app.logger.name):
            target = logging.getLogger(name)
            if not any(handler.name == "registry-json" for handler in target.handlers):
                target.addHandler(_json_handler())
        logger.setLevel(logging.INFO)
        logger.propagate = False  # its own line, not a second one through the app's logger
        # Flask's own logger prints tracebacks as plain text too: one JSON line instead.
        app.logger.removeHandler(default_handler)
        app.logger.propagate = False
    app.register_blueprint(bp)

    @app.before_request
    def start_request():
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if TRUSTED_ID.fullmatch(given) else secrets.token_hex(8)
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        identifier = request_id() or secrets.token_hex(8)
        response.headers[REQUEST_ID_HEADER] = identifier
        started = g.get("request_started")
        logger.info("request", extra={
            "request_id": identifier,
            "method": request.method,
            "route": request.url_rule.rule if request.url_rule is not None else None,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "user_id": _user_id(),
        })
        return response


def log_error(message: str) -> None:
    """An unexpected error, with its traceback and the id the error page shows."""
    current_app.logger.exception(message, extra={"request_id": request_id(), "path": request.path})


def schema_is_current(directory=None) -> bool:
    """The database is at the latest migration (of `directory`, the app's by default)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config(directory or MIGRATIONS)
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == heads


@bp.get("/healthz")
@limiter.exempt
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
@limiter.exempt
def readyz():
    try:
        current = schema_is_current()
    except Exception:  # noqa: BLE001 - any failure to reach the database means "not ready"
        current_app.logger.warning("Not ready: the database does not answer",
                                   extra={"request_id": request_id()}, exc_info=True)
        return jsonify({"status": "not ready", "reason": "database"}), 503
    if not current:
        return jsonify({"status": "not ready", "reason": "migrations"}), 503
    return jsonify({"status": "ready"})
