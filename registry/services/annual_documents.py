"""The annual report as the document the department signs and sends to the Provincial People's
Committee by 30 November (the plan's section IV), in the form of Decree 30/2020/NĐ-CP.

Staff write the sections in a draft (optimistic locking); the registry fills in every figure.
Issuing asks for the number and date, freezes the text and the figures as they are at that
moment and stores the PDF and DOCX made then, with their SHA-256: an issued report downloads as
the same bytes ever after. A correction is a new issue naming the one it replaces. The
document is in Vietnamese, the language of the state's documents, whatever the writer's page.
"""
import hashlib
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from registry.extensions import db
from registry.formatting import short_date
from registry.models import AnnualReportDraft, AnnualReportReminder, IssuedReport, User
from registry.models.annual_reports import (
    REPORT_SYMBOL,
    SECTION_MAX_CHARS,
    SECTIONS,
    SIGNING_AUTHORITIES,
    TASK_GROUPS,
    report_due,
)
from registry.models.base import now_utc, province_today
from registry.services import annual_report, department_documents, plan_reports, plans, report_files
from registry.services.errors import Conflict, PermissionDenied, ValidationFailed
from registry.services.mail import queue_email, site_url
from registry.services.official_documents import (
    Appendix,
    DocTable,
    Heading,
    OfficialDocument,
    Paragraph,
    Signature,
    clean,
    document_number,
    docx_bytes,
    paragraphs,
    pdf_bytes,
)
from registry.services.unit_of_work import flush
from registry.services.versions import given_version

PROVINCE_COMMITTEE = "Ủy ban nhân dân tỉnh Hưng Yên"
MAX_RECIPIENTS = 15  # lines of "Nơi nhận": they stand beside the signature
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


# Reading ---------------------------------------------------------------------------------------

def draft_of(year: int) -> AnnualReportDraft | None:
    return db.session.scalar(sa.select(AnnualReportDraft).filter_by(year=year))


def issues_of(year: int) -> list[IssuedReport]:
    """Every issue of the year's report, the first first (the files are not loaded)."""
    return list(db.session.scalars(
        sa.select(IssuedReport).where(IssuedReport.year == year)
        .options(joinedload(IssuedReport.issued_by), joinedload(IssuedReport.replaced_by))
        .order_by(IssuedReport.issued_at, IssuedReport.id)))


def current_issue(year: int) -> IssuedReport | None:
    """The issue in force: the one no later issue replaces."""
    replaced = sa.select(IssuedReport.replaces_id).where(IssuedReport.replaces_id.is_not(None))
    return db.session.scalar(
        sa.select(IssuedReport).where(IssuedReport.year == year, IssuedReport.id.not_in(replaced))
        .order_by(IssuedReport.id.desc()).limit(1))


@dataclass
class Narrative:
    task_code: str
    agency: str
    status: str
    text: str


def agency_narratives(year: int) -> dict[str, list[Narrative]]:
    """The agencies' submitted reports of the year by the task group they belong to."""
    overview = plan_reports.year_overview(year)
    grouped: dict[str, list[Narrative]] = {code: [] for code in TASK_GROUPS}
    by_prefix = {prefix: code for code, prefix in TASK_GROUPS.items()}
    for row in overview.rows:
        group = by_prefix.get(row.task.code.split(".", 1)[0])
        if group is None:
            continue
        for report in row.reports:
            if report.is_submitted:
                grouped[group].append(Narrative(row.task.code, report.agency.name, report.status_label,
                                                report.narrative))
    return grouped


@dataclass
class Deadline:
    year: int
    due: date
    days_left: int
    issue: IssuedReport | None

    @property
    def issued(self) -> bool:
        return self.issue is not None

    @property
    def overdue(self) -> bool:
        return self.issue is None and self.days_left < 0


def deadline(year: int, today: date | None = None) -> Deadline:
    today = today or province_today()
    first = db.session.scalar(sa.select(IssuedReport).where(
        IssuedReport.year == year, IssuedReport.replaces_id.is_(None)))
    return Deadline(year, report_due(year), (report_due(year) - today).days, first)


# Writing the draft -------------------------------------------------------------------------------

def save_draft(actor: User, year: int, *, sections: dict[str, str], recipients: str,
               signing_authority: str, signer_name: str, version) -> AnnualReportDraft:
    """Save what the staff wrote. `version` is the draft's as the writer saw it (0 before the
    first save): a draft saved by someone else meanwhile is a conflict, never overwritten."""
    if not AnnualReportDraft.can_edit(actor):
        raise PermissionDenied(_("Only department staff write the annual report."))
    seen = given_version(version)
    draft = draft_of(year)
    if (draft.version if draft else 0) != seen:
        raise Conflict(_("Someone else saved this report meanwhile. Your text is still in the form: "
                         "compare it with the saved one below, then save again."))
    errors = {}
    texts = {}
    for code in SECTIONS:
        text = clean(sections.get(code, "")).strip()
        if len(text) > SECTION_MAX_CHARS:
            errors[f"section_{code}"] = [_("At most %(n)s characters.", n=SECTION_MAX_CHARS)]
        texts[code] = text
    if len([line for line in clean(recipients).split("\n") if line.strip()]) > MAX_RECIPIENTS:
        errors["recipients"] = [_("At most %(n)s recipients.", n=MAX_RECIPIENTS)]
    if signing_authority not in SIGNING_AUTHORITIES:
        errors["signing_authority"] = [_("Choose who signs.")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    if draft is None:
        draft = AnnualReportDraft(year=year)
        db.session.add(draft)
    draft.sections = texts
    draft.recipients = clean(recipients).strip()
    draft.signing_authority = signing_authority
    draft.signer_name = clean(signer_name).strip()[:200]
    draft.updated_by = actor
    draft.updated_at = now_utc()
    flush()
    return draft


# The document ----------------------------------------------------------------------------------

def _doc_table(table: annual_report.Table, columns: list[int] | None = None) -> DocTable:
    """A table of the figures, its cells written as Vietnamese write them."""
    keep = columns if columns is not None else list(range(len(table.columns)))
    rows = [[row[index] for index in keep] for row in table.rows]
    numeric = report_files.numeric_columns(rows) if rows else [False] * len(keep)
    return DocTable(
        columns=[table.columns[index] for index in keep],
        rows=[[report_files.pdf_text(value) for value in row] for row in rows],
        title=table.title, numeric=numeric,
        wide=[keep.index(index) for index in table.wide if index in keep],
        ends_with_total=table.ends_with_total)


def _section_blocks(section: annual_report.Section) -> list:
    return [*(Paragraph(text) for text in section.paragraphs), *(_doc_table(t) for t in section.tables)]


def _subject(year: int) -> str:
    plan = plans.counted_plan()
    if plan is not None and plan.number:
        return _("Results of carrying out Plan %(number)s on developing and applying biotechnology "
                 "in %(year)s", number=plan.number_label, year=year)
    return _("Results of carrying out the plan on developing and applying biotechnology in %(year)s",
             year=year)


def _numbered_heading(number: int, title: str) -> Heading:
    """"II. KẾT QUẢ …": the report's parts are numbered in Roman numerals and written in capitals."""
    return Heading(f"{ROMAN[number - 1]}. {title.upper()}")


def _signature(draft: AnnualReportDraft) -> Signature:
    if draft.signing_authority == "deputy":
        return Signature(["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], draft.signer_name)
    return Signature(["GIÁM ĐỐC"], draft.signer_name)


def build_document(year: int, draft: AnnualReportDraft, *, number: int | None = None,
                   issued_on: date | None = None, replaces: IssuedReport | None = None,
                   correction_note: str = "") -> OfficialDocument:
    """The report with the draft's text and the figures as they are now, in Vietnamese."""
    with force_locale("vi"):
        figures = annual_report.figures(year)  # as of now: the cache follows the data's version
        department_name = department_documents.department_name()
        number_text = f"{document_number(number).strip() or '…'}/{REPORT_SYMBOL}"
        blocks = []
        if replaces is not None:
            blocks.append(Paragraph(
                _("This report replaces Report No. %(number)s of %(date)s. %(reason)s",
                  number=replaces.number_label, date=short_date(replaces.issued_on),
                  reason=clean(correction_note).strip()), italic=True))
        overview = figures.section("overview")
        blocks += [_numbered_heading(1, _("Overall assessment")),
                   *paragraphs(draft.text("assessment")),
                   *(Paragraph(text) for text in overview.paragraphs),
                   _doc_table(overview.tables[0])]
        blocks.append(_numbered_heading(2, _("Results by the plan's task groups")))
        for number_in_group, code in enumerate(TASK_GROUPS, start=1):
            blocks += [Heading(f"{number_in_group}. {SECTIONS[code]}", level=2),
                       *paragraphs(draft.text(code))]
            if code == "group_3":  # the records and the targets are this group's results
                targets = figures.section("targets")
                blocks.append(_doc_table(targets.tables[0], columns=[0, 1, 3, 4]))
        blocks += [_numbered_heading(3, _("Shortcomings and their causes")),
                   *paragraphs(draft.text("shortcomings")),
                   _numbered_heading(4, _("Tasks for %(year)s", year=year + 1)),
                   *paragraphs(draft.text("next_year")),
                   _numbered_heading(5, _("Recommendations")),
                   *paragraphs(draft.text("recommendations")),
                   Paragraph(_("The Department of Science and Technology reports the above to the "
                               "Provincial People's Committee for its consideration and direction."))]
        attached = _("(Attached to Report No. %(number)s dated %(date)s of the %(department)s)",
                     number=number_text, date=issued_on.strftime("%d/%m/%Y") if issued_on else "…",
                     department=department_name)
        appendices = [
            Appendix(title=f"Phụ lục {ROMAN[index]}", heading=section.title, subtitle=attached,
                     blocks=_section_blocks(section), landscape=report_files.wants_landscape(section))
            for index, section in enumerate(s for s in figures.sections if s.key != "overview")]
        return OfficialDocument(
            parent_body=department_documents.PARENT_BODY, issuing_body=department_name, kind_name="Báo cáo",
            subject=_subject(year), number=number, symbol=REPORT_SYMBOL, issued_on=issued_on,
            year=(issued_on or province_today()).year, addressees=[PROVINCE_COMMITTEE], blocks=blocks,
            recipients=[line for line in draft.recipients.split("\n") if line.strip()],
            signatures=[_signature(draft)], appendices=appendices, draft=number is None,
            title=_subject(year), author=department_name, created_at=now_utc())


# Issuing -----------------------------------------------------------------------------------------

def issue_report(actor: User, year: int, *, number: int | None, issued_on: date | None, version,
                 correction_note: str = "") -> IssuedReport:
    """Give the year's report its number and date and freeze it. When an issue is in force, the
    new one is its correction: it names it, and says why."""
    if not AnnualReportDraft.can_issue(actor):
        raise PermissionDenied(_("Only administrators issue the annual report."))
    draft = draft_of(year)
    if draft is None:
        raise ValidationFailed(_("Nothing has been written yet: save a draft first."),
                               {"sections": [_("Nothing has been written yet: save a draft first.")]})
    if draft.version != given_version(version):
        raise Conflict(_("The draft changed since you opened this page. Read it again, then issue it."))
    replaces = current_issue(year)
    today = province_today()
    errors = {}
    if number is None or not 0 < number < 100_000:
        errors["number"] = [_("Give the number from the department's register (1 to 99999).")]
    if issued_on is None:
        errors["issued_on"] = [_("Give the date of issue.")]
    elif issued_on > today:
        errors["issued_on"] = [_("The date cannot be in the future.")]
    elif issued_on < date(year, 1, 1):
        errors["issued_on"] = [_("A report on %(year)s is issued in %(year)s or later.", year=year)]
    elif replaces is not None and issued_on < replaces.issued_on:
        errors["issued_on"] = [_("A correction cannot be dated before the report it replaces (%(date)s).",
                                 date=short_date(replaces.issued_on))]
    note = clean(correction_note).strip()
    if replaces is not None and not note:
        errors["correction_note"] = [_("Say what this issue corrects.")]
    unsigned = draft.unsigned_parts
    if "signer_name" in unsigned:
        errors["signer_name"] = [_("Name who signs the report (in the draft).")]
    if "recipients" in unsigned:
        errors["recipients"] = [_("List the recipients (Nơi nhận) in the draft.")]
    missing = draft.missing_sections
    if missing:
        errors["sections"] = [_("Write every section before issuing: %(sections)s.",
                                sections="; ".join(str(SECTIONS[code]) for code in missing))]
    if not errors and number is not None and issued_on is not None and db.session.scalar(
            sa.select(IssuedReport.id).filter_by(symbol=REPORT_SYMBOL, issued_year=issued_on.year,
                                                 number=number)):
        errors["number"] = [_("No. %(number)s is already taken in %(year)s.",
                              number=f"{number:02d}/{REPORT_SYMBOL}", year=issued_on.year)]
    if errors:
        raise ValidationFailed(_("The report cannot be issued yet."), errors)
    document = build_document(year, draft, number=number, issued_on=issued_on, replaces=replaces,
                              correction_note=note)
    pdf, docx = pdf_bytes(document), docx_bytes(document)
    issued = IssuedReport(
        year=year, number=number, symbol=REPORT_SYMBOL, issued_on=issued_on, issued_year=issued_on.year,
        first_issued_on=replaces.first_issued_on if replaces else issued_on, issued_by=actor,
        replaces=replaces, correction_note=note, content=document.to_json(), pdf=pdf, docx=docx,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(), docx_sha256=hashlib.sha256(docx).hexdigest(),
        pdf_size=len(pdf), docx_size=len(docx))
    db.session.add(issued)
    # The draft's version moves on: a second "issue" sent from the same page is a conflict.
    draft.updated_at = now_utc()
    draft.updated_by = actor
    flush()
    return issued


# Reminders -----------------------------------------------------------------------------------------

def staff_emails() -> list[str]:
    return list(db.session.scalars(
        sa.select(User.email).where(User.role.in_(("reviewer", "admin")),
                                    User.is_active_account.is_(True)).order_by(User.id)))


def send_reminders(today: date | None = None) -> int:
    """Remind department staff of the 30/11 deadline 14 and 3 days before it, while the year's
    report is not issued. Returns the number of messages queued; safe to run daily."""
    today = today or province_today()
    days = plan_reports.reminder_milestone(today, report_due(today.year))
    year = today.year
    if days is None or deadline(year, today).issued or db.session.scalar(
            sa.select(AnnualReportReminder.id).filter_by(year=year, days_before=days)):
        return 0
    recipients = staff_emails()
    if not recipients:
        return 0
    due = report_due(year)
    draft = draft_of(year)
    missing = [str(SECTIONS[code]) for code in (draft.missing_sections if draft else SECTIONS)]
    with force_locale("vi"):
        subject = _("Reminder: the annual report on the biotechnology plan for %(year)s is due on %(due)s",
                    year=year, due=due.strftime("%d/%m/%Y"))
    link = site_url("review.annual_report_draft", year=year)
    for email in recipients:
        queue_email(email, subject, "email/annual_report_reminder.txt", year=year, due=due,
                    days_left=(due - today).days, missing=missing, link=link)
    db.session.add(AnnualReportReminder(year=year, days_before=days, recipients=len(recipients)))
    flush()
    return len(recipients)
