"""Cleaning and validating application fields: the one place these rules live.

Values may come as Python objects (from WTForms) or as JSON scalars (from the API); both are
coerced here and checked against SPEC section 2. Errors are keyed by the SPEC's field names.
"""
import re
from datetime import date

from flask_babel import gettext as _

from registry.extensions import db
from registry.models import Commune, GeneticResource
from registry.models.applications import (
    READ_ONLY_FIELDS,
    CHOICES,
    FIELD_LABELS,
    fields_of,
)
from registry.models.base import province_today

TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")
TEXT_LIMITS = {
    "title": 300, "summary": 5000, "expected_outputs": 5000, "company_name": 300,
    "locality": 300, "species": 120, "denomination": 200, "application_number": 60,
    "breeder": 300, "certificate_number": 60, "tax_code": 14,
}
DATE_FIELDS = {"start_date", "end_date", "founded_on", "filed_on", "granted_on"}
MONEY_FIELDS = {"total_budget_vnd", "requested_support_vnd", "funding_sought_vnd"}
COUNT_FIELDS = {"team_size": 1, "population_count": 0}  # field -> minimum
LIST_FIELDS = {"technologies", "methods"}
CODE_FIELDS = {"field", "product_type", "stage", "office_status"}
# Stored as NULL when empty, so that they stay unique or mean "not given".
NULLABLE_TEXT = {"application_number"}
MAX_MONEY = 10**15  # a quadrillion đồng: far above any provincial budget, inside BIGINT


class _Invalid(Exception):
    pass


def _as_text(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Invalid(_("Must be text."))
    return value.strip()


def _as_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _Invalid(_("Must be a date (YYYY-MM-DD)."))


def _as_int(value, minimum: int, maximum: int) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise _Invalid(_("Must be a whole number."))
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,30}\s*", value):
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise _Invalid(_("Must be a whole number."))
    if value < minimum:
        raise _Invalid(_("Must be at least %(minimum)s.", minimum=minimum))
    if value > maximum:
        raise _Invalid(_("Must be at most %(maximum)s.", maximum=maximum))
    return value


def _as_code_list(value, choices) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise _Invalid(_("Must be a list of codes."))
    unknown = [v for v in value if v not in choices]
    if unknown:
        raise _Invalid(_("Unknown value: %(values)s.", values=", ".join(unknown)))
    # Keep the table's order and drop repeats.
    return [code for code in choices if code in value]


def _clean_one(name: str, value):
    if name in DATE_FIELDS:
        return _as_date(value)
    if name in MONEY_FIELDS:
        return _as_int(value, 0, MAX_MONEY)
    if name in COUNT_FIELDS:
        return _as_int(value, COUNT_FIELDS[name], 10**9)
    if name in LIST_FIELDS:
        return _as_code_list(value, CHOICES[name])
    if name in CODE_FIELDS:
        code = _as_text(value)
        if code and code not in CHOICES[name]:
            raise _Invalid(_("Unknown value: %(values)s.", values=code))
        return code or None
    if name == "commune":
        code = _as_text(value)
        if not code:
            return None
        commune = db.session.scalar(db.select(Commune).filter_by(code=code))
        if commune is None or not commune.is_valid_on(province_today()):
            raise _Invalid(_("Unknown commune or ward: %(code)s.", code=code))
        return commune
    if name == "resource":
        code = _as_text(value)
        if not code:
            return None
        resource = db.session.scalar(db.select(GeneticResource).filter_by(code=code))
        if resource is None:
            raise _Invalid(_("Unknown genetic resource: %(code)s.", code=code))
        return resource
    text = _as_text(value)
    limit = TEXT_LIMITS.get(name)
    if limit and len(text) > limit:
        raise _Invalid(_("At most %(limit)s characters.", limit=limit))
    if name in NULLABLE_TEXT:
        return text or None
    return text


def clean_values(kind: str, raw: dict) -> tuple[dict, dict[str, list[str]]]:
    """Coerce the given fields of `kind`; unknown fields are errors, not silently dropped."""
    allowed = set(fields_of(kind))
    values: dict = {}
    errors: dict[str, list[str]] = {}
    for name, value in raw.items():
        if name not in allowed:
            errors[name] = [_("This is not a field of this kind of application.")]
            continue
        if name in READ_ONLY_FIELDS:  # sent back as read: nothing to change
            if value not in (None, ""):
                errors[name] = [_("The districts ended on 30/06/2025: give the commune or ward instead.")]
            continue
        try:
            values[name] = _clean_one(name, value)
        except _Invalid as exc:
            errors[name] = [str(exc)]
    return values, errors


def check_rules(kind: str, merged: dict, application_id: int | None) -> dict[str, list[str]]:
    """Rules between fields, on the record as it would be after the change."""
    from registry.models import Application

    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    title = merged.get("title") or ""
    if len(title) < 5:
        add("title", _("The title needs at least 5 characters."))
    start, end = merged.get("start_date"), merged.get("end_date")
    if start and end and end < start:
        add("end_date", _("The end date cannot be before the start date."))

    today = province_today()
    if kind == "project":
        total, support = merged.get("total_budget_vnd"), merged.get("requested_support_vnd")
        if total is not None and support is not None and support > total:
            add("requested_support_vnd", _("The support requested cannot exceed the total budget."))
    elif kind == "startup":
        tax_code = merged.get("tax_code") or ""
        if tax_code and not TAX_CODE.match(tax_code):
            add("tax_code", _("An enterprise code has 10 digits, or 10 digits, a hyphen and 3 digits."))
        founded = merged.get("founded_on")
        if founded and founded > today:
            add("founded_on", _("This date is in the future."))
    elif kind == "pvp_filing":
        filed, granted = merged.get("filed_on"), merged.get("granted_on")
        if filed and filed > today:
            add("filed_on", _("This date is in the future."))
        if merged.get("office_status") == "granted":
            if not merged.get("certificate_number"):
                add("certificate_number", _("Required when the variety is granted."))
            if not granted:
                add("granted_on", _("Required when the variety is granted."))
            elif filed and granted < filed:
                add("granted_on", _("The grant cannot be before the filing."))
        else:
            if merged.get("certificate_number"):
                add("certificate_number", _("Only a granted variety has a certificate number."))
            if granted:
                add("granted_on", _("Only a granted variety has a grant date."))
        number = merged.get("application_number")
        if number:
            taken = db.session.scalar(
                db.select(Application.id).where(
                    Application.application_number == number,
                    Application.id != (application_id or 0),
                )
            )
            if taken:
                add("application_number", _("Another filing already has this application number."))
    return errors


def missing_fields(kind: str, merged: dict, organization=None) -> list[str]:
    from registry.models.applications import required_to_submit

    return [name for name in required_to_submit(kind, organization) if merged.get(name) in (None, "", [])]


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))
