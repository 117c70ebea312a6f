"""The public catalogue of approved records: filters shared by the pages, the API and the
open-data exports, their counts (from the tallies) and their pages (by keyset).

What a page costs depends on what it shows: the facets and totals are sums over
`application_tallies` (one row per combination of kind, field, place and year, kept by
triggers), the search goes through an index (FTS5 on SQLite, pg_trgm on PostgreSQL) and a page
of records is read along an index from where the previous page ended."""
import base64
import binascii
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, load_only

from registry.extensions import db
from registry.models import Application, ApplicationTally, Commune, District, Organization
from registry.models.applications import FIELDS, KINDS
from registry.models.reference import FORMER_PROVINCES
from registry.services import data_version
from registry.services.text import fold, like_pattern, search_terms

# What the public sees: approved records — a project or startup only once its support decision is
# recorded (the department's approval alone makes it neither supported nor public). Stored as
# `in_catalogue`, which the database's triggers keep equal to `Application.is_public`.
PUBLIC = Application.in_catalogue == sa.true()
APPROVAL_YEAR = sa.extract("year", Application.approved_on)
YEARS = range(1900, 2201)
# The FTS5 trigram index finds substrings of three characters or more; a shorter word is looked
# for in the text itself (among the other words' matches, when there are any).
INDEXED_TERM_LENGTH = 3
_SEARCH_INDEX = sa.table("application_search", sa.column("rowid"))
# The columns a record in a list shows (`public/_record_item.html`, the API's summary).
LISTED_COLUMNS = (Application.id, Application.public_code, Application.kind, Application.title,
                  Application.field, Application.organization_id, Application.commune_id,
                  Application.district_id, Application.former_province, Application.approved_on,
                  Application.status, Application.in_catalogue)


def listing_options():
    """A record in a list: only the columns it shows, and its organisation's, commune's and
    former district's names in the same query."""
    return (load_only(*LISTED_COLUMNS),
            joinedload(Application.organization).load_only(Organization.id, Organization.name),
            joinedload(Application.commune), joinedload(Application.district))


def _contains(term: str):
    """The folded text holds `term` (LIKE, its wildcards escaped)."""
    return Application.search_text.like(like_pattern(term), escape="\\")


def search_conditions(terms) -> list:
    """WHERE clauses that find every folded term somewhere in the record's folded text — the
    same records on both databases as `search_text LIKE '%term%'`, through an index."""
    if not terms:
        return []
    if db.session.get_bind().dialect.name != "sqlite":
        # PostgreSQL answers LIKE through the trigram index of migration 0016.
        return [_contains(term) for term in terms]
    indexed = [term for term in terms if len(term) >= INDEXED_TERM_LENGTH]
    clauses = [_contains(term) for term in terms if len(term) < INDEXED_TERM_LENGTH]
    if indexed:
        clauses.insert(0, _indexed_match(indexed, "AND"))
    return clauses


def search_any_condition(terms):
    """A WHERE clause that finds any of the folded terms (the duplicate check's candidates),
    through the index when every term is long enough for it."""
    if db.session.get_bind().dialect.name != "sqlite" or any(
            len(term) < INDEXED_TERM_LENGTH for term in terms):
        return sa.or_(*(_contains(term) for term in terms))
    return _indexed_match(terms, "OR")


def _indexed_match(terms, operator: str):
    """SQLite: the ids whose text the FTS5 trigram index finds each (AND) or any (OR) term in."""
    query = f" {operator} ".join('"' + term.replace('"', '""') + '"' for term in terms)
    return Application.id.in_(sa.select(_SEARCH_INDEX.c.rowid).where(
        sa.literal_column("application_search").op("MATCH")(query)))


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
        clauses.extend(search_conditions(self.terms))
        return clauses

    def tally_conditions(self, skip: str | None = None) -> list:
        """The same filters (not the search) over `application_tallies`."""
        clauses = [ApplicationTally.in_catalogue == sa.true(), ApplicationTally.records > 0]
        wanted = {
            "kind": (ApplicationTally.kind, self.kind),
            "field": (ApplicationTally.field, self.field),
            "commune": (ApplicationTally.commune_id, self.commune.id if self.commune else None),
            "district": (ApplicationTally.district_id, self.district.id if self.district else None),
            "former_province": (ApplicationTally.former_province, self.former_province),
            "year": (ApplicationTally.approval_year, self.year),
        }
        for name, (column, value) in wanted.items():
            if value and name != skip:
                clauses.append(column == value)
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


# Counts ---------------------------------------------------------------------------------------

# facet -> (its column among the records, its column among the tallies)
FACET_COLUMNS = {
    "kind": (Application.kind, ApplicationTally.kind),
    "field": (Application.field, ApplicationTally.field),
    "former_province": (Application.former_province, ApplicationTally.former_province),
    "commune": (Application.commune_id, ApplicationTally.commune_id),
    "district": (Application.district_id, ApplicationTally.district_id),
    "year": (APPROVAL_YEAR, ApplicationTally.approval_year),
}


def facet_counts(filters: RecordFilters, facet: str) -> dict:
    """value -> number of records, under every active filter but the facet's own: summed from
    the tallies, or with a search counted among its matches (which the index keeps few)."""
    record_column, tally_column = FACET_COLUMNS[facet]
    if filters.terms:
        statement = (sa.select(record_column, sa.func.count())
                     .where(*filters.conditions(skip=facet)).group_by(record_column))
    else:
        statement = (sa.select(tally_column, sa.func.sum(ApplicationTally.records))
                     .where(*filters.tally_conditions(skip=facet)).group_by(tally_column))
    # The tallies keep '' and 0 for a missing value; PostgreSQL's EXTRACT returns a numeric.
    return {(int(value) if facet == "year" else value): int(count)
            for value, count in db.session.execute(statement) if value not in (None, "", 0) and count}


def status_counts(kind=None, field=None, former_province=None, commune_id=None,
                  district_id=None) -> dict[str, int]:
    """status -> number of applications (drafts left out: staff never see them) of a kind,
    field and place, from the tallies: the department's queue tabs."""
    wanted = ((ApplicationTally.kind, kind), (ApplicationTally.field, field),
              (ApplicationTally.former_province, former_province),
              (ApplicationTally.commune_id, commune_id), (ApplicationTally.district_id, district_id))
    clauses = [ApplicationTally.status != "draft", ApplicationTally.records > 0,
               *(column == value for column, value in wanted if value)]

    def count() -> dict[str, int]:
        return {status: int(number) for status, number in db.session.execute(
            sa.select(ApplicationTally.status, sa.func.sum(ApplicationTally.records))
            .where(*clauses).group_by(ApplicationTally.status))}

    return data_version.cached("status-counts", tuple(value for _column, value in wanted), count)


def record_count(filters: RecordFilters) -> int:
    if filters.terms:
        return db.session.scalar(sa.select(sa.func.count(Application.id)).where(*filters.conditions()))
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(ApplicationTally.records), 0))
                                 .where(*filters.tally_conditions())))


# Pages ----------------------------------------------------------------------------------------

def encode_cursor(application: Application) -> str:
    """Where a page ended, as an opaque token: the next page starts after this record."""
    raw = f"{application.approved_on.isoformat()}.{application.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str | None) -> tuple[date, int] | None:
    """The (approval date, id) a cursor names; None for anything that is not one."""
    if not token or len(token) > 40:
        return None
    try:
        day, _dot, number = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode().partition(".")
        position = date.fromisoformat(day), int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return position if 0 < position[1] < 2**31 and str(position[1]) == number else None


@dataclass
class RecordPage:
    """One page of catalogue records: the records, how many match in all, and the cursor of
    the page after it (None on the last)."""

    items: list
    total: int
    page: int
    per_page: int
    next_cursor: str | None


def record_page(filters: RecordFilters, page: int, per_page: int,
                after: tuple[date, int] | None = None) -> RecordPage:
    """Records newest first: after a cursor (along the index, however deep) or at page
    `page` (OFFSET, for the few pages a person reaches by number)."""
    statement = newest_first(
        sa.select(Application).where(*filters.conditions()).options(*listing_options()))
    if after is not None:
        statement = statement.where(sa.tuple_(Application.approved_on, Application.id) < after)
    else:
        statement = statement.offset((page - 1) * per_page)
    rows = db.session.scalars(statement.limit(per_page + 1)).unique().all()
    items = rows[:per_page]
    return RecordPage(items=items, total=record_count(filters), page=page, per_page=per_page,
                      next_cursor=encode_cursor(items[-1]) if len(rows) > per_page else None)
