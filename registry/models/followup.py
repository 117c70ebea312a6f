"""After the support decision: the owner's progress reports every six months, the department's
inspections (kiểm tra), and acceptance (nghiệm thu) — the acceptance council's rating, the
department's record of it and the total disbursed."""
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.accounts import User
from registry.models.applications import Application
from registry.models.base import StoredFile, now_utc, province_today

REPORT_MONTHS = 6  # a progress report every six months from the decision
# A report counts as filed once submitted (and stays so when accepted).
FILED_STATUSES = ("submitted", "accepted")

REPORT_STATUSES = {
    "draft": lazy_pgettext("progress report", "Draft"),
    "submitted": lazy_pgettext("progress report", "Submitted"),
    "more_requested": _l("More requested"),
    "accepted": lazy_pgettext("progress report", "Accepted"),
}
REPORT_EDITABLE = frozenset({"draft", "more_requested"})

INSPECTION_CONCLUSIONS = {
    "on_track": _l("On track"),
    "issues": _l("Issues to correct"),
    "serious": _l("Serious problems"),
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31/08 + 6 → 28/02)."""
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class ProgressReport(db.Model):
    """The owner's report for one six-month period of a supported record."""

    __tablename__ = "progress_reports"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "number"),
        sa.CheckConstraint(f"status IN {tuple(REPORT_STATUSES)}", name="status"),
        sa.CheckConstraint("number >= 1", name="number"),
        sa.CheckConstraint("spent_vnd IS NULL OR spent_vnd >= 0", name="spent_vnd"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL", name="submitted_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    number: Mapped[int]  # the n-th six-month period from the decision
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    progress: Mapped[str] = mapped_column(sa.Text, default="")  # against the milestones
    spent_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)  # of the approved support, so far
    products: Mapped[str] = mapped_column(sa.Text, default="")
    problems: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    application: Mapped[Application] = relationship(back_populates="progress_reports")
    reviewed_by: Mapped[User | None] = relationship()
    documents: Mapped[list["ProgressReportDocument"]] = relationship(
        back_populates="report", order_by="ProgressReportDocument.id")

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def status_label(self) -> str:
        return str(REPORT_STATUSES[self.status])

    @property
    def is_filed(self) -> bool:
        return self.status in FILED_STATUSES

    # Permissions
    def can_edit(self, user: User | None) -> bool:
        return self.application.is_owned_by(user) and self.status in REPORT_EDITABLE

    def can_view(self, user: User | None) -> bool:
        return self.application.is_owned_by(user) or (
            self.status != "draft" and self.application.can_review(user))

    def can_review(self, user: User | None) -> bool:
        return self.application.can_review(user) and self.status == "submitted"


class ProgressReportDocument(StoredFile, db.Model):
    __tablename__ = "progress_report_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("progress_reports.id"), index=True)

    report: Mapped[ProgressReport] = relationship(back_populates="documents")

    def can_download(self, user) -> bool:
        return self.report.can_view(user)


class Inspection(db.Model):
    """An inspection by the department, with its findings. Recorded once; never edited."""

    __tablename__ = "inspections"
    __table_args__ = (sa.CheckConstraint(f"conclusion IN {tuple(INSPECTION_CONCLUSIONS)}", name="conclusion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    inspected_on: Mapped[date]
    inspectors: Mapped[str] = mapped_column(sa.String(500))
    findings: Mapped[str] = mapped_column(sa.Text)
    conclusion: Mapped[str] = mapped_column(sa.String(20))
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=now_utc)

    application: Mapped[Application] = relationship(back_populates="inspections")
    recorded_by: Mapped[User] = relationship()

    @property
    def conclusion_label(self) -> str:
        return str(INSPECTION_CONCLUSIONS[self.conclusion])


class Acceptance(db.Model):
    """The department's record of acceptance (nghiệm thu): the acceptance council's rating, the
    total disbursed, and for a failed result the reasons. It ends the implementation."""

    __tablename__ = "acceptances"
    __table_args__ = (
        sa.CheckConstraint("rating IN ('excellent', 'passed', 'failed')", name="rating"),
        sa.CheckConstraint("disbursed_vnd >= 0", name="disbursed_vnd"),
        sa.CheckConstraint("rating <> 'failed' OR reasons <> ''", name="failed_has_reasons"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), unique=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("council_assignments.id"), unique=True)
    rating: Mapped[str] = mapped_column(sa.String(20))
    accepted_on: Mapped[date]
    disbursed_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    reasons: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=now_utc)

    application: Mapped[Application] = relationship(back_populates="acceptance")
    recorded_by: Mapped[User] = relationship()

    @property
    def rating_label(self) -> str:
        from registry.models.councils import ACCEPTANCE_RATINGS

        return str(ACCEPTANCE_RATINGS[self.rating])


@sa.event.listens_for(Inspection, "before_update")
@sa.event.listens_for(Inspection, "before_delete")
@sa.event.listens_for(Acceptance, "before_update")
@sa.event.listens_for(Acceptance, "before_delete")
def _records_are_final(mapper, connection, target):  # noqa: ARG001
    raise RuntimeError("inspections and acceptances are final")


def report_schedule(application: Application, today: date | None = None) -> list[tuple[int, date]]:
    """(number, due date) of the progress reports a supported record owes: every six months from
    its decision while its support period (or, without one, its own end date) runs — the last
    stretch is reported at acceptance. Without either end, up to the next one due."""
    decision = application.support_decision
    if decision is None:
        return []
    return due_dates(decision.decided_on, decision.period_end or application.end_date,
                     today or province_today())


def due_dates(decided_on: date, end: date | None, today: date) -> list[tuple[int, date]]:
    """`report_schedule` from the decision's date and the end of the period (or None)."""
    schedule, number = [], 1
    while True:
        due = add_months(decided_on, REPORT_MONTHS * number)
        if end is not None and due > end:
            break
        if end is None and due > add_months(today, REPORT_MONTHS):  # open-ended: up to the next one
            break
        schedule.append((number, due))
        number += 1
        if number > 40:  # twenty years: past any support period
            break
    return schedule


def overdue_reports(application: Application, today: date | None = None) -> list[tuple[int, date]]:
    """The scheduled reports past their due date with nothing filed, while the record is under way."""
    if application.implementation_status != "ongoing":
        return []
    today = today or province_today()
    filed = {r.number for r in application.progress_reports if r.is_filed}
    return [(n, due) for n, due in report_schedule(application, today) if due < today and n not in filed]


class ProgressReminder(db.Model):
    """A reminder e-mailed to the owner for one report (14 or 3 days before it is due), so the
    daily command never sends the same one twice."""

    __tablename__ = "progress_reminders"
    __table_args__ = (sa.UniqueConstraint("application_id", "number", "days_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"))
    number: Mapped[int]
    days_before: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(default=now_utc)
