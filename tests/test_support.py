"""The support decision of an approved project or startup (the department's confirmation of a
filing or a conservation record): recorded once, by staff who may screen it, with its signed PDF
and a line in the history."""
import io
import re
from datetime import timedelta

import pytest

from registry.extensions import db
from registry.models import ApplicationEvent, SupportDecision
from registry.models.base import province_today
from tests.factories import PASSWORD, make_application, make_user

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def reviewer(client, login):
    user = make_user("reviewer", full_name="Lê Văn Thẩm")
    login(user)
    client.set_cookie("lang", "en")
    return user


def decision_form(application, **changes) -> dict:
    db.session.refresh(application)
    data = {"version": str(application.version), "number": "125/QĐ-UBND",
            "decided_on": province_today().isoformat(), "signer": "Phó Chủ tịch UBND tỉnh",
            "amount_vnd": "1,200,000,000", "period_start": "2027-01-01", "period_end": "2028-12-31",
            "conditions": "Báo cáo tiến độ 6 tháng một lần.",
            "file": (io.BytesIO(PDF), "Quyết định 125.pdf")}
    data.update(changes)
    return data


def post(client, application, **changes):
    return client.post(f"/review/{application.id}/support-decision",
                       data=decision_form(application, **changes), content_type="multipart/form-data")


def test_staff_record_the_decision_with_its_signed_pdf(client, reviewer):
    owner = make_user("applicant")
    application = make_application(owner, "project", "approved", reviewer=reviewer)
    page = client.get(f"/review/{application.id}").get_data(as_text=True)
    assert 'id="support-heading">Support decision' in page

    response = post(client, application)

    assert response.status_code == 302
    decision = db.session.scalar(db.select(SupportDecision))
    assert (decision.number, decision.amount_vnd, decision.signer) == (
        "125/QĐ-UBND", 1_200_000_000, "Phó Chủ tịch UBND tỉnh")
    assert decision.original_name == "Quyết định 125.pdf"
    event = db.session.scalar(db.select(ApplicationEvent).filter_by(action="support_decision"))
    assert event.comment == "125/QĐ-UBND" and event.actor_id == reviewer.id
    page = client.get(f"/review/{application.id}").get_data(as_text=True)
    assert "125/QĐ-UBND" in page and "1,200,000,000" in page
    assert 'action="/review/%d/support-decision"' % application.id not in page  # recorded once
    download = client.get(f"/files/decisions/{decision.id}")
    assert download.status_code == 200 and download.data == PDF

    again = post(client, application, number="126/QĐ-UBND")
    assert again.status_code == 409
    assert db.session.scalar(db.select(db.func.count(SupportDecision.id))) == 1


@pytest.mark.parametrize("changes, field, message", [
    ({"number": ""}, "number", "number and symbol"),
    ({"signer": ""}, "signer", "who signed it"),
    ({"decided_on": ""}, "decided_on", "required"),
    ({"decided_on": (province_today() + timedelta(days=1)).isoformat()}, "decided_on", "future"),
    ({"decided_on": "2020-01-01"}, "decided_on", "before the approval"),
    ({"period_end": "2026-01-01", "period_start": "2027-01-01"}, "period_end", "before the start"),
    ({"amount_vnd": "1.200.000.000"}, "amount_vnd", "Did you mean"),
    ({"file": (io.BytesIO(PNG), "Quyết định.png")}, "file", "PDF"),
])
def test_bad_input_is_refused_beside_the_field_and_nothing_is_kept(client, reviewer, changes, field,
                                                                   message):
    application = make_application(make_user("applicant"), "startup", "approved", reviewer=reviewer)
    response = post(client, application, **changes)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'id="support-{field}-error".*?</div>', html, re.S) or re.search(
        rf'id="{field}-error".*?</div>', html, re.S)
    assert error and message in error.group(0), html[html.find("support-heading"):][:3000]
    assert db.session.scalar(db.select(db.func.count(SupportDecision.id))) == 0


def test_no_decision_before_approval_nor_by_the_applicants_own_staff(app, client, reviewer):
    owner = make_user("applicant")
    submitted = make_application(owner, "project", "submitted")
    assert post(client, submitted).status_code == 409
    approved = make_application(owner, "project", "approved", reviewer=reviewer)
    assert post(client, approved, version="1").status_code == 409  # stale
    colleague = make_user("reviewer", organization=owner.organization)
    colleagues_browser = app.test_client()
    colleagues_browser.set_cookie("lang", "en")
    colleagues_browser.post("/auth/login", data={"email": colleague.email, "password": PASSWORD})
    assert post(colleagues_browser, approved).status_code == 403
    assert db.session.scalar(db.select(db.func.count(SupportDecision.id))) == 0


def test_a_filing_is_confirmed_not_decided(client, reviewer):
    filing = make_application(make_user("applicant"), "pvp_filing", "approved", reviewer=reviewer)
    page = client.get(f"/review/{filing.id}").get_data(as_text=True)
    assert "The department's confirmation" in page and "Record the confirmation" in page
    assert 'id="support-amount_vnd"' not in page  # no money is granted by a confirmation
    data = decision_form(filing)
    del data["amount_vnd"], data["period_start"], data["period_end"]  # not on the page for a filing
    response = client.post(f"/review/{filing.id}/support-decision", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(db.select(SupportDecision)).amount_vnd == 0


def test_only_the_organisation_and_the_department_download_the_signed_document(app, client, reviewer):
    owner = make_user("applicant")
    application = make_application(owner, "project", "approved", reviewer=reviewer)
    post(client, application)
    decision = db.session.scalar(db.select(SupportDecision))
    url = f"/files/decisions/{decision.id}"
    for user, status in ((owner, 200), (make_user("applicant"), 404), (make_user("admin"), 200)):
        other = app.test_client()
        other.post("/auth/login", data={"email": user.email, "password": PASSWORD})
        assert other.get(url).status_code == status, user.role
    assert app.test_client().get(url).status_code == 404


def test_the_dashboard_lists_approved_projects_without_a_decision(client, reviewer):
    owner = make_user("applicant")
    waiting = make_application(owner, "project", "approved", reviewer=reviewer,
                               title="Dự án đã duyệt chờ quyết định")
    decided = make_application(owner, "startup", "approved", reviewer=reviewer,
                               title="Khởi nghiệp đã có quyết định")
    post(client, decided)
    make_application(owner, "pvp_filing", "approved", reviewer=reviewer)  # confirmed, not decided
    html = client.get("/review/dashboard").get_data(as_text=True)
    section = html[html.index('id="decisions-title"'):html.index("</section>", html.index('id="decisions-title"'))]
    assert "1 approved project or startup counts towards no target" in section
    assert f'href="/review/{waiting.id}#support"' in section
    assert "Khởi nghiệp đã có quyết định" not in section


def test_the_public_record_shows_its_decision(client, reviewer):
    application = make_application(make_user("applicant"), "project", "approved", reviewer=reviewer)
    record = f"/records/{application.public_code}"
    assert client.get(record).status_code == 404  # a project is public from its decision
    post(client, application)
    html = client.get(record).get_data(as_text=True)
    assert "No. 125/QĐ-UBND of" in html and "support granted: 1,200,000,000" in html


def test_the_progress_page_lists_the_supported_records_from_their_decision(client):
    from tests.factories import record_decision

    owner = make_user("applicant")
    project = make_application(owner, "project", "approved", title="Nhân giống vải trứng sạch bệnh bằng nuôi cấy mô")
    page = client.get("/progress").get_data(as_text=True)
    assert project.public_code not in page  # approved, but no decision yet: not counted, not listed
    record_decision(project, amount_vnd=300_000_000)
    page = client.get("/progress").get_data(as_text=True)
    assert f"/records/{project.public_code}" in page
