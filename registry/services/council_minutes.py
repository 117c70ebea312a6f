"""The council's minutes (biên bản họp hội đồng) as a PDF: the council and its members, then,
for each application before it, who is off it for a conflict of interest, the score table, the
result by the rubric's rule (or how many members are still to score) and each member's written
assessment; signature lines for the chair and the secretary at the end.

Rendered in the reader's language: labels through gettext, dates and numbers by
`registry.formatting` (72,40 and 05/03/2026 in Vietnamese; 72.40 and 5 Mar 2026 in English).
The fonts, text cleaning and page-numbered footer are the annual report's.
"""
import math
from dataclasses import dataclass
from datetime import UTC

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from fpdf import FPDF

from registry.extensions import db
from registry.formatting import figure, short_date
from registry.models import Agency, Council, CouncilAssignment, CouncilMember, ScoreSheet
from registry.models.base import current_language, now_utc
from registry.models.councils import ACCEPTANCE_RATINGS, POSITIONS
from registry.services.annual_report import DEPARTMENT_CODE
from registry.services.councils import Result, result_of, still_scoring
from registry.services.report_files import (
    BODY_SIZE,
    FONT,
    FONT_DIR,
    HEADINGS_STYLE,
    LINE_FACTOR,
    TABLE_SIZE,
    TOTAL_STYLE,
    write_paragraph,
    pdf_text,
    ReportPDF,
)

# The score table: criteria in rows, the members on the application in columns.
CRITERION_MIN_MM = 55
MAXIMUM_MM = 15
MEAN_MM = 17
MEMBER_MIN_MM = 16  # member columns narrower than this: landscape, then a second table
MEMBER_MAX_MM = 24
CELL_PADDING_MM = 0.8
KEEP_APPLICATION_MM = 70  # an application's heading is not left alone at a page's foot
KEEP_RESULT_MM = 40
SIGNATURES_MM = 55


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


def _department_name() -> str:
    department = db.session.scalar(sa.select(Agency).filter_by(code=DEPARTMENT_CODE))
    return department.name if department else _("Department of Science and Technology")


def _new_pdf(council: Council, title: str, department: str, landscape: bool = False) -> FPDF:
    pdf = ReportPDF(orientation="L" if landscape else "P", unit="mm", format="A4")
    pdf.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(pdf_text(f"{title}: {council.name}"))
    pdf.set_author(pdf_text(department))
    pdf.set_lang(current_language())
    pdf.set_creation_date(now_utc().replace(tzinfo=UTC))
    pdf.set_draw_color(150)
    return pdf


def _line_height(size: float) -> float:
    return size * 0.36 * LINE_FACTOR


def _two_columns(pdf: FPDF, left: list[tuple[str, bool]], right: list[tuple[str, bool]],
                 *, size: float = BODY_SIZE, left_share: float = 0.42) -> None:
    """Two centred blocks side by side (the letterhead, the signatures); lines are (text, bold)."""
    top = pdf.get_y()
    widths = (pdf.epw * left_share, pdf.epw * (1 - left_share))
    bottoms = []
    for x, width, lines in ((pdf.l_margin, widths[0], left),
                            (pdf.l_margin + widths[0], widths[1], right)):
        pdf.set_xy(x, top)
        for text, bold in lines:
            pdf.set_font(FONT, "B" if bold else "", size)
            pdf.set_x(x)
            pdf.multi_cell(width, _line_height(size), pdf_text(text), align="C",
                           new_x="LEFT", new_y="NEXT")
        bottoms.append(pdf.get_y())
    pdf.set_xy(pdf.l_margin, max(bottoms))


def _letterhead(pdf: FPDF, department: str) -> None:
    _two_columns(
        pdf,
        [(_("Hưng Yên Provincial People's Committee").upper(), False), (department.upper(), True)],
        [(_("Socialist Republic of Vietnam").upper(), True),
         (_("Independence – Freedom – Happiness"), True)])
    pdf.ln(8)


def _council_heading(pdf: FPDF, council: Council, title: str) -> None:
    write_paragraph(pdf, title.upper(), size=14, bold=True, align="C")
    write_paragraph(pdf, council.purpose_label, size=11, bold=True, align="C")
    write_paragraph(pdf, council.name, size=11, bold=True, align="C")
    pdf.ln(4)
    lines = []
    if council.decision_number:
        lines.append(_("Decision forming the council: No. %(number)s", number=council.decision_number))
    lines.append(_("Formed on: %(date)s", date=short_date(council.formed_on)))
    lines.append(_("Meets on: %(date)s", date=short_date(council.meets_on)) if council.meets_on
                 else _("Meeting date: not set"))
    lines.append(_("Applications appraised: %(kind)s", kind=council.kind_label))
    lines.append(_("Rubric: version %(number)s, %(points)s points in all",
                   number=council.rubric.number, points=figure(council.rubric.total_points)))
    for text in lines:
        write_paragraph(pdf, text)
    pdf.ln(3)


def _members_table(pdf: FPDF, members: list[CouncilMember]) -> None:
    write_paragraph(pdf, _("Members of the council"), size=BODY_SIZE + 1, bold=True)
    pdf.ln(1)
    pdf.set_font(FONT, "", TABLE_SIZE + 0.5)
    with pdf.table(col_widths=(10, 95, 75), width=min(pdf.epw, 180), align="LEFT",
                   line_height=_line_height(TABLE_SIZE + 0.5) + 0.6, text_align="LEFT",
                   headings_style=HEADINGS_STYLE, padding=(0.8, 1.2)) as grid:
        heading = grid.row()
        for text in (_("No."), _("Full name"), _("Position")):
            heading.cell(pdf_text(text))
        for number, member in enumerate(members, start=1):
            row = grid.row()
            row.cell(str(number), align="RIGHT")
            row.cell(pdf_text(member.user.display_name))
            position = member.position_label
            if member.user.is_expert:
                position = "{} ({})".format(position, _("outside expert"))
            row.cell(pdf_text(position))
    pdf.ln(4)


def _application_heading(pdf: FPDF, number: int, appraisal: _Appraisal) -> None:
    application = appraisal.assignment.application
    if pdf.will_page_break(KEEP_APPLICATION_MM):
        pdf.add_page()
    heading = _("Application %(number)s: %(title)s", number=number, title=application.title)
    pdf.start_section(pdf_text(heading))
    write_paragraph(pdf, heading, size=BODY_SIZE + 2, bold=True)
    pdf.ln(1)
    write_paragraph(pdf, _("Organisation: %(name)s", name=application.organization.name))
    if application.public_code:
        write_paragraph(pdf, _("Public code: %(code)s", code=application.public_code))
    pdf.ln(1.5)


def _conflicts(pdf: FPDF, assignment: CouncilAssignment) -> None:
    off = [d for d in assignment.declarations if d.has_conflict]
    if not off:
        write_paragraph(pdf, _("No member declared a conflict of interest on this application."))
        pdf.ln(1.5)
        return
    write_paragraph(pdf, _("Off this application (conflict of interest):"), bold=True)
    for declaration in off:
        reasons = ", ".join(declaration.reason_labels)
        if declaration.explanation:
            reasons = f"{reasons} ({declaration.explanation})"
        write_paragraph(pdf, f"• {declaration.member.user.display_name} ({declaration.member.position_label})"
                        f" — {reasons}")
    pdf.ln(1.5)


def _fitting(pdf: FPDF, text: str) -> float:
    """The width a heading needs so that no word of it breaks."""
    pdf.set_font(FONT, "B", TABLE_SIZE)
    words = max((pdf.get_string_width(word) for word in pdf_text(text).split()), default=0)
    return words + 2 * CELL_PADDING_MM + 1


def _fixed_widths(pdf: FPDF) -> tuple[float, float]:
    """The widths of the "Maximum" and "Mean" columns."""
    return max(MAXIMUM_MM, _fitting(pdf, _("Maximum points"))), max(MEAN_MM, _fitting(pdf, _("Mean")))


def _members_per_table(pdf: FPDF, page_width: float) -> int:
    """How many member columns one score table holds on a page of `page_width` mm."""
    maximum, mean = _fixed_widths(pdf)
    room = page_width - pdf.l_margin - pdf.r_margin - CRITERION_MIN_MM - maximum - mean
    return max(int(room // MEMBER_MIN_MM), 1)


def _points(value) -> str:
    return "—" if value is None else figure(value)


def _score_table(pdf: FPDF, appraisal: _Appraisal) -> None:
    """Criteria in rows, the members on the application in columns, each member's total and
    recommendation below; the maximum beside each criterion and, once every member has scored,
    the mean. A council too large for one table's width continues in a second one."""
    scorers = appraisal.scorers
    if not scorers:
        return
    write_paragraph(pdf, _("Scores per criterion"), bold=True)
    pdf.ln(1)
    parts = math.ceil(len(scorers) / _members_per_table(pdf, pdf.w))
    size = math.ceil(len(scorers) / parts)
    for start in range(0, len(scorers), size):
        last = start + size >= len(scorers)
        _score_part(pdf, appraisal, scorers[start:start + size], with_mean=appraisal.complete and last)


def _score_part(pdf: FPDF, appraisal: _Appraisal, scorers: list[CouncilMember], *,
                with_mean: bool) -> None:
    rubric = appraisal.assignment.council.rubric
    result = appraisal.result
    maximum, mean = _fixed_widths(pdf)
    mean = mean if with_mean else 0
    member = min((pdf.epw - CRITERION_MIN_MM - maximum - mean) / len(scorers), MEMBER_MAX_MM)
    widths = [pdf.epw - maximum - member * len(scorers) - mean, maximum] + [member] * len(scorers)
    if with_mean:
        widths.append(mean)
    sheets = [appraisal.sheets.get(m.id) for m in scorers]
    pdf.set_font(FONT, "", TABLE_SIZE)
    with pdf.table(col_widths=widths, width=pdf.epw, line_height=_line_height(TABLE_SIZE) + 0.4,
                   text_align="LEFT", v_align="TOP", headings_style=HEADINGS_STYLE,
                   padding=(0.8, CELL_PADDING_MM)) as grid:
        heading = grid.row()
        heading.cell(pdf_text(_("Criterion")))
        heading.cell(pdf_text(_("Maximum points")), align="RIGHT")
        for scorer in scorers:
            heading.cell(pdf_text(scorer.user.display_name), align="RIGHT")
        if with_mean:
            heading.cell(pdf_text(_("Mean")), align="RIGHT")
        for position, criterion in enumerate(rubric.criteria, start=1):
            row = grid.row()
            row.cell(pdf_text(f"{position}. {criterion.name}"))
            row.cell(figure(criterion.max_points), align="RIGHT")
            for sheet in sheets:
                row.cell(_points(sheet.points_by_criterion().get(criterion.id) if sheet else None),
                         align="RIGHT")
            if with_mean:
                row.cell(figure(result.criterion_means[criterion.id], 2), align="RIGHT")
        row = grid.row(style=TOTAL_STYLE)
        row.cell(pdf_text(_("Total")))
        row.cell(figure(rubric.total_points), align="RIGHT")
        for sheet in sheets:
            row.cell(_points(sheet.total if sheet else None), align="RIGHT")
        if with_mean:
            row.cell(figure(result.mean_total, 2), align="RIGHT")
        row = grid.row()
        row.cell(pdf_text(_("Recommends")))
        row.cell("")
        for sheet in sheets:
            answer = {True: _("Yes"), False: _("No")}.get(sheet.recommends if sheet else None, "—")
            row.cell(pdf_text(answer), align="RIGHT")
        if with_mean:
            row.cell(f"{result.recommending}/{result.scorers}", align="RIGHT")
    pdf.ln(3)


def _conclusion(pdf: FPDF, appraisal: _Appraisal) -> None:
    assignment, result = appraisal.assignment, appraisal.result
    rubric = assignment.council.rubric
    if not appraisal.scorers:
        write_paragraph(pdf, _("No result: every member declared a conflict of interest on this "
                          "application; the department must form another council."), bold=True)
        pdf.ln(3)
        return
    if not appraisal.complete:
        missing = len(appraisal.missing)
        write_paragraph(pdf, ngettext("Scoring not complete: %(num)s member still to score.",
                                 "Scoring not complete: %(num)s members still to score.", missing),
                   bold=True)
        write_paragraph(pdf, _("Still to score: %(names)s",
                          names=", ".join(m.user.display_name for m in appraisal.missing)))
        write_paragraph(pdf, _("The council's result is given when every member on the application "
                          "has scored."))
        pdf.ln(3)
        return
    if pdf.will_page_break(KEEP_RESULT_MM):
        pdf.add_page()
    write_paragraph(pdf, _("Result"), bold=True)
    write_paragraph(pdf, _("Mean total: %(total)s of 100", total=figure(result.mean_total, 2)))
    write_paragraph(pdf, _("Lowest total %(low)s, highest total %(high)s (spread %(spread)s)",
                      low=figure(result.lowest_total), high=figure(result.highest_total),
                      spread=figure(result.spread)))
    write_paragraph(pdf, _("%(yes)s of %(count)s members recommend", yes=result.recommending,
                      count=result.scorers))
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
    pdf.ln(1)
    write_paragraph(pdf, conclusion, size=BODY_SIZE + 1, bold=True)
    write_paragraph(pdf, rule, size=TABLE_SIZE)
    pdf.ln(3)


def _assessments(pdf: FPDF, appraisal: _Appraisal) -> None:
    written = [(m, appraisal.sheets[m.id]) for m in appraisal.scorers
               if m.id in appraisal.sheets and appraisal.sheets[m.id].comment]
    if not written:
        return
    write_paragraph(pdf, _("Written assessments"), bold=True)
    pdf.ln(1)
    for member, sheet in written:
        write_paragraph(pdf, _("Assessment by %(name)s", name=member.user.display_name)
                   + f" ({member.position_label})", bold=True)
        write_paragraph(pdf, sheet.comment)
        pdf.ln(2)
    pdf.ln(2)


def _signatures(pdf: FPDF, council: Council) -> None:
    if pdf.will_page_break(SIGNATURES_MM):
        pdf.add_page()
    pdf.ln(6)
    chair = next((m for m in council.members if m.position == "chair"), None)
    secretary = council.secretary()
    hint = (_("(signature and full name)"), False)
    _two_columns(pdf, [(_("Secretary of the council").upper(), True), hint],
                 [(_("Chair of the council").upper(), True), hint], left_share=0.5)
    pdf.ln(24)
    _two_columns(pdf, [(secretary.user.display_name if secretary else "", True)],
                 [(chair.user.display_name if chair else "", True)], left_share=0.5)


def minutes_pdf(council: Council) -> bytes:
    """The council's minutes, A4 (landscape when the score table needs the width), DejaVu Sans
    embedded, in the current request's language."""
    members = _members_in_order(council)
    appraisals = [_appraisal(assignment, members) for assignment in council.assignments]
    widest = max((len(a.scorers) for a in appraisals), default=0)
    title = _("Minutes of the council meeting")
    department = _department_name()

    pdf = _new_pdf(council, title, department)
    if widest > _members_per_table(pdf, pdf.w):  # portrait is too narrow for the score table
        pdf = _new_pdf(council, title, department, landscape=True)
    pdf.add_page()
    _letterhead(pdf, department)
    _council_heading(pdf, council, title)
    _members_table(pdf, members)
    if not appraisals:
        write_paragraph(pdf, _("No application is before this council."))
    for number, appraisal in enumerate(appraisals, start=1):
        _application_heading(pdf, number, appraisal)
        _conflicts(pdf, appraisal.assignment)
        _score_table(pdf, appraisal)
        _conclusion(pdf, appraisal)
        _assessments(pdf, appraisal)
    _signatures(pdf, council)
    return bytes(pdf.output())
