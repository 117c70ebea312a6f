"""The annual report as the department's signed document: staff write a draft (optimistic
locking), an administrator issues it with its number and date, the text and figures freeze and
the PDF and DOCX stored then download as the same bytes; corrections replace an issue; the
30/11 deadline is counted down, reminded and marked late. The files are read back: PDF text by
pypdf, the DOCX by python-docx."""
import hashlib
import io
import unicodedata
from datetime import date, timedelta

import pytest

from registry.extensions import db
from registry.models import AnnualReportDraft, AnnualReportReminder, IssuedReport, OutboxMessage
from registry.models.annual_reports import SECTIONS
from registry.models.base import province_today
from registry.services import annual_documents
from registry.services.errors import Conflict, ValidationFailed
from registry.services.unit_of_work import commit
from tests.documents import HEADER, docx_document, docx_text, pdf_fonts, pdf_text
from tests.factories import make_application, make_user, record_decision

TODAY = province_today()
YEAR = TODAY.year
PAST_YEAR = YEAR - 1  # its 30/11 is behind us whatever the day the suite runs
# Typed decomposed (as some keyboards send it): the document holds it composed (NFC).
ASSESSMENT_TYPED = unicodedata.normalize(
    "NFD", "Năm nay, Sở đã bảo tồn giống gà Đông Tảo, Vải trứng và Nhãn lồng.")
ASSESSMENT = unicodedata.normalize("NFC", ASSESSMENT_TYPED)


def section_form(version, **texts) -> dict:
    form = {f"section_{code}": f"Nội dung mục {code}: đánh giá của Sở." for code in SECTIONS}
    form.update({f"section_{code}": text for code, text in texts.items()})
    form.update(version=str(version), recipients="UBND tỉnh (để báo cáo)\nLưu: VT, QLKH",
                signing_authority="deputy", signer_name="Trần Thị Bình")
    return form


def write_draft(user, year: int):
    """A complete draft, saved through the service: every section, the recipients, the signer."""
    draft = annual_documents.save_draft(user, year, sections=dict.fromkeys(SECTIONS, "Nội dung."),
                                        recipients="Lưu: VT", signing_authority="director",
                                        signer_name="Nguyễn Văn An", version=0)
    commit()
    return draft


@pytest.fixture
def admin(login):
    user = make_user("admin")
    login(user)
    return user


def save_draft(client, year=YEAR, version=0, **texts):
    return client.post(f"/review/annual-report/{year}/draft", data=section_form(version, **texts))


def issue(client, year=YEAR, number=7, issued_on=TODAY, note="", version=None):
    if version is None:
        version = annual_documents.draft_of(year).version
    return client.post(f"/review/annual-report/{year}/issue", data={
        "version": str(version), "number": str(number), "issued_on": issued_on.isoformat(),
        "correction_note": note})


def test_staff_write_the_draft_and_a_stale_save_is_refused_with_the_text_kept(client, admin):
    client.set_cookie("lang", "en")
    page = client.get(f"/review/annual-report/{YEAR}/draft")
    assert page.status_code == 200
    # Beside the assessment: the figures the report will carry.
    assert "Figures the report will carry" in page.text
    assert save_draft(client, assessment=ASSESSMENT_TYPED).status_code == 302
    draft = annual_documents.draft_of(YEAR)
    assert draft.text("assessment") == ASSESSMENT and draft.version == 1
    # A second writer who opened the page before that save sends version 0.
    stale = save_draft(client, version=0, assessment="Bản của người thứ hai.")
    assert stale.status_code == 409
    assert "Someone else saved this report meanwhile" in stale.text
    assert "Bản của người thứ hai." in stale.text  # what they typed is still in the form
    db.session.expire_all()
    assert annual_documents.draft_of(YEAR).text("assessment") == ASSESSMENT


def test_the_agencies_narratives_stand_beside_their_task_group(client, admin):
    from tests.test_annual_report import agency, file_agency_report

    reporter = make_user("agency", agency=agency("DARD"))
    report = file_agency_report(reporter, "Ghép cải tạo 40 ha vải trứng.")
    # Task II.1 is in the plan's group III.2, III.1 in III.3, …: by the code's first numeral.
    group = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}[report.task.code.split(".")[0]]
    narratives = annual_documents.agency_narratives(YEAR)
    assert [n.text for n in narratives[f"group_{group}"]] == ["Ghép cải tạo 40 ha vải trứng."]
    assert not any(narratives[f"group_{other}"] for other in range(1, 6) if other != group)
    client.set_cookie("lang", "en")
    page = client.get(f"/review/annual-report/{YEAR}/draft")
    beside = page.text.split(f'id="section-group_{group}-title"')[1].split('</section>')[0]
    assert "Ghép cải tạo 40 ha vải trứng." in beside


def test_issuing_freezes_the_report_and_every_download_is_the_same_bytes(client, admin):
    owner, reviewer = make_user("applicant"), make_user("reviewer")
    record_decision(make_application(owner, "project", "approved", reviewer=reviewer), reviewer)
    commit()
    save_draft(client, assessment=ASSESSMENT_TYPED)
    response = issue(client, number=7)
    assert response.status_code == 302
    issued = db.session.scalar(db.select(IssuedReport))
    assert issued.number_label == "07/BC-SKHCN" and issued.replaces is None

    first = client.get(f"/review/annual-report/issued/{issued.id}.pdf")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert "attachment" in first.headers["Content-Disposition"]
    # The figures change afterwards: the issued report does not.
    record_decision(make_application(owner, "project", "approved", reviewer=reviewer), reviewer)
    commit()
    second = client.get(f"/review/annual-report/issued/{issued.id}.pdf")
    assert second.data == first.data
    assert hashlib.sha256(first.data).hexdigest() == issued.pdf_sha256
    assert client.get(f"/review/annual-report/issued/{issued.id}.pdf",
                      headers={"If-None-Match": f'"{issued.pdf_sha256}"'}).status_code == 304

    text = pdf_text(first.data)
    for line in HEADER:
        assert line in text
    assert "Số: 07/BC-SKHCN" in text
    assert f"Hưng Yên, ngày {TODAY.day:02d} tháng" in text
    assert "BÁO CÁO" in text
    assert "Kính gửi: Ủy ban nhân dân tỉnh Hưng Yên." in text
    for title in ("I. ĐÁNH GIÁ CHUNG", "III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "V. KIẾN NGHỊ, ĐỀ XUẤT",
                  "Nơi nhận:", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Thị Bình", "Phụ lục I HỒ SƠ"):
        assert title in text
    assert ASSESSMENT in text
    assert "DỰ THẢO" not in text
    fonts = pdf_fonts(first.data)
    assert fonts and all(fonts.values()) and all("LiberationSerif" in name for name in fonts)

    word = client.get(f"/review/annual-report/issued/{issued.id}.docx")
    assert word.mimetype.endswith("wordprocessingml.document")
    assert word.data == client.get(f"/review/annual-report/issued/{issued.id}.docx").data
    assert hashlib.sha256(word.data).hexdigest() == issued.docx_sha256
    written = docx_text(word.data)
    for line in (*HEADER, "Số: 07/BC-SKHCN", "Kính gửi: Ủy ban nhân dân tỉnh Hưng Yên.",
                 "I. ĐÁNH GIÁ CHUNG", ASSESSMENT, "- Lưu: VT, QLKH."):
        assert line in written
    document = docx_document(word.data)
    assert document.styles["Normal"].font.name == "Times New Roman"
    section = document.sections[0]
    assert (round(section.left_margin.mm), round(section.right_margin.mm),
            round(section.top_margin.mm), round(section.page_width.mm)) == (30, 15, 20, 210)

    # The frozen text is the draft's as it was: a later edit changes the draft, not the issue.
    save_draft(client, version=annual_documents.draft_of(YEAR).version, assessment="Sửa sau khi ban hành.")
    assert client.get(f"/review/annual-report/issued/{issued.id}.pdf").data == first.data
    client.set_cookie("lang", "en")
    listing = client.get(f"/review/annual-report?year={YEAR}")
    assert "07/BC-SKHCN" in listing.text and "In force" in listing.text


def test_a_draft_downloads_marked_as_such_with_blanks_for_number_and_date(client, admin):
    save_draft(client)
    data = client.get(f"/review/annual-report/{YEAR}/draft.pdf").data
    text = pdf_text(data)
    assert "DỰ THẢO" in text and "Số: /BC-SKHCN" in text
    assert "DỰ THẢO" in docx_text(client.get(f"/review/annual-report/{YEAR}/draft.docx").data)


def test_a_correction_names_the_report_it_replaces(client, admin):
    save_draft(client)
    issue(client, number=7)
    without_reason = issue(client, number=8)
    assert without_reason.status_code == 422
    assert db.session.scalar(db.select(db.func.count(IssuedReport.id))) == 1
    assert issue(client, number=8, note="Sửa số liệu mục II.3.").status_code == 302
    first, correction = db.session.scalars(db.select(IssuedReport).order_by(IssuedReport.id)).all()
    assert correction.replaces_id == first.id and annual_documents.current_issue(YEAR).id == correction.id
    text = pdf_text(client.get(f"/review/annual-report/issued/{correction.id}.pdf").data)
    assert "thay thế Báo cáo số 07/BC-SKHCN" in text and "Sửa số liệu mục II.3." in text
    client.set_cookie("lang", "en")
    listing = client.get(f"/review/annual-report?year={YEAR}").text
    assert "Replaced by No. 08/BC-SKHCN" in listing and "Replaces No. 07/BC-SKHCN" in listing


@pytest.mark.parametrize(("change", "field"), [
    ({"number": ""}, "number"),
    ({"number": "abc"}, "number"),
    ({"issued_on": (TODAY + timedelta(days=1)).isoformat()}, "issued_on"),
    ({"issued_on": "31/02/2026"}, "issued_on"),
])
def test_a_bad_number_or_date_is_refused_and_nothing_is_issued(client, admin, change, field):
    save_draft(client)
    data = {"version": "1", "number": "7", "issued_on": TODAY.isoformat(), **change}
    response = client.post(f"/review/annual-report/{YEAR}/issue", data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert db.session.scalar(db.select(db.func.count(IssuedReport.id))) == 0


def test_an_empty_section_a_taken_number_and_a_stale_page_are_refused(client, admin):
    save_draft(client, shortcomings="")
    client.set_cookie("lang", "en")
    empty = issue(client)
    assert empty.status_code == 422 and "Shortcomings and their causes" in empty.text
    save_draft(client, version=1)
    issue(client, number=7)
    # A second first issue from a page opened before: the draft moved on.
    assert issue(client, number=9, version=2, note="x").status_code == 409
    taken = issue(client, number=7, note="Sửa.")
    assert taken.status_code == 422 and "already taken" in taken.text
    assert db.session.scalar(db.select(db.func.count(IssuedReport.id))) == 1


def test_only_administrators_issue(client, login):
    reviewer = make_user("reviewer")
    login(reviewer)
    assert save_draft(client).status_code == 302  # reviewers write
    assert client.get(f"/review/annual-report/{YEAR}/issue").status_code == 403
    assert issue(client).status_code == 403
    with pytest.raises(Exception):  # the service refuses too, whatever the caller
        annual_documents.issue_report(reviewer, YEAR, number=1, issued_on=TODAY, version=1)


def test_an_issued_report_is_never_changed(client, admin):
    save_draft(client)
    issue(client)
    issued = db.session.scalar(db.select(IssuedReport))
    issued.number = 99
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()


def test_lateness_counts_from_the_first_issue(app, admin):
    draft = write_draft(admin, PAST_YEAR)
    on_time = annual_documents.issue_report(admin, PAST_YEAR, number=3, issued_on=date(PAST_YEAR, 11, 28),
                                            version=draft.version)
    commit()
    assert not on_time.late
    correction = annual_documents.issue_report(admin, PAST_YEAR, number=4, issued_on=date(PAST_YEAR, 12, 5),
                                               version=draft.version, correction_note="Sửa lỗi chính tả.")
    commit()
    assert not correction.late  # corrected after 30/11, first issued before it
    deadline = annual_documents.deadline(PAST_YEAR)
    assert deadline.issued and deadline.issue.id == on_time.id


def test_a_report_first_issued_after_30_november_is_late(app, admin):
    draft = write_draft(admin, PAST_YEAR)
    late = annual_documents.issue_report(admin, PAST_YEAR, number=3, issued_on=date(PAST_YEAR, 12, 1),
                                         version=draft.version)
    commit()
    assert late.late


def test_the_dashboard_counts_down_to_30_november(client, admin):
    client.set_cookie("lang", "en")
    page = client.get("/review/dashboard").text
    deadline = annual_documents.deadline(YEAR)
    if deadline.overdue:
        assert "days past the annual report's deadline" in page or "day past" in page
    else:
        assert "left to issue the annual report" in page
    assert annual_documents.deadline(YEAR, today=date(YEAR, 11, 20)).days_left == 10
    assert annual_documents.deadline(YEAR, today=date(YEAR, 12, 2)).overdue


def test_staff_are_reminded_14_and_3_days_before_until_the_report_is_issued(app):
    reviewer, admin = make_user("reviewer"), make_user("admin")
    make_user("applicant")
    commit()
    assert annual_documents.send_reminders(date(YEAR, 11, 10)) == 0  # 20 days before: none yet
    assert annual_documents.send_reminders(date(YEAR, 11, 16)) == 2
    commit()
    assert annual_documents.send_reminders(date(YEAR, 11, 17)) == 0  # that milestone is sent
    messages = db.session.scalars(db.select(OutboxMessage)).all()
    assert {m.recipient for m in messages} == {reviewer.email, admin.email}
    assert "30/11" in messages[0].subject
    assert annual_documents.send_reminders(date(YEAR, 11, 28)) == 2
    commit()
    assert db.session.scalar(db.select(db.func.count(AnnualReportReminder.id))) == 2
    assert annual_documents.send_reminders(date(YEAR, 12, 1)) == 0  # past the deadline


def test_no_reminder_once_the_report_is_issued(app):
    admin = make_user("admin")
    draft = write_draft(admin, PAST_YEAR)
    annual_documents.issue_report(admin, PAST_YEAR, number=1, issued_on=date(PAST_YEAR, 11, 10),
                                  version=draft.version)
    commit()
    assert annual_documents.send_reminders(date(PAST_YEAR, 11, 27)) == 0


def test_the_service_checks_the_version_and_the_fields(app):
    admin = make_user("admin")
    with pytest.raises(ValidationFailed):
        annual_documents.save_draft(admin, YEAR, sections={}, recipients="", signing_authority="king",
                                    signer_name="", version=0)
    db.session.rollback()
    annual_documents.save_draft(admin, YEAR, sections={}, recipients="", signing_authority="director",
                                signer_name="", version=0)
    commit()
    with pytest.raises(Conflict):
        annual_documents.save_draft(admin, YEAR, sections={}, recipients="", signing_authority="director",
                                    signer_name="", version=0)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(AnnualReportDraft.id))) == 1


def test_four_administrators_issuing_at_once_make_one_report(app):
    """Real concurrent requests on a threaded server: one issue wins, the others are told."""
    import http.cookiejar
    import threading
    import urllib.error
    import urllib.parse
    import urllib.request

    from tests.conftest import serving
    from tests.factories import PASSWORD
    from tests.test_races import ServedConfig

    admins = [make_user("admin") for _ in range(4)]
    draft = write_draft(admins[0], YEAR)
    version = draft.version
    with serving(ServedConfig) as url:
        openers = []
        for admin in admins:
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
            opener.open(url + "/auth/login", urllib.parse.urlencode(
                {"email": admin.email, "password": PASSWORD}).encode())
            openers.append(opener)
        barrier = threading.Barrier(len(openers))
        statuses = []

        def issue_once(opener, number):
            body = urllib.parse.urlencode({"version": version, "number": number,
                                           "issued_on": TODAY.isoformat()}).encode()
            barrier.wait()
            try:
                with opener.open(f"{url}/review/annual-report/{YEAR}/issue", body, timeout=120) as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)

        threads = [threading.Thread(target=issue_once, args=(opener, 10 + n)) for n, opener in enumerate(openers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
    # The winner lands on the report's page (a redirect followed: 200); the others get 409.
    assert sorted(statuses) == [200, 409, 409, 409], statuses
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(IssuedReport.id))) == 1


def test_the_frozen_content_renders_the_issued_text_again(client, admin):
    from registry.services.official_documents import OfficialDocument, docx_bytes, pdf_bytes

    save_draft(client, assessment=ASSESSMENT_TYPED)
    issue(client, number=7)
    issued = db.session.scalar(db.select(IssuedReport))
    document = OfficialDocument.from_json(issued.content)
    assert document.to_json() == issued.content
    assert pdf_text(pdf_bytes(document)) == pdf_text(issued.pdf)
    assert docx_text(docx_bytes(document)) == docx_text(issued.docx)


def test_nothing_is_issued_without_a_draft_a_signer_or_recipients(client, admin):
    client.set_cookie("lang", "en")
    no_draft = issue(client, version=0)
    assert no_draft.status_code == 422 and "save a draft first" in no_draft.text
    form = section_form(0)
    form.update(signer_name="", recipients="")
    client.post(f"/review/annual-report/{YEAR}/draft", data=form)
    unsigned = issue(client)
    assert unsigned.status_code == 422
    assert "Name of the signer" in unsigned.text and "Recipients (Nơi nhận)" in unsigned.text
    assert db.session.scalar(db.select(db.func.count(IssuedReport.id))) == 0
    too_many = section_form(annual_documents.draft_of(YEAR).version)
    too_many["recipients"] = "\n".join(f"Sở số {n}" for n in range(20))
    assert client.post(f"/review/annual-report/{YEAR}/draft", data=too_many).status_code == 422


def test_an_appendix_numbers_its_pages_on_its_own(app):
    from registry.services.official_documents import (Appendix, DocTable, OfficialDocument, Paragraph,
                                                      docx_bytes, pdf_bytes)
    from tests.documents import docx_document

    long_table = DocTable(["STT", "Nội dung"], [[str(n), f"Dòng thứ {n}"] for n in range(1, 90)])
    document = OfficialDocument(
        issuing_body="Sở Khoa học và Công nghệ", kind_name="Báo cáo", subject="Thử đánh số trang",
        blocks=[Paragraph("Nội dung chính. " * 400)],
        appendices=[Appendix("Phụ lục I", "Bảng thứ nhất", blocks=[long_table]),
                    Appendix("Phụ lục II", "Bảng thứ hai", blocks=[long_table])])
    from pypdf import PdfReader
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes(document))).pages]
    starts = [number for number, text in enumerate(pages) if text.lstrip().startswith("Phụ lục")]
    assert len(starts) == 2 and starts[1] - starts[0] >= 2  # each appendix has two pages or more
    assert pages[1].lstrip().startswith("2")  # the document's own second page
    for start in starts:
        assert pages[start + 1].lstrip().startswith("2")  # the appendix counts from its own first page
    sections = docx_document(docx_bytes(document)).sections
    from docx.oxml.ns import qn
    assert [s._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) for s in sections[1:]] == ["1", "1"]
    assert "PHỤ LỤC" not in " ".join(pages)  # "Phụ lục I" as written, its name in capitals
    assert "BẢNG THỨ NHẤT" in " ".join(pages)
