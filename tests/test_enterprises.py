"""The register of bio-industry enterprises (issue 13, item 8): the plan's growth and import-substitution
measures computed from the register, as of a day; the admin pages that keep it, with amounts typed
as Vietnamese writes them; who may open them; and what junk input gets (a form error, never a 500)."""
import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry import create_app
from registry.extensions import db
from registry.models import BiotechEnterprise, Commune, EnterpriseYearFigure, ImportBaseline
from registry.models.base import province_today
from registry.services import enterprises as register
from registry.services.errors import ValidationFailed
from registry.services.unit_of_work import commit
from tests.conftest import SuiteConfig
from tests.factories import make_user

BASE = register.BASE_YEAR
BILLION = 1_000_000_000
_codes = iter(range(100_000_000, 999_999_999))


def year_measured() -> int:
    """The year the measures compare with the base today: the last complete year."""
    return province_today().year - 1


def commune(code: str = "12205") -> Commune:
    return db.session.scalar(db.select(Commune).filter_by(code=code))


def add_enterprise(admin, name: str, commune_code: str = "12205", **fields) -> BiotechEnterprise:
    values = {"tax_code": f"0{next(_codes)}", "field": "agriculture", "commune": commune(commune_code),
              "in_register_since": province_today() - timedelta(days=400)} | fields
    enterprise = register.create_enterprise(admin, name=name, **values)
    commit()
    return enterprise


def add_figures(enterprise, admin, year: int, investment: float, revenue: float, replacing=None,
                source: str = "Báo cáo tài chính đã kiểm toán", reported_on=None) -> EnterpriseYearFigure:
    """Figures in billions of đồng."""
    figure = register.record_year_figure(
        enterprise, admin, year=year, investment_vnd=int(investment * BILLION), revenue_vnd=int(revenue * BILLION),
        import_replacing_revenue_vnd=None if replacing is None else int(replacing * BILLION),
        source=source, reported_on=reported_on or province_today())
    commit()
    return figure


def backdate(row, days: int) -> None:
    """As if `row` had been entered `days` ago (the history is append-only for the app itself)."""
    moment = datetime.now() - timedelta(days=days)
    table = type(row).__table__
    column = "created_at" if "created_at" in table.c else "entered_at"
    values = {column: moment}
    if "reported_on" in table.c:
        values["reported_on"] = moment.date()
    db.session.execute(sa.update(table).where(table.c.id == row.id).values(**values))
    db.session.commit()
    db.session.expire_all()


@pytest.fixture
def admin(app):
    return make_user("admin", full_name="Quản Trị Viên")


@pytest.fixture
def english(client):
    client.set_cookie("lang", "en")


# The measures, from the register -------------------------------------------------------------------

def test_growth_is_computed_like_for_like_and_says_who_is_left_out(admin):
    year = year_measured()
    a = add_enterprise(admin, "Công ty CP Giống cây trồng Phố Hiến")
    b = add_enterprise(admin, "Công ty TNHH Vi sinh Khoái Châu")
    newcomer = add_enterprise(admin, "Công ty CP Dược liệu Thái Bình", "13225")
    silent = add_enterprise(admin, "Hợp tác xã Nấm Ân Thi")
    add_figures(a, admin, BASE, 10, 20)
    add_figures(a, admin, year, 16, 30)
    add_figures(b, admin, BASE, 10, 20)
    add_figures(b, admin, year, 14, 26)
    add_figures(newcomer, admin, year, 100, 100)  # no base figure: it cannot be compared
    add_figures(silent, admin, BASE, 5, 5)  # no figure for the year measured

    investment = register.growth("investment", province_today())
    revenue = register.growth("revenue", province_today())

    assert (investment.value, investment.year, investment.base_year) == (50.0, year, BASE)
    assert (investment.base_total, investment.year_total) == (20 * BILLION, 30 * BILLION)
    assert revenue.value == 40.0
    assert (investment.panel, investment.left_out) == (2, 2)
    assert investment.missing_base == ("Công ty CP Dược liệu Thái Bình",)
    assert investment.missing_year == ("Hợp tác xã Nấm Ân Thi",)


def test_without_figures_after_the_base_year_there_is_no_growth_and_it_says_why(admin):
    assert register.growth("investment", province_today()).reason == "empty_register"
    a = add_enterprise(admin, "Công ty CP Giống cây trồng Phố Hiến")
    add_figures(a, admin, BASE, 10, 20)
    growth = register.growth("revenue", province_today())
    assert growth.value is None and growth.reason == "no_later_year"
    assert str(BASE) in growth.reason_text
    with pytest.raises(ValueError):
        register.growth("profit", province_today())


def test_the_year_measured_is_the_last_complete_year_with_figures(admin):
    this_year = province_today().year
    a = add_enterprise(admin, "Công ty CP Giống cây trồng Phố Hiến")
    add_figures(a, admin, BASE, 10, 10)
    add_figures(a, admin, this_year, 30, 30)  # the year under way: an estimate
    assert register.growth("revenue", province_today()).year == this_year  # nothing better yet
    add_figures(a, admin, this_year - 1, 15, 15)
    growth = register.growth("revenue", province_today())
    assert (growth.year, growth.value) == (this_year - 1, 50.0)
    if this_year - 2 > BASE:
        add_figures(a, admin, this_year - 2, 12, 12)
        capped = register.growth("revenue", province_today(), latest_year=this_year - 2)
        assert (capped.year, capped.value) == (this_year - 2, 20.0)


def test_a_correction_is_a_new_row_that_supersedes_the_old_one(admin):
    year = year_measured()
    a = add_enterprise(admin, "Công ty CP Giống cây trồng Phố Hiến")
    add_figures(a, admin, BASE, 10, 20)
    wrong = add_figures(a, admin, year, 16, 30)
    add_figures(a, admin, year, 18, 30, source="Báo cáo tài chính đã kiểm toán (điều chỉnh)")

    assert register.growth("investment", province_today()).value == 80.0
    assert db.session.scalar(sa.select(sa.func.count(EnterpriseYearFigure.id))) == 3
    wrong.investment_vnd = 1
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_as_of_a_past_day_ignores_what_was_entered_later(admin):
    yesterday = province_today() - timedelta(days=1)
    year = yesterday.year - 1
    a = add_enterprise(admin, "Công ty CP Giống cây trồng Phố Hiến")
    backdate(a, 30)
    backdate(add_figures(a, admin, BASE, 10, 20), 30)
    backdate(add_figures(a, admin, year, 12, 20), 30)
    add_figures(a, admin, year, 20, 20)  # a correction entered today
    late = add_enterprise(admin, "Công ty TNHH Vi sinh Khoái Châu")  # in the register since today
    add_figures(late, admin, BASE, 1, 1)

    then = register.growth("investment", yesterday)
    assert (then.value, then.panel, then.left_out) == (20.0, 1, 0)
    now = register.growth("investment", province_today())
    assert (now.value, now.panel, now.left_out) == (100.0, 1, 1)


def test_import_substitution_needs_the_base_years_imports(admin):
    year = year_measured()
    a = add_enterprise(admin, "Công ty CP Giống cây trồng Phố Hiến")
    b = add_enterprise(admin, "Công ty TNHH Vi sinh Khoái Châu")
    c = add_enterprise(admin, "Hợp tác xã Nấm Ân Thi")
    add_figures(a, admin, year, 10, 40, replacing=30)
    add_figures(b, admin, year, 10, 40, replacing=20)
    add_figures(c, admin, year, 1, 2)  # does not say

    without = register.import_substitution(province_today())
    assert without.value is None and without.reason == "no_baseline"
    assert (without.year, without.replacing_total, without.not_stated) == (year, 50 * BILLION, 1)

    register.record_import_baseline(admin, value_vnd=100 * BILLION, source="Cục Hải quan tỉnh",
                                    reported_on=province_today())
    commit()
    assert register.import_substitution(province_today()).value == 50.0
    register.record_import_baseline(admin, value_vnd=200 * BILLION, source="Cục Thống kê tỉnh (đính chính)",
                                    reported_on=province_today())
    commit()
    corrected = register.import_substitution(province_today())
    assert (corrected.value, corrected.baseline_source) == (25.0, "Cục Thống kê tỉnh (đính chính)")
    assert db.session.scalar(sa.select(sa.func.count(ImportBaseline.id))) == 2


def test_the_annual_report_section_lists_the_enterprises_figures_and_sources(admin):
    year = year_measured()
    a = add_enterprise(admin, "Công ty CP Dược liệu Thái Bình", "13225")
    add_figures(a, admin, BASE, 10, 20, replacing=2, source="Báo cáo tài chính 2023")
    add_figures(a, admin, year, 15, 30, replacing=6, source="Cục Thuế tỉnh")
    register.record_import_baseline(admin, value_vnd=12 * BILLION, source="Cục Hải quan tỉnh",
                                    reported_on=province_today())
    commit()

    section = register.annual_report_section(year, province_today())

    assert section["year"] == year and section["base_year"] == BASE
    (row,) = section["rows"]
    assert row["name"] == "Công ty CP Dược liệu Thái Bình" and row["in_panel"]
    assert row["commune"] == "Phường Thái Bình" and "Thái Bình" in str(row["former_province"])
    assert row["base"]["investment_vnd"] == 10 * BILLION and row["current"]["source"] == "Cục Thuế tỉnh"
    assert (section["investment"].value, section["revenue"].value) == (50.0, 50.0)
    assert section["import_substitution"].value == 50.0
    assert section["sources"] == ["Báo cáo tài chính 2023", "Cục Thuế tỉnh", "Cục Hải quan tỉnh"]


def test_the_services_refuse_what_the_register_cannot_hold(admin):
    a = add_enterprise(admin, "Công ty CP Giống cây trồng Phố Hiến", tax_code="0101234567001")
    assert a.tax_code == "0101234567-001"
    with pytest.raises(ValidationFailed) as refused:
        register.create_enterprise(admin, name="Trùng mã", tax_code="0101234567-001", field="health",
                                   commune=commune(), in_register_since=province_today())
    assert "Công ty CP Giống cây trồng Phố Hiến" in refused.value.errors["tax_code"][0]
    db.session.rollback()
    with pytest.raises(ValidationFailed) as refused:
        register.record_year_figure(a, admin, year=BASE - 1, investment_vnd=-1, revenue_vnd=5,
                                    import_replacing_revenue_vnd=6, source=" ", reported_on=None)
    assert set(refused.value.errors) == {"year", "investment_vnd", "import_replacing_revenue_vnd",
                                         "source", "reported_on"}


# The admin pages --------------------------------------------------------------------------------------

NEW_ENTERPRISE = {"name": "Công ty CP Sinh học Kiến Xương", "tax_code": "1000123456", "field": "agriculture",
                  "commune": "12454", "organization": "", "in_register_since": "2025-08-01", "notes": ""}


def figure_form(**changes) -> dict:
    return {"year": str(BASE), "investment_vnd": "2.500.000.000", "revenue_vnd": "4.000.000.000",
            "import_replacing_revenue_vnd": "", "source": "Báo cáo tài chính năm 2023",
            "reported_on": province_today().isoformat()} | changes


def test_an_admin_registers_an_enterprise_and_its_figures_in_vietnamese_numbers(client, login, admin):
    login(admin)
    response = client.post("/admin/enterprises/new", data=NEW_ENTERPRISE)
    assert response.status_code == 302
    enterprise = db.session.scalar(db.select(BiotechEnterprise))
    assert (enterprise.name, enterprise.commune.former_province) == ("Công ty CP Sinh học Kiến Xương", "thai_binh")

    response = client.post(response.headers["Location"], data=figure_form(
        import_replacing_revenue_vnd="1.200.000.000 ₫"), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    figure = db.session.scalar(db.select(EnterpriseYearFigure))
    assert (figure.investment_vnd, figure.revenue_vnd, figure.import_replacing_revenue_vnd) == (
        2_500_000_000, 4_000_000_000, 1_200_000_000)
    assert "2.500.000.000 ₫" in page and "1.200.000.000 ₫" in page  # what was understood, said back

    listing = client.get("/admin/enterprises?q=kien xuong").get_data(as_text=True)
    assert "Công ty CP Sinh học Kiến Xương" in listing and "Phường Trần Lãm" in listing
    assert "Thái Bình" in listing
    assert "Công ty CP Sinh học Kiến Xương" in client.get("/admin/enterprises?q=1000123").get_data(as_text=True)
    assert "Công ty CP Sinh học Kiến Xương" not in client.get("/admin/enterprises?q=Phố Hiến").get_data(as_text=True)


def test_figures_typed_the_english_way_on_an_english_page(client, login, admin, english):
    login(admin)
    enterprise = add_enterprise(admin, "Công ty CP Giống cây trồng Phố Hiến")
    response = client.post(f"/admin/enterprises/{enterprise.id}", data=figure_form(
        investment_vnd="2,500,000,000", revenue_vnd="4,000,000,000 VND"))
    assert response.status_code == 302
    assert db.session.scalar(db.select(EnterpriseYearFigure.investment_vnd)) == 2_500_000_000
    page = client.get(f"/admin/enterprises/{enterprise.id}").get_data(as_text=True)
    assert "2,500,000,000 ₫" in page


@pytest.mark.parametrize("amount", ["2.5", "abc", "9" * 400, "-5", "1e5", "2,500,000,000", "²", "NaN"])
def test_junk_amounts_are_a_form_error_not_a_server_error(client, login, admin, amount):
    login(admin)
    enterprise = add_enterprise(admin, "Công ty CP Giống cây trồng Phố Hiến")
    response = client.post(f"/admin/enterprises/{enterprise.id}", data=figure_form(investment_vnd=amount))
    assert response.status_code == 422
    assert 'id="investment_vnd-error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(EnterpriseYearFigure.id))) == 0


def test_junk_amounts_are_explained_in_english(client, login, admin, english):
    login(admin)
    enterprise = add_enterprise(admin, "Công ty CP Giống cây trồng Phố Hiến")
    for amount, message in [("2,5", "Write 2.5 for a decimal or 2,500 for thousands."),
                            ("lots", "Write a whole number such as 2,500,000"),
                            ("-5", "The amount cannot be negative."),
                            ("9" * 400, "The number has too many digits.")]:
        response = client.post(f"/admin/enterprises/{enterprise.id}", data=figure_form(investment_vnd=amount))
        assert response.status_code == 422, amount
        assert message in response.get_data(as_text=True), amount
    response = client.post(f"/admin/enterprises/{enterprise.id}", data=figure_form(
        year="2022", revenue_vnd="1,000", import_replacing_revenue_vnd="2,000", source="", reported_on="31/02/2026"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not a date: write it as dd/mm/yyyy." in page and "This field is required." in page
    assert db.session.scalar(sa.select(sa.func.count(EnterpriseYearFigure.id))) == 0
    response = client.post(f"/admin/enterprises/{enterprise.id}", data=figure_form(
        investment_vnd="2,500,000,000", revenue_vnd="1,000", import_replacing_revenue_vnd="2,000"))
    assert response.status_code == 422
    assert "It cannot exceed the year&#39;s revenue." in response.get_data(as_text=True)


def test_a_new_enterprise_needs_a_valid_tax_code_and_a_commune(client, login, admin, english):
    login(admin)
    response = client.post("/admin/enterprises/new", data=NEW_ENTERPRISE | {"tax_code": "12", "commune": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A tax code has 10 digits, or 10 digits, a hyphen and 3 digits for a dependent unit." in page
    assert "Choose the commune or ward where the enterprise is." in page
    response = client.post("/admin/enterprises/new", data=NEW_ENTERPRISE | {"commune": "99999", "field": "space"})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(BiotechEnterprise.id))) == 0


def test_saving_over_a_change_made_meanwhile_is_a_conflict(client, login, admin, english):
    login(admin)
    enterprise = add_enterprise(admin, "Công ty CP Giống cây trồng Phố Hiến")
    page = client.get(f"/admin/enterprises/{enterprise.id}/edit").get_data(as_text=True)
    seen = re.search(r'name="version"[^>]*value="(\d+)"', page) or re.search(r'value="(\d+)"[^>]*name="version"', page)
    form = {"version": seen.group(1), "name": "Công ty CP Giống cây trồng Hưng Yên", "tax_code": enterprise.tax_code,
            "field": "agriculture", "commune": "12205", "organization": "",
            "in_register_since": enterprise.in_register_since.isoformat(), "notes": ""}
    register.update_enterprise(enterprise, admin, version=enterprise.version, name="Công ty CP Nhãn lồng Phố Hiến",
                               tax_code=enterprise.tax_code, field="agriculture", commune=commune(),
                               in_register_since=enterprise.in_register_since, notes="Đổi tên")
    commit()

    response = client.post(f"/admin/enterprises/{enterprise.id}/edit", data=form)
    assert response.status_code == 409
    assert "Someone else changed this record meanwhile" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(BiotechEnterprise, enterprise.id).name == "Công ty CP Nhãn lồng Phố Hiến"
    # The page came back with the version as it is now: sending it again saves.
    response = client.post(f"/admin/enterprises/{enterprise.id}/edit", data=form | {"version": "2"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(BiotechEnterprise, enterprise.id).name == "Công ty CP Giống cây trồng Hưng Yên"


def test_the_import_baseline_page_records_a_value_and_shows_the_measure(client, login, admin, english):
    login(admin)
    a = add_enterprise(admin, "Công ty CP Giống cây trồng Phố Hiến")
    add_figures(a, admin, year_measured(), 10, 40, replacing=30)
    page = client.get("/admin/enterprises/import-baseline").get_data(as_text=True)
    assert "Not computed yet." in page and "has not been entered" in page
    response = client.post("/admin/enterprises/import-baseline", data={
        "value_vnd": "60,000,000,000", "source": "Cục Hải quan tỉnh, Báo cáo số 12/BC-HQ",
        "reported_on": province_today().isoformat()}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert db.session.scalar(db.select(ImportBaseline.value_vnd)) == 60 * BILLION
    assert "60,000,000,000 ₫" in page and "50.0%" in page
    assert "Cục Hải quan tỉnh, Báo cáo số 12/BC-HQ" in page
    response = client.post("/admin/enterprises/import-baseline", data={
        "value_vnd": "0", "source": "Cục Hải quan", "reported_on": province_today().isoformat()})
    assert response.status_code == 422
    assert "The value must be more than zero." in response.get_data(as_text=True)


# Who may open the pages --------------------------------------------------------------------------------

ROLES = ("anonymous", "applicant", "reviewer", "agency", "admin")


def routes(enterprise_id: int) -> list[tuple[str, str]]:
    return [("GET", "/admin/enterprises"), ("GET", "/admin/enterprises/new"), ("POST", "/admin/enterprises/new"),
            ("GET", f"/admin/enterprises/{enterprise_id}"), ("POST", f"/admin/enterprises/{enterprise_id}"),
            ("GET", f"/admin/enterprises/{enterprise_id}/edit"), ("POST", f"/admin/enterprises/{enterprise_id}/edit"),
            ("GET", "/admin/enterprises/import-baseline"), ("POST", "/admin/enterprises/import-baseline")]


@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_open_the_register(app, admin, role):
    from tests.factories import PASSWORD

    enterprise = add_enterprise(admin, "Công ty CP Giống cây trồng Phố Hiến")
    client = app.test_client()
    if role != "anonymous":
        user = admin if role == "admin" else make_user(role)
        assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    for method, url in routes(enterprise.id):
        data = {"year": str(BASE), "investment_vnd": "1", "revenue_vnd": "1", "source": "x",
                "reported_on": province_today().isoformat(), "value_vnd": "1"} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        where = f"{method} {url} as {role}: {response.status_code}"
        if role == "anonymous":
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"], where
        elif role == "admin":
            assert response.status_code in (200, 302, 422), where
        else:
            assert response.status_code == 403, where
    figures = db.session.scalar(sa.select(sa.func.count(EnterpriseYearFigure.id)))
    baselines = db.session.scalar(sa.select(sa.func.count(ImportBaseline.id)))
    assert (figures, baselines) == ((1, 1) if role == "admin" else (0, 0))


def test_the_forms_carry_a_csrf_token(app, admin):
    class CsrfConfig(SuiteConfig):
        WTF_CSRF_ENABLED = True

    from tests.factories import PASSWORD

    enterprise = add_enterprise(admin, "Công ty CP Giống cây trồng Phố Hiến")
    client = create_app(CsrfConfig).test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/auth/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token})
    response = client.post(f"/admin/enterprises/{enterprise.id}", data=figure_form())
    assert response.status_code in (400, 422)
    assert db.session.scalar(sa.select(sa.func.count(EnterpriseYearFigure.id))) == 0
    page = client.get(f"/admin/enterprises/{enterprise.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post(f"/admin/enterprises/{enterprise.id}",
                       data=figure_form() | {"csrf_token": token}).status_code == 302


# Anything typed into the figure form ---------------------------------------------------------------------

NASTY = ["", " ", "\x00", "2.500.000.000", "2,500,000,000", "2.5", "3,2", "-1", "1e999", "9" * 500, "NaN", "inf",
         "²", "١٢٣", "2.500.000.000 ₫", "0", "2023", "2026-02-30", "31/12/2025", "' OR 1=1 --", "Đông Tảo 🌱"]
FIGURE_FIELDS = ("year", "investment_vnd", "revenue_vnd", "import_replacing_revenue_vnd", "source", "reported_on")


def test_the_figure_form_takes_any_text_without_a_server_error(app, admin):
    from tests.factories import PASSWORD

    enterprise = add_enterprise(admin, "Công ty CP Giống cây trồng Phố Hiến")
    client = app.test_client()
    client.post("/auth/login", data={"email": admin.email, "password": PASSWORD})
    text = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))

    @settings(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(values=st.fixed_dictionaries({}, optional=dict.fromkeys(FIGURE_FIELDS, text)),
           language=st.sampled_from(["vi", "en"]))
    def post_anything(values, language):
        client.set_cookie("lang", language)
        response = client.post(f"/admin/enterprises/{enterprise.id}", data=values)
        assert response.status_code in (302, 400, 422), (values, response.status_code)

    post_anything()
    for figure in db.session.scalars(db.select(EnterpriseYearFigure)):
        assert BASE <= figure.year <= province_today().year and figure.source.strip()
