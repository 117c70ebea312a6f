"""Reference data: places (the former districts, and the communes and wards since 1 July 2025),
genetic resources, targets, agencies and plan tasks."""
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.base import BilingualName, current_language, signed_in

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


# How a target's current value is obtained: counted from the registry's own records, or an
# indicator that admins enter year by year.
TARGET_MEASURES = (
    "supported_projects", "startups", "pvp_growth", "conserved_resources",
    "dna_barcoded_resources", "indicator",
)
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
    __table_args__ = (sa.CheckConstraint(f"measure IN {TARGET_MEASURES}", name="measure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
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

    @property
    def unit_label(self) -> str:
        return str(TARGET_UNITS.get(self.unit, self.unit))

    @property
    def title(self) -> str:
        return self.title_en if current_language() == "en" and self.title_en else self.title_vi


class Agency(BilingualName, db.Model):
    """A department, agency or district committee that leads or coordinates plan tasks."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name_vi: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))


plan_task_agencies = sa.Table(
    "plan_task_agencies",
    db.metadata,
    sa.Column("task_id", sa.ForeignKey("plan_tasks.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role", sa.String(20), primary_key=True),  # lead | coordinating
)


class PlanTask(db.Model):
    """A task of the plan's appendix."""

    __tablename__ = "plan_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(10), unique=True)
    title_vi: Mapped[str] = mapped_column(sa.Text)
    title_en: Mapped[str] = mapped_column(sa.Text)
    # Who else takes part, as the plan words it ("các sở, ngành liên quan" ...).
    coordination_vi: Mapped[str] = mapped_column(sa.Text, default="")
    coordination_en: Mapped[str] = mapped_column(sa.Text, default="")
    timeframe_vi: Mapped[str] = mapped_column(sa.String(200))
    timeframe_en: Mapped[str] = mapped_column(sa.String(200))
    sort_order: Mapped[int] = mapped_column(default=0)

    lead_agencies: Mapped[list[Agency]] = relationship(
        secondary=plan_task_agencies,
        primaryjoin=lambda: sa.and_(
            PlanTask.id == plan_task_agencies.c.task_id, plan_task_agencies.c.role == "lead"
        ),
        viewonly=True,
        order_by=Agency.code,
    )
    coordinating_agencies: Mapped[list[Agency]] = relationship(
        secondary=plan_task_agencies,
        primaryjoin=lambda: sa.and_(
            PlanTask.id == plan_task_agencies.c.task_id,
            plan_task_agencies.c.role == "coordinating",
        ),
        viewonly=True,
        order_by=Agency.code,
    )

    # Who may do what ---------------------------------------------------------------------

    def is_led_by(self, agency: Agency | None) -> bool:
        """The agency leads this task (a task the plan gives to every agency is led by each)."""
        if agency is None or agency.code == EVERY_AGENCY:
            return False
        return any(lead.code in (EVERY_AGENCY, agency.code) for lead in self.lead_agencies)

    def involves(self, agency: Agency | None) -> bool:
        """The agency leads or coordinates this task."""
        if agency is None or agency.code == EVERY_AGENCY:
            return False
        return self.is_led_by(agency) or any(
            other.code in (EVERY_AGENCY, agency.code) for other in self.coordinating_agencies)

    def can_file_report(self, user) -> bool:
        """An active reporter of an agency that leads the task files its yearly report."""
        return (signed_in(user) and user.role == "agency" and user.is_active
                and self.is_led_by(user.agency))

    def _pick(self, stem: str) -> str:
        en = getattr(self, f"{stem}_en")
        return en if current_language() == "en" and en else getattr(self, f"{stem}_vi")

    @property
    def title(self) -> str:
        return self._pick("title")

    @property
    def timeframe(self) -> str:
        return self._pick("timeframe")

    @property
    def coordination(self) -> str:
        return self._pick("coordination")
