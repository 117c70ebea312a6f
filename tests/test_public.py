"""The public area through the test client: home, catalogue, record and organisation pages,
downloads and the language switch."""
import io
import re
from urllib.parse import quote, urlencode

import pytest
import sqlalchemy as sa


from registry.extensions import db
from registry.models import Application, Commune
from registry.models.councils import COUNCIL_KINDS
from registry.services import applications as workflow
from registry.services.attachments import add_attachment
from registry.services.records import commune_order
from registry.services.unit_of_work import commit
from tests.factories import (
    appraise,
    attach_required_documents,
    make_application,
    make_organization,
    make_user,
    pass_eligibility,
    record_decision,
)
from tests.places import (PHUONG_PHO_HIEN, PHUONG_TRAN_LAM, XA_KHOAI_CHAU, XA_NHU_QUYNH, XA_THAI_THUY,
                          commune, district, place)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def owner(app):
    return make_user("applicant")


@pytest.fixture
def reviewer(app):
    return make_user("reviewer")


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def results(html: str) -> str:
    """The result list of a catalogue or organisation page (not the facets or the search box)."""
    match = re.search(r'<ul class="record-list">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


def approve(application, owner, reviewer):
    """Submitted with its required documents, found eligible, recommended by its council (for
    the kinds that have one), then approved."""
    if application.missing_documents():
        attach_required_documents(application, owner)
    workflow.submit_application(application, owner, application.version)
    commit()
    pass_eligibility(application, reviewer)
    if application.kind in COUNCIL_KINDS:
        appraise(application, reviewer)
    workflow.record_decision(application, reviewer, "approve", "", application.version)
    commit()
    return application


def test_only_approved_records_are_public(client, owner, reviewer):
    approved = make_application(owner, "project", "public", reviewer=reviewer,
                                title="Dự án đã được phê duyệt")
    hidden = {
        status: make_application(owner, "project", status, reviewer=reviewer,
                                 title=f"Hồ sơ ẩn ở trạng thái {status}")
        for status in ("draft", "submitted", "in_review", "revision_requested", "rejected", "withdrawn",
                       "approved")  # approved, its support decision not recorded: not public yet
    }

    for url in ("/", "/records", "/records?q=ho+so", f"/organizations/{owner.organization_id}"):
        html = page(client, url)
        for status, application in hidden.items():
            assert application.title not in html, (url, status)
    assert approved.title in results(page(client, "/records"))
    assert approved.title in page(client, f"/records/{approved.public_code}")

    for unknown in ("HY-CNSH-2026-9999", "hy-cnsh", "x" * 300):
        assert client.get(f"/records/{unknown}").status_code == 404
    # A record that stops being approved (here changed in the database) leaves the public site.
    db.session.execute(sa.update(Application).where(Application.id == approved.id)
                       .values(status="withdrawn"))
    db.session.commit()
    assert client.get(f"/records/{approved.public_code}").status_code == 404
    assert approved.title not in page(client, "/records")


def test_search_ignores_case_and_accents(client, owner, reviewer):
    make_application(owner, "conservation", "approved", reviewer=reviewer,
                     title="Bảo tồn nguồn gen gà Đông Tảo")
    make_application(owner, "project", "public", reviewer=reviewer,
                     title="Nhân giống nhãn lồng bằng nuôi cấy mô")

    for query in ("dong tao", "ĐÔNG TẢO", "Dong Tao", "đông", "  gà   đông tảo "):
        found = results(page(client, "/records?" + urlencode({"q": query})))
        assert "Bảo tồn nguồn gen gà Đông Tảo" in found, query
        assert "Nhân giống nhãn lồng" not in found, query


def test_search_needs_every_word_and_treats_wildcards_as_text(client, owner, reviewer):
    make_application(owner, "conservation", "approved", reviewer=reviewer,
                     title="Bảo tồn nguồn gen gà Đông Tảo")
    assert "Đông Tảo" in results(page(client, "/records?q=tao+bao"))
    for query in ("dong+vai", "%25", "_"):
        assert results(page(client, f"/records?q={query}")) == ""


def facets_of(html: str) -> str:
    return re.search(r'<aside class="facets".*?</aside>', html, re.S).group(0)


def facet_options(html: str, name: str) -> list[tuple[str, int]]:
    """(label, count) of a facet's options as listed (not those under "more"), in order."""
    match = re.search(rf'<ul aria-labelledby="facet-{name}">(.*?)</ul>', facets_of(html), re.S)
    if not match:
        return []
    return [(label, int(count)) for label, count in re.findall(
        r'<a href="[^"]*"[^>]*>([^<]+)<span class="visually-hidden">.*?</a>\s*'
        r'<span class="muted" aria-hidden="true">(\d+)</span>', match.group(1), re.S)]


def test_facets_filter_and_count(client, owner, reviewer):
    place(make_application(owner, "project", "public", reviewer=reviewer,
                           title="Dự án nhãn lồng Khoái Châu", field="agriculture"), XA_KHOAI_CHAU)
    place(make_application(owner, "startup", "public", reviewer=reviewer,
                           title="Khởi nghiệp vi sinh Văn Lâm", field="environment"), XA_NHU_QUYNH)
    year = db.session.scalar(sa.select(sa.func.max(Application.approved_on))).year

    html = page(client, "/records")
    facets = facets_of(html)
    assert "kind=startup" in facets and f"commune={XA_NHU_QUYNH}" in facets and f"year={year}" in facets

    html = page(client, "/records?kind=startup")
    assert "Khởi nghiệp vi sinh Văn Lâm" in results(html)
    assert "Dự án nhãn lồng" not in results(html)
    assert re.search(r'href="/records\?kind=startup"\s+aria-current="true"', html)
    # The kind facet still offers the other kind; the commune facet counts only startups.
    assert "kind=project" in html and f"commune={XA_KHOAI_CHAU}" not in html

    html = page(client, f"/records?commune={XA_KHOAI_CHAU}&field=agriculture")
    assert "Dự án nhãn lồng" in results(html) and "Khởi nghiệp" not in results(html)
    assert len(re.findall(r"<li>", results(page(client, f"/records?year={year}")))) == 2
    assert results(page(client, f"/records?year={year - 1}")) == ""


def test_a_thai_binh_enterprise_is_found_by_its_commune_and_former_province(client, owner, reviewer):
    """Since 01/07/2025 a record names its commune or ward; the former province it lies in is a
    facet of its own. A record from before keeps its former district (all in the former Hưng Yên)."""
    thai_thuy = place(make_application(owner, "startup", "public", reviewer=reviewer,
                                       title="Khởi nghiệp nước mắm Thái Thụy"), XA_THAI_THUY)
    place(make_application(owner, "project", "public", reviewer=reviewer,
                           title="Dự án muối sạch Trần Lãm"), PHUONG_TRAN_LAM)
    place(make_application(owner, "project", "public", reviewer=reviewer,
                           title="Dự án nhãn lồng Phố Hiến"), PHUONG_PHO_HIEN)
    place(make_application(owner, "conservation", "approved", reviewer=reviewer,
                           title="Bảo tồn gà Đông Tảo từ 2024"), district_code="khoai_chau")

    client.get("/language/en")
    html = page(client, "/records")
    assert facet_options(html, "former_province") == [
        ("Former Hưng Yên province", 2), ("Former Thái Bình province", 2)]
    # Units with records only, the most records first, then by name.
    assert facet_options(html, "commune") == [
        ("Phố Hiến Ward", 1), ("Thái Thụy Commune", 1), ("Trần Lãm Ward", 1)]
    assert "Former district (before 01/07/2025)" in html
    assert facet_options(html, "district") == [("Khoai Chau", 1)]
    # The record names its commune and the former province it lies in; the old one its district.
    listed = results(html)
    assert "Thái Thụy Commune · Former Thái Bình province" in listed
    assert "Khoai Chau (former district)" in listed

    html = page(client, "/records?former_province=thai_binh")
    assert [t for t in ("Thái Thụy", "Trần Lãm", "Phố Hiến", "Đông Tảo") if t in results(html)] == \
        ["Thái Thụy", "Trần Lãm"]
    # Each facet counts under the other filters: the communes of the former Thái Bình only, and
    # both provinces still offered.
    assert facet_options(html, "commune") == [("Thái Thụy Commune", 1), ("Trần Lãm Ward", 1)]
    assert facet_options(html, "former_province") == [
        ("Former Hưng Yên province", 2), ("Former Thái Bình province", 2)]
    assert re.search(r'href="/records\?former_province=thai_binh"\s+aria-current="true"', html)
    # No record of a former district in the former Thái Bình: that facet is not shown.
    assert "facet-district" not in html

    html = page(client, f"/records?commune={XA_THAI_THUY}&kind=startup")
    assert thai_thuy.title in results(html) and "Trần Lãm" not in results(html)
    # The search box keeps the filters; clearing one keeps the others.
    assert f'<input type="hidden" name="commune" value="{XA_THAI_THUY}">' in html
    assert '<input type="hidden" name="kind" value="startup">' in html
    assert 'href="/records?kind=startup">Clear' in html

    html = page(client, "/records?district=khoai_chau")
    assert "Đông Tảo" in results(html) and "Thái Thụy" not in results(html)

    # In Vietnamese, the same.
    client.get("/language/vi")
    html = page(client, "/records")
    assert ("Xã Thái Thụy", 1) in facet_options(html, "commune")
    assert "Xã Thái Thụy · " in results(html)


def test_the_commune_facet_lists_the_most_records_first_and_the_rest_below(client, owner, reviewer):
    """Up to 15 units in the list; the others under "more", the one chosen always in the list."""
    codes = [code for code, in db.session.execute(
        sa.select(Commune.code).order_by(Commune.code).limit(18))]
    made = []
    for number, code in enumerate(codes):
        # The first unit gets three records, the second two, the others one each.
        for _copy in range(3 if number == 0 else 2 if number == 1 else 1):
            made.append(place(make_application(owner, "conservation", "approved", reviewer=reviewer,
                                               title=f"Bảo tồn số {len(made) + 1}"), code))
    client.get("/language/en")
    html = page(client, "/records")
    # The order: by count, then by name without "Xã"/"Phường", accents aside.
    by_name = sorted((commune(code) for code in codes[2:]), key=commune_order)
    expected = [(commune(codes[0]).name_en, 3), (commune(codes[1]).name_en, 2)] + [
        (unit.name_en, 1) for unit in by_name[:13]]
    assert facet_options(html, "commune") == expected
    more = re.search(r'<details class="facet-more">(.*?)</details>', facets_of(html), re.S).group(1)
    assert "<summary>3 more communes and wards</summary>" in more
    hidden = [unit.code for unit in by_name[13:]]
    assert [code for code in codes if f"commune={code}" in more] == sorted(hidden)
    # Chosen, a unit from "more" shows in the list, marked, and is no longer under "more".
    chosen = hidden[0]
    html = page(client, f"/records?commune={chosen}")
    listed = facet_options(html, "commune")
    assert listed[-1] == (commune(chosen).name_en, 1)
    assert re.search(rf'href="/records\?commune={chosen}"\s+aria-current="true"', html)
    more = re.search(r'<details class="facet-more">(.*?)</details>', facets_of(html), re.S).group(1)
    assert f"commune={chosen}" not in more and "2 more communes and wards" in more


def test_bad_place_filters_are_ignored_on_pages_and_422_in_the_api(client, owner, reviewer):
    place(make_application(owner, "project", "public", reviewer=reviewer), XA_THAI_THUY)
    for query in ("commune=99999", "commune=", "commune=" + "9" * 500, "former_province=hai_duong",
                  "former_province=", "former_province=THAI_BINH"):
        html = page(client, f"/records?{query}")
        assert len(re.findall(r"<li>", results(html))) == 1, query  # the filter is dropped
    for query, name in (("commune=99999", "commune"), ("former_province=hai_duong", "former_province")):
        response = client.get(f"/api/v1/records?{query}")
        assert response.status_code == 422, query
        assert response.get_json()["errors"][name], query
    assert client.get("/api/v1/records?former_province=thai_binh").get_json()["total"] == 1
    assert client.get(f"/api/v1/records?commune={XA_THAI_THUY}").get_json()["total"] == 1
    assert client.get("/api/v1/records?former_province=hung_yen").get_json()["total"] == 0


def test_bad_query_arguments_are_ignored(client, owner, reviewer):
    make_application(owner, "project", "public", reviewer=reviewer)
    for query in (
        "year=abc", "kind=unknown", "page=-1", "page=abc", "page=9999",
        "page=99999999999999999999", "district=atlantis", "field=astrology",
        "year=99999999999999999999", "q=" + "x" * 2000, "q=%25%5C",
        "kind=project&kind=startup", "district=",
    ):
        assert client.get(f"/records?{query}").status_code == 200, query
        assert client.get(f"/organizations/{owner.organization_id}?{query}").status_code == 200, query
    # A NUL character is no search anyone typed: a clear 400, not a database error.
    assert client.get("/records?q=%00dong").status_code == 400


def test_record_page_shows_public_fields_only(app, client, owner, reviewer):
    # A conservation effort: its implementation is completed by the department's click (a
    # project or startup is completed only through its acceptance).
    application = make_application(owner, "conservation", "draft", title="Bảo tồn nhãn lồng sạch bệnh")
    add_attachment(application, owner, io.BytesIO(PDF), "Thuyết minh công khai.pdf", True,
                   application.version, document_type="technical_description")
    add_attachment(application, owner, io.BytesIO(PDF), "Dự toán chi tiết nội bộ.pdf", False,
                   application.version, document_type="budget_estimate")
    commit()
    approve(application, owner, reviewer)
    workflow.add_review_note(application, reviewer, "Ghi chú nội bộ: cần kiểm tra kinh phí")
    workflow.set_implementation_status(application, reviewer, "completed",
                                       "Biên bản nghiệm thu số 12", application.version)
    commit()
    organization = owner.organization
    organization.commune, organization.district = commune(XA_THAI_THUY), None
    place(application, XA_THAI_THUY)

    client.get("/language/en")
    html = page(client, f"/records/{application.public_code}")
    assert application.public_code in html
    assert organization.name in html
    assert "Cooperative · Thái Thụy Commune · Former Thái Bình province" in html
    assert "<dt>Commune or ward</dt><dd>Thái Thụy Commune</dd>" in html
    assert "<dt>Former province</dt><dd>Former Thái Bình province</dd>" in html
    assert "Former district" not in html  # a record made since 01/07/2025 has none
    assert "Completed (accepted)" in html
    assert "Thuyết minh công khai.pdf" in html
    for private in (organization.email, organization.phone, organization.representative,
                    organization.tax_code, "Dự toán chi tiết nội bộ", "Ghi chú nội bộ",
                    "Biên bản nghiệm thu", owner.email):
        assert private not in html, private


def test_organisation_page_lists_approved_records_only(client, owner, reviewer):
    make_application(owner, "project", "public", reviewer=reviewer, title="Dự án công khai")
    make_application(owner, "startup", "draft", title="Khởi nghiệp còn nháp")
    organization = owner.organization

    html = page(client, f"/organizations/{organization.id}")
    assert organization.name in html
    assert "Dự án công khai" in html and "Khởi nghiệp còn nháp" not in html
    for private in (organization.email, organization.phone, organization.representative):
        assert private not in html

    # An organisation and a record from before 01/07/2025 keep their former district.
    organization.commune, organization.district = None, district("van_lam")
    old = place(make_application(owner, "conservation", "approved", reviewer=reviewer,
                                 title="Bảo tồn từ năm 2024"), district_code="van_lam")
    client.get("/language/en")
    html = page(client, f"/organizations/{organization.id}")
    assert "Cooperative · Van Lam (former district)" in html
    html = page(client, f"/records/{old.public_code}")
    assert "<dt>Former district (before 01/07/2025)</dt><dd>Van Lam</dd>" in html
    assert "<dt>Former province</dt><dd>Former Hưng Yên province</dd>" in html
    assert "Commune or ward" not in html

    drafts_only = make_user("applicant")
    make_application(drafts_only, "project", "submitted", reviewer=reviewer)
    assert client.get(f"/organizations/{drafts_only.organization_id}").status_code == 404
    assert client.get(f"/organizations/{make_organization().id}").status_code == 404
    assert client.get("/organizations/999999").status_code == 404


def test_home_page_counts_latest_records_and_links_to_login(client, owner, reviewer):
    for kind in ("project", "project", "startup", "conservation", "pvp_filing"):
        make_application(owner, kind, "public", reviewer=reviewer)
    make_application(owner, "project", "submitted", reviewer=reviewer, title="Chưa được duyệt")

    client.get("/language/en")
    html = page(client, "/")
    assert 'href="/auth/login"' in html and 'href="/auth/signup"' in html
    assert 'href="/records"' in html
    assert "10 to 15" in html and "Đông Tảo" in html
    stats = re.findall(r'<span class="stat">(\d+)</span>\s*([^<]+)', html)
    assert [int(n) for n, _label in stats] == [2, 1, 1, 1, 1]
    assert len(re.findall(r"<li>", results(html))) == 5
    assert "Chưa được duyệt" not in html


def test_language_switch(client):
    response = client.get("/language/en?next=/records%3Fkind%3Dproject")
    assert response.status_code == 302
    assert response.headers["Location"] == "/records?kind=project"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=31536000" in cookie
    assert '<html lang="en">' in page(client, "/")

    client.get("/language/vi")
    assert '<html lang="vi">' in page(client, "/")

    for unsafe in ("https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)"):
        response = client.get("/language/en", query_string={"next": unsafe})
        assert response.status_code == 302
        assert response.headers["Location"] == "/", unsafe
    assert client.get("/language/fr").status_code == 404


def test_pages_use_a_constant_number_of_queries(client, owner, reviewer, count_queries):
    def queries_per_page():
        counts = {}
        for url in ("/", "/records", "/records?kind=project&q=nhan", "/records?former_province=thai_binh",
                    f"/organizations/{owner.organization_id}"):
            with count_queries() as counter:
                page(client, url)
            counts[url] = counter.count
        return counts

    # Each record in a commune of its own, or (one in four) a former district: the facets and
    # the places in the lists do not cost a query per unit.
    codes = db.session.scalars(sa.select(Commune.code).order_by(Commune.code)).all()

    def make(number, organization_owner):
        application = make_application(organization_owner, "project", "public", reviewer=reviewer)
        if number % 4 == 3:
            place(application, district_code=("khoai_chau", "van_lam", "an_thi")[number % 3])
        else:
            place(application, codes[number * 3 % len(codes)])

    for number in range(3):
        make(number, owner)
    few = queries_per_page()
    for number in range(3, 30):
        make(number, make_user("applicant") if number % 3 else owner)
    assert queries_per_page() == few


@pytest.fixture
def documents(owner, reviewer):
    """A public record (approved, its decision recorded) with a public and a private document,
    and a draft with a public one."""
    approved = make_application(owner, "project", "draft")
    public = add_attachment(approved, owner, io.BytesIO(PDF), "Báo cáo tổng kết đề tài.pdf", True,
                            approved.version)
    private = add_attachment(approved, owner, io.BytesIO(PDF), "Hợp đồng nội bộ.pdf", False,
                             approved.version)
    commit()
    approve(approved, owner, reviewer)
    record_decision(approved, reviewer, amount_vnd=approved.requested_support_vnd)
    draft = make_application(owner, "startup", "draft")
    on_draft = add_attachment(draft, owner, io.BytesIO(PDF), "Kế hoạch kinh doanh.pdf", True,
                              draft.version)
    commit()
    return {"public": public.id, "private": private.id, "on_draft": on_draft.id}


def test_anyone_downloads_a_public_document_under_its_vietnamese_name(app, documents):
    response = app.test_client().get(f"/files/{documents['public']}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=UTF-8''" + quote("Báo cáo tổng kết đề tài.pdf") in disposition
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_private_documents_are_hidden_from_others(app, documents):
    anonymous = app.test_client()
    for key in ("private", "on_draft"):
        assert anonymous.get(f"/files/{documents[key]}").status_code == 404
    assert anonymous.get("/files/999999").status_code == 404


def test_owner_downloads_a_private_document_without_caching(app, client, login, owner, documents):
    login(owner)
    response = client.get(f"/files/{documents['private']}")
    assert response.status_code == 200
    assert response.data == PDF
    assert "private" in response.headers["Cache-Control"]
    assert "no-store" in response.headers["Cache-Control"]
    assert quote("Hợp đồng nội bộ.pdf") in response.headers["Content-Disposition"]
    response.close()
    assert client.get(f"/files/{documents['on_draft']}").status_code == 200
    assert app.test_client().get(f"/files/{documents['private']}").status_code == 404
