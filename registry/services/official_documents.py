"""Documents the department signs, in the form Decree 30/2020/NĐ-CP (appendix I) prescribes
for administrative documents: A4; margins 20 mm top and bottom, 30 mm left, 15 mm right; a
Times New Roman-metric font; the issuing body's block and the national title side by side, the
number and symbol under the first, place and date under the second; the document's kind and
subject; "Kính gửi"; the body (justified, first lines indented 1,27 cm, 6 pt between
paragraphs); the recipients ("Nơi nhận") beside the signature block; page numbers from the
second page, centred in the top margin.

One `OfficialDocument` renders to a PDF (Liberation Serif embedded: Times New Roman's metrics,
every Vietnamese glyph) and to a DOCX, which officials edit before signing (it names Times New
Roman, as the decree does). A document is plain data, so an issued one is frozen as JSON and
renders again to the same text. Text is stored and written in NFC.
"""
import functools
import io
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from fpdf import FPDF, FontFace
from fpdf.enums import TableHeadingsDisplay

from registry.services.report_files import FONT_DIR, column_widths, split_tall_rows

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DRAFT_MARK = "DỰ THẢO"
PLACE = "Hưng Yên"

# Appendix I of the decree: sizes in points, margins in millimetres.
PAGE_MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 15}
# A landscape page keeps its binding edge: the portrait page's left margin becomes the top.
LANDSCAPE_MARGINS = {"top": 30, "bottom": 15, "left": 20, "right": 20}
HEADER_SIZE = 12  # the bodies' names and the national title's first line (12–13)
MOTTO_SIZE = 13  # the motto, the number and the place and date (13–14)
TITLE_SIZE = 14  # the kind of document and its subject (13–14)
BODY_SIZE = 14  # the body and "Kính gửi" (13–14)
TABLE_SIZE = 11
RECIPIENTS_HEADING_SIZE = 12
RECIPIENTS_SIZE = 11
SIGNATURE_SIZE = 14
PAGE_NUMBER_SIZE = 13
FIRST_LINE_INDENT_MM = 12.7
PARAGRAPH_GAP_PT = 6
LINE_SPACING = 1.2  # between single and 1,5 lines
KEEP_WITH_TITLE_MM = 30
SIGNATURE_ROOM_MM = 26  # the space left for the hand signature and the seal
LEFT_BLOCK_SHARE = 0.42  # the issuing body's column; the national title's takes the rest
PDF_FONT = "LiberationSerif"
DOCX_FONT = "Times New Roman"
POINT_MM = 25.4 / 72
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(text) -> str:
    """NFC, one kind of line break, no control characters (neither PDF nor XML takes them)."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return CONTROL_CHARS.sub("", text)


def document_number(number: int | None) -> str:
    """Numbers below 10 take a leading zero (05/BC-SKHCN); a draft leaves room for one."""
    if number is None:
        return "      "
    return f"{number:02d}"


def month_and_year(day: date) -> str:
    """"tháng 02 năm 2026", "tháng 12 năm 2023": months 1 and 2 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"tháng {month} năm {day.year}"


def long_date(day: date) -> str:
    """"ngày 05 tháng 02 năm 2026": days below 10 take a leading zero too."""
    return f"ngày {day.day:02d} {month_and_year(day)}"


def place_and_date(place: str, day: date | None, *, year: int | None = None) -> str:
    """"Hưng Yên, ngày 05 tháng 02 năm 2026"; without a day (a draft), blanks for the hand."""
    if day is None:
        return f"{place}, ngày      tháng      năm {year or ''}".rstrip()
    return f"{place}, {long_date(day)}"


# The document as data ------------------------------------------------------------------------

@dataclass
class Heading:
    text: str
    level: int = 1  # 1: "I. ĐÁNH GIÁ CHUNG"; 2: "1. …"; 3: "a) …"
    type: str = "heading"


@dataclass
class Paragraph:
    text: str
    italic: bool = False
    bold: bool = False
    indent: bool = True
    align: str = "J"  # J justified, C centred, L left
    lead: str = ""  # a bold start, such as "Điều 1."
    type: str = "paragraph"


@dataclass
class DocTable:
    """A table of text already formatted in the document's language; `numeric` columns are
    right-aligned, `wide` ones take the room that is left."""

    columns: list[str]
    rows: list[list[str]]
    title: str = ""
    numeric: list[bool] = field(default_factory=list)
    wide: list[int] = field(default_factory=list)
    ends_with_total: bool = False
    type: str = "table"

    def __post_init__(self) -> None:
        # Every row as wide as the headings: a short row ends in blanks, a long one is cut.
        width = len(self.columns)
        self.rows = [[*row[:width], *[""] * (width - len(row))] for row in self.rows]
        self.numeric = [*self.numeric[:width], *[False] * (width - len(self.numeric))]
        self.wide = [column for column in self.wide if column < width]


@dataclass
class Signature:
    lines: list[str]  # "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"
    name: str = ""


@dataclass
class Appendix:
    title: str  # "Phụ lục I", printed as written; its heading in capitals
    heading: str = ""  # what it holds
    subtitle: str = ""  # "(Kèm theo Báo cáo số …)"
    blocks: list = field(default_factory=list)
    landscape: bool = False


@dataclass
class OfficialDocument:
    issuing_body: str  # "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    kind_name: str  # "BÁO CÁO"
    subject: str  # the summary under the kind (trích yếu)
    parent_body: str = ""  # "UBND TỈNH HƯNG YÊN"
    number: int | None = None
    symbol: str = ""  # "BC-SKHCN"
    place: str = PLACE
    issued_on: date | None = None
    year: int | None = None  # printed on a draft's date line
    addressees: list[str] = field(default_factory=list)  # Kính gửi
    blocks: list = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)  # Nơi nhận
    signatures: list[Signature] = field(default_factory=list)
    appendices: list[Appendix] = field(default_factory=list)
    draft: bool = False
    title: str = ""  # the files' metadata
    author: str = ""
    created_at: datetime | None = None

    @property
    def number_line(self) -> str:
        if not self.symbol:
            return ""
        return f"Số: {document_number(self.number)}/{self.symbol}"

    @property
    def date_line(self) -> str:
        return place_and_date(self.place, self.issued_on, year=self.year)

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("issued_on", "created_at"):
            if data[key] is not None:
                data[key] = data[key].isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict) -> "OfficialDocument":
        data = dict(data)
        data["blocks"] = [_block(item) for item in data.get("blocks", [])]
        data["signatures"] = [Signature(**item) for item in data.get("signatures", [])]
        data["appendices"] = [Appendix(**{**item, "blocks": [_block(b) for b in item.get("blocks", [])]})
                              for item in data.get("appendices", [])]
        if data.get("issued_on"):
            data["issued_on"] = date.fromisoformat(data["issued_on"])
        if data.get("created_at"):
            data["created_at"] = datetime.fromisoformat(data["created_at"])
        return cls(**data)


BLOCK_TYPES = {"heading": Heading, "paragraph": Paragraph, "table": DocTable}


def _block(data: dict):
    return BLOCK_TYPES[data["type"]](**data)


def paragraphs(text: str, **style) -> list[Paragraph]:
    """A text typed into a box: each non-empty line a paragraph of its own."""
    return [Paragraph(line.strip(), **style) for line in clean(text).split("\n") if line.strip()]


# PDF -----------------------------------------------------------------------------------------

def _line_mm(size: float) -> float:
    return size * POINT_MM * LINE_SPACING


class OfficialPDF(FPDF):
    # The page the numbering counts from: the document's first, then each appendix's (the
    # decree numbers an appendix's pages on their own).
    numbering_from = 1

    def header(self) -> None:
        number = self.page_no() - self.numbering_from + 1
        if number == 1:
            return  # the decree numbers pages from the second
        top = self.t_margin
        self.set_y(max(top - 12, 5))
        self.set_font(PDF_FONT, "", PAGE_NUMBER_SIZE)
        self.cell(0, 6, str(number), align="C")
        self.set_y(top)


def _new_pdf(document: OfficialDocument) -> OfficialPDF:
    pdf = OfficialPDF(orientation="P", unit="mm", format="A4")
    for style, name in (("", "Regular"), ("B", "Bold"), ("I", "Italic"), ("BI", "BoldItalic")):
        pdf.add_font(PDF_FONT, style, FONT_DIR / f"LiberationSerif-{name}.ttf")
    _pdf_margins(pdf, PAGE_MARGINS)
    pdf.set_title(clean(document.title or document.subject))
    pdf.set_author(clean(document.author or document.issuing_body))
    pdf.set_lang("vi")
    if document.created_at is not None:
        pdf.set_creation_date(document.created_at.replace(tzinfo=UTC))
    pdf.set_draw_color(0)
    pdf.set_line_width(0.3)
    return pdf


def _pdf_margins(pdf: FPDF, margins: dict) -> None:
    pdf.set_margins(margins["left"], margins["top"], margins["right"])
    pdf.set_auto_page_break(True, margin=margins["bottom"])


def _pdf_add_page(pdf: FPDF, landscape: bool = False) -> None:
    _pdf_margins(pdf, LANDSCAPE_MARGINS if landscape else PAGE_MARGINS)
    pdf.add_page(orientation="L" if landscape else "P")


def _pdf_lines(pdf: FPDF, x: float, width: float, lines: list[tuple[str, str, float]]) -> float:
    """Centred lines (text, style, size) in a column from the current y; returns the bottom."""
    for text, style, size in lines:
        pdf.set_font(PDF_FONT, style, size)
        pdf.set_x(x)
        pdf.multi_cell(width, _line_mm(size), clean(text), align="C", new_x="LEFT", new_y="NEXT")
    return pdf.get_y()


def _pdf_rule(pdf: FPDF, x: float, width: float, length: float) -> None:
    y = pdf.get_y() + 0.6
    start = x + (width - length) / 2
    pdf.line(start, y, start + length, y)
    pdf.set_y(y + 1.2)


def _pdf_heading_block(pdf: FPDF, document: OfficialDocument) -> None:
    left_width = pdf.epw * LEFT_BLOCK_SHARE
    right_width = pdf.epw - left_width
    left_x, right_x = pdf.l_margin, pdf.l_margin + left_width
    if document.draft:  # the mark sits above the national title, in a box
        pdf.set_font(PDF_FONT, "B", HEADER_SIZE)
        mark_width = pdf.get_string_width(DRAFT_MARK) + 6
        pdf.set_xy(pdf.w - pdf.r_margin - mark_width, pdf.t_margin - 12)
        pdf.cell(mark_width, 7, DRAFT_MARK, border=1, align="C")
    top = pdf.t_margin

    pdf.set_y(top)
    bodies = [(document.parent_body.upper(), "", HEADER_SIZE)] if document.parent_body else []
    bodies.append((document.issuing_body.upper(), "B", HEADER_SIZE))
    _pdf_lines(pdf, left_x, left_width, bodies)
    pdf.set_font(PDF_FONT, "B", HEADER_SIZE)
    _pdf_rule(pdf, left_x, left_width,
              min(pdf.get_string_width(clean(document.issuing_body.upper())), left_width) / 2.5)
    left_bottom = pdf.get_y()

    pdf.set_y(top)
    _pdf_lines(pdf, right_x, right_width, [(NATIONAL_TITLE, "B", HEADER_SIZE), (MOTTO, "B", MOTTO_SIZE)])
    pdf.set_font(PDF_FONT, "B", MOTTO_SIZE)
    _pdf_rule(pdf, right_x, right_width, pdf.get_string_width(MOTTO))
    right_bottom = pdf.get_y()

    line_top = max(left_bottom, right_bottom) + 1.5
    pdf.set_y(line_top)
    bottoms = [_pdf_lines(pdf, left_x, left_width, [(document.number_line, "", MOTTO_SIZE)])]
    pdf.set_y(line_top)
    bottoms.append(_pdf_lines(pdf, right_x, right_width, [(document.date_line, "I", MOTTO_SIZE)]))
    pdf.set_xy(pdf.l_margin, max(bottoms) + 6)


def _pdf_title(pdf: FPDF, document: OfficialDocument) -> None:
    _pdf_lines(pdf, pdf.l_margin, pdf.epw, [(document.kind_name.upper(), "B", TITLE_SIZE)])
    if document.subject:
        _pdf_lines(pdf, pdf.l_margin + 10, pdf.epw - 20, [(document.subject, "B", TITLE_SIZE)])
        pdf.set_font(PDF_FONT, "B", TITLE_SIZE)
        _pdf_rule(pdf, pdf.l_margin, pdf.epw,
                  min(pdf.get_string_width(clean(document.subject)), pdf.epw - 20) / 2.5)
    pdf.ln(4)
    if len(document.addressees) == 1:
        _pdf_lines(pdf, pdf.l_margin, pdf.epw, [(f"Kính gửi: {document.addressees[0]}.", "", BODY_SIZE)])
        pdf.ln(3)
    elif document.addressees:
        pdf.set_font(PDF_FONT, "", BODY_SIZE)
        label = "Kính gửi:"
        label_width = pdf.get_string_width(label + " ")
        x = pdf.l_margin + pdf.epw * 0.2
        pdf.set_x(x)
        pdf.cell(label_width, _line_mm(BODY_SIZE), label)
        for number, addressee in enumerate(document.addressees):
            end = "." if number == len(document.addressees) - 1 else ";"
            pdf.set_x(x + label_width)
            pdf.multi_cell(pdf.epw * 0.8 - label_width, _line_mm(BODY_SIZE), clean(f"- {addressee}{end}"),
                           new_x="LEFT", new_y="NEXT")
        pdf.ln(3)


def _pdf_text(pdf: FPDF, text: str, *, style: str = "", size: float = BODY_SIZE, indent: bool = True,
              align: str = "J", lead: str = "") -> None:
    gap = PARAGRAPH_GAP_PT * POINT_MM
    with pdf.text_columns(text_align=align, line_height=LINE_SPACING) as columns:
        with columns.paragraph(first_line_indent=FIRST_LINE_INDENT_MM if indent else 0,
                               bottom_margin=gap) as paragraph:
            if lead:
                pdf.set_font(PDF_FONT, "B", size)
                paragraph.write(clean(lead) + " ")
            pdf.set_font(PDF_FONT, style, size)
            paragraph.write(clean(text))
    pdf.set_x(pdf.l_margin)


def _pdf_table(pdf: FPDF, table: DocTable) -> None:
    if pdf.will_page_break(KEEP_WITH_TITLE_MM):  # a table's title is not left alone at a page's foot
        pdf.add_page(orientation=pdf.cur_orientation)
    if table.title:
        _pdf_text(pdf, table.title, style="BI", indent=False, align="L")
    if not table.rows:
        return
    headings = [clean(text) for text in table.columns]
    texts = [[clean(text) for text in row] for row in table.rows]
    widths = column_widths(pdf, headings, tuple(table.wide), texts, font=PDF_FONT, size=TABLE_SIZE)
    pdf.set_font(PDF_FONT, "", TABLE_SIZE)
    line_height = pdf.font_size * 1.3
    rows = split_tall_rows(pdf, texts, widths, line_height, font=PDF_FONT, size=TABLE_SIZE)
    numeric = table.numeric or [False] * len(headings)
    total_style = FontFace(emphasis="BOLD")
    with pdf.table(col_widths=widths, width=pdf.epw, align="LEFT", line_height=line_height,
                   text_align="LEFT", v_align="TOP", headings_style=FontFace(emphasis="BOLD"),
                   padding=(0.8, 0.8),
                   repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE) as grid:
        heading_row = grid.row()
        for heading in headings:
            heading_row.cell(heading, align="CENTER")
        index = -1
        for cells, continuation in rows:
            if not continuation:
                index += 1
            total = table.ends_with_total and index == len(table.rows) - 1
            row = grid.row(style=total_style if total else None)
            for column, text in enumerate(cells):
                right = numeric[column] and not continuation
                row.cell(text, align="RIGHT" if right else "LEFT")
    pdf.ln(4)


def _pdf_blocks(pdf: FPDF, blocks: list) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            style = {1: "B", 2: "B"}.get(block.level, "BI")
            if pdf.will_page_break(_line_mm(BODY_SIZE) * 4):  # a heading is not left alone at a page's foot
                pdf.add_page(orientation=pdf.cur_orientation)
            _pdf_text(pdf, block.text, style=style)
        elif isinstance(block, Paragraph):
            style = ("B" if block.bold else "") + ("I" if block.italic else "")
            _pdf_text(pdf, block.text, style=style, indent=block.indent, align=block.align,
                      lead=block.lead)
        elif isinstance(block, DocTable):
            _pdf_table(pdf, block)


def _recipient_lines(recipients: list[str]) -> list[str]:
    """"- UBND tỉnh;" … "- Lưu: VT, QLKH.": each line ends with a semicolon, the last a full stop."""
    lines = []
    for number, text in enumerate(recipients):
        text = clean(text).strip().lstrip("-").strip().rstrip(";.").strip()
        end = "." if number == len(recipients) - 1 else ";"
        lines.append(f"- {text}{end}")
    return lines


def _pdf_signatures(pdf: FPDF, document: OfficialDocument) -> None:
    if not document.signatures and not document.recipients:
        return
    needed = _line_mm(SIGNATURE_SIZE) * 4 + SIGNATURE_ROOM_MM
    needed = max(needed, _line_mm(RECIPIENTS_SIZE) * (len(document.recipients) + 1))
    if pdf.will_page_break(needed):
        pdf.add_page(orientation=pdf.cur_orientation)
    pdf.ln(2)
    top = pdf.get_y()
    half = pdf.epw * 0.45
    bottoms = [top]
    signatures = document.signatures
    if document.recipients or len(signatures) < 2:  # the recipients on the left, one signature right
        if document.recipients:
            pdf.set_xy(pdf.l_margin, top)
            pdf.set_font(PDF_FONT, "BI", RECIPIENTS_HEADING_SIZE)
            pdf.cell(half, _line_mm(RECIPIENTS_HEADING_SIZE), "Nơi nhận:", new_x="LEFT", new_y="NEXT")
            pdf.set_font(PDF_FONT, "", RECIPIENTS_SIZE)
            for line in _recipient_lines(document.recipients):
                pdf.set_x(pdf.l_margin)
                pdf.multi_cell(half, _line_mm(RECIPIENTS_SIZE) * 0.9, line, new_x="LEFT", new_y="NEXT")
            bottoms.append(pdf.get_y())
        columns = [(pdf.l_margin + half, pdf.epw - half, signature) for signature in signatures[:1]]
    else:  # two signatures side by side (the minutes: the secretary and the chair)
        width = pdf.epw / 2
        columns = [(pdf.l_margin + width * n, width, signature) for n, signature in enumerate(signatures[:2])]
    for x, width, signature in columns:
        pdf.set_y(top)
        _pdf_lines(pdf, x, width, [(line.upper(), "B", SIGNATURE_SIZE) for line in signature.lines])
        pdf.set_y(pdf.get_y() + SIGNATURE_ROOM_MM)
        bottoms.append(_pdf_lines(pdf, x, width, [(signature.name, "B", SIGNATURE_SIZE)]))
    pdf.set_xy(pdf.l_margin, max(bottoms) + 4)


def pdf_bytes(document: OfficialDocument) -> bytes:
    pdf = _new_pdf(document)
    _pdf_add_page(pdf)
    _pdf_heading_block(pdf, document)
    _pdf_title(pdf, document)
    _pdf_blocks(pdf, document.blocks)
    _pdf_signatures(pdf, document)
    for appendix in document.appendices:
        pdf.numbering_from = pdf.page_no() + 1
        _pdf_add_page(pdf, appendix.landscape)
        _pdf_lines(pdf, pdf.l_margin, pdf.epw, [(appendix.title, "B", TITLE_SIZE)])
        if appendix.heading:
            _pdf_lines(pdf, pdf.l_margin, pdf.epw, [(appendix.heading.upper(), "B", TITLE_SIZE)])
        if appendix.subtitle:
            _pdf_lines(pdf, pdf.l_margin, pdf.epw, [(appendix.subtitle, "I", MOTTO_SIZE)])
        pdf.ln(4)
        _pdf_blocks(pdf, appendix.blocks)
    return bytes(pdf.output())


# DOCX ----------------------------------------------------------------------------------------

ALIGN = {"J": WD_ALIGN_PARAGRAPH.JUSTIFY, "C": WD_ALIGN_PARAGRAPH.CENTER,
         "L": WD_ALIGN_PARAGRAPH.LEFT, "R": WD_ALIGN_PARAGRAPH.RIGHT}


def _docx_section_layout(section, landscape: bool) -> None:
    margins = LANDSCAPE_MARGINS if landscape else PAGE_MARGINS
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
    section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])
    section.header_distance = Mm(10)


def _docx_run(paragraph, text: str, *, size: float, bold: bool = False, italic: bool = False):
    run = paragraph.add_run(clean(text))
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    return run


def _docx_paragraph(container, text: str = "", *, size: float = BODY_SIZE, bold: bool = False,
                    italic: bool = False, align: str = "C", indent: bool = False, after: float = 0,
                    lead: str = ""):
    paragraph = container.add_paragraph()
    paragraph.alignment = ALIGN[align]
    paragraph_format = paragraph.paragraph_format
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(after)
    paragraph_format.line_spacing = LINE_SPACING if align == "J" else 1.0
    if indent:
        paragraph_format.first_line_indent = Mm(FIRST_LINE_INDENT_MM)
    if lead:
        _docx_run(paragraph, lead + " ", size=size, bold=True, italic=italic)
    if text:
        _docx_run(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def _docx_rule(container, length_mm: float, width_mm: float) -> None:
    """A short horizontal line, centred: an empty paragraph's top border, indented to its length."""
    paragraph = _docx_paragraph(container, size=2)
    side = max((width_mm - length_mm) / 2, 0)
    paragraph.paragraph_format.left_indent = Mm(side)
    paragraph.paragraph_format.right_indent = Mm(side)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().append(borders)
    run = paragraph.add_run("")
    run.font.size = Pt(2)


@functools.cache
def _measuring_pdf() -> FPDF:
    pdf = FPDF(unit="mm")
    pdf.add_font(PDF_FONT, "B", FONT_DIR / "LiberationSerif-Bold.ttf")
    return pdf


def _text_width_mm(text: str, size: float) -> float:
    """The width the PDF's bold font gives a line: the DOCX's rules match the PDF's."""
    pdf = _measuring_pdf()
    pdf.set_font(PDF_FONT, "B", size)
    return pdf.get_string_width(clean(text))


def _docx_cell_width(table, column: int, width_mm: float) -> None:
    for cell in table.columns[column].cells:
        cell.width = Mm(width_mm)


def _docx_no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _docx_heading_block(document_file, document: OfficialDocument, epw: float) -> None:
    if document.draft:
        _docx_paragraph(document_file, DRAFT_MARK, size=HEADER_SIZE, bold=True, align="R")
    left_width = epw * LEFT_BLOCK_SHARE
    right_width = epw - left_width
    table = document_file.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _docx_no_borders(table)
    _docx_cell_width(table, 0, left_width)
    _docx_cell_width(table, 1, right_width)
    left, right = table.cell(0, 0), table.cell(0, 1)
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)
    if document.parent_body:
        _docx_paragraph(left, document.parent_body.upper(), size=HEADER_SIZE)
    _docx_paragraph(left, document.issuing_body.upper(), size=HEADER_SIZE, bold=True)
    _docx_rule(left, min(_text_width_mm(document.issuing_body.upper(), HEADER_SIZE), left_width) / 2.5,
               left_width)
    _docx_paragraph(right, NATIONAL_TITLE, size=HEADER_SIZE, bold=True)
    _docx_paragraph(right, MOTTO, size=MOTTO_SIZE, bold=True)
    _docx_rule(right, _text_width_mm(MOTTO, MOTTO_SIZE), right_width)
    number, day = table.cell(1, 0), table.cell(1, 1)
    number.paragraphs[0].alignment = ALIGN["C"]
    if document.number_line:
        _docx_run(number.paragraphs[0], document.number_line, size=MOTTO_SIZE)
    day.paragraphs[0].alignment = ALIGN["C"]
    _docx_run(day.paragraphs[0], document.date_line, size=MOTTO_SIZE, italic=True)
    _docx_paragraph(document_file, size=BODY_SIZE, after=6)


def _docx_title(document_file, document: OfficialDocument, epw: float) -> None:
    _docx_paragraph(document_file, document.kind_name.upper(), size=TITLE_SIZE, bold=True)
    if document.subject:
        _docx_paragraph(document_file, document.subject, size=TITLE_SIZE, bold=True)
        _docx_rule(document_file, min(_text_width_mm(document.subject, TITLE_SIZE), epw - 20) / 2.5, epw)
    _docx_paragraph(document_file, size=6)
    if len(document.addressees) == 1:
        _docx_paragraph(document_file, f"Kính gửi: {document.addressees[0]}.", size=BODY_SIZE, after=6)
    elif document.addressees:
        _docx_paragraph(document_file, "Kính gửi:", size=BODY_SIZE, align="L").paragraph_format.left_indent = Mm(epw * 0.2)
        for number, addressee in enumerate(document.addressees):
            end = "." if number == len(document.addressees) - 1 else ";"
            line = _docx_paragraph(document_file, f"- {addressee}{end}", size=BODY_SIZE, align="L")
            line.paragraph_format.left_indent = Mm(epw * 0.2 + 22)
        _docx_paragraph(document_file, size=6)


def _docx_table(document_file, table: DocTable) -> None:
    if table.title:
        _docx_paragraph(document_file, table.title, size=BODY_SIZE, bold=True, italic=True, align="L",
                        after=PARAGRAPH_GAP_PT)
    if not table.rows:
        return
    grid = document_file.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = "Table Grid"
    numeric = table.numeric or [False] * len(table.columns)
    for column, heading in enumerate(table.columns):
        cell = grid.cell(0, column)
        cell.paragraphs[0].alignment = ALIGN["C"]
        _docx_run(cell.paragraphs[0], heading, size=TABLE_SIZE, bold=True)
    # The heading row repeats on every page.
    header_properties = grid.rows[0]._tr.get_or_add_trPr()
    header_properties.append(OxmlElement("w:tblHeader"))
    for row_number, values in enumerate(table.rows, start=1):
        total = table.ends_with_total and row_number == len(table.rows)
        for column, text in enumerate(values):
            cell = grid.cell(row_number, column)
            cell.paragraphs[0].alignment = ALIGN["R" if numeric[column] else "L"]
            for number, line in enumerate(clean(text).split("\n")):
                paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
                _docx_run(paragraph, line, size=TABLE_SIZE, bold=total)
    _docx_paragraph(document_file, size=6)


def _docx_blocks(document_file, blocks: list) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            paragraph = _docx_paragraph(document_file, block.text, size=BODY_SIZE, bold=True,
                                        italic=block.level >= 3, align="J", indent=True,
                                        after=PARAGRAPH_GAP_PT)
            paragraph.paragraph_format.keep_with_next = True
        elif isinstance(block, Paragraph):
            _docx_paragraph(document_file, block.text, size=BODY_SIZE, bold=block.bold,
                            italic=block.italic, align=block.align, indent=block.indent,
                            after=PARAGRAPH_GAP_PT, lead=block.lead)
        elif isinstance(block, DocTable):
            _docx_table(document_file, block)


def _docx_signatures(document_file, document: OfficialDocument, epw: float) -> None:
    if not document.signatures and not document.recipients:
        return
    two = len(document.signatures) >= 2 and not document.recipients
    table = document_file.add_table(rows=1, cols=2)
    table.autofit = False
    _docx_no_borders(table)
    shares = (0.5, 0.5) if two else (0.45, 0.55)
    for column, share in enumerate(shares):
        _docx_cell_width(table, column, epw * share)
    left, right = table.cell(0, 0), table.cell(0, 1)
    for cell in (left, right):
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    if two:
        placed = list(zip((left, right), document.signatures[:2], strict=True))
    else:
        if document.recipients:
            heading = _docx_paragraph(left, "Nơi nhận:", size=RECIPIENTS_HEADING_SIZE, bold=True,
                                      italic=True, align="L")
            heading.paragraph_format.keep_with_next = True
            for line in _recipient_lines(document.recipients):
                _docx_paragraph(left, line, size=RECIPIENTS_SIZE, align="L")
        else:
            _docx_paragraph(left)
        placed = [(right, signature) for signature in document.signatures[:1]]
    for cell, signature in placed:
        for line in signature.lines:
            _docx_paragraph(cell, line.upper(), size=SIGNATURE_SIZE, bold=True)
        gap = _docx_paragraph(cell, size=SIGNATURE_SIZE)
        gap.paragraph_format.space_after = Mm(SIGNATURE_ROOM_MM - 6)
        _docx_paragraph(cell, signature.name, size=SIGNATURE_SIZE, bold=True)
    if not right.paragraphs:
        _docx_paragraph(right)


def _docx_page_numbers(section) -> None:
    """The page number centred in the top margin, not on the first page."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = ALIGN["C"]
    field_code = OxmlElement("w:fldSimple")
    field_code.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), str(PAGE_NUMBER_SIZE * 2))
    properties.append(size)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field_code.append(run)
    paragraph._p.append(field_code)


def _docx_styles(document_file) -> None:
    style = document_file.styles["Normal"]
    style.font.name = DOCX_FONT
    style.font.size = Pt(BODY_SIZE)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for key in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(key), DOCX_FONT)
    style.paragraph_format.space_after = Pt(0)


def docx_bytes(document: OfficialDocument) -> bytes:
    document_file = docx.Document()
    _docx_styles(document_file)
    section = document_file.sections[0]
    _docx_section_layout(section, landscape=False)
    _docx_page_numbers(section)
    epw = 210 - PAGE_MARGINS["left"] - PAGE_MARGINS["right"]
    properties = document_file.core_properties
    properties.title = clean(document.title or document.subject)
    properties.author = clean(document.author or document.issuing_body)
    properties.language = "vi-VN"
    if document.created_at is not None:
        properties.created = properties.modified = document.created_at.replace(tzinfo=None)
    properties.last_modified_by = properties.author
    properties.revision = 1
    _docx_heading_block(document_file, document, epw)
    _docx_title(document_file, document, epw)
    _docx_blocks(document_file, document.blocks)
    _docx_signatures(document_file, document, epw)
    for appendix in document.appendices:
        section = document_file.add_section()
        _docx_section_layout(section, appendix.landscape)
        numbering = OxmlElement("w:pgNumType")  # an appendix's pages are numbered on their own
        numbering.set(qn("w:start"), "1")
        section._sectPr.append(numbering)
        _docx_paragraph(document_file, appendix.title, size=TITLE_SIZE, bold=True)
        if appendix.heading:
            _docx_paragraph(document_file, appendix.heading.upper(), size=TITLE_SIZE, bold=True)
        if appendix.subtitle:
            _docx_paragraph(document_file, appendix.subtitle, size=MOTTO_SIZE, italic=True)
        _docx_paragraph(document_file, size=6)
        _docx_blocks(document_file, appendix.blocks)
    buffer = io.BytesIO()
    document_file.save(buffer)
    return buffer.getvalue()
