"""The yearly reporting cycle on the plan's tasks (PLAN-DIGEST section IV).

Every lead agency of a task files one report on it per year, due on 10 November; a task the
plan gives to "all departments, agencies and localities" (code ALL) is reported on by every
department, and by the commune and ward committees the department invites for that year (the
district committees' duties are theirs since 01/07/2025). A year's agencies are read as they were
when its reports were due: a merged department's duties, and its reports, are its successor's
from the day of the merger. Reports are editable until submitted; the department can return a
submitted report for correction. Reminders go out 14 and 3 days before the deadline. Pages and the CLI call these.
"""
import math
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy.orm import selectinload

from registry.extensions import db
from registry.models import (
    Agency,
    AgencyReport,
    AgencyReportAttachment,
    AgencyReportEvent,
    AwardProposal,
    Commune,
    Organization,
    PlanTask,
    ReportInvitation,
    ReportReminder,
    User,
)
from registry.models.base import now_utc, province_date, province_today
from registry.models.plan_reports import NOMINEE_KINDS, REPORT_STATUSES
from registry.models.reference import EVERY_AGENCY, PLAN_START, plan_task_agencies
from registry.numbers import parse_number
from registry.services.attachments import agency_storage, store_upload
from registry.services.errors import Conflict, PermissionDenied, ValidationFailed
from registry.services.mail import queue_email, site_url
from registry.services.unit_of_work import flush
from registry.services.versions import given_version

PLAN_START_YEAR = PLAN_START.year
REPORT_DUE = (11, 10)  # agencies report before 10 November
CONSOLIDATION_DUE = (11, 30)  # the department reports to the People's Committee before 30 November
REMINDER_DAYS = (14, 3)
MAX_FIGURES = 10
NARRATIVE_MAX = 20_000


def due_date(year: int) -> date:
    return date(year, *REPORT_DUE)


def consolidation_date(year: int) -> date:
    return date(year, *CONSOLIDATION_DUE)


def report_years(today: date | None = None) -> list[int]:
    """The years one can report on, newest first."""
    today = today or province_today()
    return list(range(max(today.year, PLAN_START_YEAR), PLAN_START_YEAR - 1, -1))


def every_agency_id() -> int | None:
    return db.session.scalar(sa.select(Agency.id).where(Agency.code == EVERY_AGENCY))


def _current_on(day: date):
    return sa.or_(Agency.succeeded_by_id.is_(None), Agency.succeeded_on > day)


def reporting_agencies(day: date | None = None) -> list[Agency]:
    """The departments and provincial agencies as they are on `day` (today): those that report
    on a task the plan gives to every agency. One the plan does not name, added as the successor
    of merged departments, reports from the day of the first merger."""
    day = day or province_today()
    predecessor = sa.orm.aliased(Agency)
    first_merger = (sa.select(sa.func.min(predecessor.succeeded_on))
                    .where(predecessor.succeeded_by_id == Agency.id).scalar_subquery())
    named_by_plan = sa.exists().where(plan_task_agencies.c.agency_id == Agency.id)
    return list(db.session.scalars(
        sa.select(Agency).where(Agency.kind == "department", _current_on(day),
                                sa.or_(named_by_plan, first_merger.is_(None), first_merger <= day))
        .options(selectinload(Agency.succeeded_by)).order_by(Agency.id)))


def agency_choices() -> list[Agency]:
    """The agencies a reporter's account can belong to: today's departments and agencies, then
    the commune and ward committees the department has invited."""
    committees = db.session.scalars(
        sa.select(Agency).where(Agency.kind == "commune_committee").order_by(Agency.name_vi))
    return [*reporting_agencies(), *committees]


def invited_committees(year: int) -> list[Agency]:
    return list(db.session.scalars(
        sa.select(Agency).join(ReportInvitation, ReportInvitation.agency_id == Agency.id)
        .where(ReportInvitation.year == year).order_by(Agency.name_vi)))


# Who leads what -----------------------------------------------------------------------------

def plan_tasks(plan=None) -> list[PlanTask]:
    """The tasks of `plan` (the counted plan by default) in the plan's order, with their
    agencies and those agencies' successors loaded."""
    from registry.services.plans import counted_plan

    plan = plan or counted_plan()
    if plan is None:
        return []
    successors = selectinload(Agency.succeeded_by).selectinload(Agency.succeeded_by)
    return list(db.session.scalars(
        sa.select(PlanTask).where(PlanTask.plan_id == plan.id)
        .options(selectinload(PlanTask.lead_agencies).options(successors),
                 selectinload(PlanTask.coordinating_agencies).options(successors),
                 selectinload(PlanTask.cells_follow))
        .order_by(PlanTask.sort_order, PlanTask.id)))


def leads_of(task: PlanTask, agencies: list[Agency], committees: list[Agency] = (),
             day: date | None = None) -> list[Agency]:
    """The agencies that report on `task` as they are on `day` (today), the main one first
    (`agencies`: every reporting department on that day, `committees`: the commune and ward
    committees invited that year, loaded once)."""
    if any(agency.code == EVERY_AGENCY for agency in task.lead_agencies):
        return [*agencies, *committees]
    return [agency for agency in task.leads_on(day) if agency.files_reports]


def is_invited(agency: Agency, year: int) -> bool:
    return db.session.scalar(sa.select(ReportInvitation.id).filter_by(
        year=year, agency_id=agency.id).limit(1)) is not None


def leads_in_year(task: PlanTask, agency: Agency | None, year: int) -> bool:
    """`agency` reports on `task` for `year`: it leads it, and a commune or ward committee only
    in a year the department invited it."""
    if not task.is_led_by(agency):
        return False
    return agency.kind != "commune_committee" or is_invited(agency, year)


def tasks_of_agency(agency: Agency, year: int | None = None) -> list[tuple[PlanTask, str]]:
    """(task, "lead" | "coordinating") for every task today's `agency` leads (in `year`) or
    takes part in, itself or as the successor of an agency the plan names."""
    year = year or province_today().year
    invited = agency.kind != "commune_committee" or is_invited(agency, year)
    rows = []
    for task in plan_tasks():
        if task.is_led_by(agency) and invited:
            rows.append((task, "lead"))
        elif task.involves(agency):
            rows.append((task, "coordinating"))
    return rows


def save_task(task: PlanTask, actor: User, *, texts: dict, lead_ids: list[int],
              coordinating_ids: list[int]) -> None:
    """An administrator edits a task of the plan and who leads and coordinates it. A lead agency
    that has already reported on the task this year stays a lead: its report would vanish."""
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators edit the plan's tasks."))
    agencies = {agency.id: agency for agency in db.session.scalars(sa.select(Agency))}
    lead_ids = [i for i in dict.fromkeys(lead_ids) if i in agencies]
    coordinating_ids = [i for i in dict.fromkeys(coordinating_ids)
                        if i in agencies and i not in lead_ids and agencies[i].code != EVERY_AGENCY]
    errors = {}
    if not lead_ids:
        errors["lead"] = [_("A task has at least one lead agency.")]
    this_year = province_today().year
    still_reporting = [report.agency for report in db.session.scalars(
        sa.select(AgencyReport).where(AgencyReport.task_id == task.id, AgencyReport.year == this_year))]
    every_agency_leads = any(agencies[i].code == EVERY_AGENCY for i in lead_ids)
    dropped = [agency.name for agency in still_reporting
               if agency.id not in lead_ids and not every_agency_leads]
    if dropped:
        errors["lead"] = [_("These agencies have already reported on the task for %(year)s and "
                            "stay lead agencies: %(names)s.", year=this_year, names="; ".join(dropped))]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    # Checkboxes come back in the form's order: the agencies kept keep the plan's order, those
    # added follow.
    def in_plan_order(ids: list[int], before: list[Agency]) -> list[int]:
        known = {agency.id: n for n, agency in enumerate(before)}
        return sorted(ids, key=lambda i: (known.get(i, len(known)), ids.index(i)))

    lead_ids = in_plan_order(lead_ids, task.lead_agencies)
    coordinating_ids = in_plan_order(coordinating_ids, task.coordinating_agencies)
    for name, value in texts.items():
        setattr(task, name, value or "")
    db.session.execute(sa.delete(plan_task_agencies).where(plan_task_agencies.c.task_id == task.id))
    # The order given is the plan's: the first lead agency is the main one.
    db.session.execute(sa.insert(plan_task_agencies), [
        *({"task_id": task.id, "agency_id": i, "role": "lead", "position": n}
          for n, i in enumerate(lead_ids)),
        *({"task_id": task.id, "agency_id": i, "role": "coordinating", "position": n}
          for n, i in enumerate(coordinating_ids)),
    ])
    db.session.expire(task, ["lead_agencies", "coordinating_agencies"])
    flush()


# Reading one year --------------------------------------------------------------------------

def _best_first(reports: list[AgencyReport], agency_id: int) -> list[AgencyReport]:
    """The agency's own report first, then its predecessors' submitted ones, then the newest."""
    return sorted(reports, key=lambda r: (r.agency_id != agency_id, r.submitted_at is None, -r.id))


def reports_of_year(year: int, day: date | None = None,
                    task: PlanTask | None = None) -> dict[tuple[int, int], list[AgencyReport]]:
    """{(task_id, agency id): reports} for a year, in one query, by the agency that carries the
    filer's duties on `day` (today): a report a department filed before it merged counts for the
    department that carries its duties then, as do those of two departments merged into one."""
    query = sa.select(AgencyReport).where(AgencyReport.year == year).options(
        selectinload(AgencyReport.agency).selectinload(Agency.succeeded_by)
        .selectinload(Agency.succeeded_by))
    if task is not None:
        query = query.where(AgencyReport.task_id == task.id)
    grouped: dict[tuple[int, int], list[AgencyReport]] = {}
    for report in db.session.scalars(query):
        grouped.setdefault((report.task_id, report.agency.current_on(day).id), []).append(report)
    return {key: _best_first(reports, key[1]) for key, reports in grouped.items()}


def reports_of_agency(year: int, agency: Agency) -> dict[int, AgencyReport]:
    """{task_id: the report that stands for `agency`} for a year (its own, or a predecessor's)."""
    return {task_id: reports[0] for (task_id, agency_id), reports in reports_of_year(year).items()
            if agency_id == agency.id}


def is_overdue(report: AgencyReport | None, year: int, today: date | None = None) -> bool:
    """Not submitted by the deadline (a report returned for correction had come in)."""
    today = today or province_today()
    return today > due_date(year) and (report is None or report.first_submitted_at is None)


def submitted_late(report: AgencyReport) -> bool:
    first = report.first_submitted_at
    return first is not None and province_date(first) > due_date(report.year)


STATES = {
    "submitted": _lp("report", "Submitted"),
    "late": _l("Submitted late"),
    "draft": _l("Draft, not submitted"),
    "returned": _l("Returned for correction"),
    "missing": _l("Nothing filed"),
}
OUTSTANDING = ("missing", "draft", "returned")


def state_of(report: AgencyReport | None) -> str:
    if report is None:
        return "missing"
    if report.is_submitted:
        return "late" if submitted_late(report) else "submitted"
    return "returned" if report.first_submitted_at else "draft"


@dataclass
class ExpectedReport:
    """One report expected of one agency; `report` the one that stands (the agency's own, or a
    predecessor's), `others` further reports of predecessors on the same task and year."""

    task: PlanTask
    agency: Agency
    report: AgencyReport | None
    overdue: bool
    others: list[AgencyReport] = field(default_factory=list)

    @property
    def reports(self) -> list[AgencyReport]:
        return [self.report, *self.others] if self.report is not None else []

    @property
    def state(self) -> str:
        return state_of(self.report)

    @property
    def state_label(self) -> str:
        return str(STATES[self.state])


@dataclass
class YearOverview:
    year: int
    due: date
    rows: list[ExpectedReport] = field(default_factory=list)

    def count(self, *states: str) -> int:
        return sum(1 for row in self.rows if row.state in states)

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def submitted(self) -> int:
        return self.count("submitted", "late")

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.overdue)

    def by_task(self) -> list[tuple[PlanTask, list[ExpectedReport]]]:
        grouped: dict[int, tuple[PlanTask, list[ExpectedReport]]] = {}
        for row in self.rows:
            grouped.setdefault(row.task.id, (row.task, []))[1].append(row)
        return list(grouped.values())


def year_overview(year: int, today: date | None = None) -> YearOverview:
    """Every report expected for `year`, with its state and whether it is overdue."""
    today = today or province_today()
    # The agencies as they were when the year's reports were due (as they are, before that).
    day = min(today, due_date(year))
    agencies = reporting_agencies(day)
    committees = invited_committees(year)
    reports = reports_of_year(year, day)
    overview = YearOverview(year=year, due=due_date(year))
    for task in plan_tasks():
        for agency in leads_of(task, agencies, committees, day):
            found = reports.pop((task.id, agency.id), [])
            report = found[0] if found else None
            overview.rows.append(ExpectedReport(task, agency, report, is_overdue(report, year, today),
                                                others=found[1:]))
        # Reports no agency is expected to file any more (the district committees' of a year
        # before 01/07/2025, say) are shown as filed, never dropped.
        for (task_id, _agency_id), found in list(reports.items()):
            if task_id == task.id:
                del reports[(task_id, _agency_id)]
                overview.rows.append(ExpectedReport(task, found[0].agency, found[0], False, others=found[1:]))
    return overview


# Writing ------------------------------------------------------------------------------------

def _check_version(row, version) -> None:
    if given_version(version) != row.version:
        raise Conflict(_("Someone else changed this record meanwhile. Reload it and try again."))


def _check_year(year: int) -> None:
    if year not in report_years():
        raise ValidationFailed(
            _("Reports can be filed for the years %(first)s to %(last)s.",
              first=PLAN_START_YEAR, last=max(report_years())),
            {"year": [_("Not a reporting year.")]})


def parse_figure(value) -> float:
    """A number as the reader writes it: "10.000,5" in Vietnamese, "10,000.5" in English, by the
    rules of every number field (`registry.numbers`). Raises ValueError for anything else (a
    lone "10.000" is ten thousand in Vietnamese, "2.5" is refused as ambiguous)."""
    if isinstance(value, (int, float)):
        return float(value)
    number = parse_number(value, "figure")
    if number is None:
        raise ValueError("no number")
    return float(number)


def show_figure(value) -> str:
    """A figure written back into the form the way `parse_figure` reads it."""
    return format_decimal(value, format="#,##0.##########")


def clean_figures(rows: list[dict]) -> list[dict]:
    """Figures as [{"label", "value", "unit"}]: blank rows dropped, every kept row complete."""
    figures, errors = [], []
    for number, row in enumerate(rows, start=1):
        label = (row.get("label") or "").strip()
        unit = (row.get("unit") or "").strip()
        value = row.get("value")
        if isinstance(value, str):
            value = value.strip()
        if not label and value in (None, "") and not unit:
            continue
        if not label or value in (None, ""):
            errors.append(_("Figure %(n)s needs both a name and a value.", n=number))
            continue
        try:
            value = parse_figure(value)
        except ValueError:
            errors.append(_("Figure %(n)s: the value must be a number written like %(example)s.",
                            n=number, example=show_figure(1234.5)))
            continue
        if not math.isfinite(value) or abs(value) > 1e15:
            errors.append(_("Figure %(n)s: the value is out of range.", n=number))
            continue
        if len(label) > 200 or len(unit) > 40:
            errors.append(_("Figure %(n)s: the name or unit is too long.", n=number))
            continue
        figures.append({"label": label, "value": int(value) if value.is_integer() else value,
                        "unit": unit})
    if len(figures) > MAX_FIGURES:
        errors.append(_("At most %(n)s figures.", n=MAX_FIGURES))
    if errors:
        raise ValidationFailed(_("Some figures are not valid."), {"figures": errors})
    return figures


def _record(report: AgencyReport, actor: User, action: str, comment: str = "") -> None:
    db.session.add(AgencyReportEvent(report=report, actor=actor, action=action, comment=comment))


def find_report(task: PlanTask, agency: Agency, year: int) -> AgencyReport | None:
    """The report that stands for `agency` on `task` for `year`: its own, or one a department
    whose duties it carries filed."""
    found = reports_of_year(year, task=task).get((task.id, agency.id))
    return found[0] if found else None


def save_report(task: PlanTask, actor: User, year: int, *, status: str, narrative: str,
                figures: list[dict], version=None) -> AgencyReport:
    """Create or update the actor's agency's draft report on `task` for `year`."""
    if not task.can_file_report(actor):
        raise PermissionDenied(_("Only a reporter of a lead agency of this task can file its report."))
    _check_year(year)
    if not leads_in_year(task, actor.reporting_agency, year):
        raise PermissionDenied(_("Your committee is not invited to report for %(year)s.", year=year))
    report = find_report(task, actor.reporting_agency, year)
    if report is not None:
        if version in (None, ""):
            # A colleague started the draft after this form was opened.
            raise Conflict(_("Someone else changed this record meanwhile. Reload it and try again."))
        _check_version(report, version)
        if report.is_submitted:
            raise Conflict(_("This report has been submitted and can no longer be changed."))
    errors = {}
    if status not in REPORT_STATUSES:
        errors["status"] = [_("Choose a status.")]
    narrative = (narrative or "").strip()
    if len(narrative) > NARRATIVE_MAX:
        errors["narrative"] = [_("At most %(n)s characters.", n=NARRATIVE_MAX)]
    try:
        figures = clean_figures(figures)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    if report is None:
        report = AgencyReport(task=task, agency=actor.reporting_agency, year=year, created_by=actor)
        db.session.add(report)
        _record(report, actor, "created")
    report.status = status
    report.narrative = narrative
    report.figures = figures
    report.updated_by = actor
    report.updated_at = now_utc()
    flush()
    return report


def submit_report(report: AgencyReport, actor: User, version) -> None:
    if not report.is_filed_by(actor):
        raise PermissionDenied(_("Only a reporter of the agency that wrote this report can submit it."))
    _check_version(report, version)
    if report.is_submitted:
        raise Conflict(_("This report has already been submitted."))
    if not report.narrative.strip():
        raise ValidationFailed(_("Describe what was done before submitting."),
                               {"narrative": [_("Required before the report is submitted.")]})
    report.submitted_at = now_utc()
    report.first_submitted_at = report.first_submitted_at or report.submitted_at
    report.submitted_by = actor
    report.updated_by = actor
    _record(report, actor, "submitted")
    flush()


def reopen_report(report: AgencyReport, actor: User, reason: str, version) -> None:
    """The department returns a submitted report to its agency for correction."""
    if not actor.is_staff:
        raise PermissionDenied(_("Only the department can return a report."))
    _check_version(report, version)
    if not report.is_submitted:
        raise Conflict(_("Only a submitted report can be returned."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say what needs correcting."),
                               {"reason": [_("Required when returning a report.")]})
    report.submitted_at = None
    report.submitted_by = None
    report.updated_by = actor
    _record(report, actor, "reopened", reason)
    flush()
    link = site_url("agency.report", task_code=report.task.code, year=report.year)
    with force_locale("vi"):
        subject = _("Report on task %(code)s returned for correction", code=report.task.code)
    for email in agency_emails(report.agency):
        queue_email(email, subject, "email/report_returned.txt", report=report, reason=reason,
                    link=link)


def add_report_attachment(report: AgencyReport, actor: User, stream, filename: str,
                          version) -> AgencyReportAttachment:
    if not report.is_filed_by(actor):
        raise PermissionDenied(_("You may not add documents to this report."))
    _check_version(report, version)
    if report.is_submitted:
        raise Conflict(_("This report has been submitted and can no longer be changed."))
    with store_upload(stream, filename, agency_storage(report.agency_id)) as stored:
        attachment = AgencyReportAttachment(report=report, uploaded_by=actor, **stored.columns)
        db.session.add(attachment)
        report.updated_at = now_utc()  # a new version: a stale form cannot overwrite this
        flush()
    return attachment


def remove_report_attachment(attachment: AgencyReportAttachment, actor: User, version) -> None:
    report = attachment.report
    if not report.is_filed_by(actor):
        raise PermissionDenied(_("You may not remove documents from this report."))
    _check_version(report, version)
    if report.is_submitted:
        raise Conflict(_("This report has been submitted and can no longer be changed."))
    db.session.delete(attachment)
    report.updated_at = now_utc()
    flush()


# Reminders ----------------------------------------------------------------------------------

def agency_emails(agency: Agency) -> list[str]:
    """Its reporters' addresses, with those of accounts still under a department it succeeded."""
    ids = [a.id for a in db.session.scalars(sa.select(Agency)) if a.current.id == agency.id]
    return list(db.session.scalars(
        sa.select(User.email).where(User.agency_id.in_(ids), User.role == "agency",
                                    User.is_active_account.is_(True)).order_by(User.id)))


# Commune and ward committees --------------------------------------------------------------

def committee_of(commune: Commune) -> Agency:
    """The People's Committee of a commune or ward, as an agency (made on first need)."""
    agency = db.session.scalar(sa.select(Agency).where(Agency.commune_id == commune.id))
    if agency is None:
        name = commune.name_vi[:1].lower() + commune.name_vi[1:]  # "Xã Ân Thi" -> "xã Ân Thi"
        agency = Agency(code=f"UBND-{commune.code}"[:20], kind="commune_committee", commune=commune,
                        name_vi=f"UBND {name}", name_en=f"People's Committee of {commune.name_en}")
        db.session.add(agency)
    return agency


def invite_committees(actor: User, year: int, communes: list[Commune]) -> list[ReportInvitation]:
    """The department asks commune and ward committees to report for `year` on the tasks the
    plan gives to every agency and locality; their reporters are told by e-mail. Inviting one
    already invited changes nothing."""
    if not actor.is_staff:
        raise PermissionDenied(_("Only the department invites commune and ward committees."))
    _check_year(year)
    if not communes:
        raise ValidationFailed(_("Choose at least one commune or ward."),
                               {"communes": [_("Choose at least one commune or ward.")]})
    today = province_today()
    ended = [c.name for c in communes if c.valid_until is not None and c.valid_until < today]
    if ended:
        raise ValidationFailed(_("Some fields are not valid."), {"communes": [
            _("No longer a unit of the province: %(names)s.", names="; ".join(ended))]})
    invited = []
    for commune in communes:
        agency = committee_of(commune)
        flush()
        exists = db.session.scalar(sa.select(ReportInvitation).filter_by(year=year, agency_id=agency.id))
        if exists is not None:
            continue
        invitation = ReportInvitation(year=year, agency=agency, invited_by=actor)
        db.session.add(invitation)
        invited.append(invitation)
        link = site_url("agency.index", year=year)
        with force_locale("vi"):
            subject = _("Invitation to report on the biotechnology plan for %(year)s", year=year)
        for email in agency_emails(agency):
            queue_email(email, subject, "email/report_invitation.txt", agency=agency, year=year,
                        due=due_date(year), link=link)
    flush()
    return invited


def reminder_milestone(today: date, due: date | None = None) -> int | None:
    """Which reminder is due today before `due` (the agencies' 10/11 unless given): 14 from two
    weeks before the deadline, 3 from three days before, none after it. A day the command did
    not run is caught up the next day."""
    days_left = ((due or due_date(today.year)) - today).days
    if days_left < 0:
        return None
    for days in sorted(REMINDER_DAYS):
        if days_left <= days:
            return days
    return None


@dataclass
class SentReminder:
    agency: Agency
    days_before: int
    recipients: list[str]
    tasks: list[PlanTask]


def send_reminders(today: date | None = None) -> list[SentReminder]:
    """E-mail each agency with reports still unsubmitted for this year, once per milestone.
    Safe to run every day: a milestone already sent to an agency is not sent again."""
    today = today or province_today()
    days = reminder_milestone(today)
    if days is None:
        return []
    year = today.year
    already = set(db.session.scalars(sa.select(ReportReminder.agency_id).where(
        ReportReminder.year == year, ReportReminder.days_before == days)))
    outstanding: dict[int, tuple[Agency, list[PlanTask]]] = {}
    for row in year_overview(year, today).rows:
        if row.state in OUTSTANDING and row.agency.id not in already:
            outstanding.setdefault(row.agency.id, (row.agency, []))[1].append(row.task)
    sent = []
    due = due_date(year)
    for agency, tasks in outstanding.values():
        recipients = agency_emails(agency)
        if not recipients:
            continue  # nobody to tell yet; an account added later still gets this milestone
        link = site_url("agency.index", year=year)
        with force_locale("vi"):
            subject = _("Reminder: plan task reports for %(year)s are due on %(due)s",
                        year=year, due=due.strftime("%d/%m/%Y"))
        for email in recipients:
            queue_email(email, subject, "email/report_reminder.txt", agency=agency, tasks=tasks,
                        year=year, due=due, days_left=(due - today).days, link=link)
        db.session.add(ReportReminder(agency=agency, year=year, days_before=days,
                                      recipients=len(recipients), outstanding_tasks=len(tasks)))
        sent.append(SentReminder(agency, days, recipients, tasks))
    flush()
    return sent


# Award proposals ------------------------------------------------------------------------------

def awards_of_year(year: int) -> list[AwardProposal]:
    return list(db.session.scalars(
        sa.select(AwardProposal).where(AwardProposal.year == year)
        .options(selectinload(AwardProposal.organization))
        .order_by(AwardProposal.nominee_kind.desc(), AwardProposal.id)))


def save_award(award: AwardProposal | None, actor: User, *, year: int, nominee_kind: str,
               nominee_name: str, organization: Organization | None, achievement: str,
               award_form: str, version=None) -> AwardProposal:
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators propose awards."))
    if award is not None:
        _check_version(award, version)
    errors = {}
    if nominee_kind not in NOMINEE_KINDS:
        errors["nominee_kind"] = [_("Choose organisation or individual.")]
    nominee_name = (nominee_name or "").strip()
    if not nominee_name and organization is not None:
        nominee_name = organization.name
    if not nominee_name:
        errors["nominee_name"] = [_("Name the organisation or person.")]
    achievement = (achievement or "").strip()
    if not achievement:
        errors["achievement"] = [_("Say what the nominee is honoured for.")]
    if year not in report_years():
        errors["year"] = [_("Not a reporting year.")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    if award is None:
        award = AwardProposal(created_by=actor)
        db.session.add(award)
    award.year = year
    award.nominee_kind = nominee_kind
    award.nominee_name = nominee_name[:300]
    award.organization = organization
    award.achievement = achievement
    award.award_form = (award_form or "").strip()[:300]
    flush()
    return award


def delete_award(award: AwardProposal, actor: User, version) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators propose awards."))
    _check_version(award, version)
    db.session.delete(award)
    flush()

