"""The register of bio-industry enterprises, and the plan's measures computed from it.

The plan asks that biotech-industry enterprises "tăng 50% về quy mô đầu tư và quy mô tăng
trưởng" and "thay thế ít nhất 50% sản phẩm công nghệ sinh học nhập khẩu". Both are measured
against the base year 2023, from the figures in the register, never from a typed percentage:

- growth (investment capital, revenue): a like-for-like panel — the enterprises that have a 2023
  figure and a figure for the year measured — summed, year over base. An enterprise without a
  base figure (or without a figure for the year) is left out, and the result says so.
- import substitution: the revenue of all registered enterprises from products that replace
  imports, in the year measured, as a share of the value of biotech products the province
  imported in 2023 (the import baseline).

Every measure is asked `as_of` a day: only what was entered by the end of that day (Hưng Yên
time) and reported on or before it counts, and of several figures for one enterprise and year the
latest entered stands (a correction is a new row).
"""
import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from registry.extensions import db
from registry.models import BiotechEnterprise, Commune, EnterpriseYearFigure, ImportBaseline, Organization, User
from registry.models.applications import FIELDS
from registry.models.base import end_of_day_utc, province_today
from registry.models.enterprises import BASE_YEAR
from registry.services.errors import Conflict, PermissionDenied, ValidationFailed
from registry.services.text import fold, like_pattern, search_terms
from registry.services.unit_of_work import flush
from registry.services.validation import MAX_MONEY, TAX_CODE
from registry.services.versions import given_version

# The figures whose growth is measured: kind -> column of EnterpriseYearFigure.
GROWTH_KINDS = {"investment": "investment_vnd", "revenue": "revenue_vnd"}
GROWTH_TITLES = {
    "investment": _l("Growth of investment capital"),
    "revenue": _l("Growth of revenue"),
}
# Why a measure has no value: code -> what the page says.
REASONS = {
    "empty_register": _l("No enterprise is in the register yet."),
    "no_later_year": _l("No enterprise has figures for a year after %(year)s yet.", year=BASE_YEAR),
    "empty_panel": _l("No enterprise has figures for both %(base)s and the year measured.", base=BASE_YEAR),
    "zero_base": _l("The enterprises' %(base)s figures add up to zero.", base=BASE_YEAR),
    "no_figures": _l("No enterprise has figures yet."),
    "no_baseline": _l("The value of the biotech products imported in %(year)s has not been entered.",
                      year=BASE_YEAR),
}
NAME_MAX, SOURCE_MAX, NOTES_MAX = 300, 300, 5000


# Reading the register as of a day --------------------------------------------------------------

def register_as_of(as_of: date) -> list[BiotechEnterprise]:
    """The enterprises in the register on `as_of`: entered by the end of that day, and in the
    register since a day no later than it. By name."""
    return list(db.session.scalars(
        sa.select(BiotechEnterprise).options(selectinload(BiotechEnterprise.commune))
        .where(BiotechEnterprise.created_at < end_of_day_utc(as_of),
               BiotechEnterprise.in_register_since <= as_of)
        .order_by(BiotechEnterprise.name, BiotechEnterprise.id)))


def figures_in_force(as_of: date, enterprise_ids=None) -> dict[tuple[int, int], EnterpriseYearFigure]:
    """(enterprise id, year) -> the figure that stands on `as_of`: the latest entered of those
    entered by the end of that day and reported on or before it."""
    query = (sa.select(EnterpriseYearFigure)
             .where(EnterpriseYearFigure.entered_at < end_of_day_utc(as_of),
                    EnterpriseYearFigure.reported_on <= as_of)
             .order_by(EnterpriseYearFigure.enterprise_id, EnterpriseYearFigure.year,
                       EnterpriseYearFigure.entered_at, EnterpriseYearFigure.id))
    if enterprise_ids is not None:
        query = query.where(EnterpriseYearFigure.enterprise_id.in_(list(enterprise_ids)))
    standing: dict[tuple[int, int], EnterpriseYearFigure] = {}
    for figure in db.session.scalars(query):
        standing[(figure.enterprise_id, figure.year)] = figure  # later rows replace earlier ones
    return standing


def baseline_as_of(as_of: date) -> ImportBaseline | None:
    """The import baseline that stands on `as_of` (the latest entered by then)."""
    return db.session.scalar(
        sa.select(ImportBaseline)
        .where(ImportBaseline.entered_at < end_of_day_utc(as_of), ImportBaseline.reported_on <= as_of)
        .order_by(ImportBaseline.entered_at.desc(), ImportBaseline.id.desc()).limit(1))


@dataclass
class _Register:
    """The register as it stood on one day: its enterprises and the figures in force."""

    as_of: date
    enterprises: list[BiotechEnterprise]
    figures: dict[tuple[int, int], EnterpriseYearFigure]

    @classmethod
    def on(cls, as_of: date) -> "_Register":
        enterprises = register_as_of(as_of)
        in_register = {e.id for e in enterprises}
        figures = {key: figure for key, figure in figures_in_force(as_of).items() if key[0] in in_register}
        return cls(as_of, enterprises, figures)

    def figure(self, enterprise: BiotechEnterprise, year: int | None) -> EnterpriseYearFigure | None:
        return None if year is None else self.figures.get((enterprise.id, year))

    def year_measured(self, latest_year: int | None = None, after_base: bool = True) -> int | None:
        """The year a measure compares with the base: the latest complete year (up to the year
        before `as_of`) that has any figures, else the latest year with figures up to `as_of`'s
        own year. `latest_year` caps both (a target's deadline, the annual report's year)."""
        floor = BASE_YEAR + 1 if after_base else BASE_YEAR
        cap = self.as_of.year if latest_year is None else min(latest_year, self.as_of.year)
        years = {year for _enterprise, year in self.figures if floor <= year <= cap}
        complete = [y for y in years if y <= self.as_of.year - 1]
        return max(complete or years, default=None)


def percent(part: int, whole: int) -> float:
    return round(part / whole * 100, 1)


# The measures --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Growth:
    """How much the panel's figures grew from the base year to `year`.

    `value` is the growth in per cent, rounded to one decimal — (sum in `year` ÷ sum in
    `base_year` − 1) × 100 — or None, and then `reason` is a code of REASONS (`reason_text`
    says it). `panel` enterprises had a figure for both years; `left_out` of the register did
    not: `missing_base` names those without a base-year figure, `missing_year` those with one but
    without a figure for `year`. `base_total` and `year_total` are the panel's sums in đồng."""

    kind: str
    as_of: date
    value: float | None
    base_year: int = BASE_YEAR
    year: int | None = None
    base_total: int = 0
    year_total: int = 0
    panel: int = 0
    left_out: int = 0
    missing_base: tuple[str, ...] = ()
    missing_year: tuple[str, ...] = ()
    reason: str | None = None

    @property
    def title(self) -> str:
        return str(GROWTH_TITLES[self.kind])

    @property
    def reason_text(self) -> str:
        return str(REASONS[self.reason]) if self.reason else ""


@dataclass(frozen=True)
class ImportSubstitution:
    """What share of the base year's biotech imports the enterprises' import-replacing products
    stood for in `year`.

    `value` is in per cent, rounded to one decimal — `replacing_total` ÷ `baseline_vnd` × 100 —
    or None with `reason` (a code of REASONS; `reason_text` says it): "no_baseline" when no
    import baseline stands on `as_of` (`replacing_total` is still given), "no_figures" when no
    enterprise has figures. `reporting` enterprises have a figure for `year`; `not_stated` of
    them do not say how much of their revenue replaces imports (counted as nothing).
    `baseline_source` and `baseline_reported_on` say where the baseline comes from."""

    as_of: date
    value: float | None
    base_year: int = BASE_YEAR
    year: int | None = None
    replacing_total: int = 0
    baseline_vnd: int | None = None
    baseline_source: str = ""
    baseline_reported_on: date | None = None
    reporting: int = 0
    not_stated: int = 0
    reason: str | None = None

    @property
    def reason_text(self) -> str:
        return str(REASONS[self.reason]) if self.reason else ""


def _growth(register: _Register, kind: str, latest_year: int | None = None) -> Growth:
    if kind not in GROWTH_KINDS:
        raise ValueError(f"unknown growth kind: {kind!r}")
    column = GROWTH_KINDS[kind]
    if not register.enterprises:
        return Growth(kind, register.as_of, None, reason="empty_register")
    year = register.year_measured(latest_year)
    missing_base = tuple(e.name for e in register.enterprises if register.figure(e, BASE_YEAR) is None)
    if year is None:
        return Growth(kind, register.as_of, None, left_out=len(register.enterprises),
                      missing_base=missing_base, reason="no_later_year")
    panel = [e for e in register.enterprises
             if register.figure(e, BASE_YEAR) is not None and register.figure(e, year) is not None]
    missing_year = tuple(e.name for e in register.enterprises
                         if register.figure(e, BASE_YEAR) is not None and register.figure(e, year) is None)
    base_total = sum(getattr(register.figure(e, BASE_YEAR), column) for e in panel)
    year_total = sum(getattr(register.figure(e, year), column) for e in panel)
    reason = "empty_panel" if not panel else ("zero_base" if base_total == 0 else None)
    value = None if reason else round((year_total / base_total - 1) * 100, 1)
    return Growth(kind, register.as_of, value, year=year, base_total=base_total, year_total=year_total,
                  panel=len(panel), left_out=len(register.enterprises) - len(panel),
                  missing_base=missing_base, missing_year=missing_year, reason=reason)


def growth(kind: str, as_of: date, latest_year: int | None = None) -> Growth:
    """The growth of the register's investment capital (`kind="investment"`) or revenue
    (`kind="revenue"`) from 2023 to the year measured, as of `as_of`; see `Growth` for what it
    holds. The year measured is the latest complete year (up to `as_of.year - 1`) with any
    figures, or failing that the latest year with figures up to `as_of.year`; `latest_year`
    caps it (a target's deadline, the annual report's year)."""
    return _growth(_Register.on(as_of), kind, latest_year)


def _import_substitution(register: _Register, latest_year: int | None = None) -> ImportSubstitution:
    baseline = baseline_as_of(register.as_of)
    known = {} if baseline is None else {
        "baseline_vnd": baseline.value_vnd, "baseline_source": baseline.source,
        "baseline_reported_on": baseline.reported_on}
    year = register.year_measured(latest_year, after_base=False)
    if year is None:
        return ImportSubstitution(register.as_of, None, reason="no_figures", **known)
    reported = [f for f in (register.figure(e, year) for e in register.enterprises) if f is not None]
    replacing = sum(f.import_replacing_revenue_vnd or 0 for f in reported)
    not_stated = sum(1 for f in reported if f.import_replacing_revenue_vnd is None)
    value = None if baseline is None else percent(replacing, baseline.value_vnd)
    return ImportSubstitution(register.as_of, value, year=year, replacing_total=replacing,
                              reporting=len(reported), not_stated=not_stated,
                              reason="no_baseline" if baseline is None else None, **known)


def import_substitution(as_of: date, latest_year: int | None = None) -> ImportSubstitution:
    """The import-replacing revenue of all registered enterprises in the year measured (the
    latest complete year with figures, 2023 included; see `growth`) as a share of the 2023
    import baseline, as of `as_of`; see `ImportSubstitution` for what it holds."""
    return _import_substitution(_Register.on(as_of), latest_year)


def measures(as_of: date) -> dict:
    """{"investment": Growth, "revenue": Growth, "import_substitution": ImportSubstitution} as of
    `as_of`, from one reading of the register."""
    register = _Register.on(as_of)
    return {"investment": _growth(register, "investment"), "revenue": _growth(register, "revenue"),
            "import_substitution": _import_substitution(register)}


def annual_report_section(year: int, as_of: date) -> dict:
    """The register in the annual report of `year`, counted as of `as_of`:

    {"year": the year whose figures are shown (the year measured, see `growth`, up to `year`;
              None when no year after 2023 has figures),
     "base_year": 2023,
     "rows": [one dict per enterprise in the register, by name: "name", "tax_code", "commune"
              (its name, or ""), "former_province" (label, or ""), "field" (label),
              "in_register_since", "in_panel" (bool: counted in the growth),
              "base" and "current": None or {"investment_vnd", "revenue_vnd",
              "import_replacing_revenue_vnd" (None: not stated), "source", "reported_on"}],
     "investment": Growth, "revenue": Growth, "import_substitution": ImportSubstitution,
     "sources": the distinct sources of the figures shown and of the baseline, in order}"""
    register = _Register.on(as_of)
    investment = _growth(register, "investment", latest_year=year)
    revenue = _growth(register, "revenue", latest_year=year)
    substitution = _import_substitution(register, latest_year=year)
    shown_year = investment.year

    def figures_of(figure: EnterpriseYearFigure | None) -> dict | None:
        if figure is None:
            return None
        return {"investment_vnd": figure.investment_vnd, "revenue_vnd": figure.revenue_vnd,
                "import_replacing_revenue_vnd": figure.import_replacing_revenue_vnd,
                "source": figure.source, "reported_on": figure.reported_on}

    rows, sources = [], []
    for enterprise in register.enterprises:
        base, current = register.figure(enterprise, BASE_YEAR), register.figure(enterprise, shown_year)
        commune = enterprise.commune
        rows.append({
            "name": enterprise.name, "tax_code": enterprise.tax_code,
            "commune": commune.name if commune else "",
            "former_province": commune.former_province_label if commune else "",
            "field": enterprise.field_label, "in_register_since": enterprise.in_register_since,
            "in_panel": base is not None and current is not None,
            "base": figures_of(base), "current": figures_of(current)})
        sources.extend(f.source for f in (base, current) if f is not None)
    if substitution.baseline_source:
        sources.append(substitution.baseline_source)
    return {"year": shown_year, "base_year": BASE_YEAR, "rows": rows, "investment": investment,
            "revenue": revenue, "import_substitution": substitution,
            "sources": list(dict.fromkeys(sources))}


# Lists for the admin pages -----------------------------------------------------------------

def search_enterprises(query: str | None):
    """SQL: the enterprises whose name (accents optional) or tax code contains every word of
    `query`, by name."""
    statement = sa.select(BiotechEnterprise).order_by(BiotechEnterprise.name, BiotechEnterprise.id)
    for term in search_terms(query):
        pattern = like_pattern(term)
        statement = statement.where(sa.or_(BiotechEnterprise.search_name.like(pattern, escape="\\"),
                                           BiotechEnterprise.tax_code.like(pattern, escape="\\")))
    return statement


def latest_figures(enterprise_ids, as_of: date) -> dict[int, EnterpriseYearFigure]:
    """enterprise id -> its figure in force for its latest year, as of `as_of`."""
    latest: dict[int, EnterpriseYearFigure] = {}
    for (enterprise_id, _year), figure in sorted(figures_in_force(as_of, enterprise_ids).items()):
        latest[enterprise_id] = figure
    return latest


def standing_figures(enterprise: BiotechEnterprise, as_of: date) -> dict[int, EnterpriseYearFigure]:
    """year -> the enterprise's figure that stands for it on `as_of`."""
    return {year: figure for (_id, year), figure in figures_in_force(as_of, [enterprise.id]).items()}


# Writing -------------------------------------------------------------------------------------

def normal_tax_code(text: str | None) -> str:
    """A tax code as stored: spaces dropped; 13 digits in a row get their hyphen (0101234567-001)."""
    code = re.sub(r"\s+", "", text or "")
    if re.fullmatch(r"\d{13}", code):
        code = f"{code[:10]}-{code[10:]}"
    return code


def _check_admin(actor: User) -> None:
    if not BiotechEnterprise.can_register(actor):
        raise PermissionDenied(_("Only administrators keep the register of bio-industry enterprises."))


def _refuse(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)


def _check_money(errors: dict, name: str, value, required: bool = True) -> None:
    if value is None:
        if required:
            errors[name] = [_("This field is required.")]
    elif isinstance(value, bool) or not isinstance(value, int):
        errors[name] = [_("Must be a whole number.")]
    elif value < 0:
        errors[name] = [_("The amount cannot be negative.")]
    elif value > MAX_MONEY:
        errors[name] = [_("The amount is too large.")]


def _check_source_and_day(errors: dict, source: str, reported_on: date | None) -> str:
    source = (source or "").strip()
    if not source:
        errors["source"] = [_("Say where the figure comes from, e.g. the financial statements or the tax department.")]
    elif len(source) > SOURCE_MAX:
        errors["source"] = [_("At most %(limit)s characters.", limit=SOURCE_MAX)]
    if reported_on is None:
        errors["reported_on"] = [_("This field is required.")]
    elif reported_on > province_today():
        errors["reported_on"] = [_("The date cannot be in the future.")]
    return source


def _write(enterprise: BiotechEnterprise, actor: User, *, name: str, tax_code: str, field: str,
           commune: Commune | None, organization: Organization | None, in_register_since: date | None,
           notes: str) -> None:
    errors: dict[str, list[str]] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = [_("Give the enterprise's name.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("At most %(limit)s characters.", limit=NAME_MAX)]
    tax_code = normal_tax_code(tax_code)
    if not tax_code:
        errors["tax_code"] = [_("Give the enterprise's tax code.")]
    elif not TAX_CODE.match(tax_code):
        errors["tax_code"] = [_("A tax code has 10 digits, or 10 digits, a hyphen and 3 digits "
                                "for a dependent unit.")]
    else:
        taken = db.session.scalar(sa.select(BiotechEnterprise.name).where(
            BiotechEnterprise.tax_code == tax_code, BiotechEnterprise.id != (enterprise.id or 0)))
        if taken is not None:
            errors["tax_code"] = [_("%(name)s is already in the register with this tax code.", name=taken)]
    if field not in FIELDS:
        errors["field"] = [_("Choose a field.")]
    today = province_today()
    if commune is None:
        errors["commune"] = [_("Choose the commune or ward where the enterprise is.")]
    elif commune.id != enterprise.commune_id and not commune.is_valid_on(today):
        errors["commune"] = [_("This commune or ward no longer exists; choose today's.")]
    if in_register_since is None:
        errors["in_register_since"] = [_("This field is required.")]
    elif in_register_since > today:
        errors["in_register_since"] = [_("The date cannot be in the future.")]
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX:
        errors["notes"] = [_("At most %(limit)s characters.", limit=NOTES_MAX)]
    _refuse(errors)
    enterprise.name, enterprise.search_name = name, fold(name)
    enterprise.tax_code, enterprise.field = tax_code, field
    enterprise.commune, enterprise.organization = commune, organization
    enterprise.in_register_since, enterprise.notes = in_register_since, notes
    enterprise.updated_by = actor


def create_enterprise(actor: User, *, name: str, tax_code: str, field: str, commune: Commune | None,
                      organization: Organization | None = None, in_register_since: date | None = None,
                      notes: str = "") -> BiotechEnterprise:
    """Add an enterprise to the register. A commune or ward of today is required."""
    _check_admin(actor)
    enterprise = BiotechEnterprise(created_by=actor)
    _write(enterprise, actor, name=name, tax_code=tax_code, field=field, commune=commune,
           organization=organization, in_register_since=in_register_since, notes=notes)
    db.session.add(enterprise)
    flush()  # the same tax code saved meanwhile: the unique constraint makes it a conflict
    return enterprise


def update_enterprise(enterprise: BiotechEnterprise, actor: User, *, version, name: str, tax_code: str,
                      field: str, commune: Commune | None, organization: Organization | None = None,
                      in_register_since: date | None = None, notes: str = "") -> BiotechEnterprise:
    """Correct an enterprise. `version` is the one the admin saw: a change saved meanwhile is a
    conflict (409). A commune that has since ended may be kept, not newly chosen."""
    _check_admin(actor)
    if given_version(version) != enterprise.version:
        raise Conflict(_("Someone else changed this record meanwhile. Reload it and try again."))
    _write(enterprise, actor, name=name, tax_code=tax_code, field=field, commune=commune,
           organization=organization, in_register_since=in_register_since, notes=notes)
    flush()
    return enterprise


def record_year_figure(enterprise: BiotechEnterprise, actor: User, *, year: int | None,
                       investment_vnd: int | None, revenue_vnd: int | None,
                       import_replacing_revenue_vnd: int | None, source: str,
                       reported_on: date | None) -> EnterpriseYearFigure:
    """Add an enterprise's figures for a year (from 2023, the base year). A correction is a new
    row: the latest entered for a year is the one that counts."""
    _check_admin(actor)
    errors: dict[str, list[str]] = {}
    this_year = province_today().year
    if year is None or isinstance(year, bool) or not isinstance(year, int):
        errors["year"] = [_("This field is required.")]
    elif not BASE_YEAR <= year <= this_year:
        errors["year"] = [_("A year from %(first)s to %(last)s.", first=BASE_YEAR, last=this_year)]
    _check_money(errors, "investment_vnd", investment_vnd)
    _check_money(errors, "revenue_vnd", revenue_vnd)
    _check_money(errors, "import_replacing_revenue_vnd", import_replacing_revenue_vnd, required=False)
    if ("revenue_vnd" not in errors and "import_replacing_revenue_vnd" not in errors
            and import_replacing_revenue_vnd is not None and import_replacing_revenue_vnd > revenue_vnd):
        errors["import_replacing_revenue_vnd"] = [_("It cannot exceed the year's revenue.")]
    source = _check_source_and_day(errors, source, reported_on)
    if "year" not in errors and "reported_on" not in errors and reported_on.year < year:
        errors["reported_on"] = [_("A report on %(year)s cannot be dated before that year.", year=year)]
    _refuse(errors)
    figure = EnterpriseYearFigure(
        enterprise=enterprise, entered_by=actor, year=year, investment_vnd=investment_vnd,
        revenue_vnd=revenue_vnd, import_replacing_revenue_vnd=import_replacing_revenue_vnd,
        source=source, reported_on=reported_on)
    db.session.add(figure)
    flush()
    return figure


def record_import_baseline(actor: User, *, value_vnd: int | None, source: str,
                           reported_on: date | None) -> ImportBaseline:
    """Enter the value of the biotech products the province imported in 2023. A correction is a
    new row: the latest entered is the one that counts."""
    _check_admin(actor)
    errors: dict[str, list[str]] = {}
    _check_money(errors, "value_vnd", value_vnd)
    if "value_vnd" not in errors and value_vnd == 0:
        errors["value_vnd"] = [_("The value must be more than zero.")]
    source = _check_source_and_day(errors, source, reported_on)
    _refuse(errors)
    baseline = ImportBaseline(value_vnd=value_vnd, source=source, reported_on=reported_on, entered_by=actor)
    db.session.add(baseline)
    flush()
    return baseline

