"""Routes of the JSON API. Each one parses, calls one service, serializes."""
import functools

from flask import abort, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from registry.api import bp
from registry.api import exports
from registry.api.serializers import full_application, history_entry, public_record, record_summary
from registry.extensions import db, limiter
from registry.models import ApiToken, Application, ApplicationEvent, Organization
from registry.models.applications import KINDS, STATUSES
from registry.services import applications as workflow
from registry.services.errors import DomainError, ValidationFailed
from registry.services.records import RecordFilters, newest_first
from registry.services.tokens import user_for_token
from registry.services.unit_of_work import commit

MAX_PER_PAGE = 100
MAX_PAGE = 100_000


# Authentication and limits ----------------------------------------------------------------

def _api_rate_key() -> str:
    """Per token when one is sent (a batch client), per address otherwise. The key holds a
    digest, never the token itself."""
    header = request.headers.get("Authorization", "")
    if header:
        return "token:" + ApiToken.digest(header)
    return "ip:" + (request.remote_addr or "")


# Shared: one budget for the whole API, not one per route.
limiter.shared_limit(lambda: current_app.config["API_RATE_LIMIT"], scope="api",
                     key_func=_api_rate_key)(bp)


@bp.before_request
def authenticate():
    """Bearer tokens only: a browser's session cookie is ignored here."""
    limit = current_app.config["API_MAX_BODY_BYTES"]
    # The app may have opened the body stream already (it looks at POSTed forms), under the
    # app's larger limit: check the declared length too.
    if request.content_length is not None and request.content_length > limit:
        abort(413)
    request.max_content_length = limit
    g.api_user = None
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, secret = header.partition(" ")
    user = user_for_token(secret.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        abort(401)
    g.api_user = user
    return None


@bp.after_request
def api_headers(response):
    if request.headers.get("Authorization"):
        response.headers["Cache-Control"] = "no-store"  # private data: no shared caches
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def roles(*allowed: str):
    """The caller must send a token of a user with one of these roles."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if g.api_user is None:
                abort(401)
            if g.api_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorator


# Request helpers ---------------------------------------------------------------------------

def json_body() -> dict:
    if not request.is_json:
        abort(415)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise DomainError(_("The body must be a JSON object."))  # 400
    if _has_nul(body):
        abort(400)  # as for forms and query strings: PostgreSQL refuses a NUL in text
    return body


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def text_field(application: Application, body: dict, name: str) -> str:
    """An optional text field of an action's body. A stale version is still a conflict first."""
    value = body.get(name) or ""
    if not isinstance(value, str):
        workflow.check_version(application, body.get("version"))
        raise ValidationFailed(_("Some fields are not valid."), {name: [_("Must be text.")]})
    return value


def pagination_args() -> tuple[int, int]:
    errors = {}
    page = request.args.get("page", "1")
    per_page = request.args.get("per_page", str(current_app.config["PER_PAGE"]))
    if not page.isdigit() or not 1 <= int(page) <= MAX_PAGE:
        errors["page"] = [_("Must be a whole number from 1 to %(maximum)s.", maximum=MAX_PAGE)]
    if not per_page.isdigit() or int(per_page) < 1:
        errors["per_page"] = [_("Must be a whole number from 1 to %(maximum)s.", maximum=MAX_PER_PAGE)]
    if errors:
        raise ValidationFailed(_("Some query arguments are not valid."), errors)
    return int(page), min(int(per_page), MAX_PER_PAGE)


def page_of(statement, serialize) -> dict:
    page, per_page = pagination_args()
    total = db.session.scalar(
        db.select(db.func.count()).select_from(statement.order_by(None).subquery())
    )
    items = db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return {"items": [serialize(item) for item in items], "total": total, "page": page,
            "per_page": per_page}


def record_filters() -> RecordFilters:
    filters, errors = RecordFilters.from_args(request.args)
    if errors:
        raise ValidationFailed(_("Some query arguments are not valid."), errors)
    return filters


def load_application(application_id: int, *options) -> Application:
    """The application if the caller may see it; 404 otherwise (drafts stay invisible)."""
    application = db.session.get(Application, application_id, options=list(options))
    if application is None or not application.can_view(g.api_user):
        abort(404)
    return application


def _full_options():
    return (joinedload(Application.organization), joinedload(Application.district),
            joinedload(Application.resource))


# Public records ----------------------------------------------------------------------------

@bp.get("/records")
def list_records():
    statement = newest_first(
        db.select(Application).where(*record_filters().conditions())
        .options(joinedload(Application.organization), joinedload(Application.district))
    )
    return jsonify(page_of(statement, record_summary))


@bp.get("/records/<int:record_id>")
def get_record(record_id: int):
    application = db.session.get(
        Application, record_id,
        options=[joinedload(Application.organization).joinedload(Organization.district),
                 joinedload(Application.district), joinedload(Application.resource),
                 selectinload(Application.attachments)],
    )
    if application is None or not application.is_public:
        abort(404)
    return jsonify(public_record(application))


@bp.get("/export/records.csv")
def export_csv():
    return exports.csv_response(record_filters())


@bp.get("/export/records.xlsx")
def export_xlsx():
    return exports.xlsx_response(record_filters())


# Applications ------------------------------------------------------------------------------

@bp.get("/applications")
@roles("applicant", "reviewer", "admin")
def list_applications():
    user = g.api_user
    conditions = []
    if user.role == "applicant":
        conditions.append(Application.organization_id == user.organization_id)
    else:
        conditions.append(Application.status != "draft")  # reviewers never see drafts
    errors = {}
    status, kind = request.args.get("status"), request.args.get("kind")
    if status:
        if status not in STATUSES or (status == "draft" and user.role != "applicant"):
            errors["status"] = [_("Unknown value: %(values)s.", values=status)]
        conditions.append(Application.status == status)
    if kind:
        if kind not in KINDS:
            errors["kind"] = [_("Unknown value: %(values)s.", values=kind)]
        conditions.append(Application.kind == kind)
    if errors:
        raise ValidationFailed(_("Some query arguments are not valid."), errors)
    statement = (
        db.select(Application).where(*conditions).options(*_full_options())
        .order_by(Application.updated_at.desc(), Application.id.desc())
    )
    return jsonify(page_of(statement, full_application))


@bp.post("/applications")
@roles("applicant")
def create_application():
    body = json_body()
    kind = body.pop("kind", None)
    body.pop("version", None)
    body.pop("organization", None)  # read-only: always the caller's organisation
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValidationFailed(_("Some fields are not valid."),
                               {"kind": [_("Unknown kind of application.")]})
    application = workflow.create_application(g.api_user, kind, body)
    commit()
    response = jsonify(full_application(application))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_application", application_id=application.id)
    return response


@bp.get("/applications/<int:application_id>")
@roles("applicant", "reviewer", "admin")
def get_application(application_id: int):
    return jsonify(full_application(load_application(application_id, *_full_options())))


@bp.patch("/applications/<int:application_id>")
@roles("applicant", "reviewer", "admin")
def update_application(application_id: int):
    application = load_application(application_id, *_full_options())
    body = json_body()
    version = body.pop("version", None)
    kind = body.pop("kind", application.kind)
    body.pop("organization", None)
    if kind != application.kind:
        workflow.check_version(application, version)
        raise ValidationFailed(_("Some fields are not valid."),
                               {"kind": [_("The kind of an application cannot change.")]})
    workflow.update_application(application, g.api_user, body, version)
    commit()
    return jsonify(full_application(application))


@bp.post("/applications/<int:application_id>/submit")
@roles("applicant", "reviewer", "admin")
def submit_application(application_id: int):
    application = load_application(application_id, *_full_options())
    workflow.submit_application(application, g.api_user, json_body().get("version"))
    commit()
    return jsonify(full_application(application))


@bp.post("/applications/<int:application_id>/withdraw")
@roles("applicant", "reviewer", "admin")
def withdraw_application(application_id: int):
    application = load_application(application_id, *_full_options())
    body = json_body()
    comment = text_field(application, body, "comment")
    workflow.withdraw_application(application, g.api_user, body.get("version"), comment)
    commit()
    return jsonify(full_application(application))


@bp.post("/applications/<int:application_id>/decision")
@roles("applicant", "reviewer", "admin")
def decide_application(application_id: int):
    application = load_application(application_id, *_full_options())
    body = json_body()
    comment = text_field(application, body, "comment")
    decision = body.get("decision")
    workflow.record_decision(application, g.api_user, decision if isinstance(decision, str) else "",
                             comment, body.get("version"))
    commit()
    return jsonify(full_application(application))


@bp.get("/applications/<int:application_id>/history")
@roles("applicant", "reviewer", "admin")
def application_history(application_id: int):
    application = load_application(
        application_id, selectinload(Application.events).joinedload(ApplicationEvent.actor)
    )
    return jsonify([history_entry(event) for event in application.events])
