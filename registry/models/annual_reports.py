"""The department's annual report to the Provincial People's Committee (due 30 November) as a
document it signs: a draft that staff write section by section, and the issued reports —
frozen text and figures, with the PDF and DOCX made when it was issued. A correction is a new
issue that names the one it replaces; nothing issued changes."""
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.accounts import User
from registry.models.base import now_utc, signed_in

# Report on the plan's results, as such reports are written: what the staff write, in order.
# The five task groups are the plan's section III.1–5 (the appendix's task codes I.x–V.x).
SECTIONS = {
    "assessment": _l("Overall assessment"),
    "group_1": _l("Communication, dissemination and understanding of the resolutions"),
    "group_2": _l("Mechanisms and policies for developing and applying biotechnology"),
    "group_3": _l("Developing and applying biotechnology in production and life"),
    "group_4": _l("Human resources and investment in facilities for biotechnology"),
    "group_5": _l("Cooperation in biotechnology research and application"),
    "shortcomings": _l("Shortcomings and their causes"),
    "next_year": _l("Tasks for next year"),
    "recommendations": _l("Recommendations"),
}
TASK_GROUPS = {"group_1": "I", "group_2": "II", "group_3": "III", "group_4": "IV", "group_5": "V"}
SECTION_MAX_CHARS = 20_000

DEFAULT_RECIPIENTS = "UBND tỉnh (để báo cáo)\nBộ Khoa học và Công nghệ (để báo cáo)\nGiám đốc, các Phó Giám đốc Sở\nLưu: VT, QLKH"
REPORT_SYMBOL = "BC-SKHCN"
REPORT_DUE = (11, 30)  # day and month: the plan's section IV

SIGNING_AUTHORITIES = {
    "director": _l("The director signs"),
    "deputy": _l("A deputy director signs on the director's behalf (KT.)"),
}


def report_due(year: int) -> date:
    return date(year, *REPORT_DUE)


class AnnualReportDraft(db.Model):
    """The text of one year's report while it is being written. Saved with optimistic locking:
    two people editing at once cannot overwrite each other unseen."""

    __tablename__ = "annual_report_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    # {section code: text}, the codes of SECTIONS.
    sections: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    recipients: Mapped[str] = mapped_column(sa.Text, default=DEFAULT_RECIPIENTS)
    signing_authority: Mapped[str] = mapped_column(sa.String(20), default="director")
    signer_name: Mapped[str] = mapped_column(sa.String(200), default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)
    updated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    updated_by: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def text(self, section: str) -> str:
        return (self.sections or {}).get(section, "")

    @property
    def missing_sections(self) -> list[str]:
        return [code for code in SECTIONS if not self.text(code).strip()]

    @property
    def unsigned_parts(self) -> list[str]:
        """What the signature block still lacks: "recipients" (Nơi nhận), "signer_name"."""
        return [name for name, value in (("recipients", self.recipients.strip()),
                                         ("signer_name", self.signer_name)) if not value]

    @staticmethod
    def can_edit(user) -> bool:
        """Department staff write the report."""
        return signed_in(user) and user.is_staff

    @staticmethod
    def can_issue(user) -> bool:
        """Administrators issue it (give it its number and date)."""
        return signed_in(user) and user.is_admin


class IssuedReport(db.Model):
    """One issue of a year's report: its number and date, the document as it was frozen, and the
    files made from it then, with their SHA-256. Append-only."""

    __tablename__ = "issued_reports"
    __table_args__ = (
        # A number belongs to one document of the department's register in a year.
        sa.UniqueConstraint("symbol", "issued_year", "number", name="uq_issued_reports_number"),
        # One first issue per year; every later one replaces another, and each is replaced once.
        sa.Index("uq_issued_reports_first_of_year", "year", unique=True,
                 sqlite_where=sa.text("replaces_id IS NULL"),
                 postgresql_where=sa.text("replaces_id IS NULL")),
        sa.CheckConstraint("number > 0", name="number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    number: Mapped[int]
    symbol: Mapped[str] = mapped_column(sa.String(30), default=REPORT_SYMBOL)
    issued_on: Mapped[date]
    issued_year: Mapped[int]
    # Lateness counts from the first issue: a correction after 30/11 of a report first issued on
    # time does not make it late.
    first_issued_on: Mapped[date]
    issued_at: Mapped[datetime] = mapped_column(default=now_utc)
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("issued_reports.id"), unique=True)
    correction_note: Mapped[str] = mapped_column(sa.Text, default="")
    # The document as issued (official_documents.OfficialDocument.to_json()): its text and
    # figures as data, read only when asked for.
    content: Mapped[dict] = mapped_column(sa.JSON, deferred=True)
    # The files are read only when downloaded.
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    docx: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64))
    docx_sha256: Mapped[str] = mapped_column(sa.String(64))
    pdf_size: Mapped[int]
    docx_size: Mapped[int]

    issued_by: Mapped[User] = relationship()
    replaces: Mapped["IssuedReport | None"] = relationship(
        remote_side=[id], back_populates="replaced_by", foreign_keys=[replaces_id])
    replaced_by: Mapped["IssuedReport | None"] = relationship(back_populates="replaces", uselist=False)

    @property
    def number_label(self) -> str:
        return f"{self.number:02d}/{self.symbol}"

    @property
    def due(self) -> date:
        return report_due(self.year)

    @property
    def late(self) -> bool:
        return self.first_issued_on > self.due

    @staticmethod
    def can_download(user) -> bool:
        return signed_in(user) and user.is_staff


@sa.event.listens_for(IssuedReport, "before_update")
def _issued_reports_are_final(mapper, connection, target):  # noqa: ARG001
    # A correction naming this issue marks it dirty without changing a column of it.
    state = sa.inspect(target)
    if any(state.attrs[column.key].history.has_changes() for column in mapper.column_attrs):
        raise RuntimeError("an issued report is never changed: issue a correction")


@sa.event.listens_for(IssuedReport, "before_delete")
def _issued_reports_are_kept(mapper, connection, target):  # noqa: ARG001
    raise RuntimeError("an issued report is never deleted: issue a correction")


class AnnualReportReminder(db.Model):
    """A reminder to department staff that the year's report is due (14 or 3 days before 30/11),
    one per milestone so the daily command never sends it twice."""

    __tablename__ = "annual_report_reminders"
    __table_args__ = (sa.UniqueConstraint("year", "days_before", name="uq_annual_report_reminders"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    days_before: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(default=now_utc)
    recipients: Mapped[int] = mapped_column(default=0)
