"""Error pages: HTML for browsers, JSON for the API and for clients that ask for it."""
from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, SecurityError

from registry.extensions import db
from registry.services.errors import DomainError


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("You need to log in."),
        403: _("You do not have permission to open this page."),
        404: _("The page or record was not found."),
        405: _("This method is not allowed here."),
        409: _("The record was changed meanwhile."),
        413: _("The upload is too large."),
        415: _("This content type is not supported."),
        422: _("Some fields are not valid."),
        429: _("Too many requests. Please wait a minute and try again."),
        500: _("Something went wrong on our side. The error has been logged."),
    }


def error_response(status: int, message: str | None = None, errors: dict | None = None):
    message = message or _messages().get(status, _("Error"))
    if wants_json():
        return jsonify({"error": message, "errors": errors or {}}), status
    from registry.request_log import request_id

    return render_template("errors/error.html", status=status, message=message,
                           request_id=request_id()), status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return error_response(400, _("The form has expired or was not sent from this site. Please try again."))

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        return error_response(exc.status_code, exc.message, exc.errors)

    @app.errorhandler(StaleDataError)
    def lost_race(exc: StaleDataError):
        # A query inside a service flushed a row that another request changed meanwhile:
        # the same 409 as a stale version.
        from registry.services.unit_of_work import lost_race

        db.session.rollback()
        conflict = lost_race()
        return error_response(conflict.status_code, conflict.message)

    @app.errorhandler(SecurityError)
    def untrusted_host(exc: SecurityError):
        # A Host the site does not serve: no page can be built for it (every link would name
        # that host), so a plain answer.
        return Response(_messages()[400], status=400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return error_response(exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(exc):
        from registry.request_log import log_error

        db.session.rollback()
        log_error("Unhandled error")
        return error_response(500)
