"""The department's documents on one application in the form of Decree 30/2020/NĐ-CP, as PDF and
DOCX, read back as a reader would: the draft support decision of an approved project or startup,
the notice of the result to the applicant, the printable dossier; who may download them, and a
clear 404 where a document does not exist (a decision for a confirmation-only kind, a notice of
an undecided application)."""
import hashlib
import io
import re
import unicodedata
from datetime import date

import pytest
from flask_babel import force_locale

from registry.extensions import db
from registry.models import Application
from registry.models.applications import ACTIONS
from registry.models.base import province_today
from registry.services import applications as workflow
from registry.services import department_documents
from registry.services.attachments import add_attachment
from registry.services.errors import NotFound
from registry.services.official_documents import docx_bytes, pdf_bytes
from registry.services.unit_of_work import commit
from tests.factories import (
    PASSWORD,
    SIGNED_PDF,
    SUPPORTED_ON,
    attach_required_documents,
    form_council,
    make_application,
    make_organization,
    make_supported,
    make_user,
    pass_eligibility,
)
from tests.documents import HEADER, docx_tables, docx_text, part, pdf_fonts, pdf_text

ORGANISATION = "Công ty Cổ phần Công nghệ Sinh học Phố Hiến"
TAX_CODE = "0901234568"
TITLE = "Nhân giống nhãn lồng Hưng Yên bằng nuôi cấy mô"
SUMMARY = "Làm chủ quy trình nhân giống in vitro cho giống nhãn lồng đặc sản của Hưng Yên."
# Typed on a keyboard that sends decomposed accents (NFD): the documents write NFC.
REVISION_COMMENT = unicodedata.normalize(
    "NFD", "Đề nghị bổ sung dự toán kinh phí chi tiết.\nGiải trình rõ phương pháp nhân giống.")
ATTACHMENT_NAME = "Thuyết minh đề tài – bản hoàn thiện.pdf"
ATTACHMENT_CONTENT = SIGNED_PDF + b"% thuyet minh de tai\n"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def both(app, build) -> tuple[str, str, bytes, bytes]:
    """A document's text as a PDF and as a DOCX, built for an English reader (the documents are
    Vietnamese whatever the reader's language)."""
    with app.test_request_context(), force_locale("en"):
        document = build()
        pdf, docx_file = pdf_bytes(document), docx_bytes(document)
    return pdf_text(pdf), docx_text(docx_file), pdf, docx_file


@pytest.fixture
def people(app):
    organization = make_organization(ORGANISATION)
    organization.tax_code = TAX_CODE
    db.session.commit()
    return {
        "owner": make_user("applicant", organization=organization, full_name="Nguyễn Văn Chủ"),
        "reviewer": make_user("reviewer", full_name="Lê Văn Thẩm"),
        "other_applicant": make_user("applicant"),
        "insider": make_user("reviewer", organization=organization, full_name="Trần Văn Nội"),
        "admin": make_user("admin"),
    }


@pytest.fixture
def approved(people):
    """An approved project (its council: five members, 80/100 each) without a decision yet."""
    return make_application(people["owner"], "project", "approved", reviewer=people["reviewer"], title=TITLE,
                            summary=SUMMARY, total_budget_vnd=4_000_000_000,
                            requested_support_vnd=2_500_000_000)


def revised(people) -> Application:
    """A draft with a document of its own, submitted, found short of a budget: revision asked."""
    application = make_application(people["owner"], "project", "draft", title=TITLE, summary=SUMMARY)
    add_attachment(application, people["owner"], io.BytesIO(ATTACHMENT_CONTENT), ATTACHMENT_NAME, False,
                   application.version, document_type="other")
    commit()
    attach_required_documents(application, people["owner"])
    workflow.submit_application(application, people["owner"], application.version)
    commit()
    workflow.record_decision(application, people["reviewer"], "request_revision", REVISION_COMMENT,
                             application.version)
    commit()
    return application


# Amounts -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "words"), [
    (0, "Không đồng"),
    (15, "Mười lăm đồng"),
    (21, "Hai mươi mốt đồng"),
    (105, "Một trăm linh năm đồng"),
    (1_000_000, "Một triệu đồng"),
    (1_000_050, "Một triệu không trăm năm mươi đồng"),
    (800_000_000, "Tám trăm triệu đồng"),
    (2_500_000_000, "Hai tỷ năm trăm triệu đồng"),
    (2_005_000_000, "Hai tỷ không trăm linh năm triệu đồng"),
    (1_234_567_894, "Một tỷ hai trăm ba mươi tư triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi tư đồng"),
    (10**15, "Một triệu tỷ đồng"),
])
def test_amounts_in_words_as_a_decision_writes_them(value, words):
    assert department_documents.amount_in_words(value) == words


# The draft support decision ------------------------------------------------------------------

def test_the_draft_decision_takes_the_decree_form(app, approved):
    pdf, document, pdf_data, _docx_data = both(app, lambda: department_documents.support_decision_draft(approved))
    for text in (pdf, document):
        for line in HEADER:
            assert line in text
        assert "DỰ THẢO" in text
        assert "Số: /QĐ-SKHCN" in text  # number and day left for the clerk
        assert f"Hưng Yên, ngày tháng năm {province_today().year}" in text
        assert text.index("QUYẾT ĐỊNH") < text.index(TITLE) < text.index("GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ")
        assert text.index("GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ") < text.index("QUYẾT ĐỊNH:")
        assert text.index("QUYẾT ĐỊNH:") < text.index("Điều 1.") < text.index("Điều 2.") < text.index("Điều 3.")
        # The plan and the council it stands on.
        assert "…/KH-UBND" in text and "tháng 12 năm 2023" in text and "Ủy ban nhân dân tỉnh Hưng Yên" in text
        assert "80,00/100" in text
        article_one = part(text, "Điều 1.", "Điều 2.")
        assert ORGANISATION in article_one and TAX_CODE in article_one and TITLE in article_one
        assert "2.500.000.000 đồng (Bằng chữ: Hai tỷ năm trăm triệu đồng)" in article_one
        assert "01/01/2026" in article_one and "31/12/2027" in article_one
        assert approved.public_code in article_one
        assert ORGANISATION in part(text, "Điều 3.", "Nơi nhận")
        assert "Nơi nhận: - Như Điều 3; - Lưu: VT, QLKH." in text
        assert text.rstrip().endswith("GIÁM ĐỐC")
    assert all(pdf_fonts(pdf_data).values()) and any("LiberationSerif" in name for name in pdf_fonts(pdf_data))


def test_a_recorded_decision_gives_its_amount_period_conditions_and_report_dates(app, people):
    application = make_supported(people["owner"], people["reviewer"], amount_vnd=1_234_567_894,
                                 period_end=date(2026, 12, 31))
    application.support_decision.conditions = unicodedata.normalize(
        "NFD", "Đối ứng tối thiểu 30% kinh phí từ nguồn của đơn vị.")
    commit()
    pdf, document, *_files = both(app, lambda: department_documents.support_decision_draft(application))
    for text in (pdf, document):
        article_one = part(text, "Điều 1.", "Điều 2.")
        assert "1.234.567.894 đồng" in article_one
        assert "Một tỷ hai trăm ba mươi tư triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi tư đồng" in article_one
        assert f"{SUPPORTED_ON:%d/%m/%Y}" in article_one and "31/12/2026" in article_one
        assert "Đối ứng tối thiểu 30% kinh phí từ nguồn của đơn vị." in article_one  # NFC
        assert "15/07/2025; 15/01/2026; 15/07/2026" in part(text, "Điều 2.", "Điều 3.")
        assert "DỰ THẢO" in text and "Hưng Yên, ngày tháng năm 2025" in text


def test_a_startup_is_supported_as_its_enterprise_with_the_funding_it_sought(app, people):
    startup = make_application(people["owner"], "startup", "approved", reviewer=people["reviewer"])
    for text in both(app, lambda: department_documents.support_decision_draft(startup))[:2]:
        article_one = part(text, "Điều 1.", "Điều 2.")
        assert "Công ty TNHH Vi Sinh Xanh" in article_one and "0901234567" in article_one
        assert "800.000.000 đồng (Bằng chữ: Tám trăm triệu đồng)" in article_one


def test_no_decision_is_drafted_for_a_confirmation_or_before_approval(app, people):
    conservation = make_application(people["owner"], "conservation", "approved", reviewer=people["reviewer"])
    in_review = make_application(people["owner"], "project", "in_review", reviewer=people["reviewer"])
    with app.test_request_context(), force_locale("en"):
        with pytest.raises(NotFound, match="confirmed by the department"):
            department_documents.support_decision_draft(conservation)
        with pytest.raises(NotFound, match="once the application is approved"):
            department_documents.support_decision_draft(in_review)
    staff = logged_in(app, people["reviewer"])
    for application, why in ((conservation, "is confirmed by the department"),
                             (in_review, "once the application is approved")):
        response = staff.get(f"/review/{application.id}/documents/decision.pdf")
        assert response.status_code == 404
        assert why in response.get_data(as_text=True)


# The notice of the result --------------------------------------------------------------------

def test_the_notice_tells_the_applicant_the_result_and_the_comment_as_typed(app, people):
    application = revised(people)
    pdf, document, pdf_data, _docx_data = both(app, lambda: department_documents.eligibility_notice(application))
    for text in (pdf, document):
        for line in HEADER:
            assert line in text
        assert "DỰ THẢO" not in text
        assert "Số: /TB-SKHCN" in text
        assert text.index("THÔNG BÁO") < text.index(TITLE) < text.index(f"Kính gửi: {ORGANISATION}.")
        comment = part(text, "Ý kiến của Sở:")
        assert "Đề nghị bổ sung dự toán kinh phí chi tiết. Giải trình rõ phương pháp nhân giống." in comment
        assert "Nơi nhận: - Như trên; - Lưu: VT, QLKH." in text
        assert text.rstrip().endswith("GIÁM ĐỐC")
    assert nfc(REVISION_COMMENT).split("\n")[0] in pdf
    assert all(pdf_fonts(pdf_data).values())


@pytest.mark.parametrize("status", ["in_review", "rejected", "approved"])
def test_every_decided_status_has_its_notice(app, people, status):
    application = make_application(people["owner"], "project", status, reviewer=people["reviewer"], title=TITLE)
    pdf, document, *_files = both(app, lambda: department_documents.eligibility_notice(application))
    for text in (pdf, document):
        assert "THÔNG BÁO" in text and TITLE in text and f"Kính gửi: {application.organization.name}." in text
    if status == "rejected":
        assert "Không phù hợp." in pdf  # the reviewer's reason
    if status == "approved":
        assert application.public_code in pdf and "80,00/100" in pdf


def test_no_notice_while_nothing_is_decided(app, people):
    submitted = make_application(people["owner"], "project", "submitted", reviewer=people["reviewer"])
    resubmitted = revised(people)
    workflow.submit_application(resubmitted, people["owner"], resubmitted.version)
    commit()
    staff = logged_in(app, people["reviewer"])
    for application in (submitted, resubmitted):
        with app.test_request_context(), force_locale("en"), pytest.raises(NotFound):
            department_documents.eligibility_notice(application)
        response = staff.get(f"/review/{application.id}/documents/notice.docx")
        assert response.status_code == 404
        assert "There is no result to notify yet: the application is submitted." in response.get_data(as_text=True)


# The printable dossier -----------------------------------------------------------------------

def test_the_dossier_holds_every_field_the_attachments_and_the_history(app, people):
    application = revised(people)
    pdf, document, pdf_data, docx_data = both(
        app, lambda: department_documents.dossier(application, people["reviewer"]))
    digest = hashlib.sha256(ATTACHMENT_CONTENT).hexdigest()
    with app.test_request_context(), force_locale("vi"):
        history = [str(ACTIONS[action]) for action in ("create", "submit", "request_revision")]
    for text in (pdf, document):
        for line in HEADER:
            assert line in text
        assert "HỒ SƠ ĐĂNG KÝ" in text and "Số:" not in text  # no number: a print of the record
        assert TITLE in text and SUMMARY in text and ORGANISATION in text and TAX_CODE in text
        assert "10.000 cây giống sạch bệnh" in text and "1.500.000.000 ₫" in text
        assert "Xã Khoái Châu" in text and "01/01/2026" in text
        assert ATTACHMENT_NAME in text
        assert digest in text.replace(" ", "")
        told = part(text, history[0])  # the history table, oldest first
        assert told.index(history[1]) < told.index(history[2])
        assert "Đề nghị bổ sung dự toán kinh phí chi tiết." in text  # the request's comment, NFC
        assert "Lê Văn Thẩm" in text and "Nguyễn Văn Chủ" in text
    assert all(pdf_fonts(pdf_data).values())
    attachments = next(table for table in docx_tables(docx_data) if "Tệp / Loại tài liệu" in table[0])
    row = next(row for row in attachments if row[1].startswith(ATTACHMENT_NAME))
    assert row[0] == "1" and row[1] == f"{ATTACHMENT_NAME} Tài liệu khác" and row[4].replace(" ", "") == digest
    assert len(attachments) == 1 + len(application.attachments)


# Downloads and who may have them -------------------------------------------------------------

def logged_in(app, user):
    """A client logged in as `user`, reading pages in English."""
    client = app.test_client()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    client.set_cookie("lang", "en")
    return client


DOCUMENT_URLS = ("decision", "notice", "dossier")


@pytest.mark.parametrize("file_type", ["pdf", "docx"])
@pytest.mark.parametrize("name", DOCUMENT_URLS)
def test_downloads_by_role(app, people, approved, name, file_type):
    url = f"/review/{approved.id}/documents/{name}.{file_type}"
    assert app.test_client().get(url).status_code == 302
    assert "/auth/login" in app.test_client().get(url).headers["Location"]
    for role in ("owner", "other_applicant"):  # the department's documents: not from the review area
        assert logged_in(app, people[role]).get(url).status_code in (403, 404)
    insider = logged_in(app, people["insider"]).get(url)  # staff of the applicant organisation
    assert insider.status_code == (200 if name == "dossier" else 403)
    for role in ("reviewer", "admin"):
        response = logged_in(app, people[role]).get(url)
        assert response.status_code == 200, (role, response.status_code)
        assert response.mimetype == ("application/pdf" if file_type == "pdf" else DOCX_TYPE)
        disposition = response.headers["Content-Disposition"]
        assert re.fullmatch(rf'attachment; filename="[a-z0-9-]+-{approved.id}\.{file_type}"', disposition)
        assert response.headers["Cache-Control"] == "private, no-store"
        text = pdf_text(response.data) if file_type == "pdf" else docx_text(response.data)
        assert TITLE in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text  # Vietnamese for an English reader


def test_unknown_documents_and_file_types_are_not_found(app, people, approved):
    staff = logged_in(app, people["reviewer"])
    for url in (f"/review/{approved.id}/documents/dossier.txt", f"/review/{approved.id}/documents/letter.pdf",
                "/review/999999/documents/dossier.pdf", f"/review/{approved.id}/documents/dossier"):
        assert staff.get(url).status_code == 404, url
    assert staff.get(f"/review/{approved.id}/documents/dossier.pdf?page=-5&q=x").status_code == 200
    draft = make_application(people["owner"], "project", "draft")
    assert staff.get(f"/review/{draft.id}/documents/dossier.pdf").status_code == 404  # staff never see drafts


def test_the_minutes_download_as_docx_for_the_department(app, people):
    application = make_application(people["owner"], "project", "in_review", reviewer=people["reviewer"])
    council = form_council([application], people["reviewer"])
    url = f"/review/councils/{council.id}/minutes.docx"
    assert "/auth/login" in app.test_client().get(url).headers["Location"]
    assert logged_in(app, people["owner"]).get(url).status_code == 403
    assert logged_in(app, people["insider"]).get(url).status_code == 403  # its organisation's application
    response = logged_in(app, people["reviewer"]).get(url)
    assert response.status_code == 200 and response.mimetype == DOCX_TYPE
    assert response.headers["Content-Disposition"] == f'attachment; filename="bien-ban-hoi-dong-{council.id}.docx"'
    assert response.headers["Cache-Control"] == "private, no-store"
    text = docx_text(response.data)
    assert "BIÊN BẢN" in text and f"Họp {council.name}" in text and "Số: /BB-HĐ" in text


def test_the_review_pages_link_the_documents_that_exist(app, people, approved):
    staff = logged_in(app, people["reviewer"])
    page = staff.get(f"/review/{approved.id}").get_data(as_text=True)
    for name in DOCUMENT_URLS:
        for file_type in ("pdf", "docx"):
            assert f"/review/{approved.id}/documents/{name}.{file_type}" in page
    submitted = make_application(people["owner"], "project", "submitted")
    page = staff.get(f"/review/{submitted.id}").get_data(as_text=True)
    assert f"/review/{submitted.id}/documents/dossier.pdf" in page
    assert "documents/notice" not in page and "documents/decision" not in page
    # Staff of the applicant organisation: only the dossier.
    page = logged_in(app, people["insider"]).get(f"/review/{approved.id}").get_data(as_text=True)
    assert "documents/dossier.pdf" in page and "documents/notice" not in page
    council_id = approved.council_assignment("selection").council_id
    page = staff.get(f"/review/councils/{council_id}").get_data(as_text=True)
    assert f"/review/councils/{council_id}/minutes.pdf" in page
    assert f"/review/councils/{council_id}/minutes.docx" in page


def test_pass_eligibility_then_the_notice_says_found_eligible(app, people):
    application = make_application(people["owner"], "pvp_filing", "submitted")
    pass_eligibility(application, people["reviewer"])
    with app.test_request_context():
        document = department_documents.eligibility_notice(application)
    assert document.symbol == "TB-SKHCN" and document.addressees == [application.organization.name]
