"""The applicant area through the test client: real form posts, as a user would send them."""
import io
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from registry.extensions import db
from registry.models import Application, Attachment
from registry.services import applications as workflow
from registry.services.unit_of_work import commit
from tests.factories import VALID_FIELDS, attach_required_documents, make_application, make_user, record_decision

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def switch_language(client, code: str) -> None:
    client.get(f"/language/{code}")


@pytest.fixture
def english(client):
    """Messages in English, so the assertions do not depend on the Vietnamese catalogue."""
    switch_language(client, "en")


@pytest.fixture
def owner(login):
    user = make_user("applicant")
    login(user)
    return user


def form_data(kind: str, **changes) -> dict:
    """A complete form of `kind`, as the browser posts it."""
    data = {}
    for name, value in {**VALID_FIELDS[kind], **changes}.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, int):
            value = str(value)
        data[name] = value
    if kind == "pvp_filing":
        data.setdefault("application_number", "PVP-2025-0042")
    return data


def error_beside(html: str, field: str) -> str:
    """The text of the error list rendered next to `field`."""
    match = re.search(rf'id="{field}-error"[^>]*>(.*?)</ul>', html, re.S)
    assert match, f"no error shown beside {field}"
    return re.sub(r"<[^>]+>", " ", match.group(1))


def count_applications() -> int:
    return db.session.scalar(db.select(db.func.count(Application.id)))


def upload(client, application, name, content, public=False, version=None, document_type="other"):
    """The upload form as a browser posts it: its select always sends a kind of document."""
    data = {
        "file": (io.BytesIO(content), name),
        "version": str(application.version if version is None else version),
        "document_type": document_type,
    }
    if public:
        data["public"] = "y"
    return client.post(f"/applications/{application.id}/attachments", data=data,
                       content_type="multipart/form-data")


# Access -------------------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/applications/?kind=project")
    assert response.status_code == 302
    target = urlsplit(response.location)
    assert target.path == "/auth/login"
    assert parse_qs(target.query)["next"] == ["/applications/?kind=project"]


@pytest.mark.parametrize("role", ["reviewer", "admin", "agency"])
def test_other_roles_are_forbidden(client, login, role):
    login(make_user(role))
    assert client.get("/applications/").status_code == 403
    assert client.get("/applications/new/project").status_code == 403


def test_another_organisations_applicant_gets_404(client, login):
    application = make_application(make_user("applicant"), "project", "draft")
    login(make_user("applicant"))
    base = f"/applications/{application.id}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/edit").status_code == 404
    assert client.post(f"{base}/edit", data=form_data("project", version="1")).status_code == 404
    assert client.post(f"{base}/submit", data={"version": "1"}).status_code == 404
    assert client.post(f"{base}/withdraw", data={"version": "1"}).status_code == 404
    assert upload(client, application, "a.pdf", PDF).status_code == 404
    assert application.status == "draft" and application.version == 1


def test_unknown_kind_is_404(client, owner):
    assert client.get("/applications/new/lottery").status_code == 404


# Creating ---------------------------------------------------------------------------------

def test_new_page_offers_the_four_kinds(client, owner, english):
    html = client.get("/applications/new").get_data(as_text=True)
    for kind in ("project", "startup", "conservation", "pvp_filing"):
        assert f'href="/applications/new/{kind}"' in html
    assert "Plant-variety protection filing" in html


@pytest.mark.parametrize("kind", ["project", "startup", "conservation", "pvp_filing"])
def test_each_kind_is_created_through_its_form(client, owner, kind):
    page = client.get(f"/applications/new/{kind}")
    assert page.status_code == 200
    response = client.post(f"/applications/new/{kind}", data=form_data(kind))
    assert response.status_code == 302
    application = db.session.scalar(db.select(Application))
    assert response.location.endswith(f"/applications/{application.id}")
    assert (application.kind, application.status, application.version) == (kind, "draft", 1)
    assert application.organization_id == owner.organization_id
    assert application.title == VALID_FIELDS[kind]["title"]
    assert application.commune.code == VALID_FIELDS[kind]["commune"] and application.district is None
    assert application.former_province == "hung_yen"
    if kind == "project":
        assert application.technologies == ["cell_tissue"]
        assert application.requested_support_vnd == 500_000_000
    if kind == "conservation":
        assert application.resource.code == "ga_dong_tao"
        assert application.methods == ["in_situ", "cryo"]
    if kind == "startup":
        assert application.tax_code == "0901234567" and application.team_size == 6
    if kind == "pvp_filing":
        assert application.application_number == "PVP-2025-0042"
        assert application.filed_on == date(2025, 5, 10)
    assert workflow.missing_for_submission(application) == []


def test_a_draft_needs_only_a_title(client, owner):
    response = client.post("/applications/new/conservation", data={"title": "Bảo tồn vải trứng"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(Application)).title == "Bảo tồn vải trứng"


def test_too_short_title_is_shown_beside_the_field_and_nothing_is_saved(client, owner, english):
    response = client.post("/applications/new/project", data=form_data("project", title="Lúa"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "5 to 300 characters" in error_beside(html, "title")
    assert re.search(r'<option data-search="xa khoai chau" selected value="12205">', html)  # the input is kept
    assert count_applications() == 0


def test_support_above_the_total_is_shown_beside_the_field(client, owner, english):
    data = form_data("project", total_budget_vnd="100000000", requested_support_vnd="200000000")
    response = client.post("/applications/new/project", data=data)
    assert response.status_code == 422
    assert "cannot exceed the total budget" in error_beside(
        response.get_data(as_text=True), "requested_support_vnd")
    assert count_applications() == 0


def test_rules_of_the_service_come_back_beside_their_fields(client, owner, english):
    data = form_data("pvp_filing", office_status="granted", tax_code=None)
    data.pop("tax_code")
    response = client.post("/applications/new/pvp_filing", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Required when the variety is granted" in error_beside(html, "certificate_number")
    assert "Required when the variety is granted" in error_beside(html, "granted_on")

    data = form_data("startup", tax_code="12345", team_size="0", founded_on="not a date")
    html = client.post("/applications/new/startup", data=data).get_data(as_text=True)
    assert "Must be at least 1" in error_beside(html, "team_size")
    assert "Must be a date" in error_beside(html, "founded_on")
    assert count_applications() == 0


# Submitting -------------------------------------------------------------------------------

def test_submit_with_missing_fields_lists_them_and_keeps_the_draft(client, owner, english):
    client.post("/applications/new/project", data={"title": "Dự án chưa đầy đủ"})
    application = db.session.scalar(db.select(Application))
    detail = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Still needed before you can submit" in detail and "Product type" in detail

    response = client.post(f"/applications/{application.id}/submit",
                           data={"version": str(application.version)})
    assert response.status_code == 302
    assert response.location.endswith(f"/applications/{application.id}/edit")
    html = client.get(response.location).get_data(as_text=True)
    assert "The application is not complete" in html
    for label in ("Field", "Commune or ward", "Start date", "Product type", "Technologies"):
        assert label in html
    db.session.refresh(application)
    assert application.status == "draft" and application.versions == []


def test_happy_path_create_then_submit(client, owner, english):
    response = client.post("/applications/new/project", data=form_data("project"))
    application = db.session.scalar(db.select(Application))
    detail = client.get(response.location).get_data(as_text=True)
    # Every field is there; the documents a project requires are still to be attached.
    assert "Still needed before you can submit" in detail
    assert "Document: Technical description (thuyết minh)" in detail
    assert "Document: Budget estimate" in detail
    assert "All the fields needed for submission are filled in" not in detail

    assert upload(client, application, "Thuyết minh đề tài.pdf", PDF,
                  document_type="technical_description").status_code == 302
    db.session.refresh(application)
    refused = client.post(f"/applications/{application.id}/submit",
                          data={"version": str(application.version)}, follow_redirects=True)
    assert "Attach the required documents first: Budget estimate." in refused.get_data(as_text=True)
    db.session.refresh(application)
    assert application.status == "draft" and application.versions == []
    assert upload(client, application, "Dự toán kinh phí.pdf", PDF,
                  document_type="budget_estimate").status_code == 302
    db.session.refresh(application)
    detail = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "All the fields needed for submission are filled in" in detail
    assert "Still needed before you can submit" not in detail

    response = client.post(f"/applications/{application.id}/submit",
                           data={"version": str(application.version)}, follow_redirects=True)
    assert response.status_code == 200
    assert "The application was submitted" in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.status == "submitted"
    assert [v.number for v in application.versions] == [1]
    html = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f'action="/applications/{application.id}/edit"' not in html
    assert "Draft → Submitted" in html


def test_edit_after_revision_requested_then_resubmit(client, owner, english):
    application = make_application(owner, "project", status="revision_requested")
    detail = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Bổ sung dự toán." in detail  # the reviewer's comment on the timeline

    edit = client.get(f"/applications/{application.id}/edit").get_data(as_text=True)
    assert 'value="Nhân giống nhãn lồng bằng nuôi cấy mô"' in edit
    assert f'name="version" type="hidden" value="{application.version}"' in edit

    data = form_data("project", total_budget_vnd="1800000000", version=str(application.version))
    response = client.post(f"/applications/{application.id}/edit", data=data)
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.total_budget_vnd == 1_800_000_000

    client.post(f"/applications/{application.id}/submit", data={"version": str(application.version)})
    db.session.refresh(application)
    assert application.status == "submitted"
    assert [v.number for v in application.versions] == [1, 2]


def test_stale_version_on_edit_is_409_and_changes_nothing(client, owner, english):
    application = make_application(owner, "startup", "draft")
    stale = application.version
    workflow.update_application(application, owner, {"team_size": 7}, stale)  # someone else
    commit()
    data = form_data("startup", title="Tiêu đề của tôi khác hẳn", version=str(stale))
    response = client.post(f"/applications/{application.id}/edit", data=data)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Reload" in html
    assert 'value="Tiêu đề của tôi khác hẳn"' in html  # the user's input is kept
    db.session.refresh(application)
    assert application.title == VALID_FIELDS["startup"]["title"]
    assert application.version == stale + 1


def test_submitted_application_cannot_be_edited(client, owner):
    application = make_application(owner, "startup", "submitted")
    response = client.get(f"/applications/{application.id}/edit")
    assert response.status_code == 302
    assert response.location.endswith(f"/applications/{application.id}")


def test_withdraw_records_the_reason(client, owner, english):
    application = make_application(owner, "conservation", "submitted")
    response = client.post(f"/applications/{application.id}/withdraw",
                           data={"version": str(application.version), "reason": "Đổi kế hoạch."},
                           follow_redirects=True)
    assert response.status_code == 200
    db.session.refresh(application)
    assert application.status == "withdrawn"
    html = response.get_data(as_text=True)
    assert "Đổi kế hoạch." in html and "Submitted → Withdrawn" in html
    assert f"/applications/{application.id}/withdraw" not in html


def test_stale_withdraw_is_409(client, owner):
    application = make_application(owner, "conservation", "draft")
    response = client.post(f"/applications/{application.id}/withdraw", data={"version": "99"})
    assert response.status_code == 409
    db.session.refresh(application)
    assert application.status == "draft"


# Documents --------------------------------------------------------------------------------

def test_upload_a_pdf_with_a_vietnamese_name(client, owner, english):
    application = make_application(owner, "project", "draft")
    response = upload(client, application, "Dự toán kinh phí.pdf", PDF, public=True)
    assert response.status_code == 302
    attachment = db.session.scalar(db.select(Attachment))
    assert attachment.original_name == "Dự toán kinh phí.pdf"
    assert attachment.is_public and attachment.content_type == "application/pdf"
    html = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Dự toán kinh phí.pdf" in html
    assert f'href="/files/{attachment.id}"' in html
    download = client.get(f"/files/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF


@pytest.mark.parametrize("content", [PNG, b"just some random bytes \x00\x01\x02"])
def test_a_pdf_name_with_other_content_is_refused(client, owner, english, content):
    application = make_application(owner, "project", "draft")
    response = upload(client, application, "hop-dong.pdf", content)
    assert response.status_code == 422
    assert "content must match" in error_beside(response.get_data(as_text=True), "file")
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0


def test_a_file_over_the_limit_is_refused(app, client, owner, english):
    app.config["MAX_UPLOAD_BYTES"] = 1024 * 1024  # 1 MB instead of 20, to keep the test fast
    application = make_application(owner, "project", "draft")
    response = upload(client, application, "lon.pdf", PDF + b"0" * (1024 * 1024))
    assert response.status_code == 422
    assert "larger than 1 MB" in error_beside(response.get_data(as_text=True), "file")
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0


def test_remove_a_document(client, owner):
    application = make_application(owner, "project", "draft")
    upload(client, application, "bao-cao.pdf", PDF)
    db.session.refresh(application)
    attachment = application.attachments[0]
    response = client.post(
        f"/applications/{application.id}/attachments/{attachment.id}/delete",
        data={"version": str(application.version)})
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0


def test_no_upload_once_submitted(client, owner):
    application = make_application(owner, "project", "submitted")
    html = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' not in html
    assert upload(client, application, "muon.pdf", PDF).status_code == 409


# The timeline -----------------------------------------------------------------------------

def test_reviewer_comments_show_but_internal_notes_do_not(client, owner, english):
    reviewer = make_user("reviewer")
    application = make_application(owner, "startup", "submitted")
    workflow.add_review_note(application, reviewer, "Ghi chú nội bộ: hỏi thêm Sở Tài chính.")
    workflow.record_decision(application, reviewer, "reject", "Chưa đủ điều kiện hỗ trợ.",
                             application.version)
    commit()
    html = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Chưa đủ điều kiện hỗ trợ." in html
    assert "Submitted → Rejected" in html
    assert "Ghi chú nội bộ" not in html


def test_approved_application_links_to_its_public_record(client, owner, english):
    application = make_application(owner, "project", "approved")
    html = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert application.public_code in html  # approved: coded, not public before its decision
    assert f'href="/records/{application.public_code}"' not in html
    assert "public once the support decision is recorded" in html
    record_decision(application)
    html = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f'href="/records/{application.public_code}"' in html


# The list ---------------------------------------------------------------------------------

def test_empty_list_helps_to_start(client, owner, english):
    html = client.get("/applications/").get_data(as_text=True)
    assert "You have no applications yet" in html
    assert 'href="/applications/new"' in html


def test_list_shows_only_the_organisation_and_filters(client, owner, english):
    mine = make_application(owner, "project", "submitted", title="Dự án của chúng tôi")
    make_application(owner, "startup", "draft", title="Khởi nghiệp của chúng tôi")
    make_application(make_user("applicant"), "project", "draft", title="Hồ sơ của người khác")
    html = client.get("/applications/").get_data(as_text=True)
    assert "Dự án của chúng tôi" in html and "Khởi nghiệp của chúng tôi" in html
    assert "Hồ sơ của người khác" not in html
    assert f'href="/applications/{mine.id}"' in html

    html = client.get("/applications/?status=submitted").get_data(as_text=True)
    assert "Dự án của chúng tôi" in html and "Khởi nghiệp của chúng tôi" not in html
    html = client.get("/applications/?kind=startup").get_data(as_text=True)
    assert "Khởi nghiệp của chúng tôi" in html and "Dự án của chúng tôi" not in html
    html = client.get("/applications/?status=approved").get_data(as_text=True)
    assert "No application matches these filters" in html


def test_list_runs_a_constant_number_of_queries(client, owner, count_queries):
    def queries_for_list() -> int:
        with count_queries() as counter:
            assert client.get("/applications/").status_code == 200
        return counter.count

    for _ in range(3):
        make_application(owner, "project", "draft")
    few = queries_for_list()
    for _ in range(27):
        make_application(owner, "startup", "draft")
    assert queries_for_list() == few


# Every page, in both languages ----------------------------------------------------------

def test_every_page_renders_in_vietnamese_and_english(client, owner):
    draft = make_application(owner, "pvp_filing", "draft")
    done = make_application(owner, "conservation", "revision_requested")
    pages = ["/applications/", "/applications/new", f"/applications/{draft.id}",
             f"/applications/{draft.id}/edit", f"/applications/{done.id}"]
    pages += [f"/applications/new/{kind}" for kind in VALID_FIELDS]
    for language in ("vi", "en"):
        switch_language(client, language)
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            assert f'<html lang="{language}">' in response.get_data(as_text=True)


def test_forms_carry_a_csrf_token_and_posts_without_one_change_nothing(app, client, owner):
    app.config["WTF_CSRF_ENABLED"] = True
    application = make_application(owner, "project", "draft")
    attach_required_documents(application, owner)  # so that only the token decides the submission
    html = client.get(f"/applications/{application.id}").get_data(as_text=True)
    forms = re.findall(r'<form method="post".*?</form>', html, re.S)
    assert len(forms) >= 3 and all('name="csrf_token"' in form for form in forms)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    url = f"/applications/{application.id}/submit"
    assert client.post(url, data={"version": str(application.version)}).status_code == 400
    db.session.refresh(application)
    assert application.status == "draft"
    response = client.post(url, data={"version": str(application.version), "csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status == "submitted"

    new = client.get("/applications/new/startup").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', new).group(1)
    response = client.post("/applications/new/startup",
                           data={**form_data("startup"), "csrf_token": token})
    assert response.status_code == 302


def test_the_page_counts_submissions_and_puts_a_revision_request_first(client, owner, english):
    reviewer = make_user("reviewer", full_name="Lê Văn Thẩm")
    application = make_application(owner, "startup", "revision_requested", reviewer=reviewer)
    assert application.version > 2  # the internal lock counter, never shown

    html = client.get(f"/applications/{application.id}").get_data(as_text=True)

    assert "Submission 1" in html and f"Version {application.version}" not in html
    revision = html.index('id="revision"')
    assert revision < html.index('id="fields-heading"')  # before the application's fields
    assert "Bổ sung dự toán." in html[revision:html.index("</section>", revision)]
    assert "Lê Văn Thẩm" in html[revision:html.index("</section>", revision)]
    listing = client.get("/applications/").get_data(as_text=True)
    assert "<th scope=\"col\" class=\"num\">Submissions</th>" in listing


def test_submitting_without_the_documents_stays_on_the_page_that_adds_them(client, owner, english):
    application = make_application(owner, "project", "draft")
    response = client.post(f"/applications/{application.id}/submit", data={"version": str(application.version)})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/applications/{application.id}#documents")
    html = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert html.count("Attach the required documents first") == 1 and "documents:" not in html
