"""Reference data: places (the former districts, and the communes and wards since 1 July 2025),
genetic resources, targets, agencies and plan tasks."""
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.base import (BilingualName, BilingualTitle, current_language, now_utc,
                                  province_today, signed_in)

# The plan gives some tasks to "các sở, ban, ngành, địa phương": each agency reports itself.
EVERY_AGENCY = "ALL"

# The plan (December 2023) counts from its baseline year: progress is shown from this day, the
# growth of plant-variety filings is measured from this year, and reports are due from it on.
PLAN_START = date(2023, 1, 1)

# Hưng Yên and Thái Bình became one province named Hưng Yên, without districts, on this day
# (Resolutions 202/2025/QH15 and 1666/NQ-UBTVQH15): records from then on name a commune or ward.
PROVINCE_MERGED_ON = date(2025, 7, 1)
FORMER_PROVINCES = {
    "hung_yen": _l("Former Hưng Yên province"),
    "thai_binh": _l("Former Thái Bình province"),
}
UNIT_TYPES = {"xa": _l("Commune"), "phuong": _l("Ward")}

RESOURCE_KINDS = {"plant": _l("Plant"), "animal": _l("Animal"), "microbe": _l("Microorganism")}

RISK_STATUSES = {
    "not_at_risk": _l("Not at risk"),
    "vulnerable": _l("Vulnerable"),
    "endangered": _l("Endangered"),
    "critical": _l("Critical"),
    "extinct": _l("Extinct"),
    "unknown": _l("Unknown"),
}


class District(BilingualName, db.Model):
    """A district of the former Hưng Yên province, valid until 30/06/2025: records from before
    the merger keep theirs. A table, not an enum: units are merged and renamed."""

    __tablename__ = "districts"
    __table_args__ = (sa.CheckConstraint(f"former_province IN {tuple(FORMER_PROVINCES)}", name="former_province"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    former_province: Mapped[str] = mapped_column(sa.String(20), default="hung_yen", server_default="hung_yen")
    valid_until: Mapped[date | None]

    def __repr__(self) -> str:
        return f"<District {self.code}>"


class Commune(BilingualName, db.Model):
    """A commune (xã) or ward (phường) of the province since its reorganisation, with its
    official code, the former province its area lies in and the former district(s) it was formed
    from. Dated: the next reorganisation ends some units and begins others (loaded from CSV)."""

    __tablename__ = "communes"
    __table_args__ = (
        sa.CheckConstraint(f"unit_type IN {tuple(UNIT_TYPES)}", name="unit_type"),
        sa.CheckConstraint(f"former_province IN {tuple(FORMER_PROVINCES)}", name="former_province"),
        sa.CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="valid_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(10), unique=True)  # the official 5-digit code
    name_vi: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    unit_type: Mapped[str] = mapped_column(sa.String(10))
    former_province: Mapped[str] = mapped_column(sa.String(20))
    former_districts: Mapped[str] = mapped_column(sa.String(500), default="")  # "; "-separated names
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]
    search_name: Mapped[str] = mapped_column(sa.String(240), default="")  # accent-folded, for the choice

    @property
    def unit_type_label(self) -> str:
        return str(UNIT_TYPES[self.unit_type])

    @property
    def former_province_label(self) -> str:
        return str(FORMER_PROVINCES[self.former_province])

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def __repr__(self) -> str:
        return f"<Commune {self.code} {self.name_vi}>"


class GeneticResource(BilingualName, db.Model):
    __tablename__ = "genetic_resources"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {tuple(RESOURCE_KINDS)}", name="kind"),
        sa.CheckConstraint(f"risk_status IN {tuple(RISK_STATUSES)}", name="risk_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    scientific_name: Mapped[str] = mapped_column(sa.String(200), default="")
    kind: Mapped[str] = mapped_column(sa.String(20))
    indigenous: Mapped[bool] = mapped_column(default=True)
    risk_status: Mapped[str] = mapped_column(sa.String(20), default="unknown")
    description_vi: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    # Geographical indication or collective brand, as the owner of the right words it.
    protection_vi: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    protection_en: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    # Who may do what ---------------------------------------------------------------------

    def can_record_census(self, user, application=None) -> bool:
        """The department always; the owner of an approved conservation record of this
        resource, for that record."""
        if not signed_in(user):
            return False
        if user.is_staff:
            return True
        return (application is not None and application.kind == "conservation"
                and application.resource_id == self.id and application.is_owned_by(user)
                and application.status == "approved")

    def can_add_barcodes(self, user) -> bool:
        """DNA barcode records and FASTA imports: department staff."""
        return signed_in(user) and user.is_staff

    def can_confirm_risk(self, user) -> bool:
        """The risk category the census proposes is confirmed by an administrator."""
        return signed_in(user) and user.is_admin

    @property
    def protection(self) -> str:
        if current_language() == "en" and self.protection_en:
            return self.protection_en
        return self.protection_vi

    @property
    def description(self) -> str:
        if current_language() == "en" and self.description_en:
            return self.description_en
        return self.description_vi

    @property
    def kind_label(self) -> str:
        return str(RESOURCE_KINDS.get(self.kind, self.kind))

    @property
    def risk_label(self) -> str:
        return str(RISK_STATUSES.get(self.risk_status, self.risk_status))


class Plan(BilingualTitle, db.Model):
    """A plan whose targets and tasks the registry follows: the 2023 plan of the former Hưng Yên
    province is the one counted; the merged province's own plan can be loaded beside it."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title_vi: Mapped[str] = mapped_column(sa.Text)
    title_en: Mapped[str] = mapped_column(sa.Text, default="")
    issuer_vi: Mapped[str] = mapped_column(sa.String(300))
    issuer_en: Mapped[str] = mapped_column(sa.String(300), default="")
    # As printed: "/KH-UBND" when the copy at hand leaves the number blank.
    number: Mapped[str] = mapped_column(sa.String(60), default="")
    issued_on: Mapped[date]
    # The 2023 plan's copy gives only "tháng 12 năm 2023": then only the month is shown.
    issued_on_exact: Mapped[bool] = mapped_column(default=True)
    area_vi: Mapped[str] = mapped_column(sa.String(300))
    area_en: Mapped[str] = mapped_column(sa.String(300), default="")
    period_start: Mapped[date]
    period_end: Mapped[date]
    is_counted: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


    @property
    def issuer(self) -> str:
        return self._pick("issuer")

    @property
    def area(self) -> str:
        return self._pick("area")

    @property
    def issued_label(self) -> str:
        return self.issued_on.strftime("%d/%m/%Y" if self.issued_on_exact else "%m/%Y")

    @property
    def number_label(self) -> str:
        """The number as a reader sees it: "…/KH-UBND" where the copy leaves it blank."""
        return f"…{self.number}" if self.number.startswith("/") else self.number or "—"

    @property
    def short_name(self) -> str:
        """"Kế hoạch số …/KH-UBND (12/2023)": how a plan is told apart in a choice."""
        if not self.number:
            return _("Plan %(code)s (%(date)s)", code=self.code, date=self.issued_label)
        return _("Plan %(number)s (%(date)s)", number=self.number_label, date=self.issued_label)

    def __repr__(self) -> str:
        return f"<Plan {self.code}>"


# How a target's current value is obtained: counted from the registry's own records, or an
# indicator that admins enter year by year.
TARGET_MEASURES = (
    "supported_projects", "startups", "pvp_growth", "conserved_resources",
    "dna_barcoded_resources", "indicator",
    # Computed from the register of biotech enterprises (base year 2023).
    "enterprise_investment_growth", "enterprise_revenue_growth", "import_substitution",
)
# Who set a target's number: the plan, the department's admin, or nobody (a figure the registry
# follows that the plan sets no number for, such as the conserved resources).
TARGET_SET_BY = {
    "plan": _l("Target set by the plan"),
    "admin": _l("Target set by the department"),
    "none": _l("Registry indicator: the plan sets no target"),
}
TARGET_UNITS = {
    "projects": _l("projects"),
    "startups": _l("startups"),
    "resources": _l("resources"),
    "percent": _l("per cent"),
    "count": _l("count"),
}


class Target(db.Model):
    """A measurable target of the plan (SPEC section 5)."""

    __tablename__ = "targets"
    __table_args__ = (
        sa.CheckConstraint(f"measure IN {TARGET_MEASURES}", name="measure"),
        sa.CheckConstraint(f"target_set_by IN {tuple(TARGET_SET_BY)}", name="target_set_by"),
        sa.UniqueConstraint("plan_id", "code", name="uq_targets_plan_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    title_vi: Mapped[str] = mapped_column(sa.String(300))
    title_en: Mapped[str] = mapped_column(sa.String(300))
    target_min: Mapped[float | None] = mapped_column(sa.Float)
    target_max: Mapped[float | None] = mapped_column(sa.Float)
    unit: Mapped[str] = mapped_column(sa.String(20))
    window_start: Mapped[date | None] = mapped_column(sa.Date)
    deadline: Mapped[date] = mapped_column(sa.Date)
    sort_order: Mapped[int] = mapped_column(default=0)
    measure: Mapped[str] = mapped_column(sa.String(30), default="indicator",
                                         server_default="indicator")
    target_set_by: Mapped[str] = mapped_column(sa.String(10), default="plan", server_default="plan")
    # How the figure is measured, where the plan leaves it open.
    definition_vi: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    definition_en: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    plan: Mapped[Plan] = relationship()

    @property
    def target_set_by_label(self) -> str:
        return str(TARGET_SET_BY.get(self.target_set_by, self.target_set_by))

    @property
    def definition(self) -> str:
        return self.definition_en if current_language() == "en" and self.definition_en \
            else self.definition_vi

    @property
    def unit_label(self) -> str:
        return str(TARGET_UNITS.get(self.unit, self.unit))

    @property
    def title(self) -> str:
        return self.title_en if current_language() == "en" and self.title_en else self.title_vi


AGENCY_KINDS = {
    "department": _l("Department or provincial agency"),
    "committees": _l("People's Committees (as a group)"),
    "everyone": _l("All departments, agencies, sectors and localities"),
    "commune_committee": _l("People's Committee of a commune or ward"),
}
# Agencies that file reports themselves; groups stand for many bodies at once.
REPORTING_KINDS = ("department", "commune_committee")
# The plan's "UBND huyện, thị xã, thành phố", whose duties the communes and wards carry since
# 01/07/2025 (the succession is data: see registry/reference_data/plan.py).
DISTRICT_COMMITTEES = "DISTRICTS"
COMMUNE_COMMITTEES = "COMMUNES"


class Agency(BilingualName, db.Model):
    """A department, agency or People's Committee that leads or coordinates plan tasks, kept as
    the plan names it. One that has merged into another names its successor and the day: the
    successor carries its duties (and files its reports) from then on."""

    __tablename__ = "agencies"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {tuple(AGENCY_KINDS)}", name="kind"),
        sa.CheckConstraint("succeeded_by_id IS NULL OR succeeded_on IS NOT NULL",
                           name="succession_dated"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name_vi: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20), default="department", server_default="department")
    succeeded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    succeeded_on: Mapped[date | None]
    # What passed to the successor, and where that is written (a decree, a decision).
    succession_note_vi: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    succession_note_en: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    succession_source: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # A commune or ward People's Committee is the committee of that unit.
    commune_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communes.id"), unique=True)

    succeeded_by: Mapped["Agency | None"] = relationship(remote_side=[id])
    commune: Mapped[Commune | None] = relationship()

    MAX_SUCCESSIONS = 10  # a chain longer than this is a data error (a loop)

    def current_on(self, day: date | None = None) -> "Agency":
        """The agency that carries this one's duties on `day` (today by default)."""
        day = day or province_today()
        agency = self
        for _step in range(self.MAX_SUCCESSIONS):
            if agency.succeeded_by is None or agency.succeeded_on is None or agency.succeeded_on > day:
                return agency
            agency = agency.succeeded_by
        return agency

    @property
    def current(self) -> "Agency":
        return self.current_on()

    @property
    def is_current(self) -> bool:
        return self.current is self

    @property
    def succession_note(self) -> str:
        return self.succession_note_en if current_language() == "en" and self.succession_note_en \
            else self.succession_note_vi

    @property
    def name_today(self) -> str:
        """Today's agency, naming this one when it has changed: "Sở Nông nghiệp và Môi trường
        (trước đây Sở Nông nghiệp và Phát triển nông thôn)"."""
        today = self.current
        if today is self:
            return self.name
        return _("%(today)s (formerly %(then)s)", today=today.name, then=self.name)

    @property
    def kind_label(self) -> str:
        return str(AGENCY_KINDS.get(self.kind, self.kind))

    @property
    def files_reports(self) -> bool:
        return self.kind in REPORTING_KINDS

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"


plan_task_agencies = sa.Table(
    "plan_task_agencies",
    db.metadata,
    sa.Column("task_id", sa.ForeignKey("plan_tasks.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role", sa.String(20), primary_key=True),  # lead | coordinating
    # The plan's order: the first lead agency is the main one.
    sa.Column("position", sa.Integer, nullable=False, server_default="0"),
)


def _agencies_in_role(role: str):
    return relationship(
        Agency,
        secondary=plan_task_agencies,
        primaryjoin=lambda: sa.and_(
            PlanTask.id == plan_task_agencies.c.task_id, plan_task_agencies.c.role == role),
        viewonly=True,
        order_by=lambda: (plan_task_agencies.c.position, Agency.id),
    )


def distinct_current(agencies: list[Agency]) -> list[Agency]:
    """Today's agencies for `agencies`, in their order, each once (two departments of the plan
    may have merged into one)."""
    return list({agency.current.id: agency.current for agency in agencies}.values())


class PlanTask(BilingualTitle, db.Model):
    """A task of a plan's appendix, with its lead and coordinating agencies as the plan writes
    them (in its order) and the plan's own words for the cells."""

    __tablename__ = "plan_tasks"
    __table_args__ = (sa.UniqueConstraint("plan_id", "code", name="uq_plan_tasks_plan_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(10))
    title_vi: Mapped[str] = mapped_column(sa.Text)
    title_en: Mapped[str] = mapped_column(sa.Text)
    # Who else takes part, as the plan words it ("các sở, ngành liên quan" ...).
    coordination_vi: Mapped[str] = mapped_column(sa.Text, default="")
    coordination_en: Mapped[str] = mapped_column(sa.Text, default="")
    timeframe_vi: Mapped[str] = mapped_column(sa.String(200))
    timeframe_en: Mapped[str] = mapped_column(sa.String(200))
    sort_order: Mapped[int] = mapped_column(default=0)
    # The plan's table leaves this task's coordination and timeframe cells blank, merged with
    # those of another task (III.3–III.8 with III.1): they are read from that task, and said so.
    cells_follow_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plan_tasks.id"))
    # The plan names no lead agency (III.6): the one recorded is the registry's reading.
    lead_not_written: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    plan: Mapped[Plan] = relationship()
    cells_follow: Mapped["PlanTask | None"] = relationship(remote_side=[id])
    lead_agencies: Mapped[list[Agency]] = _agencies_in_role("lead")
    coordinating_agencies: Mapped[list[Agency]] = _agencies_in_role("coordinating")

    def leads_on(self, day: date | None = None) -> list[Agency]:
        """The agencies that carry the leads' duties on `day` (today), in the plan's order."""
        return list({a.current_on(day).id: a.current_on(day) for a in self.lead_agencies}.values())

    @property
    def leads_today(self) -> list[Agency]:
        return self.leads_on()

    @property
    def coordinators_today(self) -> list[Agency]:
        leads = {agency.id for agency in self.leads_today}
        return [a for a in distinct_current(self.coordinating_agencies) if a.id not in leads]

    @property
    def district_committees(self) -> Agency | None:
        """The plan's district committees, when it names them among those taking part."""
        return next((a for a in self.coordinating_agencies if a.code == DISTRICT_COMMITTEES), None)

    @property
    def has_changed_agencies(self) -> bool:
        return any(not agency.is_current for agency in (*self.lead_agencies, *self.coordinating_agencies))

    # Who may do what ---------------------------------------------------------------------

    def is_led_by(self, agency: Agency | None) -> bool:
        """The agency leads this task today: it is a lead of the plan's, or carries the duties of
        one (a task the plan gives to every agency is led by each that files reports)."""
        if agency is None or not agency.files_reports:
            return False
        return any(lead.code == EVERY_AGENCY or lead.current.id == agency.id
                   for lead in self.lead_agencies)

    def involves(self, agency: Agency | None) -> bool:
        """The agency leads or coordinates this task today; a commune or ward committee takes
        part where the plan names the district committees, whose duties it carries."""
        if agency is None or not agency.files_reports:
            return False
        if self.is_led_by(agency):
            return True
        today = {other.current.code for other in self.coordinating_agencies}
        if agency.kind == "commune_committee":
            return COMMUNE_COMMITTEES in today
        return agency.code in today

    def can_file_report(self, user) -> bool:
        """An active reporter of an agency that leads the task files its yearly report."""
        return (signed_in(user) and user.role == "agency" and user.is_active
                and self.is_led_by(user.reporting_agency))


    @property
    def timeframe(self) -> str:
        """As the plan writes it, or the merged cell's (see `cells_follow`)."""
        source = self.cells_follow or self
        return source._pick("timeframe")

    @property
    def coordination(self) -> str:
        source = self.cells_follow or self
        return source._pick("coordination")
