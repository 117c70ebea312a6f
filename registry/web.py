"""Small helpers every area's views share: pages of results, safe redirects, service errors,
the cache of public pages."""
import functools
import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Response, current_app, flash, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user

from registry.extensions import db
from registry.services.errors import Conflict, DomainError, ValidationFailed

MAX_PAGE = 100_000  # past the end is empty anyway; a huge number would overflow OFFSET


def page_number() -> int:
    page = request.args.get("page", type=int)
    return page if page is not None and 1 <= page <= MAX_PAGE else 1


def paginate(statement, page: int | None = None, per_page: int | None = None):
    """One page of a select, with its total: by default the `page` argument and PER_PAGE (the
    API passes what it validated)."""
    return db.paginate(statement, page=page or page_number(),
                       per_page=per_page or current_app.config["PER_PAGE"], error_out=False)


@dataclass
class CountedPage:
    """A page of a select whose total is known already (from the tallies): no COUNT query."""

    items: list
    total: int
    page: int
    per_page: int


def page_with_total(statement, total: int) -> CountedPage:
    page, per_page = page_number(), current_app.config["PER_PAGE"]
    items = db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return CountedPage(items=items, total=total, page=page, per_page=per_page)


def year_arg(years: list[int], default: int) -> int:
    """The `year` argument when it is one of `years`, else `default`."""
    year = request.args.get("year", type=int)
    return year if year in years else default


def safe_next(target: str | None) -> str | None:
    """A path on this site, or None: never another host (no open redirect). Browsers read
    '//host' and '/\\host' as a host name."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def show_service_errors(form, exc: DomainError) -> None:
    """Put a service's field errors beside the form's fields of the same name; flash the
    message when some error has no field to stand beside. (Pages call `run_service`.)"""
    db.session.rollback()
    unplaced = []
    for name, messages in exc.errors.items():
        if form is not None and name in form and form[name].type not in ("HiddenField", "CSRFTokenField"):
            form[name].errors = list(messages)
        else:
            unplaced.extend(messages)
    if unplaced or not exc.errors:
        flash(exc.message, "error")


@dataclass
class Outcome:
    """What became of one service call made for a form: its result, or the status of the
    refusal (422 invalid, 409 conflict) with the form ready to be shown again."""

    result: object = None
    status: int | None = None
    error: DomainError | None = None

    @property
    def refused(self) -> bool:
        return self.status is not None


def run_service(form, action, record=None) -> Outcome:
    """The one way a page calls a service: run `action` (one service call) and commit.

    When the service refuses, nothing of the attempt is kept (rollback) and what was typed stays
    in `form`: a ValidationFailed puts its errors beside the fields of the same name (422, the
    others flashed); a Conflict is flashed (409), and the form takes the `version` of `record` as
    it is now, so that sending it again is a fresh attempt. PermissionDenied and NotFound go on
    to the error pages (403, 404). The caller shows the page again with `outcome.status`."""
    from registry.services.unit_of_work import commit

    try:
        result = action()
        commit()
    except ValidationFailed as exc:
        show_service_errors(form, exc)
        return Outcome(status=422, error=exc)
    except Conflict as exc:
        db.session.rollback()  # expires `record`: it reloads as it is now
        flash(exc.message, "error")
        if record is not None and form is not None and "version" in form:
            form.version.data = record.version
        return Outcome(status=409, error=exc)
    return Outcome(result=result)


def _served_from_cache() -> bool:
    """A visitor's plain read: no account, no API token, no message waiting in the session."""
    return (request.method in ("GET", "HEAD") and not current_user.is_authenticated
            and "Authorization" not in request.headers and not session.get("_flashes"))


def cached_for_visitors(view):
    """A public page or API read built once per data version, language and day, then served
    from the cache to every anonymous visitor (with an ETag, so a browser's second visit is a
    304). Signed-in users get it built for them: their pages carry their own menus and forms."""
    from registry.extensions import cache
    from registry.models.base import province_today
    from registry.services import data_version

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        version = data_version.current() if _served_from_cache() else None
        if version is None:
            return view(*args, **kwargs)
        # The host too: API answers carry absolute links (http or https, the host asked).
        key = (f"page:{version.token}:{province_today()}:{get_locale()}:"
               f"{request.host_url}{request.full_path}")
        etag = hashlib.sha256(key.encode()).hexdigest()[:32]
        kept = cache.get(key)
        if kept is not None:
            body, status, mimetype = kept
            response = Response(body, status=status, mimetype=mimetype)
        else:
            response = make_response(view(*args, **kwargs))
            # Only what any visitor may be shown: a whole page without a form token of its
            # session (Flask-WTF keeps the one it made in `g`) or a cookie of its own.
            field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
            if (response.status_code == 200 and not response.is_streamed and field not in g
                    and "Set-Cookie" not in response.headers):
                cache.set(key, (response.get_data(), response.status_code, response.mimetype))
            else:
                return response
        response.set_etag(etag)
        return response.make_conditional(request)

    return wrapper
