"""The department's documents on one application, in the form of Decree 30/2020/NĐ-CP
(`registry.services.official_documents` renders them to PDF and DOCX):

- the draft support decision (quyết định hỗ trợ) of an approved project or startup;
- the notice to the applicant of the eligibility check's or the decision's result (thông báo);
- the printable dossier (hồ sơ đăng ký) for the paper file: every field of its kind, the
  attachments and the whole history.

The documents are the state's, so they are written in Vietnamese whatever the reader's language:
each is built inside `force_locale("vi")`, labels through gettext, numbers and dates by
`registry.formatting`. The decree's fixed formulas are Vietnamese constants, as in
`official_documents`. Whether a document exists for an application (a decision for a
confirmation-only kind, a notice for an undecided application) is asked in the reader's language
first: `NotFound` with a message that says why not.
"""
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from registry.extensions import db
from registry.formatting import figure, human_size, short_date, short_datetime
from registry.models import Agency, Application, User
from registry.models.applications import DECIDED_KINDS
from registry.models.base import now_utc, province_date, province_today
from registry.models.councils import COUNCIL_KINDS
from registry.models.followup import report_schedule
from registry.presenters import field_rows
from registry.services import timeline as timeline_service
from registry.services.annual_report import DEPARTMENT_CODE
from registry.services.councils import result_of
from registry.services.errors import NotFound
from registry.services.official_documents import (
    DocTable,
    Heading,
    OfficialDocument,
    Paragraph,
    Signature,
    clean,
    long_date,
    month_and_year,
    paragraphs,
)
from registry.services.plans import counted_plan

# The decree's formulas and the department's names, as the documents print them.
PARENT_BODY = "UBND TỈNH HƯNG YÊN"
DEPARTMENT = "Sở Khoa học và Công nghệ"
DIRECTOR = "GIÁM ĐỐC"
AUTHORITY = "GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ"
DECISION_KIND = "QUYẾT ĐỊNH"
DECIDES = "QUYẾT ĐỊNH:"
NOTICE_KIND = "THÔNG BÁO"
DOSSIER_KIND = "HỒ SƠ ĐĂNG KÝ"
DECISION_SYMBOL = "QĐ-SKHCN"
NOTICE_SYMBOL = "TB-SKHCN"
AS_ABOVE = "Như trên"
AS_ARTICLE_3 = "Như Điều 3"
ARCHIVE = "Lưu: VT, QLKH"
BLANK = "……"

# The decision that a notice tells, by the status it left the application in: the eligibility
# check passed (on to appraisal), a revision asked, a rejection, an approval.
NOTICE_ACTIONS = {
    "in_review": "start_review",
    "revision_requested": "request_revision",
    "rejected": "reject",
    "approved": "approve",
}


# Shared pieces -------------------------------------------------------------------------------

def department_name() -> str:
    """The department as the registry names it (Vietnamese inside `force_locale("vi")`)."""
    department = db.session.scalar(sa.select(Agency).filter_by(code=DEPARTMENT_CODE))
    return department.name if department else DEPARTMENT


def amount(value: int | None) -> str:
    """"2.500.000.000 đồng (Bằng chữ: Hai tỷ năm trăm triệu đồng)"; blanks when unknown."""
    if value is None:
        return f"{BLANK} đồng"
    return f"{figure(int(value))} đồng (Bằng chữ: {amount_in_words(int(value))})"


# Written out as financial documents do: every group after the first in full, "một triệu không
# trăm linh năm nghìn" (num2words' Vietnamese says "một triệu năm nghìn", which leaves room to
# slip a digit in).
DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
BILLION = 10**9


def _three_digits(number: int, full: bool) -> list[str]:
    """A group of three digits as Vietnamese reads it; `full` when a larger group stands before
    it ("không trăm linh năm")."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
        if units:
            words.append(DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else DIGITS[units])
    else:
        words += [DIGITS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 4: "tư", 5: "lăm"}.get(units, DIGITS[units]))
    return words


def _below_billion(number: int, full: bool) -> list[str]:
    words: list[str] = []
    for scale, name in ((10**6, "triệu"), (10**3, "nghìn"), (1, "")):
        group = number // scale % 1000
        if not group:
            continue
        words += _three_digits(group, full or bool(words))
        if name:
            words.append(name)
    return words


def _number_words(number: int, full: bool = False) -> list[str]:
    if number >= BILLION:
        words = _number_words(number // BILLION, full) + ["tỷ"]
        rest = number % BILLION
        return words + (_below_billion(rest, True) if rest else [])
    return _below_billion(number, full)


def amount_in_words(value: int) -> str:
    """2_500_000_000 -> "Hai tỷ năm trăm triệu đồng", as a decision writes a sum in words."""
    words = _number_words(value) if value else ["không"]
    text = " ".join(words + ["đồng"])
    return text[0].upper() + text[1:]


def article(number: int, text: str) -> Paragraph:
    """"Điều 1. …": an article of a decision, its number in bold."""
    return Paragraph(text, lead=f"Điều {number}.")


def quoted(text: str) -> str:
    return f"“{clean(text).strip()}”"


def _organisation_with_tax_code(application: Application) -> str:
    """Who is supported, with their tax code: a startup's enterprise when it names one, otherwise
    the applicant organisation."""
    organization = application.organization
    if application.kind == "startup" and application.company_name:
        name, tax_code = application.company_name, application.tax_code
    else:
        name, tax_code = organization.name, organization.tax_code
    if tax_code:
        return _("%(name)s (tax code %(tax_code)s)", name=name, tax_code=tax_code)
    return name


def _new_document(department: str, kind_name: str, subject: str, **fields) -> OfficialDocument:
    return OfficialDocument(parent_body=PARENT_BODY, issuing_body=department.upper(), kind_name=kind_name,
                            subject=subject, author=department, created_at=now_utc(), **fields)


# The draft support decision ------------------------------------------------------------------

def has_decision(application: Application) -> bool:
    """A support decision is drafted for an approved project or startup; the other kinds get the
    department's confirmation instead."""
    return application.kind in DECIDED_KINDS and application.status == "approved"


def check_decision_available(application: Application) -> None:
    """NotFound, saying why, unless `has_decision`."""
    if has_decision(application):
        return
    if application.kind not in DECIDED_KINDS:
        raise NotFound(_("This application (%(kind)s) is confirmed by the department, not supported by a "
                         "decision: there is no decision to draft.", kind=application.kind_label))
    raise NotFound(_("A support decision is drafted once the application is approved; it is %(status)s.",
                     status=application.status_label.lower()))


def _plan_basis() -> str | None:
    plan = counted_plan()
    if plan is None:
        return None
    when = long_date(plan.issued_on) if plan.issued_on_exact else month_and_year(plan.issued_on)
    title = clean(plan.title_vi).strip()
    about = title[len("Kế hoạch "):] if title.lower().startswith("kế hoạch ") else quoted(title)
    return _("Pursuant to plan No. %(number)s of %(date)s of the %(issuer)s %(about)s;",
             number=plan.number_label, date=when, issuer=plan.issuer_vi, about=about)


def _council_basis(application: Application) -> list[str]:
    assignment = application.council_assignment("selection")
    if assignment is None:
        return []
    council = assignment.council
    lines = []
    if council.decision_number:
        lines.append(_("Pursuant to decision No. %(number)s of %(date)s forming the %(council)s;",
                       number=council.decision_number, date=short_date(council.formed_on),
                       council=council.name))
    if assignment.is_complete:
        result = result_of(assignment)
        meeting = short_date(council.meets_on) if council.meets_on else BLANK
        lines.append(_("Pursuant to the minutes of the meeting of the %(council)s of %(date)s (mean total "
                       "%(mean)s/100; %(yes)s of %(count)s members in favour);", council=council.name,
                       date=meeting, mean=figure(result.mean_total, 2), yes=result.recommending,
                       count=result.scorers))
    return lines


def _period(application: Application) -> tuple[date | None, date | None]:
    decision = application.support_decision
    if decision is not None and (decision.period_start or decision.period_end):
        return decision.period_start, decision.period_end
    return application.start_date, application.end_date


def _support_amount(application: Application) -> int | None:
    decision = application.support_decision
    if decision is not None:
        return decision.amount_vnd
    if application.kind == "startup":
        return application.funding_sought_vnd
    return application.requested_support_vnd


def support_decision_draft(application: Application) -> OfficialDocument:
    """The draft decision supporting an approved project or startup, signed by the director: the
    recorded decision's figures when there is one, the application's otherwise."""
    check_decision_available(application)
    with force_locale("vi"):
        return _support_decision_draft(application)


def _support_decision_draft(application: Application) -> OfficialDocument:
    decision = application.support_decision
    department = department_name()
    beneficiary = _organisation_with_tax_code(application)
    if application.kind == "startup":
        subject = _("On supporting the innovative startup project %(title)s", title=quoted(application.title))
        what = _("the innovative startup project %(title)s", title=quoted(application.title))
    else:
        subject = _("On supporting the project %(title)s", title=quoted(application.title))
        what = _("the project %(title)s", title=quoted(application.title))
    year = (decision.decided_on if decision else province_today()).year

    bases = [_("Pursuant to decision No. %(blank)s defining the functions, tasks, powers and organisation "
               "of the %(department)s of Hưng Yên province;", blank=BLANK, department=department)]
    plan = _plan_basis()
    if plan:
        bases.append(plan)
    bases += _council_basis(application)
    if application.submitted_at:
        bases.append(_("Having considered the application of %(organisation)s submitted on %(date)s;",
                       organisation=application.organization.name,
                       date=short_date(province_date(application.submitted_at))))
    bases.append(_("At the proposal of the Head of the Science Management Division."))

    start, end = _period(application)
    article_one = [article(1, _("To support %(beneficiary)s to carry out %(what)s, as follows:",
                                beneficiary=beneficiary, what=what))]
    points = [_("Support granted: %(amount)s.", amount=amount(_support_amount(application)))]
    if start or end:
        points.append(_("Period: from %(start)s to %(end)s.", start=short_date(start) if start else BLANK,
                        end=short_date(end) if end else BLANK))
    if application.public_code:
        points.append(_("Record code in the registry: %(code)s.", code=application.public_code))
    article_one += [Paragraph(f"{number}. {text}") for number, text in enumerate(points, start=1)]
    if decision is not None and decision.conditions:
        article_one.append(Paragraph(_("Conditions:")))
        article_one += paragraphs(decision.conditions)

    duties = [
        _("Carry out the project with the content and schedule registered; use the support for its "
          "purpose, effectively, and settle it as the rules require."),
        _("Every six months from the date of this decision, report the project's progress to the "
          "%(department)s through the Hưng Yên Biotech Registry, and whenever asked.",
          department=department),
        _("At the end, ask for the results to be appraised and accepted as the rules require."),
    ]
    schedule = report_schedule(application) if decision is not None else []
    if schedule:
        duties[1] += " " + _("Reports due: %(dates)s.", dates="; ".join(short_date(due) for _n, due in schedule))
    article_two = [article(2, _("%(organisation)s shall:", organisation=application.organization.name))]
    article_two += [Paragraph(f"{number}. {text}") for number, text in enumerate(duties, start=1)]
    article_three = article(3, _(
        "This decision takes effect from the date of signing. The Chief of the Office of the "
        "Department, the Head of the Science Management Division, the heads of the units concerned and "
        "%(organisation)s are responsible for carrying out this decision./.",
        organisation=application.organization.name))

    blocks = [Paragraph(AUTHORITY, bold=True, indent=False, align="C")]
    blocks += [Paragraph(text, italic=True) for text in bases]
    blocks.append(Paragraph(DECIDES, bold=True, indent=False, align="C"))
    blocks += article_one + article_two + [article_three]
    return _new_document(
        department, DECISION_KIND, subject, symbol=DECISION_SYMBOL, year=year, draft=True, blocks=blocks,
        recipients=[AS_ARTICLE_3, ARCHIVE], signatures=[Signature([DIRECTOR])],
        title=f"{DECISION_KIND} {subject}")


# The notice of the result --------------------------------------------------------------------

def notified_event(application: Application):
    """The decision the application's status stands on, or None while nothing is decided."""
    action = NOTICE_ACTIONS.get(application.status)
    if action is None:
        return None
    return next((event for event in reversed(application.events) if event.action == action), None)


def check_notice_available(application: Application) -> None:
    if notified_event(application) is None:
        raise NotFound(_("There is no result to notify yet: the application is %(status)s.",
                         status=application.status_label.lower()))


def eligibility_notice(application: Application) -> OfficialDocument:
    """The notice to the applicant organisation of the result: found eligible and on to
    appraisal, a revision asked, rejected or approved; the department's comment; what next."""
    check_notice_available(application)
    with force_locale("vi"):
        return _eligibility_notice(application)


def _next_steps(application: Application) -> list[str]:
    status, kind = application.status, application.kind
    if status == "in_review":
        if kind in COUNCIL_KINDS:
            return [_("The application goes before the appraisal council, which scores it against the "
                      "published criteria; the department will notify the council's result.")]
        return [_("The department verifies the filing and will notify its decision.")]
    if status == "revision_requested":
        return [_("Please revise the application as the comment above asks and submit it again through "
                  "the Hưng Yên Biotech Registry; the department will check it again.")]
    if status == "rejected":
        return [_("The application is closed. A new application may be submitted when the conditions "
                  "are met.")]
    if kind in DECIDED_KINDS:
        steps = [_("The department will prepare the decision on the support; the project counts towards "
                   "the plan from the date of that decision.")]
        if application.support_decision is not None:
            decision = application.support_decision
            steps = [_("The support is granted by decision No. %(number)s of %(date)s.",
                       number=decision.number, date=short_date(decision.decided_on))]
        steps.append(_("Once supported, the organisation reports its progress every six months through "
                       "the Hưng Yên Biotech Registry."))
        return steps
    return [_("The department confirms the record, which then appears in the province's public catalogue.")]


def _eligibility_notice(application: Application) -> OfficialDocument:
    event = notified_event(application)
    organisation = application.organization.name
    department = department_name()
    subject = _("Result of the review of the application %(title)s", title=quoted(application.title))
    received = {"department": department, "title": quoted(application.title),
                "kind": application.kind_label, "organisation": organisation}
    if application.submitted_at:
        received = _("The %(department)s has received the application %(title)s (%(kind)s) of "
                     "%(organisation)s, submitted on %(date)s.",
                     date=short_date(province_date(application.submitted_at)), **received)
    else:
        received = _("The %(department)s has received the application %(title)s (%(kind)s) of "
                     "%(organisation)s.", **received)
    blocks = [Paragraph(received)]
    results = {
        "in_review": _("The application meets every item of the eligibility checklist: it is eligible and "
                       "goes on to appraisal."),
        "revision_requested": _("The application needs to be revised and completed before it can be "
                                "considered further."),
        "rejected": _("The application is not accepted."),
        "approved": _("The application is approved; its code in the registry is %(code)s.",
                      code=application.public_code or BLANK),
    }
    blocks.append(Paragraph(_("Having checked and considered it, the department reached the following "
                              "result on %(date)s:", date=short_date(province_date(event.at)))))
    blocks.append(Paragraph(_("Result: %(result)s", result=results[application.status]), bold=True))
    assignment = application.council_assignment("selection")
    if application.status in ("approved", "rejected") and assignment is not None and assignment.is_complete:
        result = result_of(assignment)
        blocks.append(Paragraph(_("The %(council)s gave a mean total of %(mean)s/100; %(yes)s of %(count)s "
                                  "members in favour.", council=assignment.council.name,
                                  mean=figure(result.mean_total, 2), yes=result.recommending,
                                  count=result.scorers)))
    if event.comment.strip():
        blocks.append(Paragraph(_("Comment from the Department:"), bold=True))
        blocks += paragraphs(event.comment)
    blocks.append(Paragraph(_("What happens next:"), bold=True))
    blocks += [Paragraph(f"- {text}") for text in _next_steps(application)]
    blocks.append(Paragraph(_("The %(department)s notifies %(organisation)s accordingly./.",
                              department=department, organisation=organisation)))
    return _new_document(
        department, NOTICE_KIND, subject, symbol=NOTICE_SYMBOL, year=province_today().year,
        addressees=[organisation], blocks=blocks, recipients=[AS_ABOVE, ARCHIVE],
        signatures=[Signature([DIRECTOR])], title=f"{NOTICE_KIND} {subject}")


# The printable dossier -----------------------------------------------------------------------

def dossier(application: Application, viewer: User | None) -> OfficialDocument:
    """The application as the department files it on paper: its state, the organisation, every
    field of its kind, the attachments and the history the viewer may see (the application
    loaded with `timeline.LOADING`)."""
    with force_locale("vi"):
        return _dossier(application, viewer)


def _checksum(sha256: str) -> str:
    """The digest in groups of eight, so that it wraps in a narrow column."""
    return " ".join(sha256[start:start + 8] for start in range(0, len(sha256), 8))


def _dossier(application: Application, viewer: User | None) -> OfficialDocument:
    organization = application.organization
    state = [
        (_("Application no. in the registry"), f"#{application.id}"),
        (_("Kind"), application.kind_label),
        (_("Status"), application.status_label),
        (_("Submitted"), short_datetime(application.submitted_at) if application.submitted_at else "—"),
        (_("Submissions"), str(len(application.versions))),
    ]
    if application.decided_at:
        state.append((_("Decided"), short_datetime(application.decided_at)))
    if application.public_code:
        state.append((_("Public code"), application.public_code))
    if application.implementation_status:
        state.append((_("Implementation status"), application.implementation_label))
    organisation_rows = [
        (_("Name"), organization.name),
        (_("Type"), organization.type_label),
        (_("Tax code"), organization.tax_code or "—"),
        (_("Address"), organization.address or "—"),
        (_("Representative"), organization.representative or "—"),
        (_("Phone"), organization.phone or "—"),
        (_("E-mail"), organization.email or "—"),
    ]
    two_columns = [_("Item of the record"), _("Content")]

    def pairs(rows) -> DocTable:
        return DocTable(columns=two_columns, rows=[[label, value or "—"] for label, value in rows], wide=[1])

    blocks = [
        Heading(_("I. THE APPLICATION")),
        pairs(state),
        Heading(_("II. THE APPLICANT ORGANISATION")),
        pairs(organisation_rows),
        Heading(_("III. CONTENT OF THE APPLICATION")),
        pairs(field_rows(application)),
        Heading(_("IV. ATTACHED DOCUMENTS")),
    ]
    if application.attachments:
        blocks.append(DocTable(
            columns=[_("No."), " / ".join((_("File"), _("Kind of document"))), _("Size"), _("Uploaded"),
                     _("SHA-256 checksum")],
            rows=[[str(number), f"{attachment.original_name}\n{attachment.document_type_label}",
                   human_size(attachment.size_bytes), short_datetime(attachment.uploaded_at),
                   _checksum(attachment.sha256)]
                  for number, attachment in enumerate(application.attachments, start=1)],
            numeric=[True, False, True, False, False], wide=[1, 4]))
    else:
        blocks.append(Paragraph(_("No documents are attached.")))
    blocks.append(Heading(_("V. HISTORY OF THE APPLICATION")))
    entries = timeline_service.timeline(application, viewer)
    if entries:
        blocks.append(DocTable(
            columns=[_("No."), _("Date"), _("What happened"), _("Who")],
            rows=[[str(number), short_datetime(entry.when) if entry.has_time else short_date(entry.when),
                   entry.title + (f"\n{entry.detail}" if entry.detail else ""), entry.actor]
                  for number, entry in enumerate(entries, start=1)],
            numeric=[True, False, False, False], wide=[2]))
    else:
        blocks.append(Paragraph(_("Nothing has happened yet.")))
    printed_by = viewer.display_name if viewer is not None else ""
    blocks.append(Paragraph(_("Printed from the Hưng Yên Biotech Registry at %(when)s by %(who)s.",
                              when=short_datetime(now_utc()), who=printed_by), italic=True, indent=False))
    subject = f"{application.kind_label}: {quoted(application.title)}"
    return _new_document(department_name(), DOSSIER_KIND, subject, issued_on=province_today(), blocks=blocks,
                         title=f"{DOSSIER_KIND} #{application.id}")


# Which documents an application has ---------------------------------------------------------

def available(application: Application) -> list[str]:
    """The documents that exist for the application, by the names the routes use."""
    names = []
    if has_decision(application):
        names.append("decision")
    if notified_event(application) is not None:
        names.append("notice")
    names.append("dossier")
    return names

