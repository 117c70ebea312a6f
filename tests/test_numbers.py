"""Numbers as Vietnamese write them (issue 10, item 15): every money, count and percentage field
reads the page's language — 2.500.000.000 and 3,2 in Vietnamese, 2,500,000,000 and 3.2 in
English — says what it understood, and refuses what could mean something else."""
import re
from decimal import Decimal

import pytest

from registry.extensions import db
from registry.models import Application, AwardProposal, Census, IndicatorValue, Target
from registry.numbers import KINDS, NumberInputError
from registry.services.plan_reports import parse_figure
from tests.factories import VALID_FIELDS, make_application, make_user
from tests.test_browser_journey import (_missing, browser_page, check_accessibility,  # noqa: F401
                                        live_server, log_in)

# The parser ---------------------------------------------------------------------------------

# (language, kind, text, the number it is read as — or a piece of the message that refuses it)
READINGS = [
    ("vi", "money", "2.500.000.000", 2_500_000_000),
    ("vi", "money", "2500000000", 2_500_000_000),
    ("vi", "money", " 2.500.000.000 ₫ ", 2_500_000_000),
    ("vi", "money", "2.500.000.000đ", 2_500_000_000),
    ("vi", "money", "2.500.000.000 VNĐ", 2_500_000_000),
    ("vi", "money", "2.500.000.000 vnd", 2_500_000_000),
    ("vi", "money", "", None),
    ("vi", "money", "   ", None),
    ("vi", "money", "2.5", "Write 2,5 for a decimal or 2.500 for thousands."),
    ("vi", "money", "37.5", "Write 37,5 for a decimal or 37.500 for thousands."),
    ("vi", "money", "1.0000", "Write 1,0000 for a decimal or 10.000 for thousands."),
    ("vi", "money", "1234.567", "Write 1.234,567 for a decimal or 1.234.567 for thousands."),
    ("vi", "money", "2,500,000,000", "Did you mean 2.500.000.000?"),
    ("vi", "money", "1,5", "Enter a whole number, without decimals"),
    ("vi", "money", "1,000", "Enter a whole number, without decimals"),
    ("vi", "money", "3,2 %", "Write a whole number such as 2.500.000"),
    ("vi", "money", "1.234.56", "Write a whole number such as 2.500.000"),
    ("vi", "money", "12 000", "Write a whole number such as 2.500.000"),
    ("vi", "money", "1e5", "Write a whole number such as 2.500.000"),
    ("vi", "money", "1_000", "Write a whole number such as 2.500.000"),
    ("vi", "money", "١٢", "Write a whole number such as 2.500.000"),
    ("vi", "money", "₫", "Write a whole number such as 2.500.000"),
    ("vi", "count", "1.200", 1200),
    ("vi", "count", "12.5", "Write 12,5 for a decimal or 12.500 for thousands."),
    ("vi", "figure", "3,2", Decimal("3.2")),
    ("vi", "figure", "3,2 %", Decimal("3.2")),
    ("vi", "figure", "−3,5", Decimal("-3.5")),
    ("vi", "figure", "1.234,5", Decimal("1234.5")),
    ("vi", "figure", "0,125", Decimal("0.125")),
    ("vi", "figure", "3.2", "Write 3,2 for a decimal or 3.200 for thousands."),
    ("vi", "figure", "1,000.5", "Did you mean 1.000,5?"),
    ("vi", "figure", "NaN", "Write a number such as 1.234,5"),
    ("vi", "figure", "Infinity", "Write a number such as 1.234,5"),
    ("vi", "figure", "2 ₫", "Write a number such as 1.234,5"),
    ("vi", "money", "9" * 5000, "The number has too many digits."),
    ("vi", "count", "1.000.000.000.000.000.000", "The number has too many digits."),
    ("vi", "figure", "0," + "1" * 40, "The number has too many digits."),
    ("vi", "plain", "2026", 2026),
    ("vi", "plain", "9" * 5000, "The number has too many digits."),
    ("vi", "plain", "2.026", "Write digits only"),
    ("en", "money", "2,500,000,000", 2_500_000_000),
    ("en", "money", "2,500,000,000 VND", 2_500_000_000),
    ("en", "money", "2.500.000.000", "Did you mean 2,500,000,000?"),
    ("en", "money", "2.5", "Enter a whole number, without decimals (thousands are written 1,000)."),
    ("en", "money", "3,2", "Write 3.2 for a decimal or 3,200 for thousands."),
    ("en", "figure", "3.2", Decimal("3.2")),
    ("en", "figure", "1,234.5 %", Decimal("1234.5")),
    ("en", "figure", "3,2", "Write 3.2 for a decimal or 3,200 for thousands."),
    ("en", "figure", "1.000,5", "Did you mean 1,000.5?"),
    ("en", "plain", "2.026", "Write digits only"),
    ("en", "plain", "2,026", "Write digits only"),
]


@pytest.mark.parametrize("language, kind, text, expected", READINGS)
def test_numbers_are_read_in_the_page_language(app, language, kind, text, expected):
    # Messages in English whatever the catalogue says; numbers in `language`.
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        if isinstance(expected, str):
            with pytest.raises(NumberInputError) as refused:
                KINDS[kind].parse(text, locale=language)
            assert expected in str(refused.value)
        else:
            assert KINDS[kind].parse(text, locale=language) == expected


@pytest.mark.parametrize("language, meant, other", [
    ("vi", "2.500.000.000", "2,500,000,000"), ("en", "2,500,000,000", "2.500.000.000"),
])
def test_without_a_locale_the_page_language_decides(app, language, meant, other):
    with app.test_request_context(headers={"Cookie": f"lang={language}"}):
        assert KINDS["money"].parse(meant) == 2_500_000_000
        with pytest.raises(NumberInputError):
            KINDS["money"].parse(other)


@pytest.mark.parametrize("language, value, shown", [
    ("vi", 2_500_000_000, "2.500.000.000 ₫"), ("en", 2_500_000_000, "2,500,000,000 ₫"),
])
def test_what_a_number_was_understood_as(app, language, value, shown):
    with app.test_request_context(headers={"Cookie": f"lang={language}"}):
        assert KINDS["money"].show(value) == shown
        assert KINDS["figure"].show(Decimal("1234.125")) == ("1.234,125" if language == "vi"
                                                             else "1,234.125")
        assert KINDS["money"].understood("2.5") == ""


@pytest.mark.parametrize("text", ["1_000", "1e3", "NaN", "١٢"])
def test_agency_report_figures_follow_the_same_rules(app, text):
    with app.test_request_context(headers={"Cookie": "lang=vi"}):
        assert parse_figure("1.234,5") == 1234.5
        with pytest.raises(ValueError):
            parse_figure(text)


# The applicant's forms --------------------------------------------------------------------------

@pytest.fixture
def owner(login):
    user = make_user("applicant")
    login(user)
    return user


def project_form(**changes) -> dict:
    data = {name: value.isoformat() if hasattr(value, "isoformat") else value
            for name, value in VALID_FIELDS["project"].items()}
    amounts = {"total_budget_vnd": "2.500.000.000", "requested_support_vnd": "500.000.000"}
    return data | amounts | changes


def error_beside(html: str, field: str) -> str:
    match = re.search(rf'id="{field}-error"[^>]*>(.*?)</ul>', html, re.S)
    assert match, f"no error shown beside {field}"
    return re.sub(r"<[^>]+>", " ", match.group(1))


def understood(html: str, field_id: str) -> str:
    match = re.search(rf'<output id="{field_id}-understood"[^>]*>(.*?)</output>', html, re.S)
    assert match, f"no output for {field_id}"
    return match.group(1).strip()


def only_application() -> Application:
    db.session.expire_all()
    return db.session.scalar(db.select(Application))


def count_applications() -> int:
    return db.session.scalar(db.select(db.func.count(Application.id)))


def test_a_vietnamese_budget_is_stored_and_shown_the_vietnamese_way(client, owner):
    response = client.post("/applications/new/project", data=project_form())
    assert response.status_code == 302
    application = only_application()
    assert application.total_budget_vnd == 2_500_000_000
    assert application.requested_support_vnd == 500_000_000
    assert "2.500.000.000" in client.get(response.headers["Location"]).get_data(as_text=True)
    form = client.get(f"/applications/{application.id}/edit").get_data(as_text=True)
    assert re.search(r'name="total_budget_vnd"[^>]*value="2\.500\.000\.000"', form)


def test_an_english_budget_is_read_the_english_way(client, owner):
    client.set_cookie("lang", "en")
    response = client.post("/applications/new/project", data=project_form(
        total_budget_vnd="2,500,000,000", requested_support_vnd="500,000,000 VND"))
    assert response.status_code == 302
    assert only_application().total_budget_vnd == 2_500_000_000
    assert only_application().requested_support_vnd == 500_000_000
    assert "2,500,000,000" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_ambiguous_budget_is_refused_with_how_to_write_it(client, owner):
    response = client.post("/applications/new/project", data=project_form(total_budget_vnd="2.5"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    message = error_beside(html, "total_budget_vnd")
    assert "2,5" in message and "2.500" in message  # both readings, written the Vietnamese way
    assert 'value="2.5"' in html  # what was typed stays in the field
    assert count_applications() == 0


def test_the_form_says_what_it_understood_when_it_comes_back(client, owner):
    response = client.post("/applications/new/project",
                           data=project_form(title="Ngắn", total_budget_vnd="2.500.000.000đ"))
    assert response.status_code == 422  # the title is too short
    html = response.get_data(as_text=True)
    assert "2.500.000.000 ₫" in understood(html, "total_budget_vnd")
    assert "500.000.000 ₫" in understood(html, "requested_support_vnd")
    output = re.search(r'<output id="total_budget_vnd-understood"[^>]*>', html).group(0)
    assert 'aria-live="polite"' in output and 'for="total_budget_vnd"' in output
    assert 'data-group="."' in output and 'data-decimal=","' in output
    field = re.search(r'<input[^>]*name="total_budget_vnd"[^>]*>', html).group(0)
    assert "total_budget_vnd-understood" in field


def test_a_decimal_in_a_whole_number_field_is_refused(client, owner):
    client.set_cookie("lang", "en")
    data = {name: value.isoformat() if hasattr(value, "isoformat") else str(value)
            for name, value in VALID_FIELDS["startup"].items()}
    response = client.post("/applications/new/startup", data=data | {"team_size": "6.5"})
    assert response.status_code == 422
    assert "Enter a whole number, without decimals" in error_beside(
        response.get_data(as_text=True), "team_size")
    response = client.post("/applications/new/startup",
                           data=data | {"funding_sought_vnd": "800,000,000.5"})
    assert response.status_code == 422
    assert "Enter a whole number, without decimals" in error_beside(
        response.get_data(as_text=True), "funding_sought_vnd")
    assert count_applications() == 0


@pytest.mark.parametrize("kind", ["project", "startup", "conservation"])
def test_number_inputs_are_text_inputs_that_browsers_do_not_reinterpret(client, owner, kind):
    html = client.get(f"/applications/new/{kind}").get_data(as_text=True)
    assert 'type="number"' not in html
    names = {"project": ["total_budget_vnd", "requested_support_vnd"],
             "startup": ["team_size", "funding_sought_vnd"], "conservation": ["population_count"]}
    for name in names[kind]:
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'type="text"' in field and 'inputmode="numeric"' in field, field
    assert '<script src="/static/js/numbers.js" defer></script>' in html


def test_the_script_is_served_and_only_where_numbers_are_typed(client):
    response = client.get("/static/js/numbers.js")
    assert response.status_code == 200 and b"data-number" in response.data
    response.close()
    assert "numbers.js" not in client.get("/").get_data(as_text=True)


# The admin's figures ----------------------------------------------------------------------------

@pytest.fixture
def admin(login):
    user = make_user("admin")
    login(user)
    return user


def indicator_url() -> str:
    # A figure admins enter year by year (import substitution is computed from the enterprises).
    target = db.session.scalar(db.select(Target).filter_by(code="grdp_share_2030"))
    return f"/admin/targets/{target.id}/values"


def figure(value: str, year: str = "2025") -> dict:
    return {"year": year, "value": value, "source": "Cục Thống kê tỉnh",
            "reported_on": "2026-01-15"}


def stored_figures() -> list[float]:
    return list(db.session.scalars(db.select(IndicatorValue.value).order_by(IndicatorValue.id)))


def test_a_vietnamese_decimal_figure_is_stored(client, admin):
    response = client.post(indicator_url(), data=figure("3,2"))
    assert response.status_code == 302
    assert stored_figures() == [3.2]
    html = client.get(indicator_url()).get_data(as_text=True)
    assert 'type="number"' not in html
    field = re.search(r'<input[^>]*name="value"[^>]*>', html).group(0)
    assert 'type="text"' in field and 'inputmode="decimal"' in field


def test_in_english_a_decimal_comma_is_refused_and_a_point_is_read(client, admin):
    client.set_cookie("lang", "en")
    response = client.post(indicator_url(), data=figure("3,2"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Write 3.2 for a decimal or 3,200 for thousands." in error_beside(html, "value")
    assert stored_figures() == []
    assert client.post(indicator_url(), data=figure("3.2 %")).status_code == 302
    assert stored_figures() == [3.2]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_year_is_digits_only(client, admin, language):
    client.set_cookie("lang", language)
    response = client.post(indicator_url(), data=figure("40", year="2.026"))
    assert response.status_code == 422
    assert "year-error" in response.get_data(as_text=True)
    if language == "en":
        assert "Write digits only" in error_beside(response.get_data(as_text=True), "year")
    field = re.search(r'<input[^>]*name="year"[^>]*>', response.get_data(as_text=True)).group(0)
    assert 'type="text"' in field and 'inputmode="numeric"' in field
    assert stored_figures() == []
    assert client.post("/admin/awards", data={
        "year": "2.026", "nominee_kind": "individual", "nominee_name": "Nguyễn Văn A",
        "achievement": "Nhân giống nhãn lồng"}).status_code == 422
    assert db.session.scalar(db.select(db.func.count(AwardProposal.id))) == 0


def test_target_bounds_and_filing_counts_read_the_page_language(client, admin):
    target = db.session.scalar(db.select(Target).filter_by(code="import_substitution"))
    data = {"title_vi": target.title_vi, "title_en": target.title_en or "", "target_min": "42,5",
            "target_max": "", "unit": target.unit, "deadline": target.deadline.isoformat(),
            "window_start": "", "sort_order": str(target.sort_order)}
    response = client.post(f"/admin/targets/{target.id}", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert target.target_min == 42.5
    html = client.get(f"/admin/targets/{target.id}").get_data(as_text=True)
    assert re.search(r'name="target_min"[^>]*value="42,5"', html) and 'type="number"' not in html
    for typed in ("   ", "42.5", "4,5 ₫"):  # blank, ambiguous, a unit the field does not take
        response = client.post(f"/admin/targets/{target.id}", data=data | {"target_min": typed})
        assert response.status_code == 422, typed
        assert "target_min-error" in response.get_data(as_text=True)
    db.session.expire_all()
    assert target.target_min == 42.5

    response = client.post("/admin/pvp-counts", data={"year": "2023", "filings": "1.200",
                                                     "source": "Cục Trồng trọt"})
    assert response.status_code == 302
    assert "1.200" in client.get("/admin/pvp-counts").get_data(as_text=True)
    assert client.post("/admin/pvp-counts", data={"year": "2024", "filings": "12,5",
                                                  "source": "x"}).status_code == 422


# Censuses -------------------------------------------------------------------------------------

def test_census_counts_read_the_page_language(client, login):
    login(make_user("reviewer"))
    response = client.post("/review/resources/nhan_long/census", data={
        "counted_on": "2026-01-15", "locality": "Phố Hiến", "individuals": "1.250"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(Census.individuals)) == 1250

    client.set_cookie("lang", "en")
    response = client.post("/review/resources/nhan_long/census", data={
        "counted_on": "2026-01-15", "locality": "Phố Hiến", "individuals": "1.250"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter a whole number, without decimals" in error_beside(html, "census-individuals")
    assert 'type="number"' not in html
    assert db.session.scalar(db.select(db.func.count(Census.id))) == 1


def test_owner_census_form_is_a_text_input(client, login):
    owner = make_user("applicant")
    approved = make_application(owner, "conservation", "approved")
    login(owner)
    html = client.get(f"/applications/{approved.id}").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="breeding_females"[^>]*>', html).group(0)
    assert 'type="text"' in field and 'inputmode="numeric"' in field


# The agency's report figures --------------------------------------------------------------------

def test_agency_report_figures_show_what_they_were_read_as(client, login):
    from tests.test_agency_pages import YEAR, post_report, reporter

    login(reporter("DARD"))
    response = post_report(client, figures=[("Kinh phí", "1.234,5", "triệu đồng"),
                                            ("Lớp tập huấn", "1_000", "lớp")])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "1.234,5" in understood(html, "figures-0-value")
    assert understood(html, "figures-1-value") == ""
    assert f'action="/agency/tasks/III.1/{YEAR}"' in html


# While typing, in a real browser ------------------------------------------------------------------


def shows(page, output_id: str, text: str) -> None:
    """Wait until the <output> says `text` (the script waits for a pause in typing)."""
    page.wait_for_function("([id, text]) => document.getElementById(id).textContent.includes(text)",
                           arg=[output_id, text])


@pytest.mark.browser
@pytest.mark.skipif(bool(_missing), reason=f"SKIPPED browser check: {_missing}")
def test_the_page_says_what_is_being_typed(app, live_server, browser_page):
    page, base = browser_page, live_server
    admin = make_user("admin", email="quantri.so@sokhcn.hungyen.gov.vn")
    log_in(page, base, admin.email)
    page.goto(base + indicator_url())
    assert page.locator("html").get_attribute("lang") == "vi"
    output = page.locator("#value-understood")

    page.locator("#value").press_sequentially("3,2 %")
    shows(page, "value-understood", "3,2")
    assert output.get_attribute("aria-live") == "polite"
    page.fill("#value", "2.5")
    shows(page, "value-understood", "2.500")
    assert "2,5" in output.inner_text()
    page.fill("#value", "1.234.567,25")
    shows(page, "value-understood", "1.234.567,25")
    page.fill("#value", "9" * 19)
    page.wait_for_function("() => { const out = document.getElementById('value-understood');"
                           " return out.textContent === out.dataset.tooLong; }")
    check_accessibility(page, "indicator-figures-typing")

    page.goto(base + "/admin/pvp-counts")
    page.fill("#filings", "1.200")
    shows(page, "filings-understood", "1.200")
    page.fill("#filings", "12,5")
    shows(page, "filings-understood", "1.000")
    assert page.locator("#year-understood").count() == 0  # a year is plain digits: nothing to read
