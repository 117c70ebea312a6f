"""Reading the department's documents back as a reader would: the PDF's text (pypdf) and fonts,
the DOCX's paragraphs and tables (python-docx), in NFC with one space between words — lines
wrapped and justified on the page are one phrase."""
import io
import unicodedata

import docx
from pypdf import PdfReader

# The first lines of every document of the department (Decree 30/2020/NĐ-CP).
HEADER = ("UBND TỈNH HƯNG YÊN", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
          "Độc lập - Tự do - Hạnh phúc")


def collapse(text: str) -> str:
    """NFC, one space between words: lines wrapped (and justified) on the page are one phrase."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    return collapse("\n".join(page.extract_text() for page in reader.pages))


def pdf_fonts(data: bytes) -> dict[str, bool]:
    """Each font the PDF uses -> whether its TrueType program is embedded (FontFile2)."""
    fonts = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descriptor
    return fonts


def _docx_items(container):
    """Paragraphs and tables in document order, tables as rows of cells (each cell's items)."""
    for item in container.iter_inner_content():
        if isinstance(item, docx.table.Table):
            yield [[list(_docx_items(cell)) for cell in row.cells] for row in item.rows]
        else:
            yield item.text


def _flatten(items) -> list[str]:
    texts = []
    for item in items:
        if isinstance(item, str):
            texts.append(item)
        else:
            for row in item:
                for cell in row:
                    texts += _flatten(cell)
    return texts


def docx_document(data: bytes):
    assert data.startswith(b"PK")
    return docx.Document(io.BytesIO(data))


def docx_text(data: bytes) -> str:
    """Every paragraph of the body, inside table cells too, in order."""
    return collapse("\n".join(_flatten(_docx_items(docx_document(data)))))


def docx_tables(data: bytes) -> list[list[list[str]]]:
    """The tables of the body (not nested ones) as rows of cell texts."""
    return [[[collapse(cell.text) for cell in row.cells] for row in table.rows]
            for table in docx_document(data).tables]


def part(text: str, start: str, end: str | None = None) -> str:
    """The text from `start` up to `end` (or the end)."""
    begin = text.index(start)
    return text[begin:text.index(end, begin) if end else None]
