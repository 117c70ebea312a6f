"""The annual report as files: an XLSX workbook and a PDF, both rendered from one `AnnualReport`.

Labels arrive already translated (`annual_report.build` runs in the reader's locale); here we
only lay values out. Every string is normalised to NFC so that Vietnamese diacritics are single
code points: Excel sorts and searches them as typed, and PDF text extracts as written.
"""
import io
import math
import re
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

from flask_babel import gettext as _
from fpdf import FPDF, FontFace
from fpdf.enums import TableHeadingsDisplay
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from registry.formatting import figure
from registry.models.base import current_language, province_time
from registry.services.annual_report import AnnualReport, Section, Table

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
DAY_FORMAT = "%d/%m/%Y"
MOMENT_FORMAT = "%H:%M %d/%m/%Y"


def _nfc(text) -> str:
    return unicodedata.normalize("NFC", str(text))


def _local_moment(moment: datetime) -> str:
    """A stored naive-UTC timestamp as Hưng Yên wall-clock time."""
    return province_time(moment).strftime(MOMENT_FORMAT)


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _totals(table: Table) -> list[bool]:
    """Which rows are bold: the last one when the table ends with its totals."""
    return [table.ends_with_total and index == len(table.rows) - 1
            for index in range(len(table.rows))]


def _cover_lines(report: AnnualReport) -> list[str]:
    return [_("Figures as of %(day)s", day=report.as_of.strftime(DAY_FORMAT)),
            _("Generated at %(moment)s", moment=_local_moment(report.generated_at))]


# XLSX ---------------------------------------------------------------------------------------

SHEET_NAME_MAX = 31
INVALID_SHEET_CHARS = re.compile(r"[\\/?*\[\]:]")
CELL_TEXT_MAX = 32_767  # Excel's limit for one cell
XLSX_DAY_FORMAT = "dd/mm/yyyy"
XLSX_MOMENT_FORMAT = "dd/mm/yyyy hh:mm"
NARROW_WIDTH = (8, 45)  # min, max characters
WIDE_WIDTH = 60
HEADER_FILL = PatternFill("solid", fgColor="E7E7E7")
BOLD = Font(bold=True)


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name: no \\ / ? * [ ] :, no leading or trailing apostrophe,
    not "History", at most 31 characters, unique ignoring case."""
    base = INVALID_SHEET_CHARS.sub(" ", _nfc(name))
    base = " ".join(base.split()).strip("'").strip()[:SHEET_NAME_MAX].strip() or "Sheet"
    if base.lower() == "history":
        base = f"{base} 1"
    candidate, number = base, 1
    while candidate.lower() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = base[:SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
    taken.add(candidate.lower())
    return candidate


def _xlsx_text(value) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", _nfc(value))
    return text[:CELL_TEXT_MAX]


def _put(sheet, row: int, column: int, value, *, bold: bool = False, wrap: bool = False):
    """Write one value natively: numbers as numbers, dates as dates, text always as text."""
    cell = sheet.cell(row=row, column=column)
    if value is None:
        pass
    elif is_number(value):
        cell.value = value if math.isfinite(value) else None  # Excel has no NaN or infinity
    elif isinstance(value, datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = XLSX_MOMENT_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = XLSX_DAY_FORMAT
    else:
        cell.value = _xlsx_text(value)
        # A user's text starting with "=" must stay text, never become a formula.
        cell.data_type = "s"
    if bold:
        cell.font = BOLD
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _display_length(value) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    return max((len(line) for line in _nfc(value).splitlines()), default=0)


class _SheetWriter:
    """Writes a section's lines top to bottom and remembers how wide each column needs to be."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.row = 1
        self.widths: dict[int, int] = {}
        self.wide: set[int] = set()

    def line(self, text: str, *, size: float | None = None, bold: bool = False) -> None:
        cell = _put(self.sheet, self.row, 1, text)
        if bold or size:
            cell.font = Font(bold=bold, size=size)
        self.row += 1

    def gap(self) -> None:
        self.row += 1

    def table(self, table: Table) -> None:
        if table.title:
            self.line(table.title, bold=True)
        for column, heading in enumerate(table.columns, start=1):
            cell = _put(self.sheet, self.row, column, heading, bold=True, wrap=True)
            cell.fill = HEADER_FILL
            self._measure(column, min(_display_length(heading), NARROW_WIDTH[1]))
        self.row += 1
        self.wide.update(column + 1 for column in table.wide)
        for values, bold in zip(table.rows, _totals(table), strict=True):
            for column, value in enumerate(values, start=1):
                _put(self.sheet, self.row, column, value, bold=bold, wrap=column - 1 in table.wide)
                self._measure(column, _display_length(value))
            self.row += 1
        self.gap()

    def _measure(self, column: int, length: int) -> None:
        self.widths[column] = max(self.widths.get(column, 0), length)

    def set_widths(self) -> None:
        low, high = NARROW_WIDTH
        for column, length in self.widths.items():
            width = WIDE_WIDTH if column in self.wide else min(max(length + 2, low), high)
            self.sheet.column_dimensions[get_column_letter(column)].width = width


def _write_section(sheet, section: Section, report: AnnualReport | None) -> None:
    writer = _SheetWriter(sheet)
    if report is not None:  # the first sheet says what the workbook is
        writer.line(report.title, size=14, bold=True)
        writer.line(report.issuer)
        for text in _cover_lines(report):
            writer.line(text)
        writer.gap()
    writer.line(section.title, size=12, bold=True)
    for paragraph in section.paragraphs:
        writer.line(paragraph)
    writer.gap()
    for table in section.tables:
        writer.table(table)
    writer.set_widths()
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def xlsx_bytes(report: AnnualReport) -> bytes:
    """One sheet per section, in the report's order; the first also carries the title."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = _nfc(report.title)
    workbook.properties.creator = _nfc(report.issuer)
    workbook.properties.created = report.generated_at.replace(tzinfo=None)
    taken: set[str] = set()
    for number, section in enumerate(report.sections):
        sheet = workbook.create_sheet(sheet_name(section.sheet, taken))
        _write_section(sheet, section, report if number == 0 else None)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# PDF ----------------------------------------------------------------------------------------

FONT = "DejaVu"
BODY_SIZE = 10
TABLE_SIZE = 8.5
LINE_FACTOR = 1.45  # line height as a multiple of the font size
HEADER_MAX_MM = 32  # a heading wider than this wraps rather than widening its column
NARROW_MAX_MM = 55
WIDE_MIN_MM = 45
KEEP_WITH_TITLE_MM = 30
LONG_TEXT = 300  # cells longer than this (characters) are measured for row splitting
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
HEADINGS_STYLE = FontFace(emphasis="BOLD", fill_color=(231, 231, 231))
TOTAL_STYLE = FontFace(emphasis="BOLD")


def pdf_text(value) -> str:
    if value is None:
        return "—"
    if is_number(value):
        return figure(value)
    if isinstance(value, datetime):
        return _local_moment(value)
    if isinstance(value, date):
        return value.strftime(DAY_FORMAT)
    text = _nfc(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return CONTROL_CHARS.sub("", text)


class ReportPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(100)
        self.cell(0, 6, f"{self.page_no()} / {{nb}}", align="C")
        self.set_text_color(0)


def _new_pdf(report: AnnualReport) -> FPDF:
    pdf = ReportPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(_nfc(report.title))
    pdf.set_author(_nfc(report.issuer))
    pdf.set_lang(current_language())
    pdf.set_creation_date(report.generated_at.replace(tzinfo=UTC))
    pdf.set_draw_color(150)
    return pdf


def write_paragraph(pdf: FPDF, text: str, *, size: float = BODY_SIZE, bold: bool = False,
               align: str = "L") -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.36 * LINE_FACTOR, pdf_text(text), align=align,
                   new_x="LMARGIN", new_y="NEXT")


def _cover(pdf: FPDF, report: AnnualReport) -> None:
    pdf.add_page()
    write_paragraph(pdf, report.issuer, size=13, bold=True, align="C")
    pdf.ln(55)
    write_paragraph(pdf, report.title, size=20, bold=True, align="C")
    pdf.ln(8)
    write_paragraph(pdf, str(report.year), size=28, bold=True, align="C")
    pdf.ln(20)
    for text in _cover_lines(report):
        write_paragraph(pdf, text, size=11, align="C")


def numeric_columns(rows: list[list]) -> list[bool]:
    """Which columns hold figures (numbers, with dashes for missing ones): they align right."""
    return [all(is_number(v) or v is None for v in column) and any(is_number(v) for v in column)
            for column in zip(*rows, strict=True)]


def wants_landscape(section: Section) -> bool:
    return any(len(table.columns) > 5 or len(table.wide) > 1 for table in section.tables)


def column_widths(pdf: FPDF, headings: list[str], wide: tuple[int, ...], texts: list[list[str]],
                  *, font: str = FONT, size: float = TABLE_SIZE) -> list[float]:
    """Narrow columns as wide as their content (within limits); `wide` columns share what is
    left of the page; without wide columns, every column grows to fill the page."""
    padding = 2 * pdf.c_margin + 1
    needs = []
    for column, heading in enumerate(headings):
        pdf.set_font(font, "B", size)
        words = max((pdf.get_string_width(word) for word in heading.split()), default=0)
        heading_need = max(words, min(pdf.get_string_width(heading), HEADER_MAX_MM))
        pdf.set_font(font, "", size)
        content = max((pdf.get_string_width(line) for row in texts
                       for line in row[column].split("\n")), default=0)
        if column not in wide:
            content = min(content, NARROW_MAX_MM)
        needs.append(max(heading_need, content) + padding)
    available = pdf.epw
    wide = [column for column in wide if column < len(needs)]
    narrow_total = sum(need for column, need in enumerate(needs) if column not in wide)
    if not wide:
        return [need * available / narrow_total for need in needs]
    room = available - narrow_total
    if room < WIDE_MIN_MM * len(wide) and narrow_total:  # shrink the narrow columns to make room
        scale = (available - WIDE_MIN_MM * len(wide)) / narrow_total
        needs = [need if column in wide else need * scale for column, need in enumerate(needs)]
        room = WIDE_MIN_MM * len(wide)
    shares = _share(room, {column: needs[column] for column in wide})
    return [shares[column] if column in wide else need for column, need in enumerate(needs)]


def _share(room: float, needs: dict[int, float]) -> dict[int, float]:
    """Split `room` so that a column needing less than an equal share gets what it needs and
    the others split the rest equally."""
    shares: dict[int, float] = {}
    pending = dict(needs)
    while pending:
        equal = room / len(pending)
        modest = {column: need for column, need in pending.items() if need <= equal}
        if not modest:
            shares.update(dict.fromkeys(pending, equal))
            return shares
        for column, need in modest.items():
            shares[column] = need
            room -= need
            del pending[column]
    # Every wide column fits: they share the room left over in proportion.
    total = sum(shares.values())
    return {column: width + room * width / total for column, width in shares.items()}


def split_tall_rows(pdf: FPDF, texts: list[list[str]], widths: list[float], line_height: float,
                    *, font: str = FONT, size: float = TABLE_SIZE) -> list[tuple[list[str], bool]]:
    """fpdf2 cannot break one row across pages: a cell too long for a page continues in the
    rows below it. Returns (cells, is_continuation)."""
    max_lines = max(int(pdf.eph * 0.7 / line_height), 5)
    pdf.set_font(font, "", size)
    rows = []
    for cells in texts:
        lines = [pdf.multi_cell(widths[column], line_height, text, dry_run=True, output="LINES")
                 if len(text) > LONG_TEXT or text.count("\n") > 5 else [text]
                 for column, text in enumerate(cells)]
        parts = max(math.ceil(len(cell_lines) / max_lines) for cell_lines in lines)
        if parts <= 1:
            rows.append((cells, False))
            continue
        for part in range(parts):
            chunk = slice(part * max_lines, (part + 1) * max_lines)
            rows.append((["\n".join(cell_lines[chunk]) for cell_lines in lines], part > 0))
    return rows


def _table(pdf: FPDF, table: Table) -> None:
    if pdf.will_page_break(KEEP_WITH_TITLE_MM):  # a title is not left alone at a page's foot
        pdf.add_page(orientation=pdf.cur_orientation)
    if table.title:
        write_paragraph(pdf, table.title, size=BODY_SIZE + 0.5, bold=True)
        pdf.ln(1)
    if not table.rows:  # the section's paragraph says there is nothing
        return
    headings = [pdf_text(heading) for heading in table.columns]
    texts = [[pdf_text(value) for value in values] for values in table.rows]
    widths = column_widths(pdf, headings, table.wide, texts)
    numeric = numeric_columns(table.rows)
    pdf.set_font(FONT, "", TABLE_SIZE)
    line_height = pdf.font_size * LINE_FACTOR
    rows = split_tall_rows(pdf, texts, widths, line_height)
    totals = _totals(table)
    with pdf.table(col_widths=widths, width=pdf.epw, line_height=line_height, text_align="LEFT",
                   v_align="TOP", headings_style=HEADINGS_STYLE, padding=(0.8, 0),
                   repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE) as grid:
        heading_row = grid.row()
        for column, heading in enumerate(headings):
            heading_row.cell(heading, align="RIGHT" if numeric[column] else "LEFT")
        source = iter(zip(table.rows, totals, strict=True))
        values, total = None, False
        for cells, continuation in rows:
            if not continuation:
                values, total = next(source)
            row = grid.row(style=TOTAL_STYLE if total else None)
            for column, text in enumerate(cells):
                value = values[column]
                right = is_number(value) or (value is None and numeric[column])
                row.cell(text, align="RIGHT" if right and not continuation else "LEFT")
    pdf.ln(5)


def _section(pdf: FPDF, section: Section) -> None:
    pdf.add_page(orientation="L" if wants_landscape(section) else "P")
    pdf.start_section(pdf_text(section.title))
    write_paragraph(pdf, section.title, size=14, bold=True)
    pdf.ln(2)
    for paragraph in section.paragraphs:
        write_paragraph(pdf, paragraph)
        pdf.ln(1.5)
    pdf.ln(2)
    for table in section.tables:
        _table(pdf, table)


def pdf_bytes(report: AnnualReport) -> bytes:
    """A4, DejaVu Sans embedded: a cover page, then each section on its own page(s)."""
    pdf = _new_pdf(report)
    _cover(pdf, report)
    for section in report.sections:
        _section(pdf, section)
    return bytes(pdf.output())
