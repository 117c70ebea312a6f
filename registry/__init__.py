"""Hưng Yên Biotech Registry: the application factory."""
import os
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

from registry.config import Config, ConfigurationError, check_config, config_from_environment


def create_app(config: type[Config] | None = None) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_relative_config=True)
    # `make run` sets REGISTRY_ENV=development; anything unset is production (config.py).
    app.config.from_object(config or config_from_environment())
    try:
        check_config(app.config)
    except ConfigurationError as problem:
        if not _built_by_flask_command():
            raise  # gunicorn or any other server: refuse to start, saying why
        # `flask db upgrade`, `init-data`, `db check`…: they sign nothing and link nowhere, so
        # they run; the app they built answers no page (`flask run` included).
        _refuse_to_serve(app, problem)
    if (app.config["REGISTRY_ENV"] == "production" and not app.config.get("TRUSTED_HOSTS")
            and app.config.get("SITE_URL")):
        # A site answers for its own address: a forged Host header gets 400, not a page.
        app.config["TRUSTED_HOSTS"] = [urlsplit(app.config["SITE_URL"]).hostname]
    if app.config.get("TRUSTED_PROXIES"):
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops, x_prefix=hops)
    app.json.ensure_ascii = False  # UTF-8 JSON: Vietnamese as it is written
    os.makedirs(app.instance_path, exist_ok=True)  # the SQLite file and uploads live there

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    return app


def _built_by_flask_command() -> bool:
    """The app is being loaded by the `flask` command (its click context holds Flask's
    ScriptInfo), not imported by a WSGI server."""
    import click
    from flask.cli import ScriptInfo

    context = click.get_current_context(silent=True)
    return context is not None and context.find_object(ScriptInfo) is not None


def _refuse_to_serve(app: Flask, problem: ConfigurationError) -> None:
    from flask import Response

    app.logger.warning("Not configured to serve: %s", problem)

    @app.before_request
    def not_configured():
        return Response(f"The registry is not configured to serve: {problem}", status=503,
                        mimetype="text/plain")


def register_extensions(app: Flask) -> None:
    from registry import request_log, security
    from registry.extensions import babel, cache, csrf, db, limiter, login_manager, migrate
    from registry.i18n import select_locale
    from registry.services import data_version  # noqa: F401 - its listeners version every commit

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                    default_translation_directories="../translations")
    limiter.init_app(app)
    cache.init_app(app)
    login_manager.init_app(app)
    request_log.init_app(app)  # first: every later hook's log lines carry the request's id
    security.init_app(app)


class RowId(IntegerConverter):
    """`<int:…>` in every route: a number past the ids' INTEGER columns (32 bits on PostgreSQL)
    names no row, so it is a 404 before any database is asked (PostgreSQL refuses to compare it,
    SQLite cannot past 64 bits).

    A 404 for every method: the converter's usual ValidationError would make Werkzeug's router
    answer 405 to a PATCH whose GET rule, tried first, has the same path."""

    MAX = 2**31 - 1

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", self.MAX)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound() from None


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = RowId
    from registry.admin import bp as admin_bp
    from registry.agency import bp as agency_bp
    from registry.api import bp as api_bp
    from registry.applicant import bp as applicant_bp
    from registry.auth import bp as auth_bp
    from registry.council import bp as council_bp
    from registry.public import bp as public_bp
    from registry.review import bp as review_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(applicant_bp, url_prefix="/applications")
    app.register_blueprint(review_bp, url_prefix="/review")
    app.register_blueprint(council_bp, url_prefix="/council")
    app.register_blueprint(agency_bp, url_prefix="/agency")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_errorhandlers(app: Flask) -> None:
    from registry.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from registry.cli import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from registry import formatting

    formatting.init_app(app)
