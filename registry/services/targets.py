"""Counting against the plan's targets (SPEC section 5), at request time, by SQL aggregates.

Every figure can be asked `as_of` a past date: records count from the day they were
approved, and stop counting from the day their implementation was terminated.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.extensions import db
from registry.models import (
    Application,
    ApplicationEvent,
    BarcodeRecord,
    Commune,
    District,
    GeneticResource,
    IndicatorValue,
    Plan,
    PvpYearCount,
    SupportDecision,
    Target,
    TargetRevision,
    User,
)
from registry.models.applications import DECISIONS
from sqlalchemy.orm import selectinload

from registry.models.base import current_language, end_of_day_utc, now_utc, province_today
from registry.models.reference import FORMER_PROVINCES, PLAN_START
from registry.services import data_version, enterprises
from registry.services import plans as plan_service
from registry.services.errors import ValidationFailed
from registry.services.records import commune_order
from registry.services.unit_of_work import flush

PVP_BASELINE_YEAR = PLAN_START.year
# The targets counted from support decisions, and the kind of record each counts.
SUPPORTED_KINDS = {"supported_projects": "project", "startups": "startup"}
STATUSES = {
    "achieved": _l("Achieved"),
    "on_track": _l("On track"),
    "behind": _l("Behind"),
    "no_data": _l("No data yet"),
    # A figure the registry follows that has no target (the plan sets no number for it).
    "no_target": _l("Registry indicator, no target"),
    # After the deadline: the status reached by then is `status_at_deadline`.
    "period_ended": _l("The target's period has ended"),
}
# The statuses a target can end its period with.
DEADLINE_STATUSES = ("achieved", "behind", "no_data")
ENTERPRISE_GROWTH = {"enterprise_investment_growth": "investment",
                     "enterprise_revenue_growth": "revenue"}


def parse_as_of(args) -> tuple[date, dict[str, list[str]]]:
    """The day the figures are counted on (`as_of=YYYY-MM-DD`, default today in Hưng Yên) and
    what was wrong with the day asked, as field errors (like `RecordFilters.from_args`). With
    errors, the day is the nearest usable one: pages show it with a notice, the API refuses."""
    today = province_today()
    text = (args.get("as_of") or "").strip()
    if not text:
        return today, {}
    try:
        asked = date.fromisoformat(text) if len(text) == 10 and text.isascii() else None
    except ValueError:
        asked = None
    if asked is None:
        return today, {"as_of": [_("Must be a date (YYYY-MM-DD).")]}
    if asked > today:
        return today, {"as_of": [_("This date is in the future.")]}
    if asked < PLAN_START:
        return PLAN_START, {"as_of": [_("The plan is counted from %(date)s.",
                                        date=format_date(PLAN_START, "dd/MM/yyyy"))]}
    return asked, {}


def parse_plan(args) -> tuple[Plan | None, dict[str, list[str]]]:
    """The plan whose targets are shown (`plan=<code>`, default the plan counted) and what was
    wrong with the code asked, as field errors: pages show the counted plan with a notice, the
    API refuses."""
    code = (args.get("plan") or "").strip()
    plan = plan_service.plan_by_code(code)
    if plan is None and code:
        return plan_service.counted_plan(), {"plan": [_("There is no plan with this code.")]}
    return plan, {}


def unknown_plan_notice() -> str:
    """What a page says when the plan asked for does not exist (it shows the counted one)."""
    return _("There is no plan with the code asked for; the targets shown are those of the plan "
             "the registry counts.")


IMPLEMENTATION_ACTIONS = ("implementation", "acceptance")


def changed_implementation_as_of(as_of: date, statuses: tuple[str, ...]):
    """SQL: ids of the records whose implementation status on `as_of` (their latest change by
    then) is one of `statuses`. Only the few implementation events are read, not every record:
    a change by hand, or acceptance (completed when passed, terminated when failed)."""
    ApplicationEventLater = sa.orm.aliased(ApplicationEvent)
    end = end_of_day_utc(as_of)
    return (
        sa.select(ApplicationEvent.application_id)
        .where(ApplicationEvent.action.in_(IMPLEMENTATION_ACTIONS), ApplicationEvent.at < end,
               ApplicationEvent.implementation_status.in_(statuses),
               ~sa.exists().where(ApplicationEventLater.application_id == ApplicationEvent.application_id,
                                  ApplicationEventLater.action.in_(IMPLEMENTATION_ACTIONS),
                                  ApplicationEventLater.at < end,
                                  ApplicationEventLater.id > ApplicationEvent.id))
    )


def approved_by(as_of: date, kind: str | None = None) -> list:
    """WHERE clauses: approved on or before `as_of` (and of `kind`)."""
    clauses = [Application.status == "approved", Application.approved_on <= as_of]
    if kind:
        clauses.append(Application.kind == kind)
    return clauses


@dataclass
class Progress:
    target: Target
    current: float | None
    target_min: float | None
    target_max: float | None
    status: str
    # Share of the way to the minimum, 0 to 1, for progress bars.
    fraction: float = 0.0
    detail: dict = field(default_factory=dict)
    # The day asked is after the target's deadline: `current` is the figure the target ended
    # with, and `status_at_deadline` what it came to (achieved, behind, no data).
    period_ended: bool = False
    status_at_deadline: str | None = None

    @property
    def code(self) -> str:
        return self.target.code

    @property
    def has_target(self) -> bool:
        return self.status != "no_target"

    @property
    def status_label(self) -> str:
        return str(STATUSES[self.status])

    @property
    def status_at_deadline_label(self) -> str:
        return str(STATUSES[self.status_at_deadline]) if self.status_at_deadline else ""


def _status_for_count(current, target_min, window_start, deadline, as_of) -> str:
    if current is None or target_min is None:
        return "no_data"
    if current >= target_min:
        return "achieved"
    start = window_start or as_of
    span = (deadline - start).days
    elapsed = min(max((as_of - start).days, 0), span) if span > 0 else span
    pace = target_min * (elapsed / span) if span > 0 else target_min
    return "on_track" if current >= pace else "behind"


def _fraction(current, target_min) -> float:
    if not current or not target_min:
        return 0.0
    return max(0.0, min(float(current) / float(target_min), 1.0))


def _count_supported(target: Target, kind: str, as_of: date) -> tuple[int, int, list["SupportedRecord"]]:
    """Records of `kind` with a support decision dated by `as_of` (from the target's window),
    not terminated by then; and how many of them had passed acceptance (completed) by then. A
    reviewer's approval alone counts for nothing: the number stands on the decision. With the
    first SUPPORTED_LISTED of them, oldest decision first."""
    clauses = [Application.kind == kind, SupportDecision.decided_on <= as_of,
               Application.id.not_in(changed_implementation_as_of(as_of, ("terminated",)))]
    if target.window_start:
        clauses.append(SupportDecision.decided_on >= target.window_start)
    completed = Application.id.in_(changed_implementation_as_of(as_of, ("completed",)))
    supported, accepted = db.session.execute(
        sa.select(sa.func.count(SupportDecision.id), sa.func.count(sa.case((completed, 1))))
        .join(Application, SupportDecision.application_id == Application.id).where(*clauses)
    ).one()
    records = db.session.execute(
        sa.select(Application.public_code, Application.title, SupportDecision.decided_on, completed)
        .join(Application, SupportDecision.application_id == Application.id).where(*clauses)
        .order_by(SupportDecision.decided_on, Application.id).limit(SUPPORTED_LISTED)
    ).all()
    return supported, accepted, [SupportedRecord(*row) for row in records]


# The progress page lists the supported records under their count; the plan counts them in tens.
SUPPORTED_LISTED = 50


@dataclass
class SupportedRecord:
    public_code: str
    title: str
    decided_on: date
    accepted: bool


def ongoing_conservation(as_of: date) -> list:
    """WHERE clauses: conservation records approved by `as_of` whose implementation is going on
    then (neither completed nor terminated)."""
    return [*approved_by(as_of, "conservation"),
            Application.id.not_in(changed_implementation_as_of(as_of, ("completed", "terminated")))]


def conservation_by_resource(as_of: date) -> dict[int, int]:
    """Ongoing conservation records per resource on `as_of` (what `conserved_resources` counts)."""
    return dict(db.session.execute(
        sa.select(Application.resource_id, sa.func.count(Application.id))
        .where(*ongoing_conservation(as_of), Application.resource_id.is_not(None))
        .group_by(Application.resource_id)).all())


def barcodes_by_resource(as_of: date) -> dict[int, int]:
    """DNA barcode records per resource made by the end of `as_of`."""
    return dict(db.session.execute(
        sa.select(BarcodeRecord.resource_id, sa.func.count(BarcodeRecord.id))
        .where(BarcodeRecord.created_at < end_of_day_utc(as_of))
        .group_by(BarcodeRecord.resource_id)).all())


def conserved_resources(as_of: date) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Application.resource_id)))
        .join(GeneticResource, Application.resource_id == GeneticResource.id)
        .where(*ongoing_conservation(as_of), GeneticResource.indigenous.is_(True))
    )


def barcoded_resources(as_of: date) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(BarcodeRecord.resource_id)))
        .join(GeneticResource, BarcodeRecord.resource_id == GeneticResource.id)
        .where(GeneticResource.indigenous.is_(True), BarcodeRecord.created_at < end_of_day_utc(as_of))
    )


def pvp_filings_by_year(as_of: date) -> dict[int, int]:
    """Verified filings per year of filing, with admins' figures for the years before the
    registry (an admin figure for a year stands for that whole year)."""
    year = sa.extract("year", Application.filed_on)
    counted = {
        int(y): n for y, n in db.session.execute(
            sa.select(year, sa.func.count(Application.id))
            .where(*approved_by(as_of, "pvp_filing"), Application.filed_on <= as_of)
            .group_by(year)
        ) if y is not None
    }
    latest = (
        sa.select(PvpYearCount.year, sa.func.max(PvpYearCount.id).label("id"))
        .where(PvpYearCount.entered_at < end_of_day_utc(as_of))
        .group_by(PvpYearCount.year).subquery()
    )
    entered = dict(db.session.execute(
        sa.select(PvpYearCount.year, PvpYearCount.filings).join(latest, PvpYearCount.id == latest.c.id)
    ).all())
    return dict(sorted({**counted, **entered}.items()))


def pvp_growth(as_of: date, deadline: date) -> dict:
    """Each year's growth in percent and the compound average from the baseline year to the
    last complete year (up to the deadline's year)."""
    counts = pvp_filings_by_year(as_of)
    last_year = min(deadline.year, as_of.year - 1)
    years = list(range(PVP_BASELINE_YEAR, last_year + 1))
    series = []
    for year in years:
        previous = counts.get(year - 1)
        current = counts.get(year)
        growth = None
        if previous and current is not None:
            growth = round((current / previous - 1) * 100, 1)
        series.append({"year": year, "filings": current, "growth": growth})
    compound = None
    base, last = counts.get(PVP_BASELINE_YEAR), counts.get(last_year)
    if base and last is not None and last_year > PVP_BASELINE_YEAR:
        compound = round(((last / base) ** (1 / (last_year - PVP_BASELINE_YEAR)) - 1) * 100, 1)
    return {"series": series, "compound": compound, "baseline_year": PVP_BASELINE_YEAR,
            "last_year": last_year}


def latest_indicator(target: Target, as_of: date, last_year: int | None = None) -> IndicatorValue | None:
    """The figure in force on `as_of`: the latest year's (up to `last_year`), its latest entry."""
    query = sa.select(IndicatorValue).where(IndicatorValue.target_id == target.id,
                                            IndicatorValue.reported_on <= as_of)
    if last_year is not None:
        query = query.where(IndicatorValue.year <= last_year)
    return db.session.scalar(
        query.order_by(IndicatorValue.year.desc(), IndicatorValue.entered_at.desc(), IndicatorValue.id.desc())
        .limit(1)
    )


def _enterprise_figure(target: Target, as_of: date) -> tuple[float | None, dict]:
    """The growth or the import substitution computed from the register of enterprises
    (registry.services.enterprises), for the latest year with figures up to the deadline's."""
    if target.measure == "import_substitution":
        result = enterprises.import_substitution(as_of, latest_year=target.deadline.year)
        detail = {"year": result.year, "reporting": result.reporting, "not_stated": result.not_stated,
                  "baseline_source": result.baseline_source}
    else:
        result = enterprises.growth(ENTERPRISE_GROWTH[target.measure], as_of,
                                    latest_year=target.deadline.year)
        detail = {"year": result.year, "base_year": result.base_year, "panel": result.panel,
                  "left_out": result.left_out}
    detail["reason"] = result.reason_text
    return result.value, detail


def _counted(target: Target, as_of: date) -> tuple[float | None, dict]:
    """The figure of `target` on `as_of` and what the pages tell about it; after the deadline,
    the figure the target ended with: the records counted by the deadline, the latest yearly
    figure up to the deadline's year (which may be reported later)."""
    measure_kind = target.measure
    by_deadline = min(as_of, target.deadline)
    if measure_kind in SUPPORTED_KINDS:
        current, accepted, records = _count_supported(target, SUPPORTED_KINDS[measure_kind], by_deadline)
        return current, {"accepted": accepted, "records": records}
    if measure_kind == "conserved_resources":
        return conserved_resources(by_deadline), {}
    if measure_kind == "dna_barcoded_resources":
        return barcoded_resources(by_deadline), {}
    if measure_kind in ENTERPRISE_GROWTH or measure_kind == "import_substitution":
        return _enterprise_figure(target, as_of)
    if measure_kind == "pvp_growth":
        # Filings of the period may be entered after it: read as of `as_of`, up to the deadline.
        detail = pvp_growth(as_of, target.deadline)
        return detail["compound"], detail
    value = latest_indicator(target, as_of, last_year=target.deadline.year)
    if value is None:
        return None, {}
    return value.value, {"year": value.year, "source": value.source,
                         "reported_on": value.reported_on.isoformat()}


def measure(target: Target, as_of: date) -> Progress:
    """Where `target` stands on `as_of`. After its deadline the figure is the one it ended with
    (see `_counted`), with the status `period_ended` and what it came to in
    `status_at_deadline`. A target the plan sets no number for is a registry indicator: its
    figure is shown, with no status against a target."""
    target_min, target_max = target.target_min, target.target_max
    ended = as_of > target.deadline
    # Computed once per data version: a figure changes only with the data it counts.
    key = (target.id, target.measure, target.deadline, target.window_start, as_of, current_language())
    current, detail = data_version.cached("target-figure", key, lambda: _counted(target, as_of))
    if target.target_set_by == "none":
        return Progress(target, current, None, None, "no_target", 0.0, detail, period_ended=ended)
    if target.measure == "pvp_growth":
        # A rate: achieved within or above its range, with no pace to keep.
        if current is None:
            status = "no_data"
        else:
            status = "achieved" if target_min is not None and current >= target_min else "behind"
    else:
        status = _status_for_count(current, target_min, target.window_start, target.deadline,
                                   min(as_of, target.deadline))
    fraction = _fraction(current, target_min)
    if ended:
        return Progress(target, current, target_min, target_max, "period_ended", fraction, detail,
                        period_ended=True, status_at_deadline=status)
    return Progress(target, current, target_min, target_max, status, fraction, detail)


def targets_of(plan: Plan | None) -> list[Target]:
    """The targets of `plan` (default the plan counted), in their order."""
    plan = plan or plan_service.counted_plan()
    query = sa.select(Target).options(selectinload(Target.plan)).order_by(Target.sort_order, Target.id)
    if plan is not None:
        query = query.where(Target.plan_id == plan.id)
    return list(db.session.scalars(query))


def all_progress(as_of: date, plan: Plan | None = None) -> list[Progress]:
    """Every target of `plan` (default the plan counted) measured on `as_of`."""
    return [measure(target, as_of) for target in targets_of(plan)]


# Breakdowns for the charts -----------------------------------------------------------------

def approved_breakdown(column, as_of: date, kind: str | None = None) -> list[tuple]:
    """(value, count) of approved records grouped by `column` (an Application column), largest
    first; computed once per data version."""
    def count():
        rows = db.session.execute(
            sa.select(column, sa.func.count(Application.id))
            .where(*approved_by(as_of, kind)).group_by(column)
            .order_by(sa.func.count(Application.id).desc())
        ).all()
        return [(value, count) for value, count in rows if value is not None]

    return data_version.cached("approved-breakdown", (column.key, as_of, kind), count)


def approvals_by_year(as_of: date) -> list[tuple[int, dict[str, int]]]:
    """Per year of approval, the count per kind; computed once per data version."""
    def count():
        year = sa.extract("year", Application.approved_on)
        table: dict[int, dict[str, int]] = {}
        for y, kind, number in db.session.execute(
            sa.select(year, Application.kind, sa.func.count(Application.id))
            .where(*approved_by(as_of)).group_by(year, Application.kind)
        ):
            table.setdefault(int(y), {})[kind] = number
        return sorted(table.items())

    return data_version.cached("approvals-by-year", as_of, count)


def approvals_by_district(as_of: date) -> list[tuple[District, int]]:
    """The records from before 01/07/2025 by their former district, in the districts' order:
    history, so only the districts that have records."""
    counts = dict(approved_breakdown(Application.district_id, as_of))
    districts = db.session.scalars(sa.select(District).order_by(District.sort_order, District.id)).all()
    return [(d, counts[d.id]) for d in districts if counts.get(d.id)]


def approvals_by_commune(as_of: date) -> list[tuple[Commune, int]]:
    """The records since 01/07/2025 by their commune or ward: the units that have records, the
    most first, then by name. Two queries whatever the number of units."""
    counts = dict(approved_breakdown(Application.commune_id, as_of))
    communes = db.session.scalars(sa.select(Commune).where(Commune.id.in_(counts))).all()
    return sorted(((c, counts[c.id]) for c in communes), key=lambda row: (-row[1], *commune_order(row[0])))


def approvals_by_former_province(as_of: date) -> list[tuple[str, int]]:
    """Both former provinces (Hưng Yên, Thái Bình) with the records whose place lies in each:
    a commune's area, and every former district (all of the former Hưng Yên)."""
    counts = dict(approved_breakdown(Application.former_province, as_of))
    return [(code, counts.get(code, 0)) for code in FORMER_PROVINCES]


# Queue health for the department ------------------------------------------------------------

def _days_between(start, end):
    if db.engine.dialect.name == "sqlite":
        return sa.func.julianday(end) - sa.func.julianday(start)
    return sa.extract("epoch", end - start) / 86400.0


def queue_health(now: datetime | None = None, months: int = 12) -> dict:
    """How the department's queue fares: applications waiting over 30 days, the median days to
    a decision and the decisions per month. Without `now`, computed once per data version and
    hour (its figures are in days)."""
    if now is not None:
        return _queue_health(now, months)
    moment = now_utc()
    return data_version.cached("queue-health", (months, moment.strftime("%Y-%m-%d %H")),
                               lambda: _queue_health(moment, months))


def _queue_health(now: datetime, months: int) -> dict:
    waiting = db.session.scalar(
        sa.select(sa.func.count(Application.id)).where(
            Application.status.in_(("submitted", "in_review")),
            Application.submitted_at < now - timedelta(days=30))
    )
    decided = [Application.decided_at.is_not(None), Application.submitted_at.is_not(None)]
    decided_count = db.session.scalar(sa.select(sa.func.count(Application.id)).where(*decided))
    median = None
    if decided_count:
        # The middle one or two durations, found by the database (no rows loaded).
        days = _days_between(Application.submitted_at, Application.decided_at)
        middle = db.session.scalars(
            sa.select(days).where(*decided).order_by(days)
            .limit(2 - decided_count % 2).offset((decided_count - 1) // 2)
        ).all()
        median = round(sum(middle) / len(middle), 1)
    first_month = (now.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    year, month = sa.extract("year", ApplicationEvent.at), sa.extract("month", ApplicationEvent.at)
    per_month = {
        (int(y), int(m)): n for y, m, n in db.session.execute(
            sa.select(year, month, sa.func.count(ApplicationEvent.id))
            .where(ApplicationEvent.action.in_(DECISIONS), ApplicationEvent.at >= first_month)
            .group_by(year, month)
        )
    }
    timeline = []
    cursor = first_month
    while cursor <= now:
        timeline.append(((cursor.year, cursor.month), per_month.get((cursor.year, cursor.month), 0)))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return {"waiting_over_30_days": waiting, "median_days_to_decision": median,
            "decided": decided_count, "decisions_per_month": timeline}


# Admin changes ---------------------------------------------------------------------------

TARGET_FIELDS = ("title_vi", "title_en", "target_min", "target_max", "unit", "window_start",
                 "deadline", "sort_order")
# Kept in a target's history beside what the form edits.
HISTORY_FIELDS = (*TARGET_FIELDS, "target_set_by")


def _target_snapshot(target: Target) -> dict:
    return {name: (value.isoformat() if isinstance(value, date) else value)
            for name in HISTORY_FIELDS for value in [getattr(target, name)]}


def save_target(target: Target, actor: User, values: dict) -> Target:
    """Create or change a target; every change keeps what it was before.

    A number the plan set stays the plan's (an admin may correct it, not remove it). Where the
    plan sets none — a registry indicator, or a target an admin added — the number is the
    department's when an admin gives one, and none when it is left empty."""
    errors = {}
    target_min = values.get("target_min", target.target_min)
    target_max = values.get("target_max", target.target_max)
    set_by_plan = target.id is not None and target.target_set_by == "plan"
    if target_min is not None and target_max is not None and target_max < target_min:
        errors["target_max"] = [_("The maximum cannot be below the minimum.")]
    if target_min is None and set_by_plan:
        errors["target_min"] = [_("The plan sets this figure: it can be corrected, not left empty.")]
    elif target_min is None and target_max is not None:
        errors["target_max"] = [_("A maximum needs a minimum.")]
    if values.get("window_start") and values.get("deadline") and values["deadline"] <= values["window_start"]:
        errors["deadline"] = [_("The deadline must be after the start of the window.")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    before = _target_snapshot(target) if target.id else {}
    for name, value in values.items():
        setattr(target, name, value)
    if not set_by_plan:
        target.target_set_by = "admin" if target_min is not None else "none"
    db.session.add(target)
    flush()
    after = _target_snapshot(target)
    if before != after:
        db.session.add(TargetRevision(target_id=target.id, changed_by=actor, before=before, after=after))
        flush()
    return target


def record_indicator(target: Target, actor: User, year: int, value: float, source: str,
                     reported_on: date) -> IndicatorValue:
    if target.measure != "indicator":
        raise ValidationFailed(_("Some fields are not valid."),
                               {"value": [_("The registry counts this target itself.")]})
    row = IndicatorValue(target=target, entered_by=actor, year=year, value=value,
                         source=source.strip(), reported_on=reported_on)
    db.session.add(row)
    flush()
    return row


def record_pvp_year(actor: User, year: int, filings: int, source: str) -> PvpYearCount:
    row = PvpYearCount(entered_by=actor, year=year, filings=filings, source=source.strip())
    db.session.add(row)
    flush()
    return row
