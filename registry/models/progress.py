"""What the registry cannot count itself: yearly indicator figures and PVP filing counts of
the years before it, entered by admins; and the history of every change to a target.
All three are append-only: a correction is a new row, and the newest row wins."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.accounts import User
from registry.models.base import now_utc
from registry.models.reference import Target


class IndicatorValue(db.Model):
    """A target's figure for one year, with where it comes from."""

    __tablename__ = "indicator_values"
    __table_args__ = (sa.Index("ix_indicator_values_target_year", "target_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("targets.id"))
    year: Mapped[int]
    value: Mapped[float] = mapped_column(sa.Float)
    source: Mapped[str] = mapped_column(sa.String(300))
    reported_on: Mapped[date]
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(default=now_utc)

    target: Mapped[Target] = relationship()
    entered_by: Mapped[User] = relationship()


class PvpYearCount(db.Model):
    """Plant-variety protection filings of a year before the registry, as counted elsewhere."""

    __tablename__ = "pvp_year_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    filings: Mapped[int]
    source: Mapped[str] = mapped_column(sa.String(300))
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(default=now_utc)

    entered_by: Mapped[User] = relationship()


class TargetRevision(db.Model):
    """A target as it was before an admin changed it."""

    __tablename__ = "target_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("targets.id"), index=True)
    changed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=now_utc)
    before: Mapped[dict] = mapped_column(sa.JSON)
    after: Mapped[dict] = mapped_column(sa.JSON)

    changed_by: Mapped[User] = relationship()


@sa.event.listens_for(IndicatorValue, "before_update")
@sa.event.listens_for(IndicatorValue, "before_delete")
@sa.event.listens_for(PvpYearCount, "before_update")
@sa.event.listens_for(PvpYearCount, "before_delete")
@sa.event.listens_for(TargetRevision, "before_update")
@sa.event.listens_for(TargetRevision, "before_delete")
def _append_only(mapper, connection, target):  # noqa: ARG001
    raise RuntimeError("this history is append-only")
