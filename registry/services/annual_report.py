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
    Application,
    ApplicationVersion,
    BarcodeRecord,
    Census,
    Commune,
    District,
    GeneticResource,
    Target,
)
from registry.models.applications import FIELDS, KINDS, STATUSES
from registry.models.base import end_of_day_utc, now_utc, province_date, province_today
from registry.models.reference import FORMER_PROVINCES
from registry.services import plan_reports
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


def _target_range(target: Target) -> str:
    if target.target_min is None:
        return "—"
    text = figure(target.target_min)
    if target.target_max is not None and target.target_max != target.target_min:
        text += f"–{figure(target.target_max)}"
    return f"{text} {target.unit_label}"


def _targets(progress: list[counting.Progress]) -> Section:
    rows = [[p.target.title, _target_range(p.target), p.current, str(counting.STATUSES[p.status]),
             p.target.deadline]
            for p in progress]
    return Section(
        key="targets", title=_("Targets and their status"), sheet=_("Targets"),
        tables=[Table([_("Target"), _("Aim"), _("Current value"), _("Status"), _("Deadline")],
                      rows, wide=(0,))],
    )


def _pvp(as_of: date) -> Section:
    growth = counting.pvp_growth(as_of, date(2030, 12, 31))
    # The year is a label, not a quantity: no thousands separator.
    rows = [[str(item["year"]), item["filings"], item["growth"]] for item in growth["series"]]
    paragraphs = []
    if growth["compound"] is not None:
        paragraphs.append(_("Average yearly growth %(first)s–%(last)s: %(rate)s %%; the plan aims at "
                            "12–14 %% a year.", first=growth["baseline_year"],
                            last=growth["last_year"], rate=figure(growth["compound"])))
    else:
        paragraphs.append(_("Not enough complete years to compute the average growth yet."))
    return Section(
        key="pvp", title=_("Plant-variety protection filings"), sheet=_("Plant varieties"),
        paragraphs=paragraphs,
        # The same message as the admin page's column, formatted so that "%%" reads "%".
        tables=[Table([_("Year"), _("Filings"), _("Growth on the year before (%%)") % {}], rows)],
    )


def _genetics(as_of: date) -> Section:
    end = end_of_day_utc(as_of)
    resources = db.session.scalars(sa.select(GeneticResource).order_by(GeneticResource.id)).all()
    conserved = _grouped([Application.resource_id], *counting.approved_by(as_of, "conservation"))
    barcodes = dict(db.session.execute(
        sa.select(BarcodeRecord.resource_id, sa.func.count(BarcodeRecord.id))
        .where(BarcodeRecord.created_at < end).group_by(BarcodeRecord.resource_id)).all())
    # The latest count by its date, as the resource's page shows it (a few rows per resource).
    censuses: dict[int, Census] = {}
    for census in db.session.scalars(sa.select(Census).where(Census.counted_on <= as_of)
                                     .order_by(Census.counted_on.desc(), Census.id.desc())):
        censuses.setdefault(census.resource_id, census)
    rows = []
    for resource in resources:
        census = censuses.get(resource.id)
        rows.append([
            resource.name, resource.kind_label, resource.risk_label,
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
        tables=[Table([_("Resource"), _("Kind"), _("Risk status"), _("Approved conservation records"),
                       _("Latest census"), _("Individuals"), _("Breeding females"),
                       _("Breeding males"), _("DNA barcodes")], rows, wide=(0,))],
    )


def _tasks(overview: plan_reports.YearOverview) -> Section:
    def names(agencies) -> str:
        return "; ".join(agency.name for agency in agencies)

    tasks = [[task.code, task.title, names(task.lead_agencies),
              names(task.coordinating_agencies) or task.coordination, task.timeframe]
             for task in plan_reports.plan_tasks()]
    reports = []
    for row in overview.rows:
        report = row.report
        reports.append([
            row.task.code, row.agency.name, row.state_label,
            report.status_label if report else "",
            province_date(report.submitted_at) if report and report.submitted_at else None,
            _("Overdue") if row.overdue else "",
        ])
    return Section(
        key="tasks", title=_("Plan tasks and their reports"), sheet=_("Plan tasks"),
        paragraphs=[_("%(submitted)s of %(expected)s reports submitted; due on %(due)s.",
                      submitted=overview.submitted, expected=overview.expected,
                      due=short_date(overview.due))],
        tables=[
            Table([_("Code"), _("Task"), _("Lead agency"), _("Coordinating agencies"),
                   _("Timeframe")], tasks, title=_("The plan's tasks"), wide=(1,)),
            Table([_("Code"), _("Lead agency"), _("Report"), _("Progress"), _("Submitted on"),
                   _("Overdue")], reports, title=_("Reports due for %(year)s", year=overview.year),
                  wide=(1,)),
        ],
    )


def _figures_text(figures: list[dict]) -> str:
    return "; ".join(f"{item['label']}: {figure(item['value'])} {item['unit']}".strip()
                     for item in figures)


def _agency_reports(overview: plan_reports.YearOverview) -> Section:
    rows = [[row.task.code, row.agency.name, row.report.status_label, row.report.narrative,
             _figures_text(row.report.figures)]
            for row in overview.rows if row.report is not None and row.report.is_submitted]
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
        _pvp(as_of),
        _genetics(as_of),
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
