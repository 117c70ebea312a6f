"""The yearly reporting cycle of the plan (PLAN-DIGEST section IV): each lead agency reports on
its plan tasks before 10 November, and the department proposes awards in its annual report."""
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.accounts import Organization, User
from registry.models.base import StoredFile, now_utc, signed_in
from registry.models.reference import Agency, PlanTask

REPORT_STATUSES = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "blocked": _l("Blocked"),
}

REPORT_ACTIONS = {
    "created": _l("Draft started"),
    "submitted": _lp("report", "Submitted"),
    "reopened": _l("Returned for correction"),
}

NOMINEE_KINDS = {
    "organization": _l("Organisation"),
    "individual": _l("Individual"),
}


class AgencyReport(db.Model):
    """One lead agency's report on one plan task for one year. Editable until submitted."""

    __tablename__ = "agency_reports"
    __table_args__ = (
        sa.UniqueConstraint("task_id", "agency_id", "year", name="uq_agency_reports_task_agency_year"),
        sa.CheckConstraint(f"status IN {tuple(REPORT_STATUSES)}", name="status"),
        # The department's page and the annual report read one year's reports.
        sa.Index("ix_agency_reports_year_agency", "year", "agency_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_tasks.id"))
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    year: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(20), default="not_started")
    narrative: Mapped[str] = mapped_column(sa.Text, default="")
    # [{"label": str, "value": float, "unit": str}]: the few numbers the agency reports.
    figures: Mapped[list] = mapped_column(sa.JSON, default=list)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)
    updated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None]
    # Lateness counts from the first submission: a report returned for correction after the
    # deadline and sent again was still on time if it first came on time.
    first_submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    task: Mapped[PlanTask] = relationship()
    agency: Mapped[Agency] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    attachments: Mapped[list["AgencyReportAttachment"]] = relationship(
        back_populates="report", order_by="AgencyReportAttachment.id")
    events: Mapped[list["AgencyReportEvent"]] = relationship(
        back_populates="report", order_by="AgencyReportEvent.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def status_label(self) -> str:
        return str(REPORT_STATUSES.get(self.status, self.status))

    # Who may do what ---------------------------------------------------------------------

    def is_filed_by(self, user) -> bool:
        """The report is this reporter's agency's, on a task it leads."""
        # A draft a merged department left is its successor's to finish.
        return self.task.can_file_report(user) and user.reporting_agency.id == self.agency.current.id

    def can_edit(self, user) -> bool:
        """Its agency edits it, documents included, until it is submitted."""
        return self.is_filed_by(user) and not self.is_submitted

    def can_view(self, user) -> bool:
        """Department staff see every report; an agency its own, and the submitted reports on
        the tasks it leads or coordinates."""
        if not signed_in(user):
            return False
        if user.is_staff:
            return True
        agency = user.reporting_agency if user.role == "agency" else None
        if agency is None:
            return False
        if self.agency_id == agency.id or self.agency.current.id == agency.id:
            return True
        return self.is_submitted and self.task.involves(agency)

    def can_reopen(self, user) -> bool:
        """Department staff return a submitted report for correction."""
        return signed_in(user) and user.is_staff and self.is_submitted

    def __repr__(self) -> str:
        return f"<AgencyReport {self.task_id}/{self.agency_id}/{self.year}>"


class AgencyReportEvent(db.Model):
    """Append-only history of a report: started, submitted, returned for correction."""

    __tablename__ = "agency_report_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("agency_reports.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=now_utc)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(20))
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    report: Mapped[AgencyReport] = relationship(back_populates="events")
    actor: Mapped[User] = relationship()

    @property
    def action_label(self) -> str:
        return str(REPORT_ACTIONS.get(self.action, self.action))


@sa.event.listens_for(AgencyReportEvent, "before_update")
@sa.event.listens_for(AgencyReportEvent, "before_delete")
def _report_history_is_append_only(mapper, connection, target):  # noqa: ARG001
    raise RuntimeError("report history is append-only")


class AgencyReportAttachment(StoredFile, db.Model):
    """A document attached to a report, stored like an application's (outside the web root)."""

    __tablename__ = "agency_report_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("agency_reports.id"), index=True)

    report: Mapped[AgencyReport] = relationship(back_populates="attachments")

    def can_download(self, user) -> bool:
        return self.report.can_view(user)


class ReportReminder(db.Model):
    """A reminder sent to an agency for a year's reports: one per milestone (14 or 3 days
    before the deadline), so the command can run every day without sending twice."""

    __tablename__ = "report_reminders"
    __table_args__ = (
        sa.UniqueConstraint("agency_id", "year", "days_before", name="uq_report_reminders_agency_year_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    year: Mapped[int]
    days_before: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(default=now_utc)
    recipients: Mapped[int] = mapped_column(default=0)
    outstanding_tasks: Mapped[int] = mapped_column(default=0)

    agency: Mapped[Agency] = relationship()


class ReportInvitation(db.Model):
    """The department asks a commune or ward People's Committee to report for a year: the
    duties the plan gave the district committees are the communes' and wards' since 01/07/2025."""

    __tablename__ = "report_invitations"
    __table_args__ = (
        sa.UniqueConstraint("year", "agency_id", name="uq_report_invitations_year_agency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    invited_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    invited_at: Mapped[datetime] = mapped_column(default=now_utc)

    agency: Mapped[Agency] = relationship()
    invited_by: Mapped[User] = relationship()


class AwardProposal(db.Model):
    """An organisation or person the department proposes to honour (khen thưởng) in a year."""

    __tablename__ = "award_proposals"
    __table_args__ = (sa.CheckConstraint(f"nominee_kind IN {tuple(NOMINEE_KINDS)}",
                                         name="nominee_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    nominee_kind: Mapped[str] = mapped_column(sa.String(20))
    nominee_name: Mapped[str] = mapped_column(sa.String(300))
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    # What the nominee is honoured for, and the form of the award (e.g. the chairman's
    # certificate of merit), as the department words them.
    achievement: Mapped[str] = mapped_column(sa.Text)
    award_form: Mapped[str] = mapped_column(sa.String(300), default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    organization: Mapped[Organization | None] = relationship()
    created_by: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def nominee_kind_label(self) -> str:
        return str(NOMINEE_KINDS.get(self.nominee_kind, self.nominee_kind))
