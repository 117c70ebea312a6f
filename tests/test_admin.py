"""The admin area through the pages: access, users and roles, the outbox, reference data."""
import pytest
from flask import url_for

from registry.extensions import db
from registry.models import District, GeneticResource, OutboxMessage, User
from registry.services.mail import queue_email
from registry.services.unit_of_work import commit
from tests.factories import make_organization, make_user

PAGES = [
    "/admin/", "/admin/users", "/admin/users/new", "/admin/outbox", "/admin/districts",
    "/admin/districts/new", "/admin/resources", "/admin/resources/new",
]


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


@pytest.fixture
def admin(login):
    user = make_user("admin", email="quantri@sokhcn.hungyen.gov.vn", full_name="Quản Trị Viên")
    login(user)
    return user


@pytest.mark.parametrize("role", ["applicant", "reviewer", "agency"])
@pytest.mark.parametrize("url", PAGES)
def test_admin_pages_are_forbidden_to_other_roles(client, login, role, url):
    login(make_user(role))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_admin_pages_send_anonymous_visitors_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(url_for("auth.login", _external=False))


def test_admin_posts_are_refused_to_reviewers(client, login):
    login(make_user("reviewer"))
    response = client.post("/admin/districts/new", data={"code": "x", "name_vi": "X"})
    assert response.status_code == 403
    assert db.session.scalar(db.select(District).filter_by(code="x")) is None


@pytest.mark.parametrize("url", PAGES)
def test_admin_pages_render(client, admin, url):
    assert client.get(url).status_code == 200


def test_index_counts_users_by_role_and_unsent_mail(client, admin):
    make_user("applicant")
    make_user("applicant")
    queue_email("a@example.vn", "Thử", "email/password_reset.txt", user=admin, link="x", hours=1)
    commit()
    html = client.get("/admin/").get_data(as_text=True)
    assert "Applicant</a>: 2" in html
    assert "Administrator</a>: 1" in html
    assert '<span class="stat">1</span>' in html  # one unsent message


def test_admin_creates_a_user_and_changes_the_role(client, admin):
    organization = make_organization("Viện Nghiên cứu Rau quả")
    response = client.post("/admin/users/new", data={
        "email": "Can.Bo@SoKHCN.vn", "full_name": "Đỗ Văn Em", "role": "applicant",
        "organization": str(organization.id), "password": "Giong-lua-thom-2026",
    })
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).filter_by(email="can.bo@sokhcn.vn"))
    assert (user.role, user.organization_id) == ("applicant", organization.id)

    response = client.post(f"/admin/users/{user.id}",
                           data={"full_name": "Đỗ Văn Em", "role": "reviewer", "active": "y"})

    assert response.status_code == 302
    db.session.refresh(user)
    assert user.role == "reviewer"
    assert user.is_active_account


def test_new_user_form_shows_service_errors_on_fields(client, admin):
    response = client.post("/admin/users/new", data={
        "email": admin.email, "role": "applicant", "organization": "", "password": "12345678"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "already exists" in html
    assert "too common" in html
    assert "An applicant belongs to an organisation." in html


def test_admin_deactivates_a_user_who_then_cannot_log_in(client, admin):
    user = make_user("reviewer")
    response = client.post(f"/admin/users/{user.id}", data={"full_name": "", "role": "reviewer"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert not user.is_active_account


def test_admin_cannot_demote_or_deactivate_themselves(client, admin):
    demote = client.post(f"/admin/users/{admin.id}",
                         data={"full_name": admin.full_name, "role": "reviewer", "active": "y"})
    assert demote.status_code == 409
    assert "You cannot remove your own administrator role." in demote.get_data(as_text=True)

    deactivate = client.post(f"/admin/users/{admin.id}",
                             data={"full_name": admin.full_name, "role": "admin"})
    assert deactivate.status_code == 409
    assert "You cannot deactivate your own account." in deactivate.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == "admin" and admin.is_active_account


def test_users_list_filters_by_role_and_search(client, admin):
    make_user("reviewer", full_name="Nguyễn Thị Hoa", email="hoa@sokhcn.vn")
    make_user("reviewer", full_name="Trần Văn Nam", email="nam@sokhcn.vn")
    make_user("applicant", full_name="Nguyễn Văn Khánh", email="khanh@htx.vn")

    html = client.get("/admin/users?role=reviewer&q=nguy").get_data(as_text=True)

    assert "hoa@sokhcn.vn" in html
    assert "nam@sokhcn.vn" not in html
    assert "khanh@htx.vn" not in html


def test_users_list_does_not_query_per_row(client, admin, count_queries):
    for _ in range(15):
        make_user("applicant")
    with count_queries() as few:
        client.get("/admin/users")
    for _ in range(15):
        make_user("applicant")
    with count_queries() as more:
        assert client.get("/admin/users").status_code == 200
    assert more.count == few.count


def test_outbox_lists_messages_and_shows_a_body(client, admin):
    client.post("/auth/forgot", data={"email": admin.email}).close()  # the mail follows the answer
    message = db.session.scalar(db.select(OutboxMessage))

    listing = client.get("/admin/outbox").get_data(as_text=True)
    assert admin.email in listing
    assert "Not sent" in listing
    detail = client.get(f"/admin/outbox/{message.id}")
    assert detail.status_code == 200
    assert '<pre class="mail">' in detail.get_data(as_text=True)
    assert "/auth/reset/" in detail.get_data(as_text=True)
    assert client.get("/admin/outbox/999999").status_code == 404


def test_admin_adds_and_edits_a_district(client, admin):
    response = client.post("/admin/districts/new", data={
        "code": "hung_yen_moi", "name_vi": "Hưng Yên (mới)", "name_en": "Hung Yen (new)",
        "sort_order": "20", "active": "y"})
    assert response.status_code == 302
    district = db.session.scalar(db.select(District).filter_by(code="hung_yen_moi"))
    assert (district.name_vi, district.sort_order, district.active) == ("Hưng Yên (mới)", 20, True)

    response = client.post(f"/admin/districts/{district.id}", data={
        "code": "renamed", "name_vi": "Hưng Yên", "name_en": "Hung Yen", "sort_order": "1"})
    assert response.status_code == 302
    db.session.refresh(district)
    assert (district.code, district.name_vi, district.active) == ("hung_yen_moi", "Hưng Yên", False)


@pytest.mark.parametrize("code, message", [
    ("van_lam", "Another row already uses this code."),
    ("Văn Lâm", "Use lower-case letters"),
])
def test_bad_district_code_is_a_field_error_not_a_500(client, admin, code, message):
    before = db.session.scalar(db.select(db.func.count(District.id)))
    response = client.post("/admin/districts/new", data={
        "code": code, "name_vi": "Văn Lâm 2", "name_en": "Van Lam 2", "active": "y"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="code-error"' in html
    assert message in html
    assert db.session.scalar(db.select(db.func.count(District.id))) == before


def test_admin_adds_a_genetic_resource_and_a_duplicate_code_is_refused(client, admin):
    data = {"code": "ga_ho", "name_vi": "Gà Hồ", "name_en": "Ho chicken",
            "scientific_name": "Gallus gallus domesticus", "kind": "animal", "indigenous": "y",
            "risk_status": "vulnerable", "description_vi": "Giống gà quý.", "description_en": ""}
    assert client.post("/admin/resources/new", data=data).status_code == 302
    resource = db.session.scalar(db.select(GeneticResource).filter_by(code="ga_ho"))
    assert (resource.kind, resource.risk_status, resource.indigenous) == (
        "animal", "vulnerable", True)

    duplicate = client.post("/admin/resources/new", data=data)
    assert duplicate.status_code == 422
    assert "Another row already uses this code." in duplicate.get_data(as_text=True)

    edit = client.post(f"/admin/resources/{resource.id}",
                       data={**data, "risk_status": "endangered"})
    assert edit.status_code == 302
    db.session.refresh(resource)
    assert resource.risk_status == "endangered"
    assert "Ho chicken" in client.get("/admin/resources").get_data(as_text=True)
