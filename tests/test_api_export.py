"""Open data: /api/v1/export/records.csv and .xlsx hold every approved record, with the
catalogue's filters, and nothing private. Checked row by row against the database."""
import codecs
import csv
import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy.orm import joinedload, selectinload

from registry.demo import seed
from registry.extensions import db
from registry.models import Application, Commune, District
from registry.models.applications import fields_of
from registry.presenters import PUBLIC_FIELDS
from tests.factories import make_application, make_user
from tests.places import XA_THAI_THUY, place


def spread_places() -> None:
    """After the demo data: every third record in a commune or ward of its own since
    01/07/2025 (with the former province it lies in), every third without any place, the rest
    keep what the demo gave them (a former district or a commune)."""
    communes = db.session.scalars(db.select(Commune).order_by(Commune.code)).all()
    ids = db.session.scalars(db.select(Application.id).order_by(Application.id)).all()
    for number, application_id in enumerate(ids):
        if number % 3 == 0:
            unit = communes[number // 3 % len(communes)]
            values = {"commune_id": unit.id, "district_id": None, "former_province": unit.former_province}
        elif number % 3 == 1:
            continue
        else:
            values = {"commune_id": None, "district_id": None, "former_province": None}
        db.session.execute(db.update(Application).where(Application.id == application_id).values(**values))
    db.session.commit()


FIRST_COLUMNS = ["id", "public_code", "kind", "organization", "district", "commune", "commune_name",
                 "former_province", "resource", "approved_on", "implementation_status"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def expected_rows(*conditions) -> list[list[str]]:
    """The public records (newest approval first) as the export should write them, read
    from the database here, not through the export's own query: approved, and for a project or
    startup with its support decision (`Application.is_public`)."""
    header = csv_header()
    applications = [a for a in db.session.scalars(
        db.select(Application)
        .where(Application.status == "approved", *conditions)
        .options(joinedload(Application.organization), joinedload(Application.commune),
                 joinedload(Application.district),
                 joinedload(Application.resource), selectinload(Application.support_decision))
        .order_by(Application.approved_on.desc(), Application.id.desc())
    ).all() if a.is_public]
    rows = []
    for application in applications:
        values = {
            "id": application.id, "public_code": application.public_code, "kind": application.kind,
            "organization": application.organization.name,
            "commune": application.commune.code if application.commune else None,
            # The official (Vietnamese) name, whatever the reader's language.
            "commune_name": application.commune.name_vi if application.commune else None,
            "former_province": application.former_province,
            "district": application.district.code if application.district else None,
            "resource": application.resource.code if application.resource else None,
            "approved_on": application.approved_on,
            "implementation_status": application.implementation_status,
        }
        for name in header[len(FIRST_COLUMNS):]:
            # Fields of other kinds are empty in the database, and so in the file.
            values[name] = getattr(application, name)
        rows.append([_text(values[name]) for name in header])
    return rows


def csv_header() -> list[str]:
    from registry.api.exports import HEADER

    return list(HEADER)


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert ".csv" in response.headers["Content-Disposition"]
    assert "Set-Cookie" not in response.headers
    body = response.get_data()
    assert body.startswith(codecs.BOM_UTF8), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.reader(io.StringIO(body[len(codecs.BOM_UTF8):].decode("utf-8"), newline="")))


def read_xlsx(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == XLSX
    assert ".xlsx" in response.headers["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    rows = [[_text(value) for value in row] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    return rows


def test_the_header_names_every_public_field_and_nothing_private(app):
    header = csv_header()
    assert header[:len(FIRST_COLUMNS)] == FIRST_COLUMNS
    assert set(header[len(FIRST_COLUMNS):]) == PUBLIC_FIELDS - {"commune", "district", "resource"}
    assert len(header) == len(set(header))
    every_field = {name for kind in ("project", "startup", "conservation", "pvp_filing") for name in fields_of(kind)}
    assert not set(header) & (every_field - PUBLIC_FIELDS)
    for private in ("email", "phone", "representative", "address", "search_text", "version", "status",
                    "review_checklist"):
        assert private not in header


def test_exports_match_the_database_row_by_row(client):
    seed(3000)
    spread_places()
    expected = expected_rows()
    assert len(expected) > 1000  # a few thousand applications, of which these are approved

    response = client.get("/api/v1/export/records.csv")
    assert response.is_streamed
    rows = read_csv(response)
    assert rows[0] == csv_header()
    assert len(rows) - 1 == len(expected)
    for number, (row, wanted) in enumerate(zip(rows[1:], expected), 2):
        assert row == wanted, f"CSV line {number}"

    workbook = read_xlsx(client.get("/api/v1/export/records.xlsx"))
    assert len(workbook) == len(rows)
    assert workbook[0] == csv_header()
    for number, (row, wanted) in enumerate(zip(workbook[1:], expected), 2):
        assert row == wanted, f"XLSX row {number}"


def test_filters_apply_to_the_exports(client):
    seed(800)
    spread_places()
    # Some records from before 01/07/2025, whatever the demo gave them: projects and conservation
    # efforts of Khoái Châu.
    district = db.session.scalar(db.select(District.id).filter_by(code="khoai_chau"))
    district_code = "khoai_chau"
    for kind in ("project", "conservation"):
        ids = db.select(Application.id).where(Application.status == "approved", Application.kind == kind,
                                              Application.district_id.is_(None)).order_by(Application.id).limit(3)
        db.session.execute(db.update(Application).where(Application.id.in_(ids))
                           .values(district_id=district, commune_id=None, former_province="hung_yen"))
    db.session.commit()
    commune_id = db.session.scalar(
        db.select(Application.commune_id).where(Application.status == "approved",
                                                Application.commune_id.is_not(None))
        .group_by(Application.commune_id).order_by(db.func.count().desc(), Application.commune_id).limit(1)
    )
    commune_code = db.session.scalar(db.select(Commune.code).where(Commune.id == commune_id))
    cases = [
        ({"kind": "conservation"}, [Application.kind == "conservation"]),
        ({"district": district_code}, [Application.district_id == district]),
        ({"kind": "project", "district": district_code},
         [Application.kind == "project", Application.district_id == district]),
        ({"commune": commune_code}, [Application.commune_id == commune_id]),
        ({"former_province": "thai_binh"}, [Application.former_province == "thai_binh"]),
        ({"former_province": "hung_yen", "kind": "startup"},
         [Application.former_province == "hung_yen", Application.kind == "startup"]),
        # Accents optional, every word somewhere: both spellings find the same records.
        ({"q": "dong tao"}, [Application.search_text.contains("dong"), Application.search_text.contains("tao")]),
        ({"q": "Đông Tảo"}, [Application.search_text.contains("dong"), Application.search_text.contains("tao")]),
        ({"q": "nhãn lồng", "kind": "conservation"},
         [Application.search_text.contains("nhan"), Application.search_text.contains("long"),
          Application.kind == "conservation"]),
        ({"kind": "startup", "q": "không có bản ghi nào như thế này"}, [db.false()]),
    ]
    everything = len(expected_rows())
    for args, conditions in cases:
        expected = expected_rows(*conditions)
        if args.get("q") != "không có bản ghi nào như thế này":
            assert 0 < len(expected) < everything, f"{args}: the filter should pick some records"
        rows = read_csv(client.get("/api/v1/export/records.csv", query_string=args))
        assert rows[1:] == expected, args
        workbook = read_xlsx(client.get("/api/v1/export/records.xlsx", query_string=args))
        assert workbook[1:] == expected, args
        # The catalogue API counts the same records.
        assert client.get("/api/v1/records", query_string=args).get_json()["total"] == len(expected), args


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_bad_filters_are_422(client, extension):
    for args in ({"kind": "dragon"}, {"district": "atlantis"}, {"year": "abc"}, {"field": "space"},
                 {"commune": "99999"}, {"former_province": "hai_duong"}):
        response = client.get(f"/api/v1/export/records.{extension}", query_string=args)
        assert response.status_code == 422, args
        assert response.get_json()["errors"].get(next(iter(args))), args


def test_exports_without_records_have_a_header_only(client):
    owner = make_user("applicant")
    make_application(owner, "project", "submitted")
    assert read_csv(client.get("/api/v1/export/records.csv")) == [csv_header()]
    assert read_xlsx(client.get("/api/v1/export/records.xlsx")) == [csv_header()]


def test_awkward_text_survives_both_formats(client):
    """Commas, quotes, line breaks and control characters typed by an applicant."""
    owner = make_user("applicant")
    awkward = make_application(
        owner, "project", "public",
        title='Dự án "nhãn lồng", giai đoạn 2;\nnhân giống\tsạch bệnh',
        expected_outputs="=SUM(A1:A2) \x0b kết quả\x07",
    )
    rows = read_csv(client.get("/api/v1/export/records.csv"))
    header = rows[0]
    assert len(rows) == 2
    assert rows[1][header.index("title")] == awkward.title
    assert rows[1][header.index("technologies")] == "cell_tissue"
    # A cell a spreadsheet would run as a formula is published with a leading apostrophe.
    assert rows[1][header.index("expected_outputs")] == "'" + awkward.expected_outputs
    response = client.get("/api/v1/export/records.xlsx")
    workbook = read_xlsx(response)
    assert len(workbook) == 2
    assert workbook[1][header.index("title")] == awkward.title
    # Characters a spreadsheet cannot hold are left out there, and only those; and an
    # applicant's "=..." is text, not a formula that runs in every reader's spreadsheet.
    assert workbook[1][header.index("expected_outputs")] == "=SUM(A1:A2)  kết quả"
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    cell = sheet.cell(row=2, column=header.index("expected_outputs") + 1)
    assert cell.data_type == "s"


def test_a_record_names_its_commune_and_former_province_or_its_former_district(client):
    owner = make_user("applicant")
    new = place(make_application(owner, "startup", "public", title="Khởi nghiệp nước mắm Thái Thụy"),
                XA_THAI_THUY)
    old = place(make_application(owner, "conservation", "approved", title="Bảo tồn từ năm 2024"),
                district_code="van_lam")
    for rows in (read_csv(client.get("/api/v1/export/records.csv")),
                 read_xlsx(client.get("/api/v1/export/records.xlsx"))):
        header = rows[0]
        by_id = {row[0]: dict(zip(header, row)) for row in rows[1:]}
        assert {name: by_id[str(new.id)][name] for name in ("commune", "commune_name", "former_province",
                                                             "district")} == {
            "commune": XA_THAI_THUY, "commune_name": "Xã Thái Thụy", "former_province": "thai_binh",
            "district": ""}
        assert {name: by_id[str(old.id)][name] for name in ("commune", "commune_name", "former_province",
                                                             "district")} == {
            "commune": "", "commune_name": "", "former_province": "hung_yen", "district": "van_lam"}
    only = read_csv(client.get("/api/v1/export/records.csv", query_string={"former_province": "thai_binh"}))
    assert [row[0] for row in only[1:]] == [str(new.id)]
    only = read_csv(client.get("/api/v1/export/records.csv", query_string={"commune": XA_THAI_THUY}))
    assert [row[0] for row in only[1:]] == [str(new.id)]
