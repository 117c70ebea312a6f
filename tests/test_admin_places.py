"""The communes and wards in the admin area (issue 13, item 1), through the pages: the list and
its filters, correcting one unit, loading a corrected or a replacing list from CSV, a bad list
refused whole with its lines, and who may do it."""
import io
import re
from datetime import date

import pytest
from flask import url_for

from registry.extensions import db
from registry.models import Commune
from registry.services import places
from registry.services.unit_of_work import commit
from tests.factories import make_application, make_user

HEADER = "code,name,unit_type,former_province,former_districts,valid_from\n"
PAGES = ["/admin/communes", "/admin/communes/import"]


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


@pytest.fixture
def admin(login):
    user = make_user("admin", email="quantri@sokhcn.hungyen.gov.vn", full_name="Quản Trị Viên")
    login(user)
    return user


def commune(code: str) -> Commune:
    return db.session.scalar(db.select(Commune).filter_by(code=code))


def rows_on(html: str) -> list[str]:
    """The codes of the units listed on the page, in order."""
    return re.findall(r'<a href="/admin/communes/\d+"><code>(\d{5})</code></a>', html)


def upload(client, content: bytes | str, replace: bool = False, follow: bool = True):
    data = {"file": (io.BytesIO(content.encode() if isinstance(content, str) else content),
                     "communes.csv")}
    if replace:
        data["replace"] = "y"
    return client.post("/admin/communes/import", data=data, content_type="multipart/form-data",
                       follow_redirects=follow)


def names() -> dict[str, tuple]:
    return {c.code: (c.name_vi, c.name_en, c.former_province, c.valid_until)
            for c in db.session.scalars(db.select(Commune))}


# The list ---------------------------------------------------------------------------------------

def test_the_list_shows_the_104_units_page_by_page(client, admin):
    html = client.get("/admin/communes").get_data(as_text=True)
    assert "104 units" in html
    first = rows_on(html)
    assert len(first) == 20
    assert "Former Hưng Yên province" in html and "Ward" in html and "1 Jul 2025" in html
    every = first + [code for page in range(2, 7)
                     for code in rows_on(client.get(f"/admin/communes?page={page}").get_data(as_text=True))]
    assert len(every) == len(set(every)) == 104
    assert set(every) == set(names())


def test_the_list_filters_by_former_province_and_by_a_name_without_accents(client, admin):
    thai_binh = db.session.scalar(db.select(db.func.count(Commune.id)).filter_by(former_province="thai_binh"))
    html = client.get("/admin/communes?former_province=thai_binh").get_data(as_text=True)
    assert f"{thai_binh} units" in html and 0 < thai_binh < 104
    assert "Former Hưng Yên province</td>" not in html
    assert "Former Thái Bình province</td>" in html

    html = client.get("/admin/communes", query_string={"q": "pho hien"}).get_data(as_text=True)
    assert "1 unit" in html and rows_on(html) == ["11953"]
    assert "Phường Phố Hiến" in html
    html = client.get("/admin/communes", query_string={"q": "PHỐ HIẾN", "former_province": "hung_yen"})
    assert rows_on(html.get_data(as_text=True)) == ["11953"]
    html = client.get("/admin/communes", query_string={"q": "pho hien", "former_province": "thai_binh"})
    assert "No unit matches." in html.get_data(as_text=True)


def test_the_admin_index_links_the_communes_and_the_former_districts(client, admin):
    html = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/communes">Communes and wards</a>' in html
    assert "Former districts (valid until 30 Jun 2025)" in html
    districts = client.get("/admin/districts").get_data(as_text=True)
    assert "<h1>Former districts (valid until 30 Jun 2025)</h1>" in districts
    client.set_cookie("lang", "vi")
    assert "30/06/2025" in client.get("/admin/districts").get_data(as_text=True)


# Correcting one unit ----------------------------------------------------------------------------

def test_an_admin_corrects_a_name_and_ends_a_unit(client, admin):
    unit = commune("11953")
    page = client.get(f"/admin/communes/{unit.id}").get_data(as_text=True)
    assert "11953" in page and "Ward" in page and "Former Hưng Yên province" in page
    assert 'value="Phường Phố Hiến"' in page and 'type="date"' in page
    assert 'name="code"' not in page and 'name="former_province"' not in page  # read-only

    # Typed as dd/mm/yyyy (a browser without a date picker); English name left empty.
    response = client.post(f"/admin/communes/{unit.id}", follow_redirects=True, data={
        "name_vi": "  Phường Phố Hiến Mới ", "name_en": "", "valid_until": "30/06/2026"})

    assert response.status_code == 200
    assert response.request.path == "/admin/communes"
    assert "Phường Phố Hiến Mới (11953) has been saved." in response.get_data(as_text=True)
    db.session.refresh(unit)
    assert (unit.name_vi, unit.name_en, unit.valid_until) == ("Phường Phố Hiến Mới", "Phố Hiến Mới Ward",
                                                              date(2026, 6, 30))
    listed = client.get("/admin/communes", query_string={"q": "pho hien moi"}).get_data(as_text=True)
    assert rows_on(listed) == ["11953"] and "30 Jun 2026" in listed and "Phố Hiến Mới Ward" in listed

    # As the date input sends it; an English name given; the end cleared again.
    client.post(f"/admin/communes/{unit.id}", data={
        "name_vi": "Phường Phố Hiến", "name_en": "Pho Hien Ward", "valid_until": "2026-12-31"})
    db.session.refresh(unit)
    assert (unit.name_en, unit.valid_until) == ("Pho Hien Ward", date(2026, 12, 31))
    client.post(f"/admin/communes/{unit.id}", data={"name_vi": "Phường Phố Hiến", "name_en": "Phố Hiến Ward",
                                                   "valid_until": ""})
    db.session.refresh(unit)
    assert unit.valid_until is None and unit.search_name == "phuong pho hien"


def test_the_edit_page_shows_dates_as_dd_mm_yyyy_in_vietnamese(client, admin):
    client.set_cookie("lang", "vi")
    unit = commune("11953")
    page = client.get(f"/admin/communes/{unit.id}").get_data(as_text=True)
    assert "01/07/2025" in page  # valid from
    assert "01/07/2025" in client.get("/admin/communes").get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"name_vi": "", "name_en": "", "valid_until": ""}, "This field is required."),
    ({"name_vi": "Phường Phố Hiến", "name_en": "", "valid_until": "31/02/2026"},
     "Not a date: write it as dd/mm/yyyy."),
    ({"name_vi": "Phường Phố Hiến", "name_en": "", "valid_until": "30/06/2025"},
     "The unit begins on 1 Jul 2025: it cannot end before."),
    ({"name_vi": "A" * 120, "name_en": "", "valid_until": ""},  # + " Ward": 125 characters
     "Give the English name (at most 120 characters)."),
])
def test_a_wrong_correction_is_shown_and_changes_nothing(client, admin, data, message):
    unit = commune("11953")
    before = names()
    response = client.post(f"/admin/communes/{unit.id}", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert names() == before


def test_an_unknown_unit_is_not_found(client, admin):
    assert client.get("/admin/communes/999999").status_code == 404


def test_the_edit_form_needs_its_csrf_token(app, client, admin):
    app.config["WTF_CSRF_ENABLED"] = True
    unit = commune("11953")
    page = client.get(f"/admin/communes/{unit.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = {"name_vi": "Phường Phố Hiến Mới", "name_en": "", "valid_until": ""}
    assert client.post(f"/admin/communes/{unit.id}", data=data).status_code == 400
    db.session.refresh(unit)
    assert unit.name_vi == "Phường Phố Hiến"
    assert client.post(f"/admin/communes/{unit.id}", data={**data, "csrf_token": token}).status_code == 302
    db.session.refresh(unit)
    assert unit.name_vi == "Phường Phố Hiến Mới"


# Loading a list ---------------------------------------------------------------------------------

def test_a_list_correcting_a_name_loads(client, admin):
    seed = places.SEED_FILE.read_text(encoding="utf-8")
    assert "Xã Tân Hưng,xa" in seed
    corrected = seed.replace("Xã Tân Hưng,xa", "Xã Tân Hưng Mới,xa")
    before = names()

    response = upload(client, corrected)

    assert response.request.path == "/admin/communes"
    assert ("The list has been loaded: 0 added, 1 corrected, 103 unchanged, 0 ended."
            in response.get_data(as_text=True))
    after = names()
    assert after["11977"][:2] == ("Xã Tân Hưng Mới", "Tân Hưng Mới Commune")
    assert {code: row for code, row in after.items() if code != "11977"} == \
        {code: row for code, row in before.items() if code != "11977"}
    listed = client.get("/admin/communes", query_string={"q": "tan hung moi"}).get_data(as_text=True)
    assert rows_on(listed) == ["11977"]


def test_a_short_list_without_the_box_corrects_only_what_it_names(client, admin):
    response = upload(client, HEADER + "11953,Phường Phố Hiến,phuong,hung_yen,Thành phố Hưng Yên,2025-07-01\n"
                                        "99001,Xã Mới,xa,thai_binh,,2026-01-01\n")
    assert "1 added, 0 corrected, 1 unchanged, 0 ended." in response.get_data(as_text=True)
    assert len(names()) == 105 and all(row[3] is None for row in names().values())
    assert commune("99001").name_en == "Mới Commune"


def test_a_replacing_list_ends_the_units_it_does_not_name(client, admin):
    response = upload(client, HEADER + ("99001,Phường Hưng Yên,phuong,hung_yen,,2030-01-01\n"
                                        "99002,Xã Thái Bình,xa,thai_binh,,2030-01-01\n"), replace=True)
    assert ("The list has been loaded: 2 added, 0 corrected, 0 unchanged, 104 ended."
            in response.get_data(as_text=True))
    ended = [c for c in db.session.scalars(db.select(Commune)) if c.valid_until is not None]
    assert len(ended) == 104 and {c.valid_until for c in ended} == {date(2029, 12, 31)}
    assert [c.code for c in places.communes_valid_on(date(2030, 1, 1))] == ["99001", "99002"]
    assert len(places.communes_valid_on(date(2029, 12, 31))) == 104
    listed = client.get("/admin/communes").get_data(as_text=True)
    assert "106 units" in listed and "31 Dec 2029" in listed



def test_a_replacing_list_that_keeps_some_units_ends_the_others_before_the_new_ones(client, admin):
    upload(client, HEADER + ("11953,Phường Phố Hiến,phuong,hung_yen,Thành phố Hưng Yên,2025-07-01\n"
                             "99001,Phường Hưng Yên,phuong,hung_yen,,2030-01-01\n"), replace=True)
    assert commune("11953").valid_until is None
    assert commune("11977").valid_until == date(2029, 12, 31)


def test_a_list_moving_a_unit_to_the_other_former_province_carries_it_to_its_records(client, admin):
    owner = make_user("applicant")
    record = make_application(owner, "project", "draft")
    unit = commune("11953")
    record.commune, record.former_province = unit, unit.former_province
    commit()

    upload(client, HEADER + "11953,Phường Phố Hiến,phuong,thai_binh,Thành phố Hưng Yên,2025-07-01\n")

    db.session.refresh(record)
    assert record.former_province == "thai_binh"
    page = client.get(f"/admin/communes/{unit.id}").get_data(as_text=True)
    assert "Former Thái Bình province" in page


@pytest.mark.parametrize("content, problems", [
    (HEADER + "1195,Phường Phố Hiến,phuong,hung_yen,,2025-07-01\n"
              "11953,Phường Phố Hiến Mới,phuong,hung_yen,,2025-07-01\n"
              "11953,Phường Phố Hiến Cũ,phuong,hung_yen,,2025-07-01\n"
              "11977,Xã Tân Hưng,town,ha_noi,,01/07/2025\n",
     ["Line 2: the code must be five digits.", "Line 4: the code 11953 appears twice.",
      "Line 5: unit_type must be xa or phuong; former_province must be hung_yen or thai_binh; "
      "valid_from must be a date (YYYY-MM-DD)."]),
    ("# a note\ncode,name,unit_type,former_province,former_districts\n11953,Phường X,phuong,hung_yen,\n",
     ["Missing columns: valid_from."]),
    ((HEADER + "11953,Phường Phố Hiến,phuong,hung_yen,,2025-07-01\n").encode("utf-16"),
     ["The file is not UTF-8 text."]),  # Excel's "Unicode text"
    (b"", ["The file has no rows."]),
    (HEADER.encode(), ["The file has no rows."]),
    (HEADER + "11953," + "x" * 200_000 + "\n", ["The file cannot be read as a CSV list."]),
], ids=["lines", "missing column", "not utf-8", "empty", "header only", "huge cell"])
def test_a_bad_list_shows_each_problem_and_changes_nothing(client, admin, content, problems):
    before = names()
    response = upload(client, content, replace=True, follow=False)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The list was not loaded and nothing has changed." in html
    for problem in problems:
        assert f"<li>{problem}</li>" in html
    assert "Nothing has been loaded: correct the file and choose it again." in html
    assert names() == before


def test_loading_needs_a_file(client, admin):
    response = client.post("/admin/communes/import", data={"replace": "y"},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a file to upload." in response.get_data(as_text=True)
    assert len(names()) == 104


# Who may ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["reviewer", "applicant", "agency"])
def test_other_roles_are_refused(client, login, role):
    login(make_user(role))
    unit = commune("11953")
    for url in [*PAGES, f"/admin/communes/{unit.id}"]:
        assert client.get(url).status_code == 403, url
    edit = client.post(f"/admin/communes/{unit.id}", data={"name_vi": "Phường X", "valid_until": ""})
    assert edit.status_code == 403
    assert upload(client, HEADER + "99001,Xã Mới,xa,thai_binh,,2026-01-01\n", replace=True).status_code == 403
    assert commune("11953").name_vi == "Phường Phố Hiến" and len(names()) == 104
    assert all(row[3] is None for row in names().values())


def test_anonymous_visitors_are_sent_to_log_in(client):
    unit = commune("11953")
    for url in [*PAGES, f"/admin/communes/{unit.id}"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith(url_for("auth.login", _external=False))
    response = upload(client, HEADER + "99001,Xã Mới,xa,thai_binh,,2026-01-01\n", follow=False)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert len(names()) == 104
