"""The annual report as PDF and XLSX: the figures match the registry, Vietnamese survives the
trip, and the command line writes the files and sends the reminders."""
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import openpyxl
import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from registry.extensions import db
from registry.models import Agency, Application, ApplicationVersion, OutboxMessage, User
from registry.models.base import province_today
from registry.services import annual_report, plan_reports, report_files
from registry.services import targets as counting
from registry.services.unit_of_work import commit
from tests.factories import make_application, make_user, record_decision
from tests.places import PHUONG_PHO_HIEN, XA_KHOAI_CHAU, XA_NHU_QUYNH, XA_THAI_THUY, place

YEAR = province_today().year
KINDS = ("project", "startup", "conservation", "pvp_filing")


@dataclass
class Dataset:
    received: dict[str, int]
    approved: dict[str, int]
    narrative: str


def agency(code: str) -> Agency:
    return db.session.scalar(db.select(Agency).filter_by(code=code))


def file_agency_report(reporter: User, narrative: str):
    task = next(task for task, role in plan_reports.tasks_of_agency(reporter.agency)
                if role == "lead")
    report = plan_reports.save_report(
        task, reporter, YEAR, status="in_progress", narrative=narrative,
        figures=[{"label": "Diện tích ghép cải tạo", "value": "40", "unit": "ha"}])
    commit()
    plan_reports.submit_report(report, reporter, report.version)
    commit()
    return report


def received_by_kind() -> dict[str, int]:
    """Counted here without the report's code: applications whose first version exists."""
    rows = db.session.execute(
        db.select(Application.kind, db.func.count(db.distinct(Application.id)))
        .join(ApplicationVersion, ApplicationVersion.application_id == Application.id)
        .where(ApplicationVersion.number == 1).group_by(Application.kind))
    return dict(rows.all())


def approved_by_kind() -> dict[str, int]:
    rows = db.session.execute(
        db.select(Application.kind, db.func.count(Application.id))
        .where(Application.status == "approved").group_by(Application.kind))
    return dict(rows.all())


@pytest.fixture
def dataset(app) -> Dataset:
    owner = make_user("applicant")
    reviewer = make_user("reviewer")
    admin = make_user("admin")
    # Supported projects count from their decisions (issue 12). Each record in a commune or ward
    # (two of the former Thái Bình), one from before 01/07/2025 in its former district.
    record_decision(place(make_application(owner, "project", "approved", reviewer=reviewer),
                          XA_THAI_THUY), reviewer)
    record_decision(place(make_application(owner, "project", "approved", reviewer=reviewer),
                          district_code="van_lam"), reviewer)
    place(make_application(owner, "project", "in_review", reviewer=reviewer), XA_KHOAI_CHAU)
    place(make_application(owner, "project", "draft"), XA_KHOAI_CHAU)  # never submitted: not received
    place(make_application(owner, "startup", "approved", reviewer=reviewer), XA_THAI_THUY)
    place(make_application(owner, "startup", "rejected", reviewer=reviewer), PHUONG_PHO_HIEN)
    place(make_application(owner, "conservation", "approved", reviewer=reviewer), XA_KHOAI_CHAU)
    place(make_application(owner, "pvp_filing", "submitted"), XA_NHU_QUYNH)
    # Withdrawn as a draft: not received.
    place(make_application(owner, "pvp_filing", "withdrawn"), XA_THAI_THUY)
    plan_reports.save_award(
        None, admin, year=YEAR, nominee_kind="organization", nominee_name="Hợp tác xã Gà Đông Tảo",
        organization=None, achievement="Giữ giống gà Đông Tảo thuần chủng.", award_form="Bằng khen")
    commit()
    reporter = make_user("agency", agency=agency("DARD"))
    narrative = "Ghép cải tạo 40 ha vải trứng."
    file_agency_report(reporter, narrative)
    return Dataset(received=received_by_kind(), approved=approved_by_kind(), narrative=narrative)


def build(app, year: int = YEAR, lang: str = "vi") -> annual_report.AnnualReport:
    with app.test_request_context(), force_locale(lang):
        return annual_report.build(year)


def render(app, report, renderer) -> bytes:
    with app.test_request_context(), force_locale("vi"):
        return renderer(report)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


def embedded_fonts(data: bytes) -> set[str]:
    """Base names of the fonts whose program is embedded (FontFile2: TrueType)."""
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if "/FontFile2" in descriptor:
                    names.add(str(font["/BaseFont"]))
    return names


def sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def table_in_sheet(sheet, table: annual_report.Table) -> list[list]:
    """The data rows under the table's header row, as Excel holds them."""
    rows = sheet_rows(sheet)
    width = len(table.columns)
    start = next(i for i, row in enumerate(rows) if row[:width] == table.columns)
    return [row[:width] for row in rows[start + 1:start + 1 + len(table.rows)]]


# Figures ------------------------------------------------------------------------------------

def test_applications_by_kind_match_the_registry(app, dataset):
    report = build(app)
    by_kind = report.section("applications").tables[0]
    *kind_rows, total = by_kind.rows
    assert [row[1] for row in kind_rows] == [dataset.received.get(kind, 0) for kind in KINDS]
    assert [row[2] for row in kind_rows] == [dataset.approved.get(kind, 0) for kind in KINDS]
    assert [row[3] for row in kind_rows] == [dataset.approved.get(kind, 0) for kind in KINDS]
    approved = sum(dataset.approved.values())
    assert total[1:] == [7, 4, 4] == [sum(dataset.received.values()), approved, approved]


def table(report: annual_report.AnnualReport, title: str) -> annual_report.Table:
    return next(t for t in report.section("applications").tables if t.title == title)


def test_applications_by_place_as_the_province_is_and_was(app, dataset):
    """Since 01/07/2025 by commune or ward (with the former province each lies in) and by former
    province; the records from before by their former district. Received in the year, approved
    in the year, approved to date."""
    report = build(app, lang="en")
    assert table(report, "By former province").columns[:2] == ["Former province", f"Received in {YEAR}"]
    assert table(report, "By former province").rows == [
        ["Former Hưng Yên province", 5, 2, 2],  # Phố Hiến, Như Quỳnh, Khoái Châu ×2; Văn Lâm
        ["Former Thái Bình province", 2, 2, 2],  # a project and a startup in Xã Thái Thụy
        ["Total", 7, 4, 4],
    ]
    communes = table(report, "By commune or ward (since 01/07/2025)")
    assert communes.columns[:2] == ["Commune or ward", "Former province"]
    # The units with a figure, in the official order of their codes.
    assert communes.rows == [
        ["Phố Hiến Ward", "Former Hưng Yên province", 1, 0, 0],
        ["Như Quỳnh Commune", "Former Hưng Yên province", 1, 0, 0],
        ["Khoái Châu Commune", "Former Hưng Yên province", 2, 1, 1],
        ["Thái Thụy Commune", "Former Thái Bình province", 2, 2, 2],
        ["Total", "", 6, 3, 3],
    ]
    assert communes.ends_with_total
    assert table(report, "By former district (before 01/07/2025)").rows == [
        ["Van Lam", 1, 1, 1], ["Total", 1, 1, 1]]
    # The kinds still count every record, with a place or without.
    assert report.section("applications").tables[0].rows[-1] == ["Total", 7, 4, 4]

    # In Vietnamese, the official names.
    vietnamese = build(app)
    assert [row[0] for row in vietnamese.section("applications").tables[4].rows] == [
        "Phường Phố Hiến", "Xã Như Quỳnh", "Xã Khoái Châu", "Xã Thái Thụy", "Tổng cộng"]


def test_the_place_tables_reach_the_pdf_and_the_workbook(app, dataset):
    report = build(app)
    communes = report.section("applications").tables[4]
    text = pdf_text(render(app, report, report_files.pdf_bytes))
    for name in ("Xã Thái Thụy", "Phường Phố Hiến", "Văn Lâm"):
        assert name in text
    workbook = openpyxl.load_workbook(io.BytesIO(render(app, report, report_files.xlsx_bytes)))
    held = table_in_sheet(workbook[report.section("applications").sheet], communes)
    assert held[:-1] == communes.rows[:-1]
    assert held[-1][0] == communes.rows[-1][0] and held[-1][2:] == [6, 3, 3]


def test_target_values_match_the_progress_page(app, dataset):
    report = build(app)
    progress = counting.all_progress(report.as_of)
    rows = report.section("targets").tables[0].rows
    assert [(row[0], row[3]) for row in rows] == [(p.target.title, p.current) for p in progress]
    supported = next(p for p in progress if p.target.measure == "supported_projects")
    assert supported.current == 2


def target_row(report, code: str) -> list:
    rows = report.section("targets").tables[0].rows
    progress = counting.all_progress(report.as_of)
    return rows[[p.code for p in progress].index(code)]


def test_the_targets_say_who_set_them_and_how_they_are_measured(app, dataset):
    report = build(app, lang="en")
    section = report.section("targets")
    assert section.tables[0].columns == ["Target", "Aim", "Who set the target", "Current value",
                                         "Status", "Deadline", "How it is measured"]
    assert "People's Committee of Hưng Yên province, …/KH-UBND, 12/2023" in section.paragraphs[0]
    projects = target_row(report, "supported_projects")
    assert projects[1:3] == ["10–15 projects", "Target set by the plan"]
    conserved = target_row(report, "conserved_resources")
    # The plan sets no number: no aim, no status against one, no deadline.
    assert conserved[1:6] == ["—", "Registry indicator: the plan sets no target", 1,
                              "Registry indicator, no target", None]
    assert conserved[6].startswith("Indigenous genetic resources with at least one approved")
    assert target_row(report, "pvp_growth")[1] == "12–14 %"
    assert target_row(report, "pvp_growth")[4] == "The target's period has ended; by the deadline: No data yet"
    assert target_row(report, "biotech_revenue_growth")[1] == "50 %"


def record_pvp_years(years: dict[int, int]) -> None:
    admin = make_user("admin")
    for year, filings in years.items():
        counting.record_pvp_year(admin, year, filings, "Cục Trồng trọt")
    commit()


def test_plant_varieties_end_with_the_targets_period(app):
    """The target ends with 2025: its figure is 2023–2025; later years are information only."""
    record_pvp_years({2023: 25, 2024: 28, 2025: 32, 2026: 40})
    report = build(app, lang="en")
    section = report.section("pvp")
    assert section.paragraphs[:2] == [
        "The target: average yearly growth 2023–2025 of 13.1 %; the plan aims at 12–14 % by 2025.",
        "The target's period ended on 31 Dec 2025; by then: Achieved."]
    assert section.tables[0].title == "The target's period (2023–2025)"
    assert [row[0] for row in section.tables[0].rows] == ["2023", "2024", "2025"]
    assert "2030" not in " ".join(section.paragraphs)

    # A year later the filings of 2026 are complete: shown, for information, apart.
    with app.test_request_context(), force_locale("en"):
        later = annual_report.build(2027, today=date(2028, 1, 15)).section("pvp")
    assert [row[0] for row in later.tables[0].rows] == ["2023", "2024", "2025"]
    assert later.tables[1].title == "After the target's period, for information"
    assert later.tables[1].rows == [["2026", 40, 25.0]]
    assert "The years after 2025 are shown for information: they are not part of the target." in later.paragraphs
    assert later.paragraphs[0].startswith("The target: average yearly growth 2023–2025 of 13.1 %")


def test_genetic_resources_count_what_the_targets_count(app):
    from registry.models import GeneticResource
    from registry.services import applications as workflow
    from registry.services import genetics

    owner, reviewer = make_user("applicant"), make_user("reviewer")
    first = make_application(owner, "conservation", "approved", reviewer=reviewer)  # Đông Tảo
    make_application(owner, "conservation", "approved", reviewer=reviewer, resource="nhan_long")
    make_application(owner, "conservation", "submitted", resource="vai_trung")  # not approved
    workflow.set_implementation_status(first, reviewer, "completed", "", first.version)
    commit()
    longan = db.session.scalar(db.select(GeneticResource).filter_by(code="nhan_long"))
    genetics.add_barcode(longan, reviewer, {"sample_id": "NL-1", "marker": "ITS2",
                                            "sequence": "ACGT" * 60})
    commit()
    report = build(app, lang="en")
    section = report.section("genetics")
    table = section.tables[0]
    assert table.columns[2:5] == ["Indigenous", "Risk status", "Ongoing conservation records"]
    by_name = {row[0]: row for row in table.rows}
    assert by_name["Dong Tao chicken"][4] == 0  # its record is completed: no longer conserved
    assert by_name["Hung Yen caged longan"][4] == 1 and by_name["Hung Yen caged longan"][9] == 1
    assert by_name["Hung Yen egg litchi"][4] == 0
    conserved = counting.measure(target("conserved_resources"), report.as_of).current
    barcoded = counting.measure(target("dna_barcoded_resources"), report.as_of).current
    assert (conserved, barcoded) == (1, 1)
    assert sum(1 for row in table.rows if row[2] == "Yes" and row[4]) == conserved
    assert sum(1 for row in table.rows if row[2] == "Yes" and row[9]) == barcoded
    assert section.paragraphs[0].startswith("Indigenous resources with an approved, ongoing conservation "
                                            "record: 1; with at least one DNA barcode record: 1")


def target(code: str):
    from registry.models import Target

    return db.session.scalar(db.select(Target).filter_by(code=code))


def task_row(report, code: str) -> list:
    return next(row for row in report.section("tasks").tables[0].rows if row[0] == code)


def test_tasks_name_the_plans_agencies_in_its_order_with_todays(app, dataset):
    report = build(app, lang="en")
    ii1 = task_row(report, "II.1")
    # Each of today's agencies once, with the plan's agencies whose duties it carries.
    assert ii1[2].startswith(
        "Department of Science and Technology; Department of Agriculture and Environment (formerly "
        "Department of Agriculture and Rural Development; Department of Natural Resources and "
        "Environment); Department of Industry and Trade; Department of Health;")
    assert ii1[2].count("Department of Agriculture and Environment") == 1
    assert ii1[2].endswith("Department of Home Affairs (formerly Department of Labour, Invalids and Social Affairs)")
    # The plan's words for who coordinates, once, and who carries the district committees' part today.
    assert ii1[3].count("People's Committees of the districts, town and city") == 2
    assert ii1[3].startswith("Relevant departments and sectors;")
    assert ii1[3].endswith("Today: People's Committees of the communes and wards (formerly People's "
                           "Committees of the districts, town and city).")
    iii3 = task_row(report, "III.3")
    assert iii3[3].startswith("As III.1 (merged cell in the plan's table): Relevant departments")
    assert iii3[4].startswith("As III.1 (merged cell in the plan's table): ")
    assert task_row(report, "III.1")[3].startswith("Relevant departments")  # III.1 is the cell itself
    iii6 = task_row(report, "III.6")
    assert iii6[2].startswith("The plan names no lead agency; the registry takes Provincial Police")
    assert task_row(report, "III.5")[2] == "Provincial Police"

    # The reports are filed by today's agency, named with the plan's whose duties it carries.
    reports = report.section("tasks").tables[1].rows
    dae = [row[1] for row in reports if row[0] == "II.1" and "Agriculture and Environment" in row[1]]
    assert dae == ["Department of Agriculture and Environment (formerly Department of Agriculture and "
                   "Rural Development; Department of Natural Resources and Environment)"]
    # A task the plan gives to every agency (I.1): today's agency alone.
    submitted = report.section("agency_reports").tables[0].rows
    assert [row[:2] for row in submitted] == [["I.1", "Department of Agriculture and Environment"]]

    vietnamese = build(app)
    assert "Sở Nông nghiệp và Môi trường" in task_row(vietnamese, "II.1")[2]
    assert task_row(vietnamese, "II.1")[2].startswith("Sở Khoa học và Công nghệ; ")


# PDF ----------------------------------------------------------------------------------------

def test_pdf_keeps_vietnamese_text_and_embeds_its_font(app, dataset):
    report = build(app)
    data = render(app, report, report_files.pdf_bytes)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for phrase in ("Đông Tảo", "Vải trứng", "Sở Khoa học và Công nghệ", dataset.narrative,
                   "Hợp tác xã Gà Đông Tảo", report.section("applications").title):
        assert phrase in text
    fonts = embedded_fonts(data)
    assert fonts and all("DejaVu" in name for name in fonts)


def test_pdf_breaks_a_very_long_report_across_pages(app, dataset):
    """fpdf2 cannot split one table row over pages; a 20,000-character report must still print."""
    reporter = make_user("agency", agency=agency("DOH"))
    ending = "Hết báo cáo của Sở Y tế."
    narrative = ("Nuôi cấy mô cây dược liệu tại Văn Giang. " * 500)[:19_900] + ending
    file_agency_report(reporter, narrative)
    text = pdf_text(render(app, build(app), report_files.pdf_bytes))
    assert ending in text


# XLSX ---------------------------------------------------------------------------------------

def test_xlsx_has_a_sheet_per_section_with_native_figures(app, dataset):
    report = build(app)
    workbook = openpyxl.load_workbook(io.BytesIO(render(app, report, report_files.xlsx_bytes)))
    assert workbook.sheetnames == [section.sheet for section in report.sections]
    assert workbook.sheetnames[:2] == ["Tóm tắt", "Hồ sơ"]

    first = sheet_rows(workbook.worksheets[0])
    assert [first[0][0], first[1][0]] == [report.title, "Sở Khoa học và Công nghệ"]

    by_kind = report.section("applications").tables[0]
    held = table_in_sheet(workbook[report.section("applications").sheet], by_kind)
    assert held == by_kind.rows
    assert held[-1][1:] == [7, 4, 4] and all(isinstance(n, int) for n in held[-1][1:])

    targets = workbook[report.section("targets").sheet]
    deadline = next(cell for row in targets.iter_rows() for cell in row
                    if isinstance(cell.value, datetime))
    assert deadline.number_format == "dd/mm/yyyy"


def test_sheet_names_follow_excels_rules():
    taken: set[str] = set()
    assert report_files.sheet_name("Nguồn gen: bảo tồn/mã vạch [ADN]?", taken) == \
        "Nguồn gen bảo tồn mã vạch ADN"
    long = "Báo cáo của các sở, ban, ngành và địa phương"
    first, second = report_files.sheet_name(long, taken), report_files.sheet_name(long, taken)
    assert first == "Báo cáo của các sở, ban, ngành"  # cut at 31, the trailing space dropped
    assert second == "Báo cáo của các sở, ban, ng (2)"
    assert report_files.sheet_name("History", taken) != "History"


# Command line -------------------------------------------------------------------------------

def test_cli_writes_the_annual_report_as_pdf(app, runner, dataset, tmp_path):
    path = tmp_path / "bao-cao.pdf"
    result = runner.invoke(args=["annual-report", "--year", "2026", "--format", "pdf",
                                 "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert str(path) in result.output
    text = pdf_text(path.read_bytes())
    assert "Sở Khoa học và Công nghệ" in text and "Tóm tắt" in text


def test_cli_writes_xlsx_in_english_on_request(app, runner, dataset, tmp_path):
    path = tmp_path / "report.xlsx"
    result = runner.invoke(args=["annual-report", "--year", str(YEAR), "--format", "xlsx",
                                 "-o", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[:3] == ["Summary", "Applications", "Targets"]
    assert sheet_rows(workbook["Summary"])[1][0] == "Department of Science and Technology"


@pytest.mark.parametrize("args, message", [
    (["--year", "2019", "--format", "pdf"], "2019 is not a report year"),
    (["--year", str(YEAR + 2), "--format", "pdf"], f"{YEAR + 2} is not a report year"),
    (["--year", "twenty", "--format", "pdf"], "'twenty' is not a valid integer"),
    (["--year", "2026", "--format", "docx"], "'docx' is not one of 'pdf', 'xlsx'"),
])
def test_cli_refuses_a_bad_year_or_format(app, runner, tmp_path, args, message):
    path = tmp_path / "report"
    result = runner.invoke(args=["annual-report", *args, "-o", str(path)])
    assert result.exit_code != 0
    assert message in result.output
    assert not path.exists()


def test_cli_sends_each_reminder_once(app, runner):
    reporter = make_user("agency", agency=agency("DARD"), email="bao.cao@sonn.example.vn")
    first = runner.invoke(args=["send-reminders", "--today", "2026-10-27"])
    assert first.exit_code == 0, first.output
    # The reporter of the plan's DARD reports for today's Department of Agriculture and Environment.
    assert first.output.startswith("Reminded DAE (14 days before): 1 recipient, ")
    again = runner.invoke(args=["send-reminders", "--today", "2026-10-27"])
    assert again.output.strip() == "No reminders due."
    messages = db.session.scalars(db.select(OutboxMessage)).all()
    assert [m.recipient for m in messages] == [reporter.email]


def test_cli_says_when_no_reminder_is_due(app, runner):
    make_user("agency", agency=agency("DARD"))
    result = runner.invoke(args=["send-reminders", "--today", "2026-06-01"])
    assert result.exit_code == 0 and result.output.strip() == "No reminders due."


def test_cli_creates_an_agency_reporter(app, runner):
    def create(email: str, code: str):
        return runner.invoke(args=["create-user", email, "--role", "agency",
                                   "--password", "Hoa-sen-trong-dam-2026", "--agency", code])

    result = create("phong.khcn@sonn.example.vn", "DARD")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).filter_by(email="phong.khcn@sonn.example.vn"))
    assert user.agency.code == "DARD"

    result = create("ai.do@example.vn", "NOPE")
    assert result.exit_code == 1
    assert "No agency with the code NOPE" in result.output
    assert db.session.scalar(db.select(User).filter_by(email="ai.do@example.vn")) is None


def test_the_enterprise_register_is_in_the_report_with_its_measures_and_sources(app):
    """Item 8: the 50 % growth is computed from the register, so the report shows the register."""
    from registry.services import enterprises
    from tests.places import commune

    admin = make_user("admin")
    thai_thuy = commune(XA_THAI_THUY)
    grown = enterprises.create_enterprise(admin, name="Công ty TNHH Vi sinh Thái Thụy", tax_code="1000456784",
                                          field="agriculture", commune=thai_thuy,
                                          in_register_since=date(2024, 1, 15))
    for year, investment, revenue in ((2023, 10_000_000_000, 20_000_000_000),
                                      (2025, 16_000_000_000, 25_000_000_000)):
        enterprises.record_year_figure(grown, admin, year=year, investment_vnd=investment,
                                       revenue_vnd=revenue, import_replacing_revenue_vnd=5_000_000_000,
                                       source=f"Báo cáo tài chính năm {year}", reported_on=date(2026, 3, 31))
    enterprises.record_import_baseline(admin, value_vnd=50_000_000_000, source="Cục Hải quan tỉnh",
                                       reported_on=date(2024, 6, 30))
    commit()
    section = build(app, 2026).section("enterprises")
    [row] = section.tables[0].rows
    assert row[:4] == ["Công ty TNHH Vi sinh Thái Thụy", "1000456784", thai_thuy.name, "Tỉnh Thái Bình cũ"]
    assert row[5:10] == [10_000_000_000, 16_000_000_000, 20_000_000_000, 25_000_000_000, 5_000_000_000]
    text = " ".join(section.paragraphs)
    assert "60 % (2025 so với 2023)" in text and "25 % (2025 so với 2023)" in text
    assert "10 % (2025 so với 2023)" in text  # 5 of the 50 billion imported in 2023
    assert "Báo cáo tài chính năm 2023" in text and "Cục Hải quan tỉnh" in text
