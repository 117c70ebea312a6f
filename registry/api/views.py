"""Routes of the JSON API. Each one parses, calls one service, serializes."""
import functools
import json
import re

from flask import abort, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from registry.api import bp
from registry.api import exports
from registry.api.serializers import full_application, history_entry, public_record, record_summary
from registry.extensions import db, limiter
from registry.models import ApiToken, Application, ApplicationEvent, Organization, visible_applications
from registry.models.applications import CHECKLIST, KINDS, STATUSES
from registry.services import applications as workflow
from registry.services.errors import DomainError, ValidationFailed
from registry.services.records import RecordFilters, decode_cursor, record_page
from registry.services.tokens import active_token, bearer_secret
from registry.services.unit_of_work import commit
from registry.web import cached_for_visitors, paginate

MAX_PER_PAGE = 100
MAX_PAGE = 100_000
# Who may read applications through the API: an applicant their organisation's, the department
# every one but drafts, an outside expert those they appraise (`Application.can_view`).
READER_ROLES = ("applicant", "reviewer", "admin", "expert")


# Authentication and limits ----------------------------------------------------------------

def caller_token() -> ApiToken | None | bool:
    """The request's API token, looked up once for the limit and for authentication alike:
    None without an Authorization header, False for one that names no active token."""
    if "api_token" not in g:
        header = request.headers.get("Authorization")
        g.api_token = None if header is None else (active_token(bearer_secret(header)) or False)
    return g.api_token


def _api_rate_key() -> str:
    """Per token when a valid one is sent (a batch client), per address otherwise. Keyed on
    the token as authenticated, so "bearer X" or "Bearer  X" is the same budget as
    "Bearer X"."""
    token = caller_token()
    if token:
        return f"token:{token.id}"
    return "ip:" + (request.remote_addr or "")


# Shared: one budget for the whole API, not one per route.
limiter.shared_limit(lambda: current_app.config["API_RATE_LIMIT"], scope="api",
                     key_func=_api_rate_key)(bp)


def takes_upload(view):
    """Marks a route that takes a multipart upload: its body may be as large as a document
    (the app's MAX_CONTENT_LENGTH) rather than API_MAX_BODY_BYTES."""
    view.takes_upload = True
    return view


def _body_limit() -> int:
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "takes_upload", False):
        return current_app.config["MAX_CONTENT_LENGTH"]
    return current_app.config["API_MAX_BODY_BYTES"]


@bp.before_request
def authenticate():
    """Bearer tokens only: a browser's session cookie is ignored here."""
    limit = _body_limit()
    # The app may have opened the body stream already (it looks at POSTed forms), under the
    # app's larger limit: check the declared length too.
    if request.content_length is not None and request.content_length > limit:
        abort(413)
    request.max_content_length = limit
    token = caller_token()
    if token is False:
        abort(401)
    g.api_user = token.user if token else None
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

def json_body(optional: bool = False) -> dict:
    """The request's JSON object. With `optional`, a request without a body (no Content-Type,
    or an empty body) gives {}.

    Parsed here rather than by Flask's get_json(silent=True), which lets a RecursionError through:
    anything that is not a JSON object in UTF-8 (malformed, nested deeper than the parser follows,
    NaN or Infinity, which JSON does not have) is a 400, and so is text no column can store."""
    if optional and not request.content_length and not request.get_data(cache=True):
        return {}
    if not request.is_json:
        abort(415)
    try:
        body = json.loads(request.get_data(cache=True).decode("utf-8-sig"), parse_constant=_not_json)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        body = None
    if not isinstance(body, dict):
        raise DomainError(_("The body must be a JSON object."))  # 400
    if _has_unstorable_text(body):
        raise DomainError(_("Text in the body may not contain a NUL character or an unpaired "
                            "surrogate."))
    return body


def _not_json(constant: str):
    raise ValueError(f"{constant} is not JSON")


# A NUL: PostgreSQL refuses it in text (forms and query strings are refused the same way). A lone
# surrogate (a "\ud800" escape without its pair): no UTF-8 for it, so SQLite cannot store it.
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def _has_unstorable_text(value) -> bool:
    """Whether any key or string in the body holds such a character; iterative, however deep
    the body is nested."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def text_field(body: dict, name: str) -> str:
    """An optional text field of an action's body."""
    value = body.get(name) or ""
    if not isinstance(value, str):
        raise ValidationFailed(_("Some fields are not valid."), {name: [_("Must be text.")]})
    return value


def if_match_version() -> str | None:
    """The version an If-Match header names ("3", W/"3" or 3); None without one, or for *."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not (value.isascii() and value.isdigit()):
        raise ValidationFailed(_("Some fields are not valid."),
                               {"If-Match": [_('Must be an ETag of the application, such as "3".')]})
    return value


def requested_version(application: Application, body: dict):
    """The version the caller last read: `version` in the body or the If-Match header. When
    both are sent, both must be current. None when neither is (for submit and withdraw: no
    condition; the other actions refuse it)."""
    header = if_match_version()
    if "version" not in body:
        return header
    workflow.check_version(application, body["version"])  # null or not a number: 422; stale: 409
    if header is not None:
        workflow.check_version(application, header)
    return body["version"]


def _whole_number(raw: str) -> int | None:
    """A query argument of ASCII digits as a number; None for anything else. (str.isdigit()
    also accepts '²' and '①', which int() refuses.) Past 18 digits it is simply very large."""
    if not (raw.isascii() and raw.isdigit()):
        return None
    digits = raw.lstrip("0") or "0"
    return int(digits) if len(digits) <= 18 else 10**18


def pagination_args() -> tuple[int, int]:
    errors = {}
    page = _whole_number(request.args.get("page", "1"))
    per_page = _whole_number(request.args.get("per_page", str(current_app.config["PER_PAGE"])))
    if page is None or not 1 <= page <= MAX_PAGE:
        errors["page"] = [_("Must be a whole number from 1 to %(maximum)s.", maximum=MAX_PAGE)]
    if per_page is None or per_page < 1:
        errors["per_page"] = [_("Must be a whole number from 1 to %(maximum)s.", maximum=MAX_PER_PAGE)]
    if errors:
        raise ValidationFailed(_("Some query arguments are not valid."), errors)
    return page, min(per_page, MAX_PER_PAGE)


def page_of(statement, serialize) -> dict:
    page, per_page = pagination_args()
    result = paginate(statement, page=page, per_page=per_page)
    return {"items": [serialize(item) for item in result.items], "total": result.total,
            "page": page, "per_page": per_page}


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


def application_response(application: Application, status: int = 200):
    """One application as JSON, with its version as the ETag (for a later If-Match)."""
    response = jsonify(full_application(application))
    response.status_code = status
    response.set_etag(str(application.version))
    return response


def _full_options():
    return (joinedload(Application.organization), joinedload(Application.district),
            joinedload(Application.commune),
            joinedload(Application.resource), selectinload(Application.attachments),
            selectinload(Application.support_decision), selectinload(Application.acceptance))


# Public records ----------------------------------------------------------------------------

@bp.get("/records")
@cached_for_visitors
def list_records():
    """A page of records, with `next`: the cursor of the page after it. A client reading them
    all follows `next` (each page costs the same however deep); `page` serves a person's page
    links and is not looked at when `cursor` is given."""
    filters = record_filters()
    page, per_page = pagination_args()
    after = None
    if request.args.get("cursor"):
        after = decode_cursor(request.args["cursor"])
        if after is None:
            raise ValidationFailed(_("Some query arguments are not valid."), {"cursor": [
                _("Must be the `next` of an earlier page of the same list.")]})
    result = record_page(filters, page, per_page, after=after)
    return jsonify({"items": [record_summary(item) for item in result.items], "total": result.total,
                    "page": page, "per_page": per_page, "next": result.next_cursor})


@bp.get("/records/<int:record_id>")
@cached_for_visitors
def get_record(record_id: int):
    application = db.session.get(
        Application, record_id,
        options=[joinedload(Application.organization).joinedload(Organization.district),
                 joinedload(Application.district), joinedload(Application.commune),
                 joinedload(Application.resource),
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
@roles(*READER_ROLES)
def list_applications():
    user = g.api_user
    conditions = []
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
        visible_applications(user).where(*conditions).options(*_full_options())
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
    response = application_response(application, 201)
    response.headers["Location"] = url_for("api.get_application", application_id=application.id)
    return response


@bp.get("/applications/<int:application_id>")
@roles(*READER_ROLES)
def get_application(application_id: int):
    return application_response(load_application(application_id, *_full_options()))


@bp.patch("/applications/<int:application_id>")
@roles("applicant", "reviewer", "admin")
def update_application(application_id: int):
    application = load_application(application_id, *_full_options())
    body = json_body()
    version = requested_version(application, body)
    body.pop("version", None)
    kind = body.pop("kind", application.kind)
    body.pop("organization", None)
    if kind != application.kind:
        workflow.check_version(application, version)
        raise ValidationFailed(_("Some fields are not valid."),
                               {"kind": [_("The kind of an application cannot change.")]})
    workflow.update_application(application, g.api_user, body, version)
    commit()
    return application_response(application)


@bp.post("/applications/<int:application_id>/submit")
@roles("applicant", "reviewer", "admin")
def submit_application(application_id: int):
    """No body needed: without a version (in the body or If-Match) it acts on the current one."""
    application = load_application(application_id, *_full_options())
    version = requested_version(application, json_body(optional=True))
    workflow.submit_application(application, g.api_user, version)
    commit()
    return application_response(application)


@bp.post("/applications/<int:application_id>/withdraw")
@roles("applicant", "reviewer", "admin")
def withdraw_application(application_id: int):
    application = load_application(application_id, *_full_options())
    body = json_body(optional=True)
    version = requested_version(application, body)  # a stale version is a conflict first
    comment = text_field(body, "comment")
    workflow.withdraw_application(application, g.api_user, version, comment)
    commit()
    return application_response(application)


@bp.post("/applications/<int:application_id>/decision")
@roles("applicant", "reviewer", "admin")
def decide_application(application_id: int):
    application = load_application(application_id, *_full_options())
    body = json_body()
    version = requested_version(application, body)
    comment = text_field(body, "comment")
    decision = body.get("decision")
    workflow.record_decision(application, g.api_user, decision if isinstance(decision, str) else "",
                             comment, version)
    commit()
    return application_response(application)


@bp.get("/applications/<int:application_id>/history")
@roles(*READER_ROLES)
def application_history(application_id: int):
    application = load_application(
        application_id, selectinload(Application.events).joinedload(ApplicationEvent.actor)
    )
    return jsonify([history_entry(event) for event in application.events])


# The eligibility check -----------------------------------------------------------------------

def checklist_response(application: Application):
    """The department's eligibility checklist (internal: never the applicant's to read)."""
    checklist = {code: bool((application.review_checklist or {}).get(code)) for code in CHECKLIST}
    response = jsonify({"version": application.version, "status": application.status,
                        "checklist": checklist, "passed": all(checklist.values())})
    response.set_etag(str(application.version))
    return response


@bp.get("/applications/<int:application_id>/checklist")
@roles(*READER_ROLES)
def get_checklist(application_id: int):
    application = load_application(application_id)
    if not application.can_read_internal(g.api_user):
        abort(403)
    return checklist_response(application)


@bp.put("/applications/<int:application_id>/checklist")
@roles("applicant", "reviewer", "admin")
def save_checklist(application_id: int):
    """Every item of the checklist, each true or false; items left out are false."""
    application = load_application(application_id)
    body = json_body()
    version = requested_version(application, body)
    items = body.get("checklist")
    if not (isinstance(items, dict) and set(items) <= set(CHECKLIST)
            and all(isinstance(value, bool) for value in items.values())):
        workflow.check_version(application, version)
        raise ValidationFailed(_("Some fields are not valid."), {"checklist": [
            _("An object of the checklist's items, each true or false: %(items)s.",
              items=", ".join(CHECKLIST))]})
    workflow.save_checklist(application, g.api_user, items, version)
    commit()
    return checklist_response(application)


@bp.post("/applications/<int:application_id>/start-review")
@roles("applicant", "reviewer", "admin")
def start_review(application_id: int):
    """The eligibility check passed: on to appraisal (in review)."""
    application = load_application(application_id, *_full_options())
    version = requested_version(application, json_body(optional=True))
    workflow.start_review(application, g.api_user, version)
    commit()
    return application_response(application)
