"""The plan's progress through the test client: the public page (/progress), the department's
dashboard (/review/dashboard) and the links to them."""
import re
from datetime import date, timedelta

import pytest
from markupsafe import escape

from registry.extensions import db
from registry.models import Commune, Target
from registry.models.base import province_today
from registry.reference_data.basics import TARGETS
from registry.services import targets as target_service
from registry.services.unit_of_work import commit
from tests.factories import make_application, make_user, record_decision
from tests.places import PHUONG_PHO_HIEN, XA_KHOAI_CHAU, XA_THAI_THUY, commune, place

TODAY = province_today()


@pytest.fixture
def owner(app):
    return make_user("applicant")


@pytest.fixture
def reviewer(app):
    return make_user("reviewer")


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def card(html: str, code: str) -> str:
    match = re.search(rf'<article[^>]*aria-labelledby="target-{code}">(.*?)</article>', html, re.DOTALL)
    assert match, code
    return match.group(1)


def current(html: str, code: str) -> str:
    return re.search(r'<dd class="target-current">(.*?)</dd>', card(html, code), re.DOTALL).group(1).strip()


def status(html: str, code: str) -> str:
    return re.search(r'class="badge target-(\w+)">([^<]+)<', card(html, code)).group(1)


def record_pvp_example():
    admin = make_user("admin")
    for year, filings in ((2023, 25), (2024, 28), (2025, 32)):
        target_service.record_pvp_year(admin, year, filings, "nguồn")
    commit()
    return admin


def test_one_card_per_target_in_both_languages(client):
    html = page(client, "/progress")
    assert '<html lang="vi">' in html and html.count("<h1") == 1
    for target in TARGETS:
        assert card(html, target["code"])
        assert escape(target["title_vi"]) in card(html, target["code"])
    assert '<progress id="progress-supported_projects"' in html
    assert re.search(r'<label for="progress-supported_projects">[^<]+</label>', html)

    client.get("/language/en")
    html = page(client, "/progress")
    assert "Progress of the plan" in html
    for target in TARGETS:
        assert escape(target["title_en"]) in card(html, target["code"])
    goal = re.search(r'<dd class="target-goal">(.*?)</dd>', card(html, "supported_projects"), re.DOTALL)
    assert goal.group(1).strip() == "10–15 projects"
    assert "31 Dec 2030" in card(html, "supported_projects")
    assert "≥ 5 startups" in card(html, "startups")


def test_pvp_growth_example_in_vietnamese_and_english(client):
    record_pvp_example()
    pvp = card(page(client, "/progress"), "pvp_growth")
    assert "13,1 %" in pvp and "12,0" in pvp and "14,3" in pvp
    assert "12–14 %" in pvp
    client.get("/language/en")
    pvp = card(page(client, "/progress"), "pvp_growth")
    assert "13.1 %" in pvp and "12.0" in pvp and "14.3" in pvp
    assert "Average yearly growth from 2023 to 2025: 13.1 %" in pvp
    assert re.search(r"<th scope=\"row\">2024</th>\s*<td class=\"num\">28</td>", pvp)


def test_each_status_shows_with_its_text(client):
    admin = record_pvp_example()
    target = db.session.scalar(db.select(Target).filter_by(code="grdp_share_2030"))
    target_service.record_indicator(target, admin, TODAY.year - 1, 4.5, "Cục Thống kê tỉnh", TODAY)
    commit()
    client.get("/language/en")
    html = page(client, "/progress")
    assert status(html, "pvp_growth") == "period_ended"  # "Đến năm 2025"
    assert status(html, "grdp_share_2030") == "on_track"  # 4.5 % is ahead of the linear pace to 7 %
    assert status(html, "supported_projects") == "behind"
    assert status(html, "grdp_share_2045") == "no_data"
    assert status(html, "conserved_resources") == "no_target"
    for text in ("The target&#39;s period has ended", "On track", "Behind", "No data yet",
                 "Registry indicator, no target"):
        assert f"{text}</span>" in html
    indicator = card(html, "grdp_share_2030")
    assert current(html, "grdp_share_2030") == "4.5 %"
    assert "Cục Thống kê tỉnh" in indicator and str(TODAY.year - 1) in indicator
    assert current(html, "grdp_share_2045") == "—"


def test_the_plant_variety_target_says_its_period_has_ended(client):
    record_pvp_example()
    client.get("/language/en")
    pvp = card(page(client, "/progress"), "pvp_growth")
    assert "By the deadline: Achieved" in pvp
    assert "period ended on 31 Dec 2025: the figure is the one it ended with." in pvp
    assert current(page(client, "/progress"), "pvp_growth") == "13.1 %"
    # Before the deadline the period ran on.
    html = page(client, "/progress?as_of=2025-06-30")
    assert status(html, "pvp_growth") == "no_data" and "period ended" not in card(html, "pvp_growth")


def test_registry_indicators_show_their_count_without_a_target(client, owner, reviewer):
    make_application(owner, "conservation", "approved", reviewer=reviewer)
    client.get("/language/en")
    html = page(client, "/progress")
    conserved = card(html, "conserved_resources")
    assert current(html, "conserved_resources") == "1"
    assert "Registry indicator: the plan sets no target" in conserved
    assert re.search(r'<dd class="target-goal">\s*—\s*</dd>', conserved)
    assert "<progress" not in conserved  # no share of a target that does not exist
    assert "How it is measured: Indigenous genetic resources with at least one approved conservation" in conserved
    assert "Target set by the plan" in card(html, "supported_projects")
    revenue = card(html, "biotech_revenue_growth")
    assert "No enterprise is in the register yet." in revenue
    assert "like for like" in revenue


def test_the_page_names_the_plan_and_chooses_between_plans(client):
    from tests.test_targets import load_second_plan

    client.get("/language/en")
    html = page(client, "/progress")
    assert "People&#39;s Committee of Hưng Yên province" in html and "/KH-UBND" in html
    assert "12/2023" in html and "Hưng Yên province (before its merger with Thái Bình)" in html
    assert "1 Jan 2023 – 31 Dec 2030" in html
    assert 'name="plan"' not in html  # one plan: nothing to choose

    load_second_plan()
    html = page(client, "/progress")
    assert re.search(r'<option value="KH-2023-HY" selected>', html)
    chooser = re.search(r'<option value="KH-2026-HY">([^<]*)', html).group(1)
    assert "25/KH-UBND (02/03/2026)" in chooser and "Hưng Yên province (merged)" in chooser
    second = page(client, "/progress?plan=KH-2026-HY&as_of=2026-06-30")
    assert "Biotech plan of Hưng Yên province, 2026–2030" in second
    assert re.search(r'<option value="KH-2026-HY" selected>', second)
    assert card(second, "grdp_share_2030") and "biotech_revenue_growth" not in second
    assert "flash-warning" not in second
    # The day's form keeps the plan.
    assert 'name="as_of" value="2026-06-30"' in second

    unknown = page(client, "/progress?plan=KH-1999")
    assert "There is no plan with the code asked for" in unknown
    assert card(unknown, "biotech_revenue_growth")  # the counted plan's targets


def test_a_past_date_shows_the_picture_of_that_day(client, owner, reviewer):
    application = make_application(owner, "project", "approved", reviewer=reviewer)
    assert current(page(client, "/progress"), "supported_projects") == "0"  # approved, not decided
    record_decision(application, reviewer)
    assert current(page(client, "/progress"), "supported_projects") == "1"

    yesterday = (TODAY - timedelta(days=1)).isoformat()
    html = page(client, f"/progress?as_of={yesterday}")
    assert current(html, "supported_projects") == "0"
    assert f'name="as_of" value="{yesterday}"' in html
    assert "flash-warning" not in html
    assert "chart-field" in html and '<svg class="bar-chart"' not in html  # nothing approved yet
    client.set_cookie("lang", "en")
    assert "No data yet." in page(client, f"/progress?as_of={yesterday}")


@pytest.mark.parametrize("asked, shown", [
    ("hôm-qua", "today"), ("2024-02-30", "today"), ("20240101", "today"),
    ("tomorrow", "today"), ("2022-06-01", date(2023, 1, 1)),
])
def test_unusable_dates_fall_back_with_a_notice(client, asked, shown):
    # Today and tomorrow are read when the test runs, not when the suite started.
    today = province_today()
    asked = (today + timedelta(days=1)).isoformat() if asked == "tomorrow" else asked
    shown = today if shown == "today" else shown
    html = page(client, f"/progress?as_of={asked}")
    assert f'name="as_of" value="{shown.isoformat()}"' in html
    assert 'class="flash flash-warning" role="status"' in html


CHARTS = ("chart-year", "chart-field", "chart-province", "chart-commune", "chart-district",
          "chart-product")


def chart_table(html: str, chart_id: str) -> list[list[str]]:
    """The body rows of the table under a chart, as the texts of their cells."""
    section = re.search(rf'<section class="chart" aria-labelledby="{chart_id}-heading">(.*?)</section>',
                        html, re.DOTALL).group(1)
    body = re.search(r"<tbody>(.*?)</tbody>", section, re.DOTALL).group(1)
    return [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)]


def test_charts_are_svg_without_style_each_followed_by_its_table(client, owner, reviewer):
    place(make_application(owner, "project", "approved", reviewer=reviewer), XA_KHOAI_CHAU)
    place(make_application(owner, "startup", "approved", reviewer=reviewer), XA_THAI_THUY)
    place(make_application(owner, "project", "approved", reviewer=reviewer, field="health",
                           product_type="microbial_strain"), district_code="van_lam")
    html = page(client, "/progress")
    assert " style=" not in html and "<script" not in html
    charts = re.findall(r'<svg class="bar-chart".*?</svg>\s*(<div class="table-wrap">\s*<table>\s*<caption>)?',
                        html, re.DOTALL)
    assert len(charts) == len(CHARTS)
    assert all(table for table in charts)  # every chart is followed by its table
    for chart_id in CHARTS:
        assert f'role="img" focusable="false"\n           aria-labelledby="{chart_id}-title"' in html
        assert f'<title id="{chart_id}-title">' in html
    # The year's table has a column per kind; its bar is the total.
    assert re.search(rf"<th scope=\"row\">{TODAY.year}</th>\s*<td class=\"num\">2</td>"
                     r"<td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">0</td>\s*"
                     r"<td class=\"num\">3</td>", html)
    assert re.search(r'<rect class="chart-bar" x="0" y="\d+" width="560.0"', html)


def test_the_province_as_it_is_and_its_history(client, login, owner, reviewer):
    """Since 01/07/2025 by commune or ward and by former province; a Thái Bình-area enterprise
    under its commune and under the former Thái Bình; the records from before by their former
    district, which is shown only while there are some."""
    place(make_application(owner, "startup", "approved", reviewer=reviewer,
                           title="Khởi nghiệp nước mắm Thái Thụy"), XA_THAI_THUY)
    place(make_application(owner, "project", "approved", reviewer=reviewer), XA_THAI_THUY)
    place(make_application(owner, "project", "approved", reviewer=reviewer), PHUONG_PHO_HIEN)
    client.get("/language/en")
    html = page(client, "/progress")
    assert "Approved records by commune or ward (since 01/07/2025)" in html
    assert chart_table(html, "chart-province") == [
        ["Former Hưng Yên province", "1"], ["Former Thái Bình province", "2"]]
    assert chart_table(html, "chart-commune") == [
        ["Thái Thụy Commune", "Former Thái Bình province", "2"],
        ["Phố Hiến Ward", "Former Hưng Yên province", "1"]]
    assert "chart-district" not in html  # no record from before 01/07/2025

    place(make_application(owner, "conservation", "approved", reviewer=reviewer),
          district_code="khoai_chau")
    html = page(client, "/progress")
    assert "Approved records by former district (before 01/07/2025)" in html
    assert chart_table(html, "chart-district") == [["Khoai Chau", "1"]]
    assert chart_table(html, "chart-province")[0] == ["Former Hưng Yên province", "2"]
    # A record without a place (none is required of a draft made before) is in none of them.
    place(make_application(owner, "conservation", "approved", reviewer=reviewer))
    assert chart_table(page(client, "/progress"), "chart-province") == [
        ["Former Hưng Yên province", "2"], ["Former Thái Bình province", "2"]]

    # The department's dashboard shows the same.
    login(reviewer)
    dashboard = page(client, "/review/dashboard")
    assert chart_table(dashboard, "chart-commune") == chart_table(html, "chart-commune")
    assert chart_table(dashboard, "chart-district") == [["Khoai Chau", "1"]]


def test_the_commune_chart_draws_the_first_units_and_lists_them_all(client, owner, reviewer):
    codes = db.session.scalars(db.select(Commune.code).order_by(Commune.code).limit(17)).all()
    for code in codes:
        place(make_application(owner, "conservation", "approved", reviewer=reviewer), code)
    client.get("/language/en")
    html = page(client, "/progress")
    section = re.search(r'<section class="chart" aria-labelledby="chart-commune-heading">(.*?)</section>',
                        html, re.DOTALL).group(1)
    bars = re.findall(r'<text class="chart-label" x="0" y="\d+">([^<]+)</text>', section)
    assert len(bars) == 16 and bars[-1] == "2 other communes and wards"
    assert len(chart_table(html, "chart-commune")) == 17
    assert re.search(r'<th scope="row" colspan="2">Total</th><td class="num">17</td>', section)
    assert {row[0] for row in chart_table(html, "chart-commune")} == {commune(c).name_en for c in codes}


def test_pages_use_a_constant_number_of_queries(client, login, owner, reviewer, count_queries):
    fields = [("agriculture", "plant_variety"), ("health", "microbial_strain"),
              ("environment", "livestock_breed")]
    codes = db.session.scalars(db.select(Commune.code).order_by(Commune.code)).all()

    def make(number):
        field, product = fields[number % 3]
        kind = ("project", "startup", "conservation", "pvp_filing")[number % 4]
        extra = {"product_type": product} if kind == "project" else {}
        application = make_application(owner, kind, "approved", reviewer=reviewer, field=field, **extra)
        # Each in a commune of its own (no query per unit), one in five in a former district.
        if number % 5 == 4:
            place(application, district_code=("khoai_chau", "van_lam", "an_thi")[number % 3])
        else:
            place(application, codes[number * 7 % len(codes)])

    def queries(url):
        with count_queries() as counter:
            page(client, url)
        return counter.count

    login(reviewer)
    for number in range(3):
        make(number)
    few = (queries("/progress"), queries("/review/dashboard"))
    for number in range(3, 30):
        make(number)
    assert (queries("/progress"), queries("/review/dashboard")) == few


def test_dashboard_is_for_the_department(client, login, owner, reviewer):
    response = client.get("/review/dashboard")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login(owner)
    page(client, "/review/dashboard", 403)
    client.post("/auth/logout")
    login(reviewer)
    page(client, "/review/dashboard")
    assert 'href="/review/dashboard"' in page(client, "/review/")


def test_dashboard_shows_queue_health(client, login, owner, reviewer):
    old = make_application(owner, "project", "submitted")
    old.submitted_at = old.submitted_at - timedelta(days=40)
    make_application(owner, "startup", "submitted")
    make_application(owner, "project", "approved", reviewer=reviewer)
    db.session.commit()
    login(reviewer)
    client.get("/language/en")
    html = page(client, "/review/dashboard")
    waiting = re.search(r'<a href="(/review/\?[^"]+)"><span class="stat">(\d+)</span>', html)
    assert waiting.group(2) == "1" and "status=submitted" in waiting.group(1)
    assert "Median days from submission to decision" in html
    assert "Based on 1 decided application." in html
    assert '<svg class="bar-chart"' in html and 'id="chart-decisions-title"' in html
    assert card(html, "supported_projects")  # the same cards as the public page
    assert " style=" not in html


def test_home_page_and_menu_link_to_the_progress_page(client):
    html = page(client, "/")
    assert html.count('href="/progress"') == 2  # the menu and the home page's call to action
    client.get("/language/en")
    assert "Plan progress</a>" in page(client, "/records")

