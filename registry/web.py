"""Small helpers every area's views share: pages of results, safe redirects, service errors."""
from urllib.parse import urlsplit

from flask import current_app, flash, request

from registry.extensions import db
from registry.services.errors import Conflict, DomainError, ValidationFailed

MAX_PAGE = 100_000  # past the end is empty anyway; a huge number would overflow OFFSET


def page_number() -> int:
    page = request.args.get("page", type=int)
    return page if page is not None and 1 <= page <= MAX_PAGE else 1


def paginate(statement):
    """One page of a select, with its total, by the `page` argument and PER_PAGE."""
    return db.paginate(statement, page=page_number(), per_page=current_app.config["PER_PAGE"],
                       error_out=False)


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
    message when some error has no field to stand beside."""
    db.session.rollback()
    unplaced = []
    for name, messages in exc.errors.items():
        if name in form and form[name].type not in ("HiddenField", "CSRFTokenField"):
            form[name].errors = list(messages)
        else:
            unplaced.extend(messages)
    if unplaced or not exc.errors:
        flash(exc.message, "error")


def refusal_of(form, action) -> int | None:
    """Run `action` (one service call) and commit. When the service refuses, put its errors
    beside the form's fields (422) or flash the conflict (409) and return that status;
    None when it went through."""
    from registry.services.unit_of_work import commit

    try:
        action()
        commit()
    except ValidationFailed as exc:
        show_service_errors(form, exc)
        return 422
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return 409
    return None
