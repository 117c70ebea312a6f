"""How an application's fields read on a page: labels and formatted values, per audience.

Public pages show only the allow-listed fields (SPEC section 4): a new column stays private
until someone adds it here.
"""
from registry.formatting import label, money, short_date
from registry.models.applications import FIELD_LABELS, fields_of

PUBLIC_FIELDS = frozenset({
    "title", "summary", "field", "district", "start_date", "end_date",
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
    if name in ("district", "resource"):
        if hasattr(value, "name"):
            return value.name
        return _reference_name(name, value)
    if name in ("field", "product_type", "technologies", "stage", "methods", "office_status"):
        return label(name, value)
    return str(value)


def _reference_name(name: str, code: str) -> str:
    from registry.extensions import db
    from registry.models import District, GeneticResource

    model = District if name == "district" else GeneticResource
    row = db.session.scalar(db.select(model).filter_by(code=code))
    return row.name if row else code


def field_rows(application, public: bool = False) -> list[tuple[str, str]]:
    """(label, value) pairs of every field of the application's kind, in form order."""
    rows = []
    for name in fields_of(application.kind):
        if public and name not in PUBLIC_FIELDS:
            continue
        value = getattr(application, name)
        rows.append((str(FIELD_LABELS[name]), display_value(name, value)))
    return rows
