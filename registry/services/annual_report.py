"""The department's consolidated annual report to the Provincial People's Committee.

`build(year)` gathers every section once, as tables of plain values in the reader's language;
the printable page, the XLSX workbook and the PDF all render the same `AnnualReport`, so the
three cannot disagree. Figures come from the same aggregates as the progress page.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from registry.extensions import db
from registry.formatting import figure, short_date
from registry.models import (
    Agency,
    AgencyReport,
    Application,
    ApplicationVersion,
    Census,
    Commune,
    District,
    GeneticResource,
    PlanTask,
    Target,
)
from registry.models.applications import FIELDS, KINDS, STATUSES
from registry.models.base import current_language, end_of_day_utc, now_utc, province_date, province_today
from registry.models.reference import FORMER_PROVINCES
from registry.services import data_version, enterprises, plan_reports
from registry.services import targets as counting

DEPARTMENT_CODE = "DOST"


@dataclass
class Table:
    columns: list[str]
    rows: list[list]
    title: str = ""
    # Columns holding long text: the PDF gives them the room that is left.
    wide: tuple[int, ...] = ()
    ends_with_total: bool = False


@dataclass
class Section:
    key: str
    title: str
    sheet: str  # the XLSX sheet name: at most 31 characters
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class AnnualReport:
    year: int
    as_of: date
    generated_at: datetime
    issuer: str
    title: str
    sections: list[Section]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def report_as_of(year: int, today: date | None = None) -> date:
    """A past year is counted at its last day; the current year as of today."""
    today = today or province_today()
    return min(today, date(year, 12, 31))


def _year_window(year: int) -> tuple[datetime, datetime]:
    return end_of_day_utc(date(year - 1, 12, 31)), end_of_day_utc(date(year, 12, 31))


def _received_ids(year: int):
    """SQL: applications first submitted during the year (their version 1 is frozen then)."""
    start, end = _year_window(year)
    return sa.select(ApplicationVersion.application_id).where(
        ApplicationVersion.number == 1, ApplicationVersion.created_at >= start,
        ApplicationVersion.created_at < end)


def _grouped(columns, *where) -> dict:
    rows = db.session.execute(
        sa.select(*columns, sa.func.count(Application.id)).where(*where).group_by(*columns))
    return {tuple(row[:-1]) if len(columns) > 1 else row[0]: row[-1] for row in rows}


def _applications(year: int, as_of: date) -> Section:
    received = Application.id.in_(_received_ids(year))
    approved_in_year = [*counting.approved_by(as_of), Application.approved_on >= date(year, 1, 1)]
    approved_to_date = counting.approved_by(as_of)
    shown_statuses = [s for s in STATUSES if s != "draft"]

    def three_measures(column, codes_labels, only_counted: bool = False) -> list[list]:
        """A row per code, its label cells then the three figures, and the totals row: the sum
        of the rows (records without a value, such as a place, are in no row). `only_counted`
        leaves out the rows without any figure."""
        got, approved, to_date = (
            {code: n for code, n in _grouped([column], *where).items() if code is not None}
            for where in ([received], approved_in_year, approved_to_date))
        width = len(codes_labels[0][1]) if codes_labels else 1
        rows = [[*labels, got.get(code, 0), approved.get(code, 0), to_date.get(code, 0)]
                for code, labels in codes_labels]
        if only_counted:
            rows = [row for row in rows if any(row[width:])]
        rows.append([_("Total"), *[""] * (width - 1),
                     sum(got.values()), sum(approved.values()), sum(to_date.values())])
        return rows

    measures = [_("Received in %(year)s", year=year), _("Approved in %(year)s", year=year),
                _("Approved, total to date")]
    by_kind_status = _grouped([Application.kind, Application.status], received)
    status_rows = []
    for kind, kind_label in KINDS.items():
        status_rows.append([str(kind_label)] + [by_kind_status.get((kind, s), 0) for s in shown_statuses])
    status_rows.append([_("Total")] + [sum(n for (k, s), n in by_kind_status.items() if s == status)
                                       for status in shown_statuses])
    # The province as it is since 01/07/2025: by commune or ward (with the former province each
    # lies in) and by former province; the records from before by their former district.
    communes = db.session.scalars(sa.select(Commune).order_by(Commune.code)).all()
    districts = db.session.scalars(sa.select(District).order_by(District.sort_order, District.id)).all()
    commune_rows = three_measures(
        Application.commune_id, [(c.id, [c.name, c.former_province_label]) for c in communes],
        only_counted=True)
    province_rows = three_measures(
        Application.former_province, [(code, [str(label)]) for code, label in FORMER_PROVINCES.items()])
    district_rows = three_measures(Application.district_id, [(d.id, [d.name]) for d in districts],
                                   only_counted=True)
    return Section(
        key="applications", title=_("Applications"), sheet=_("Applications"),
        paragraphs=[_("Received: first submitted during the year. Statuses are as they stand on "
                      "%(day)s.", day=short_date(province_today()))],
        tables=[
            Table([_("Kind")] + measures,
                  three_measures(Application.kind, [(k, [str(v)]) for k, v in KINDS.items()]),
                  title=_("By kind"), ends_with_total=True),
            Table([_("Kind")] + [str(STATUSES[s]) for s in shown_statuses], status_rows,
                  title=_("Applications received in %(year)s by status", year=year),
                  ends_with_total=True),
            Table([_("Field")] + measures,
                  three_measures(Application.field, [(k, [str(v)]) for k, v in FIELDS.items()]),
                  title=_("By field"), ends_with_total=True),
            Table([_("Former province")] + measures, province_rows, title=_("By former province"),
                  ends_with_total=True),
            Table([_("Commune or ward"), _("Former province")] + measures, commune_rows,
                  title=_("By commune or ward (since 01/07/2025)"), ends_with_total=True),
            Table([_("Former district")] + measures, district_rows,
                  title=_("By former district (before 01/07/2025)"), ends_with_total=True),
        ],
    )


def _aim(value: float | None, target: Target) -> str:
    return f"{figure(value)} %" if target.unit == "percent" else f"{figure(value)} {target.unit_label}"


def _target_range(target: Target) -> str:
    """What the target asks for: "10–15 projects", "12–14 %"; a dash when nobody set a number."""
    if target.target_min is None:
        return "—"
    if target.target_max is not None and target.target_max != target.target_min:
        return f"{figure(target.target_min)}–{_aim(target.target_max, target)}"
    return _aim(target.target_min, target)


def _status_text(p: counting.Progress) -> str:
    if p.status_at_deadline:
        return _("%(status)s; by the deadline: %(outcome)s", status=p.status_label,
                 outcome=p.status_at_deadline_label)
    return p.status_label


def _targets(progress: list[counting.Progress]) -> Section:
    rows = [[p.target.title, _target_range(p.target), p.target.target_set_by_label, p.current,
             _status_text(p), p.target.deadline if p.has_target else None, p.target.definition]
            for p in progress]
    plan = progress[0].target.plan if progress else None
    paragraphs = []
    if plan is not None:
        paragraphs.append(_("The targets of %(plan)s (%(issuer)s, %(number)s, %(date)s; %(area)s; "
                            "%(start)s–%(end)s).", plan=plan.title, issuer=plan.issuer,
                            number=plan.number_label, date=plan.issued_label, area=plan.area,
                            start=short_date(plan.period_start), end=short_date(plan.period_end)))
    if any(not p.has_target for p in progress):
        paragraphs.append(_("Registry indicators are figures the registry follows for the plan "
                            "that the plan sets no number for: they have no target and no status."))
    return Section(
        key="targets", title=_("Targets and their status"), sheet=_("Targets"),
        paragraphs=paragraphs,
        tables=[Table([_("Target"), _("Aim"), _("Who set the target"), _("Current value"), _("Status"),
                       _("Deadline"), _("How it is measured")], rows, wide=(0, 6))],
    )


def _pvp_rows(series: list[dict]) -> list[list]:
    # The year is a label, not a quantity: no thousands separator.
    return [[str(item["year"]), item["filings"], item["growth"]] for item in series]


def _pvp(as_of: date, progress: list[counting.Progress]) -> Section:
    """The filings of every complete year; the target's figure only up to its deadline, the
    years after it as information."""
    pvp = next((p for p in progress if p.target.measure == "pvp_growth"), None)
    # Every complete year before the one of `as_of`, as the progress page counts them.
    every_year = counting.pvp_growth(as_of, date(as_of.year, 12, 31))
    # The same message as the admin page's column, formatted so that "%%" reads "%".
    columns = [_("Year"), _("Filings"), _("Growth on the year before (%%)") % {}]
    if pvp is None:
        return Section(
            key="pvp", title=_("Plant-variety protection filings"), sheet=_("Plant varieties"),
            tables=[Table(columns, _pvp_rows(every_year["series"]))])
    target, growth = pvp.target, pvp.detail
    deadline_year = target.deadline.year
    paragraphs = []
    if growth["compound"] is not None:
        paragraphs.append(_("The target: average yearly growth %(first)s–%(last)s of %(rate)s %%; "
                            "the plan aims at %(aim)s by %(year)s.", first=growth["baseline_year"],
                            last=growth["last_year"], rate=figure(growth["compound"]),
                            aim=_target_range(target), year=deadline_year))
    else:
        paragraphs.append(_("Not enough complete years to compute the average growth yet."))
    if pvp.period_ended:
        paragraphs.append(_("The target's period ended on %(date)s; by then: %(status)s.",
                            date=short_date(target.deadline), status=pvp.status_at_deadline_label))
    later = [item for item in every_year["series"] if item["year"] > deadline_year]
    tables = [Table(columns, _pvp_rows(growth["series"]),
                    title=_("The target's period (%(first)s–%(last)s)", first=growth["baseline_year"],
                            last=deadline_year))]
    if later:
        paragraphs.append(_("The years after %(year)s are shown for information: they are not part "
                            "of the target.", year=deadline_year))
        tables.append(Table(columns, _pvp_rows(later),
                            title=_("After the target's period, for information")))
    return Section(
        key="pvp", title=_("Plant-variety protection filings"), sheet=_("Plant varieties"),
        paragraphs=paragraphs, tables=tables,
    )


def _genetics(as_of: date) -> Section:
    """Each resource with what the targets count (indigenous resources with an approved,
    ongoing conservation record; with DNA barcode records), as of the report's day."""
    resources = db.session.scalars(sa.select(GeneticResource).order_by(GeneticResource.id)).all()
    conserved = counting.conservation_by_resource(as_of)
    barcodes = counting.barcodes_by_resource(as_of)
    # The latest count by its date, as the resource's page shows it (a few rows per resource).
    censuses: dict[int, Census] = {}
    for census in db.session.scalars(sa.select(Census).where(Census.counted_on <= as_of)
                                     .order_by(Census.counted_on.desc(), Census.id.desc())):
        censuses.setdefault(census.resource_id, census)
    rows = []
    for resource in resources:
        census = censuses.get(resource.id)
        rows.append([
            resource.name, resource.kind_label, _("Yes") if resource.indigenous else _("No"),
            resource.risk_label,
            conserved.get(resource.id, 0),
            census.counted_on if census else None,
            census.individuals if census else None,
            census.breeding_females if census else None,
            census.breeding_males if census else None,
            barcodes.get(resource.id, 0),
        ])
    return Section(
        key="genetics", title=_("Genetic resources: conservation and DNA barcodes"),
        sheet=_("Genetic resources"),
        paragraphs=[_("Indigenous resources with an approved, ongoing conservation record: "
                      "%(conserved)s; with at least one DNA barcode record: %(barcoded)s (as of "
                      "%(day)s, as the progress page counts them).",
                      conserved=figure(counting.conserved_resources(as_of)),
                      barcoded=figure(counting.barcoded_resources(as_of)), day=short_date(as_of))],
        tables=[Table([_("Resource"), _("Kind"), _("Indigenous"), _("Risk status"),
                       _("Ongoing conservation records"), _("Latest census"), _("Individuals"),
                       _("Breeding females"), _("Breeding males"), _("DNA barcodes")], rows,
                      wide=(0,))],
    )


def _enterprises(year: int, as_of: date) -> Section:
    """The register of bio-industry enterprises behind the plan's 50 %: each enterprise's 2023
    and latest year's figures, the three measures and the sources of the figures."""
    register = enterprises.annual_report_section(year, as_of)
    shown = register["year"]

    def amount(figures: dict | None, key: str):
        return figures[key] if figures else None

    rows = [[row["name"], row["tax_code"], row["commune"], row["former_province"], row["field"],
             amount(row["base"], "investment_vnd"), amount(row["current"], "investment_vnd"),
             amount(row["base"], "revenue_vnd"), amount(row["current"], "revenue_vnd"),
             amount(row["current"], "import_replacing_revenue_vnd"),
             _("Yes") if row["in_panel"] else _("No")] for row in register["rows"]]

    def measured(result) -> str:
        if result.value is None:
            return result.reason_text
        return _("%(value)s %% (%(year)s against %(base)s)", value=figure(result.value),
                 year=result.year, base=register["base_year"])

    paragraphs = [
        _("Growth of investment capital: %(investment)s. Growth of revenue: %(revenue)s. Both compare "
          "the same enterprises in both years (those with figures for %(base)s and the year measured).",
          investment=measured(register["investment"]), revenue=measured(register["revenue"]),
          base=register["base_year"]),
        _("Import substitution: %(value)s — the enterprises' revenue from products that replace "
          "imports in the year measured, against the value of biotech products imported in %(base)s.",
          value=measured(register["import_substitution"]), base=register["base_year"]),
    ]
    if register["sources"]:
        paragraphs.append(_("Sources: %(sources)s.", sources="; ".join(register["sources"])))
    year_label = str(shown) if shown else "—"
    return Section(
        key="enterprises", title=_("Bio-industry enterprises: investment, revenue and import substitution"),
        sheet=_("Enterprises"), paragraphs=paragraphs,
        tables=[Table([_("Enterprise"), _("Tax code"), _("Commune or ward"), _("Former province"),
                       _("Field"),
                       _("Investment %(year)s (đồng)", year=register["base_year"]),
                       _("Investment %(year)s (đồng)", year=year_label),
                       _("Revenue %(year)s (đồng)", year=register["base_year"]),
                       _("Revenue %(year)s (đồng)", year=year_label),
                       _("Revenue replacing imports %(year)s (đồng)", year=year_label),
                       _("Compared like for like")], rows, wide=(0,))],
    )


def _merged_cell(task: PlanTask, text: str) -> str:
    """A cell of the plan's table, or the one it is merged with, said so."""
    if task.cells_follow is None:
        return text
    return _("As %(code)s (merged cell in the plan's table): %(text)s", code=task.cells_follow.code,
             text=text or "—")


def _today_with_the_plans(today: Agency, plan_agencies: list[Agency]) -> str:
    """"Sở NN&MT (trước đây Sở NN&PTNT; Sở TN&MT)": today's agency with those of the plan whose
    duties it carries."""
    former = [agency for agency in plan_agencies if agency.id != today.id]
    if not former:
        return today.name
    return _("%(today)s (formerly %(then)s)", today=today.name,
             then="; ".join(agency.name for agency in former))


def _lead_agencies(task: PlanTask) -> str:
    """The plan's lead agencies in its order as they are today, each named once with the plan's
    agencies whose duties it carries."""
    grouped: dict[int, tuple[Agency, list[Agency]]] = {}
    for agency in task.lead_agencies:
        grouped.setdefault(agency.current.id, (agency.current, []))[1].append(agency)
    names = "; ".join(_today_with_the_plans(today, plan_agencies) for today, plan_agencies in grouped.values())
    if task.lead_not_written:
        return _("The plan names no lead agency; the registry takes %(agencies)s.", agencies=names)
    return names


def _coordination(task: PlanTask) -> str:
    """Who coordinates, in the plan's words (once), with today's agencies where they changed."""
    text = task.coordination or "; ".join(agency.name for agency in task.coordinating_agencies)
    text = _merged_cell(task, text)
    changed = [agency for agency in task.coordinating_agencies if not agency.is_current]
    if changed:
        today = _("Today: %(agencies)s.", agencies="; ".join(agency.name_today for agency in changed))
        text = f"{text.rstrip('.')}. {today}" if text else today
    return text


def _agency_of(row: plan_reports.ExpectedReport, report: AgencyReport | None = None) -> str:
    """The agency that reports, with the plan's agencies whose duties it carries; a report a
    merged department filed names that department."""
    if report is not None and report.agency_id != row.agency.id:
        return _today_with_the_plans(row.agency, [report.agency])
    return _today_with_the_plans(row.agency, [lead for lead in row.task.lead_agencies
                                              if lead.current.id == row.agency.id])


def _tasks(overview: plan_reports.YearOverview) -> Section:
    tasks = [[task.code, task.title, _lead_agencies(task), _coordination(task),
              _merged_cell(task, task.timeframe)]
             for task in plan_reports.plan_tasks()]
    reports = []
    for row in overview.rows:
        report = row.report
        reports.append([
            row.task.code, _agency_of(row), row.state_label,
            report.status_label if report else "",
            province_date(report.submitted_at) if report and report.submitted_at else None,
            _("Overdue") if row.overdue else "",
        ])
    return Section(
        key="tasks", title=_("Plan tasks and their reports"), sheet=_("Plan tasks"),
        paragraphs=[_("%(submitted)s of %(expected)s reports submitted; due on %(due)s.",
                      submitted=overview.submitted, expected=overview.expected,
                      due=short_date(overview.due)),
                    _("Lead agencies are named in the plan's order, the main one first; where an "
                      "agency has merged since the plan, today's agency is named with the plan's. "
                      "Reports are filed by today's agencies.")],
        tables=[
            Table([_("Code"), _("Task"), _("Lead agency"), _("Coordinating agencies"),
                   _("Timeframe")], tasks, title=_("The plan's tasks"), wide=(1, 3)),
            Table([_("Code"), _("Lead agency"), _("Report"), _("Progress"), _("Submitted on"),
                   _("Overdue")], reports, title=_("Reports due for %(year)s", year=overview.year),
                  wide=(1,)),
        ],
    )


def _figures_text(figures: list[dict]) -> str:
    return "; ".join(f"{item['label']}: {figure(item['value'])} {item['unit']}".strip()
                     for item in figures)


def _agency_reports(overview: plan_reports.YearOverview) -> Section:
    rows = [[row.task.code, _agency_of(row, report), report.status_label, report.narrative,
             _figures_text(report.figures)]
            for row in overview.rows for report in row.reports if report.is_submitted]
    return Section(
        key="agency_reports", title=_("Reports of the agencies"), sheet=_("Agency reports"),
        paragraphs=[] if rows else [_("No report has been submitted for this year yet.")],
        tables=[Table([_("Task"), _("Agency"), _("Progress"), _("What was done"), _("Figures")],
                      rows, wide=(3, 4))],
    )


def _awards(year: int) -> Section:
    rows = [[number, award.nominee_name, award.nominee_kind_label,
             award.organization.name if award.organization else "", award.achievement,
             award.award_form]
            for number, award in enumerate(plan_reports.awards_of_year(year), start=1)]
    return Section(
        key="awards", title=_("Proposed awards"), sheet=_("Awards"),
        paragraphs=[] if rows else [_("No award is proposed for this year.")],
        tables=[Table([_("No."), _("Nominee"), _("Kind"), _("Organisation"), _("Achievement"),
                       _("Form of award")], rows, wide=(4,))],
    )


def _overview(year: int, as_of: date, progress: list[counting.Progress], applications: Section,
              overview: plan_reports.YearOverview, awards: Section) -> Section:
    by_kind = applications.tables[0].rows[-1]  # the totals row
    rows = [
        [_("Applications received in %(year)s", year=year), by_kind[1]],
        [_("Applications approved in %(year)s", year=year), by_kind[2]],
        [_("Approved records, total to date"), by_kind[3]],
        [_("Plan task reports submitted"), f"{overview.submitted} / {overview.expected}"],
        [_("Plan task reports overdue"), overview.overdue],
        [_("Proposed awards"), len(awards.tables[0].rows)],
    ]
    rows += [[p.target.title, p.current] for p in progress
             if p.target.measure in ("supported_projects", "startups")]
    return Section(
        key="overview", title=_("Summary"), sheet=_("Summary"),
        paragraphs=[_("Figures as of %(day)s, taken from the registry when this report was made.",
                      day=short_date(as_of))],
        tables=[Table([_("Item"), _("Value")], rows, wide=(0,))],
    )


def build(year: int, today: date | None = None) -> AnnualReport:
    """The whole report for `year`, in the language of the current request or forced locale."""
    as_of = report_as_of(year, today)
    overview = plan_reports.year_overview(year, today)
    applications = _applications(year, as_of)
    awards = _awards(year)
    progress = counting.all_progress(as_of)
    department = db.session.scalar(sa.select(Agency).filter_by(code=DEPARTMENT_CODE))
    sections = [
        _overview(year, as_of, progress, applications, overview, awards),
        applications,
        _targets(progress),
        _pvp(as_of, progress),
        _genetics(as_of),
        _enterprises(year, as_of),
        _tasks(overview),
        _agency_reports(overview),
        awards,
    ]
    return AnnualReport(
        year=year, as_of=as_of, generated_at=now_utc(),
        issuer=department.name if department else _("Department of Science and Technology"),
        title=_("Report on the biotechnology development plan of Hưng Yên province, %(year)s",
                year=year),
        sections=sections,
    )


def figures(year: int) -> AnnualReport:
    """The report of `year` in the current language, built once per data version and day."""
    key = (year, current_language(), province_today())
    return data_version.cached("annual-report", key, lambda: build(year))
