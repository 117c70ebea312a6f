"""The council's minutes (biên bản họp hội đồng) in the form of Decree 30/2020/NĐ-CP, as an
`OfficialDocument` (`registry.services.official_documents` renders it to PDF and DOCX).

The meeting (time, place, the decision forming the council, the rubric), the members present
and absent, then, for each application before it, who is off it for a conflict of interest, the
score table (criteria × members, with the means once every member has scored), the result by
the rubric's rule (or who is still to score) and each member's written assessment; the
secretary's and the chair's signatures side by side at the end.

The minutes are the state's: built in Vietnamese whatever the reader's language
(`force_locale("vi")`), numbers and dates by `registry.formatting` (72,40; 05/03/2025).
"""
import math
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext

from registry.formatting import figure, short_date
from registry.models import Council, CouncilAssignment, CouncilMember, ScoreSheet
from registry.models.base import now_utc
from registry.models.councils import ACCEPTANCE_RATINGS, POSITIONS
from registry.services.councils import Result, result_of, still_scoring
from registry.services.department_documents import (
    BLANK,
    PARENT_BODY,
    department_name,
    long_date,
)
from registry.services.official_documents import (
    DocTable,
    Heading,
    OfficialDocument,
    Paragraph,
    Signature,
    docx_bytes,
    paragraphs,
    pdf_bytes,
)

KIND = "BIÊN BẢN"
SYMBOL = "BB-HĐ"
SECRETARY = "THƯ KÝ"
CHAIR = "CHỦ TỊCH HỘI ĐỒNG"
# A score table holds this many members' columns on a portrait page; a larger council's table
# continues in a second one.
MEMBERS_PER_TABLE = 5


@dataclass
class _Appraisal:
    """What the minutes say about one application."""

    assignment: CouncilAssignment
    scorers: list[CouncilMember]  # the members on it (no declared conflict), in list order
    sheets: dict[int, ScoreSheet]  # member id -> submitted sheet
    missing: list[CouncilMember]
    result: Result

    @property
    def complete(self) -> bool:
        return not self.missing and self.result.scorers > 0


def _members_in_order(council: Council) -> list[CouncilMember]:
    """Chair, critical reviewers, members, secretary, as minutes list them."""
    rank = {position: number for number, position in enumerate(POSITIONS)}
    return sorted(council.members, key=lambda m: (rank.get(m.position, len(rank)), m.id))


def _appraisal(assignment: CouncilAssignment, members: list[CouncilMember]) -> _Appraisal:
    off = {d.member_id for d in assignment.declarations if d.has_conflict}
    sheets = {s.member_id: s for s in assignment.sheets if s.is_submitted}
    missing = {m.id for m in still_scoring(assignment)}
    return _Appraisal(
        assignment=assignment, scorers=[m for m in members if m.id not in off], sheets=sheets,
        missing=[m for m in members if m.id in missing], result=result_of(assignment))


def _took_part(council: Council) -> set[int]:
    """The members who took part: each declared on an application or submitted a sheet. The
    registry keeps no roll call; the others are listed as absent, for the secretary to correct."""
    present = set()
    for assignment in council.assignments:
        present |= {d.member_id for d in assignment.declarations}
        present |= {s.member_id for s in assignment.sheets if s.is_submitted}
    return present


def _subject(council: Council) -> str:
    """"Họp Hội đồng tư vấn xét chọn đợt 1/2025": the council's name after "Họp"."""
    name = council.name.strip()
    if not name.lower().startswith("hội đồng"):
        name = f"Hội đồng {name}"
    return f"Họp {name}"


def _member_label(member: CouncilMember) -> str:
    position = member.position_label
    if member.user.is_expert:
        position = "{} ({})".format(position, _("outside expert"))
    return position


def _meeting(council: Council, members: list[CouncilMember]) -> list:
    when = long_date(council.meets_on) if council.meets_on else f"ngày {BLANK} tháng {BLANK} năm {BLANK}"
    blocks = [
        Paragraph(_("Start: %(hour)s, %(date)s.", hour=f"{BLANK} giờ {BLANK}", date=when)),
        Paragraph(_("Place: %(place)s.", place=BLANK)),
    ]
    if council.decision_number:
        blocks.append(Paragraph(_("The council was formed by decision No. %(number)s of %(date)s.",
                                  number=council.decision_number, date=short_date(council.formed_on))))
    else:
        blocks.append(Paragraph(_("Formed on: %(date)s", date=short_date(council.formed_on))))
    blocks.append(Paragraph(_("Kind of council: %(purpose)s.", purpose=council.purpose_label)))
    blocks.append(Paragraph(_("Applications appraised: %(kind)s", kind=council.kind_label)))
    blocks.append(Paragraph(_("Rubric: version %(number)s, %(points)s points in all",
                              number=council.rubric.number, points=figure(council.rubric.total_points))))

    present = _took_part(council)
    blocks.append(Heading(_("I. THOSE PRESENT")))
    attending = [m for m in members if m.id in present]
    absent = [m for m in members if m.id not in present]
    blocks.append(Paragraph(_("Members present: %(present)s of %(count)s.", present=len(attending),
                              count=len(members))))
    if attending:
        blocks.append(DocTable(
            columns=[_("No."), _("Full name"), _("Position")],
            rows=[[str(number), member.user.display_name, _member_label(member)]
                  for number, member in enumerate(attending, start=1)],
            title=_("Members of the council"), numeric=[True, False, False], wide=[1, 2]))
    if absent:
        blocks.append(Paragraph(_("Absent: %(names)s.", names="; ".join(
            f"{member.user.display_name} ({_member_label(member)})" for member in absent))))
    else:
        blocks.append(Paragraph(_("Absent: none.")))
    chair = next((m for m in members if m.position == "chair"), None)
    secretary = council.secretary()
    if chair is not None:
        blocks.append(Paragraph(_("Chaired by: %(name)s, chair of the council.", name=chair.user.display_name)))
    if secretary is not None:
        blocks.append(Paragraph(_("Secretary (taking the minutes): %(name)s.", name=secretary.user.display_name)))
    return blocks


def _conflicts(assignment: CouncilAssignment) -> list:
    off = [d for d in assignment.declarations if d.has_conflict]
    if not off:
        return [Paragraph(_("No member declared a conflict of interest on this application."))]
    blocks = [Paragraph(_("Off this application (conflict of interest):"))]
    for declaration in off:
        reasons = ", ".join(declaration.reason_labels)
        if declaration.explanation:
            reasons = f"{reasons} ({declaration.explanation})"
        blocks.append(Paragraph(f"- {declaration.member.user.display_name} "
                                f"({declaration.member.position_label}): {reasons}."))
    return blocks


def _points(value) -> str:
    return "—" if value is None else figure(value)


def _score_tables(appraisal: _Appraisal) -> list[DocTable]:
    """Criteria in rows, the members on the application in columns, each member's total and
    recommendation below; the maximum beside each criterion and, once every member has scored,
    the mean. A council too large for one table's width continues in a second one."""
    scorers = appraisal.scorers
    if not scorers:
        return []
    parts = math.ceil(len(scorers) / MEMBERS_PER_TABLE)
    size = math.ceil(len(scorers) / parts)
    tables = []
    for number, start in enumerate(range(0, len(scorers), size)):
        last = start + size >= len(scorers)
        title = _("Scores per criterion")
        if number:
            title = " ".join((title, _("(continued)")))
        tables.append(_score_part(appraisal, scorers[start:start + size], title,
                                  with_mean=appraisal.complete and last))
    return tables


def _score_part(appraisal: _Appraisal, scorers: list[CouncilMember], title: str, *,
                with_mean: bool) -> DocTable:
    rubric = appraisal.assignment.council.rubric
    result = appraisal.result
    sheets = [appraisal.sheets.get(m.id) for m in scorers]
    columns = [_("Criterion"), _("Maximum points")] + [m.user.display_name for m in scorers]
    if with_mean:
        columns.append(_("Mean"))
    rows = []
    for position, criterion in enumerate(rubric.criteria, start=1):
        row = [f"{position}. {criterion.name}", figure(criterion.max_points)]
        row += [_points(sheet.points_by_criterion().get(criterion.id) if sheet else None) for sheet in sheets]
        if with_mean:
            row.append(figure(result.criterion_means[criterion.id], 2))
        rows.append(row)
    total = [_("Total"), figure(rubric.total_points)] + [_points(sheet.total if sheet else None) for sheet in sheets]
    if with_mean:
        total.append(figure(result.mean_total, 2))
    rows.append(total)
    recommends = [_("Recommends"), ""]
    recommends += [{True: _("Yes"), False: _("No")}.get(sheet.recommends if sheet else None, "—")
                   for sheet in sheets]
    if with_mean:
        recommends.append(f"{result.recommending}/{result.scorers}")
    rows.append(recommends)
    return DocTable(columns=columns, rows=rows, title=title, numeric=[False] + [True] * (len(columns) - 1),
                    wide=[0])


def _conclusion(appraisal: _Appraisal) -> list:
    assignment, result = appraisal.assignment, appraisal.result
    rubric = assignment.council.rubric
    if not appraisal.scorers:
        return [Paragraph(_("No result: every member declared a conflict of interest on this "
                            "application; the department must form another council."), bold=True)]
    if not appraisal.complete:
        missing = len(appraisal.missing)
        return [
            Paragraph(ngettext("Scoring not complete: %(num)s member still to score.",
                               "Scoring not complete: %(num)s members still to score.", missing), bold=True),
            Paragraph(_("Still to score: %(names)s",
                        names=", ".join(m.user.display_name for m in appraisal.missing))),
            Paragraph(_("The council's result is given when every member on the application has scored.")),
        ]
    blocks = [
        Paragraph(_("Mean total: %(total)s of 100", total=figure(result.mean_total, 2))),
        Paragraph(_("Lowest total %(low)s, highest total %(high)s (spread %(spread)s)",
                    low=figure(result.lowest_total), high=figure(result.highest_total),
                    spread=figure(result.spread))),
        Paragraph(_("%(yes)s of %(count)s members recommend", yes=result.recommending, count=result.scorers)),
    ]
    if assignment.purpose == "acceptance":
        conclusion = _("Rating: %(rating)s", rating=str(ACCEPTANCE_RATINGS[result.rating]))
        rule = _("Rule of rubric version %(number)s: passed when the mean total is at least "
                 "%(mark)s and more than %(share)s %% of the members find that it passes; "
                 "excellent from a mean total of %(excellent)s.", number=rubric.number,
                 mark=rubric.pass_mark, share=rubric.majority_percent,
                 excellent=rubric.excellent_mark)
    else:
        conclusion = _("Conclusion: %(conclusion)s", conclusion=_("Recommended for support")
                       if result.recommended else _("Not recommended"))
        rule = _("Rule of rubric version %(number)s: recommended when the mean total is at least "
                 "%(mark)s and more than %(share)s %% of the members recommend.",
                 number=rubric.number, mark=rubric.pass_mark, share=rubric.majority_percent)
    blocks.append(Paragraph(conclusion, bold=True))
    blocks.append(Paragraph(rule, italic=True))
    return blocks


def _assessments(appraisal: _Appraisal) -> list:
    written = [(m, appraisal.sheets[m.id]) for m in appraisal.scorers
               if m.id in appraisal.sheets and appraisal.sheets[m.id].comment.strip()]
    if not written:
        return []
    blocks = [Heading(_("Written assessments"), level=3)]
    for member, sheet in written:
        blocks.append(Paragraph(_("Assessment by %(name)s", name=member.user.display_name)
                                + f" ({member.position_label}):", italic=True))
        blocks += paragraphs(sheet.comment)
    return blocks


def _application(number: int, appraisal: _Appraisal) -> list:
    application = appraisal.assignment.application
    blocks = [Heading(_("Application %(number)s: %(title)s", number=number, title=application.title), level=2),
              Paragraph(_("Organisation: %(name)s", name=application.organization.name))]
    if application.public_code:
        blocks.append(Paragraph(_("Public code: %(code)s", code=application.public_code)))
    blocks += _conflicts(appraisal.assignment)
    blocks += _score_tables(appraisal)
    blocks += _conclusion(appraisal)
    blocks += _assessments(appraisal)
    return blocks


def minutes_document(council: Council) -> OfficialDocument:
    """The council's minutes, in Vietnamese, as an official document."""
    with force_locale("vi"):
        members = _members_in_order(council)
        appraisals = [_appraisal(assignment, members) for assignment in council.assignments]
        blocks = _meeting(council, members)
        blocks.append(Heading(_("II. CONTENT AND RESULTS OF THE APPRAISAL")))
        if not appraisals:
            blocks.append(Paragraph(_("No application is before this council.")))
        for number, appraisal in enumerate(appraisals, start=1):
            blocks += _application(number, appraisal)
        end = long_date(council.meets_on) if council.meets_on else f"ngày {BLANK} tháng {BLANK} năm {BLANK}"
        blocks.append(Paragraph(_("The meeting ended at %(hour)s, %(date)s.", hour=f"{BLANK} giờ {BLANK}",
                                  date=end)))
        chair = next((m for m in council.members if m.position == "chair"), None)
        secretary = council.secretary()
        subject = _subject(council)
        department = department_name()
        return OfficialDocument(
            parent_body=PARENT_BODY, issuing_body=department.upper(), kind_name=KIND, subject=subject,
            symbol=SYMBOL, issued_on=council.meets_on, year=council.formed_on.year, blocks=blocks,
            signatures=[Signature([SECRETARY], secretary.user.display_name if secretary else ""),
                        Signature([CHAIR], chair.user.display_name if chair else "")],
            title=f"{KIND} {subject}", author=department, created_at=now_utc())


def minutes_pdf(council: Council) -> bytes:
    """The minutes as a PDF (Liberation Serif embedded)."""
    return pdf_bytes(minutes_document(council))


def minutes_docx(council: Council) -> bytes:
    """The minutes as a DOCX, for the secretary to complete before signing."""
    return docx_bytes(minutes_document(council))
