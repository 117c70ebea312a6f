"""How an application's fields read on a page: labels and formatted values, per audience.

Public pages show only the allow-listed fields (SPEC section 4): a new column stays private
until someone adds it here.
"""
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from registry.formatting import label, money, short_date
from registry.models import Application
from registry.models.applications import FIELD_LABELS, FIELDS, KINDS, PRODUCT_TYPES, fields_of
from registry.models.base import province_today
from registry.models.reference import FORMER_PROVINCES, PLAN_START
from registry.services import targets as target_service

PUBLIC_FIELDS = frozenset({
    "title", "summary", "field", "district", "commune", "start_date", "end_date",
    "product_type", "technologies", "total_budget_vnd", "requested_support_vnd", "expected_outputs",
    "company_name", "tax_code", "founded_on", "stage", "team_size", "funding_sought_vnd",
    "resource", "methods", "population_count", "locality",
    "species", "denomination", "application_number", "filed_on", "breeder", "office_status",
    "certificate_number", "granted_on",
})


def display_value(name: str, value) -> str:
    """A field's value as text for a page (value as stored, or as in a version snapshot)."""
    if value in (None, "", []):
        return ""
    if name.endswith("_vnd"):
        return money(value)
    if name in ("start_date", "end_date", "founded_on", "filed_on", "granted_on"):
        return short_date(value)
    if name in ("district", "commune", "resource"):
        if hasattr(value, "name"):
            return value.name
        return _reference_name(name, value)
    if name in ("field", "product_type", "technologies", "stage", "methods", "office_status"):
        return label(name, value)
    return str(value)


def _reference_name(name: str, code: str) -> str:
    from registry.extensions import db
    from registry.models import Commune, District, GeneticResource

    model = {"district": District, "commune": Commune}.get(name, GeneticResource)
    row = db.session.scalar(db.select(model).filter_by(code=code))
    return row.name if row else code


PLACE_FIELDS = ("commune", "district")


def place_rows(application) -> list[tuple[str, str]]:
    """Where the record is: its commune or ward (since 01/07/2025) and the former province that
    lies in; a record from before keeps its former district (of the former Hưng Yên)."""
    rows = []
    if application.commune is not None or application.district is None:
        rows.append((str(FIELD_LABELS["commune"]), display_value("commune", application.commune)))
    if application.district is not None:
        rows.append((str(FIELD_LABELS["district"]), application.district.name))
    if application.former_province in FORMER_PROVINCES:
        rows.append((_("Former province"), str(FORMER_PROVINCES[application.former_province])))
    return rows


def field_rows(application, public: bool = False) -> list[tuple[str, str]]:
    """(label, value) pairs of every field of the application's kind, in form order; the place
    as `place_rows` at the first place field."""
    rows = []
    placed = False
    for name in fields_of(application.kind):
        if public and name not in PUBLIC_FIELDS:
            continue
        if name in PLACE_FIELDS:
            if not placed:
                rows.extend(place_rows(application))
                placed = True
            continue
        value = getattr(application, name)
        rows.append((str(FIELD_LABELS[name]), display_value(name, value)))
    return rows


# Progress against the plan ----------------------------------------------------------------

def as_of_notice(as_of: date, errors: dict[str, list[str]]) -> str | None:
    """On a page, a day that could not be used is replaced by the nearest one, and said so."""
    if not errors:
        return None
    problems = " ".join(message for messages in errors.values() for message in messages)
    return _("%(problem)s The figures are as of %(date)s.", problem=problems,
             date=short_date(as_of))


def progress_overview(as_of: date, plan=None) -> dict:
    """What the public progress page and the department's dashboard both show: the targets
    of `plan` (the counted plan by default) and the breakdowns of approved records, as (label,
    count) rows for the charts."""
    by_year = target_service.approvals_by_year(as_of)
    return {
        "as_of": as_of,
        "first_as_of": PLAN_START,
        "today": province_today(),
        "progress": target_service.all_progress(as_of, plan),
        "kinds": KINDS,
        "by_year": by_year,
        "year_rows": [(str(year), sum(counts.values())) for year, counts in by_year],
        "field_rows": [
            (str(FIELDS.get(code, code)), count)
            for code, count in target_service.approved_breakdown(Application.field, as_of)
        ],
        # The province as it is: by commune or ward since 01/07/2025 and by the former province
        # each lies in; the records from before by their former district.
        "province_rows": [
            (str(FORMER_PROVINCES[code]), count)
            for code, count in target_service.approvals_by_former_province(as_of)
        ],
        **_commune_rows(target_service.approvals_by_commune(as_of)),
        "district_rows": [
            (district.name, count) for district, count in target_service.approvals_by_district(as_of)
        ],
        "product_rows": [
            (str(PRODUCT_TYPES.get(code, code)), count)
            for code, count in target_service.approved_breakdown(
                Application.product_type, as_of, kind="project")
        ],
    }


# The chart by commune or ward draws this many bars, the rest as one; its table lists them all.
COMMUNES_CHARTED = 15


def _commune_rows(by_commune) -> dict:
    rows = [(commune.name, commune.former_province_label, count) for commune, count in by_commune]
    chart = [(name, count) for name, _province, count in rows[:COMMUNES_CHARTED]]
    others = rows[COMMUNES_CHARTED:]
    if others:
        chart.append((ngettext("%(num)d other commune or ward", "%(num)d other communes and wards",
                               len(others)), sum(count for *_rest, count in others)))
    return {"commune_rows": rows, "commune_chart_rows": chart}
