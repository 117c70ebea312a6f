"""Template filters and globals: money, dates and code labels in the reader's language."""
from datetime import date, datetime

from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _

from registry.models import applications as app_codes
from registry.models.base import current_language


def money(value) -> str:
    """Whole đồng: 1.500.000.000 ₫ in Vietnamese, 1,500,000,000 ₫ in English."""
    if value is None or value == "":
        return ""
    return f"{format_decimal(int(value), format='#,##0')} ₫"


def short_date(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if current_language() == "vi":
        return format_date(value, "dd/MM/yyyy")
    return format_date(value, "d MMM yyyy")


def short_datetime(value: datetime | None) -> str:
    if not value:
        return ""
    if current_language() == "vi":
        return format_datetime(value, "HH:mm dd/MM/yyyy")
    return format_datetime(value, "d MMM yyyy, HH:mm")


def human_size(size: int) -> str:
    if size < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(max(size / 1024, 0.1), format="#,##0.#"))
    return _("%(size)s MB", size=format_decimal(size / (1024 * 1024), format="#,##0.#"))


def figure(value, decimals: int | None = None) -> str:
    """A number in the reader's language (13,1 in Vietnamese, 13.1 in English); `decimals`
    fixes the digits after the point, otherwise up to two as needed. None shows as a dash."""
    if value is None:
        return "—"
    if decimals is None:
        fraction = ".##"
    else:
        fraction = "." + "0" * decimals if decimals else ""
    return format_decimal(value, format="#,##0" + fraction)


def exact_figure(value) -> str:
    """A number with every decimal it has (10.000,125 in Vietnamese, 10,000.125 in English):
    what a form shows back for editing and what a typed number was understood as."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.##########")


def label(field_name: str, code) -> str:
    """The translated label of a code value (or of each code in a list)."""
    if code in (None, ""):
        return ""
    table = app_codes.CHOICES.get(field_name, {})
    if isinstance(code, (list, tuple)):
        return ", ".join(str(table.get(c, c)) for c in code)
    return str(table.get(code, code))


def url_with(**changes) -> str:
    """The current page's URL with some query arguments replaced (filters, pagination). A
    page's `after` cursor is dropped unless given: it names where that one page ended."""
    args = request.args.to_dict(flat=False)
    args.pop("after", None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [value]
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    from registry.numbers import KINDS as NUMBER_KINDS
    from registry.services.targets import STATUSES as TARGET_STATUSES

    app.jinja_env.filters.update(money=money, date=short_date, datetime=short_datetime, figure=figure)
    app.jinja_env.globals.update(
        label=label,
        human_size=human_size,
        url_with=url_with,
        field_label=lambda name: str(app_codes.FIELD_LABELS.get(name, name)),
        current_language=current_language,
        target_status_label=lambda status: str(TARGET_STATUSES.get(status, status)),
        get_locale=get_locale,
        number_kind=NUMBER_KINDS.get,
    )
