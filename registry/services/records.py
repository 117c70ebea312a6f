"""The public catalogue of approved records: filters shared by the pages, the API and the
open-data exports."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from registry.extensions import db
from registry.models import Application, Commune, District, SupportDecision
from registry.models.applications import DECIDED_KINDS, FIELDS, KINDS
from registry.models.reference import FORMER_PROVINCES
from registry.services.text import fold, like_pattern, search_terms

# What the public sees: approved records — a project or startup only once its support decision is
# recorded (the department's approval alone makes it neither supported nor public).
PUBLIC = sa.and_(
    Application.status == "approved",
    sa.or_(Application.kind.not_in(DECIDED_KINDS),
           sa.exists().where(SupportDecision.application_id == Application.id)),
)
APPROVAL_YEAR = sa.extract("year", Application.approved_on)
YEARS = range(1900, 2201)


def listing_options():
    """What a record in a list shows besides its own columns, loaded with it."""
    return (joinedload(Application.organization), joinedload(Application.commune),
            joinedload(Application.district))


@dataclass(frozen=True)
class RecordFilters:
    """kind, field, place (a commune or ward since 01/07/2025, a former district before, the
    former province either lies in), year of approval and an accent-free search."""

    kind: str | None = None
    field: str | None = None
    commune: Commune | None = None
    district: District | None = None
    former_province: str | None = None
    year: int | None = None
    q: str = ""
    terms: tuple[str, ...] = ()

    @classmethod
    def from_args(cls, args) -> tuple["RecordFilters", dict[str, list[str]]]:
        """Filters from query arguments, and an error per argument that was not understood
        (pages drop those arguments; the API answers 422)."""
        errors: dict[str, list[str]] = {}
        kind, field = args.get("kind") or None, args.get("field") or None
        if kind and kind not in KINDS:
            errors["kind"] = [_("Unknown value: %(values)s.", values=kind)]
            kind = None
        if field and field not in FIELDS:
            errors["field"] = [_("Unknown value: %(values)s.", values=field)]
            field = None
        commune = None
        if args.get("commune"):
            # Any unit of the table, also one a later reorganisation ended: its records stay.
            commune = db.session.scalar(db.select(Commune).filter_by(code=args["commune"]))
            if commune is None:
                errors["commune"] = [_("Unknown commune or ward: %(code)s.", code=args["commune"])]
        former_province = args.get("former_province") or None
        if former_province and former_province not in FORMER_PROVINCES:
            errors["former_province"] = [_("Unknown value: %(values)s.", values=former_province)]
            former_province = None
        district = None
        if args.get("district"):
            district = db.session.scalar(db.select(District).filter_by(code=args["district"]))
            if district is None:
                errors["district"] = [_("Unknown district: %(code)s.", code=args["district"])]
        year = None
        if args.get("year"):
            year = args.get("year", type=int)
            if year not in YEARS:
                errors["year"] = [_("Must be a year, such as 2026.")]
                year = None
        q = (args.get("q") or "").strip()[:200]
        return cls(kind=kind, field=field, commune=commune, district=district,
                   former_province=former_province, year=year, q=q,
                   terms=tuple(search_terms(q))), errors

    @property
    def active(self) -> bool:
        return any((self.kind, self.field, self.commune, self.district, self.former_province,
                    self.year, self.terms))

    def args(self) -> dict[str, str]:
        """The active filters (not the search) as query arguments, for the links and hidden
        fields that must keep them."""
        values = {
            "kind": self.kind, "field": self.field,
            "commune": self.commune.code if self.commune else None,
            "district": self.district.code if self.district else None,
            "former_province": self.former_province,
            "year": str(self.year) if self.year else None,
        }
        return {name: value for name, value in values.items() if value}

    def conditions(self, skip: str | None = None) -> list:
        """WHERE clauses of the active filters; `skip` leaves out one facet's own filter."""
        clauses = [PUBLIC]
        if self.kind and skip != "kind":
            clauses.append(Application.kind == self.kind)
        if self.field and skip != "field":
            clauses.append(Application.field == self.field)
        if self.commune and skip != "commune":
            clauses.append(Application.commune_id == self.commune.id)
        if self.district and skip != "district":
            clauses.append(Application.district_id == self.district.id)
        if self.former_province and skip != "former_province":
            clauses.append(Application.former_province == self.former_province)
        if self.year and skip != "year":
            # A date range, not EXTRACT(year ...), so that the index on approved_on serves it.
            clauses.append(Application.approved_on.between(date(self.year, 1, 1), date(self.year, 12, 31)))
        for term in self.terms:
            clauses.append(Application.search_text.like(like_pattern(term), escape="\\"))
        return clauses


def commune_order(commune: Commune) -> tuple[str, str]:
    """A commune or ward's place in an alphabetical list: by its name without "Xã"/"Phường",
    accents aside, the same in both languages."""
    name = fold(commune.name_vi)
    for prefix in ("xa ", "phuong "):
        name = name.removeprefix(prefix)
    return name, commune.code


def newest_first(statement):
    return statement.order_by(Application.approved_on.desc(), Application.id.desc())
