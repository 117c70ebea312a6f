"""Open data: every approved record as CSV or XLSX, streamed so that memory stays flat
however many records there are."""
import csv
import io
import tempfile
from datetime import date

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from registry.extensions import db
from registry.models import Application, Commune, District, GeneticResource, Organization
from registry.models.applications import COMMON_FIELDS, KIND_FIELDS
from registry.presenters import PUBLIC_FIELDS
from registry.services import generated_files
from registry.services.records import RecordFilters, newest_first

BATCH = 1000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Where a record is: the former district (a code) of a record made before 01/07/2025, or the
# commune or ward (its official code and name) of one made since; and the former province
# (hung_yen, thai_binh) its place lies in.
PLACE_COLUMNS = ["district", "commune", "commune_name", "former_province"]
# Each kind's public fields once, in form order, after the columns every record has.
FIELD_COLUMNS = [
    name for name in dict.fromkeys([*COMMON_FIELDS, *(f for fields in KIND_FIELDS.values() for f in fields)])
    if name in PUBLIC_FIELDS and name not in (*PLACE_COLUMNS, "resource")
]
HEADER = ["id", "public_code", "kind", "organization", *PLACE_COLUMNS, "resource", "approved_on",
          "implementation_status", *FIELD_COLUMNS]


def _rows(filters: RecordFilters):
    """Plain tuples straight from the database, a batch at a time (no ORM objects kept)."""
    columns = [getattr(Application, name) for name in FIELD_COLUMNS]
    statement = newest_first(
        db.select(Application.id, Application.public_code, Application.kind, Organization.name,
                  District.code, Commune.code, Commune.name_vi, Application.former_province,
                  GeneticResource.code, Application.approved_on,
                  Application.implementation_status, *columns)
        .join(Organization, Application.organization_id == Organization.id)
        .outerjoin(District, Application.district_id == District.id)
        .outerjoin(Commune, Application.commune_id == Commune.id)
        .outerjoin(GeneticResource, Application.resource_id == GeneticResource.id)
        .where(*filters.conditions())
    )
    result = db.session.execute(statement.execution_options(yield_per=BATCH))
    for row in result:
        yield [_cell(value) for value in row]


def _cell(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(value)
    return "" if value is None else value


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A text cell that a spreadsheet would run as a formula is published with a leading
    apostrophe, which shows it as the text it is. Every CSV the registry writes goes through
    this."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _disposition(extension: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="hung-yen-biotech-records.{extension}"'}


def _csv_chunks(filters: RecordFilters):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # The byte-order mark tells Excel the file is UTF-8, so Vietnamese shows correctly.
    yield "\ufeff"
    writer.writerow(HEADER)
    for number, row in enumerate(_rows(filters), 1):
        writer.writerow([csv_safe(value) for value in row])
        if number % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(filters: RecordFilters) -> Response:
    """Every record (built once per data version and stored), or the records of a filter
    (streamed from its first row)."""
    if not filters.active:
        return generated_files.download(
            "records.csv", "text/csv; charset=utf-8", headers=_disposition("csv"),
            build=lambda out: out.writelines(chunk.encode() for chunk in _csv_chunks(filters)))
    return Response(stream_with_context(_csv_chunks(filters)), mimetype="text/csv",
                    headers=_disposition("csv"), content_type="text/csv; charset=utf-8")


def xlsx_cell(sheet, value):
    """Applicants' text stays text: control characters that XML cannot hold are left out
    (openpyxl would refuse the whole file), and a leading "=" is not a live formula."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith("="):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _write_xlsx(filters: RecordFilters, out) -> None:
    # Write-only mode keeps rows out of memory; the workbook is written to a file on disk.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("records")
    sheet.append(HEADER)
    for row in _rows(filters):
        sheet.append([xlsx_cell(sheet, value) for value in row])
    workbook.save(out)


def xlsx_response(filters: RecordFilters) -> Response:
    """Every record (built once per data version and stored), or the records of a filter."""
    if not filters.active:
        return generated_files.download("records.xlsx", XLSX, headers=_disposition("xlsx"),
                                        build=lambda out: _write_xlsx(filters, out))

    def generate():
        with tempfile.TemporaryFile() as spool:
            _write_xlsx(filters, spool)
            spool.seek(0)
            while chunk := spool.read(64 * 1024):
                yield chunk

    return Response(stream_with_context(generate()), mimetype=XLSX, headers=_disposition("xlsx"))
