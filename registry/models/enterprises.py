"""The register of bio-industry enterprises (doanh nghiệp công nghiệp sinh học) and their yearly
figures, from which the plan's "grow 50 % in investment scale and in growth scale" and "replace at
least 50 % of imported biotech products" are computed (`registry.services.enterprises`).

An enterprise is edited in place (optimistic locking). Its yearly figures and the province's
import baseline are append-only: a correction is a new row, and the latest entered row counts."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.accounts import Organization, User
from registry.models.applications import FIELDS
from registry.models.base import now_utc, signed_in
from registry.models.reference import PLAN_START, Commune

# The plan's base year: growth and import substitution are measured against 2023.
BASE_YEAR = PLAN_START.year


class BiotechEnterprise(db.Model):
    """An enterprise of the province's biotech industry, as the department keeps it."""

    __tablename__ = "biotech_enterprises"
    __table_args__ = (
        sa.CheckConstraint(f"field IN {tuple(FIELDS)}", name="field"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    search_name: Mapped[str] = mapped_column(sa.String(300), default="")  # accent-folded, for search
    # Mã số thuế: 10 digits, or 10 digits, "-" and 3 digits for a dependent unit.
    tax_code: Mapped[str] = mapped_column(sa.String(14), unique=True)
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    field: Mapped[str] = mapped_column(sa.String(30))
    # Required for enterprises entered from now on; NULL is left for rows loaded without one.
    commune_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communes.id"), index=True)
    in_register_since: Mapped[date]
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)
    updated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    organization: Mapped[Organization | None] = relationship()
    commune: Mapped[Commune | None] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])

    # A stale UPDATE ("WHERE version = <old>") raises StaleDataError instead of overwriting.
    __mapper_args__ = {"version_id_col": version}

    @property
    def field_label(self) -> str:
        return str(FIELDS.get(self.field, self.field))

    # Who may do what ---------------------------------------------------------------------

    @staticmethod
    def can_register(user) -> bool:
        """Adding enterprises, their figures and the import baseline: administrators."""
        return signed_in(user) and user.is_admin

    def can_edit(self, user) -> bool:
        return self.can_register(user)

    def __repr__(self) -> str:
        return f"<BiotechEnterprise {self.tax_code} {self.name!r}>"


class EnterpriseYearFigure(db.Model):
    """An enterprise's figures for one year, with where they come from."""

    __tablename__ = "enterprise_year_figures"
    __table_args__ = (
        sa.Index("ix_enterprise_year_figures_enterprise_year", "enterprise_id", "year"),
        sa.CheckConstraint(f"year >= {BASE_YEAR}", name="from_base_year"),
        sa.CheckConstraint("investment_vnd >= 0 AND revenue_vnd >= 0", name="amounts_not_negative"),
        sa.CheckConstraint("import_replacing_revenue_vnd IS NULL OR (import_replacing_revenue_vnd >= 0 "
                           "AND import_replacing_revenue_vnd <= revenue_vnd)", name="import_within_revenue"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("biotech_enterprises.id"))
    year: Mapped[int]
    # Vốn đầu tư: the enterprise's total investment capital at the end of the year.
    investment_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    # Doanh thu: the year's revenue.
    revenue_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    # Doanh thu từ sản phẩm thay thế hàng nhập khẩu: NULL when the source does not say.
    import_replacing_revenue_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    source: Mapped[str] = mapped_column(sa.String(300))
    reported_on: Mapped[date]
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(default=now_utc)

    enterprise: Mapped[BiotechEnterprise] = relationship()
    entered_by: Mapped[User] = relationship()


class ImportBaseline(db.Model):
    """The value of the biotech products the province imported in the base year: what import
    substitution is measured against."""

    __tablename__ = "import_baselines"
    __table_args__ = (sa.CheckConstraint("value_vnd > 0", name="value_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    value_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    source: Mapped[str] = mapped_column(sa.String(300))
    reported_on: Mapped[date]
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(default=now_utc)

    entered_by: Mapped[User] = relationship()


@sa.event.listens_for(EnterpriseYearFigure, "before_update")
@sa.event.listens_for(EnterpriseYearFigure, "before_delete")
@sa.event.listens_for(ImportBaseline, "before_update")
@sa.event.listens_for(ImportBaseline, "before_delete")
def _append_only(mapper, connection, target):  # noqa: ARG001
    raise RuntimeError("this history is append-only")
