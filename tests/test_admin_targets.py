"""The plan's targets in the admin area, through the pages: editing with history, new targets,
yearly indicator figures and the PVP filings of the years before the registry."""
from datetime import timedelta

import pytest

from registry.extensions import db
from registry.models import IndicatorValue, PvpYearCount, Target, TargetRevision
from registry.models.base import province_today
from registry.reference_data.basics import TARGETS
from tests.factories import make_user


def target(code: str) -> Target:
    return db.session.scalar(db.select(Target).filter_by(code=code))


def target_form(t: Target, **changes) -> dict:
    data = {
        "title_vi": t.title_vi, "title_en": t.title_en,
        "target_min": "" if t.target_min is None else str(t.target_min),
        "target_max": "" if t.target_max is None else str(t.target_max),
        "unit": t.unit, "window_start": t.window_start.isoformat() if t.window_start else "",
        "deadline": t.deadline.isoformat(), "sort_order": str(t.sort_order),
    }
    return data | changes


NEW_TARGET = {
    "code": "biotech_labs", "title_vi": "Phòng thí nghiệm công nghệ sinh học đạt chuẩn",
    "title_en": "Accredited biotech laboratories", "target_min": "4", "target_max": "",
    "unit": "count", "window_start": "2024-01-01", "deadline": "2030-12-31", "sort_order": "20",
}


@pytest.fixture
def english(client):
    client.set_cookie("lang", "en")


@pytest.fixture
def admin(login):
    user = make_user("admin", full_name="Quản Trị Viên")
    login(user)
    return user


def pages() -> list[str]:
    return ["/admin/targets", "/admin/targets/new", f"/admin/targets/{target('supported_projects').id}",
            f"/admin/targets/{target('grdp_share_2030').id}/values",
            f"/admin/targets/{target('conserved_resources').id}",
            f"/admin/targets/{target('pvp_growth').id}/values", "/admin/pvp-counts"]


@pytest.mark.parametrize("role", ["applicant", "reviewer", "agency"])
def test_target_pages_are_forbidden_to_other_roles(client, login, role):
    login(make_user(role))
    for url in pages():
        assert client.get(url).status_code == 403, url
    grdp = target("grdp_share_2030")
    response = client.post(f"/admin/targets/{grdp.id}/values", data={
        "year": "2025", "value": "60", "source": "Cục Thống kê", "reported_on": "2026-01-15"})
    assert response.status_code == 403
    assert client.post("/admin/pvp-counts", data={
        "year": "2023", "filings": "25", "source": "x"}).status_code == 403
    assert client.post("/admin/targets/new", data=NEW_TARGET).status_code == 403
    assert db.session.scalar(db.select(db.func.count(IndicatorValue.id))) == 0
    assert db.session.scalar(db.select(db.func.count(PvpYearCount.id))) == 0
    assert target("biotech_labs") is None


def test_anonymous_visitors_are_sent_to_login(client):
    for url in pages():
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_target_pages_render_in_both_languages(client, admin, language):
    client.set_cookie("lang", language)
    for url in pages():
        assert client.get(url).status_code == 200, url
    index = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/targets"' in index and 'href="/admin/pvp-counts"' in index


def test_the_list_shows_how_each_target_is_measured(client, admin, english):
    html = client.get("/admin/targets").get_data(as_text=True)
    assert "supported_projects" in html and "grdp_share_2045" in html
    assert "counted by the registry" in html and "entered by administrators" in html
    assert "10–15" in html and "at least 5" in html


def test_editing_a_target_keeps_what_it_was(client, admin, english):
    projects = target("supported_projects")
    response = client.post(f"/admin/targets/{projects.id}",
                           data=target_form(projects, target_min="12", deadline="2031-06-30"))
    assert response.status_code == 302

    db.session.refresh(projects)
    assert projects.target_min == 12 and projects.deadline.isoformat() == "2031-06-30"
    revision = db.session.scalar(db.select(TargetRevision).filter_by(target_id=projects.id))
    assert revision.changed_by_id == admin.id
    assert (revision.before["target_min"], revision.after["target_min"]) == (10, 12)
    assert (revision.before["deadline"], revision.after["deadline"]) == ("2030-12-31", "2031-06-30")
    html = client.get(f"/admin/targets/{projects.id}").get_data(as_text=True)
    assert "<del>10</del>" in html and "<ins>12</ins>" in html
    assert "<del>31 Dec 2030</del>" in html and "Quản Trị Viên" in html


def test_a_maximum_below_the_minimum_is_refused_and_nothing_changes(client, admin, english):
    projects = target("supported_projects")
    response = client.post(f"/admin/targets/{projects.id}",
                           data=target_form(projects, target_min="20", target_max="15"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="target_max-error"' in html and "The maximum cannot be below the minimum." in html
    db.session.expire_all()
    assert (target("supported_projects").target_min, target("supported_projects").target_max) == (10, 15)
    assert db.session.scalar(db.select(db.func.count(TargetRevision.id))) == 0


def test_an_admin_adds_an_indicator_target(client, admin, english):
    response = client.post("/admin/targets/new", data=NEW_TARGET)
    assert response.status_code == 302
    labs = target("biotech_labs")
    assert (labs.measure, labs.target_min, labs.target_max, labs.unit) == ("indicator", 4, None, "count")
    html = client.get("/admin/targets").get_data(as_text=True)
    assert "Accredited biotech laboratories" in html
    assert f'href="/admin/targets/{labs.id}/values"' in html


def test_a_new_target_needs_an_unused_well_formed_code(client, admin, english):
    response = client.post("/admin/targets/new", data=NEW_TARGET | {"code": "startups"})
    assert response.status_code == 422
    assert "Another target already uses this code." in response.get_data(as_text=True)
    assert client.post("/admin/targets/new", data=NEW_TARGET | {"code": "Bad Code!"}).status_code == 422
    assert db.session.scalar(db.select(db.func.count(Target.id))) == len(TARGETS)  # the seeded ones only


def test_an_entered_figure_becomes_the_current_value(client, admin, english):
    grdp = target("grdp_share_2030")
    url = f"/admin/targets/{grdp.id}/values"
    response = client.post(url, data={"year": "2025", "value": "5.5", "source": "Cục Thống kê tỉnh",
                                      "reported_on": "2026-02-10"})
    assert response.status_code == 302
    # A correction for the same year is a new row; the older one stays in the history.
    client.post(url, data={"year": "2025", "value": "6.25", "source": "Niên giám thống kê 2025",
                           "reported_on": "2026-03-01"})
    assert db.session.scalar(db.select(db.func.count(IndicatorValue.id))) == 2

    row = client.get("/admin/targets").get_data(as_text=True).split("grdp_share_2030</code>")[1]
    row = row.split("</tr>")[0]
    assert "6.25" in row and "On track" in row  # 7 by 2030 at a linear pace from 2024
    history = client.get(url).get_data(as_text=True)
    assert "5.5" in history and "Niên giám thống kê 2025" in history
    assert history.count("<strong>In force</strong>") == 1
    assert history.index("6.25") < history.index("5.5")  # newest first


def list_row(html: str, code: str) -> str:
    return html.split(f"{code}</code>")[1].split("</tr>")[0]


def test_the_list_says_who_set_each_target(client, admin, english):
    html = client.get("/admin/targets").get_data(as_text=True)
    assert "Target set by the plan" in list_row(html, "supported_projects")
    conserved = list_row(html, "conserved_resources")
    assert "Registry indicator: the plan sets no target" in conserved
    assert "Registry indicator, no target" in conserved  # the status
    assert "computed from the register of bio-industry enterprises" in list_row(html, "biotech_revenue_growth")


def test_an_admin_sets_or_clears_the_number_of_a_registry_indicator(client, admin, english):
    conserved = target("conserved_resources")
    url = f"/admin/targets/{conserved.id}"
    page = client.get(url).get_data(as_text=True)
    assert "The plan sets no number for this figure." in page
    assert "Indigenous genetic resources with at least one approved conservation record" in page
    # Saved as it is (no number): still an indicator, nothing in the history.
    assert client.post(url, data=target_form(conserved)).status_code == 302
    assert target("conserved_resources").target_set_by == "none"
    assert db.session.scalar(db.select(db.func.count(TargetRevision.id))) == 0

    assert client.post(url, data=target_form(conserved, target_min="3")).status_code == 302
    db.session.expire_all()
    assert (target("conserved_resources").target_min, target("conserved_resources").target_set_by) == (3, "admin")
    row = list_row(client.get("/admin/targets").get_data(as_text=True), "conserved_resources")
    assert "Target set by the department" in row and "at least 3" in row and "Behind" in row
    history = client.get(url).get_data(as_text=True)
    assert "Who set the target" in history and "<ins>Target set by the department</ins>" in history

    assert client.post(url, data=target_form(target("conserved_resources"), target_min="")).status_code == 302
    db.session.expire_all()
    assert target("conserved_resources").target_set_by == "none"


def test_a_new_target_belongs_to_the_plan_chosen(client, admin, english):
    from registry.services import plans
    from registry.services.unit_of_work import commit
    from tests.test_targets import SECOND_PLAN

    assert 'name="plan"' not in client.get("/admin/targets/new").get_data(as_text=True)  # one plan
    second = plans.load_plan(SECOND_PLAN).plan
    commit()
    form = client.get("/admin/targets/new").get_data(as_text=True)
    assert 'name="plan"' in form and "25/KH-UBND" in form
    # A code is unique within its plan: the second plan has no "startups" yet.
    response = client.post("/admin/targets/new", data=NEW_TARGET | {"code": "startups", "plan": str(second.id)})
    assert response.status_code == 302
    added = db.session.scalar(db.select(Target).filter_by(code="startups", plan_id=second.id))
    assert (added.target_set_by, added.measure) == ("admin", "indicator")
    assert client.post("/admin/targets/new", data=NEW_TARGET | {"code": "startups"}).status_code == 422
    listed = client.get("/admin/targets?plan=KH-2026-HY").get_data(as_text=True)
    assert "Accredited biotech laboratories" in listed and "grdp_share_2045" not in listed
    assert "Supported projects mastering biotech" not in client.get("/admin/targets?plan=KH-2026-HY").get_data(as_text=True)
    assert "grdp_share_2045" in client.get("/admin/targets?plan=nope").get_data(as_text=True)


def test_counted_targets_take_no_figures(client, admin, english):
    projects = target("supported_projects")
    response = client.post(f"/admin/targets/{projects.id}/values", data={
        "year": "2025", "value": "12", "source": "x", "reported_on": "2026-01-01"})
    assert response.status_code == 409
    assert "The registry counts this target" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(IndicatorValue.id))) == 0
    assert 'name="value"' not in client.get(f"/admin/targets/{projects.id}/values").get_data(as_text=True)
    pvp = client.get(f"/admin/targets/{target('pvp_growth').id}/values").get_data(as_text=True)
    assert 'href="/admin/pvp-counts"' in pvp


def test_pvp_counts_give_the_compound_growth_in_vietnamese_notation(client, admin):
    for year, filings in (("2023", "25"), ("2024", "28"), ("2025", "32")):
        response = client.post("/admin/pvp-counts", data={
            "year": year, "filings": filings, "source": "Cục Trồng trọt"})
        assert response.status_code == 302
    html = client.get("/admin/pvp-counts").get_data(as_text=True)
    assert "13,1 %" in html and "14,3" in html
    assert html.count("<strong>") >= 3
    assert "13,1" in client.get("/admin/targets").get_data(as_text=True)


def test_a_newer_pvp_count_replaces_the_older_in_the_series(client, admin, english):
    client.post("/admin/pvp-counts", data={"year": "2023", "filings": "20", "source": "ước tính"})
    client.post("/admin/pvp-counts", data={"year": "2023", "filings": "25", "source": "chính thức"})
    html = client.get("/admin/pvp-counts").get_data(as_text=True)
    assert html.count("<strong>In force</strong>") == 1
    assert "ước tính" in html  # kept in the history


def bad_figures() -> list[dict]:
    # "Tomorrow" is computed when the test runs: the suite may start before midnight in Hưng Yên.
    return [
        {"value": "abc"}, {"value": "nan"}, {"value": "1e400"}, {"value": ""}, {"year": "99999"},
        {"year": "1999"}, {"year": "abc"}, {"source": "   "}, {"source": "x" * 301},
        {"reported_on": (province_today() + timedelta(days=1)).isoformat()},
        {"reported_on": "2025-02-30"},
    ]
BAD_PVP_COUNTS = [{"filings": "-1"}, {"filings": "2.5"}, {"year": "99999"}, {"source": ""}]
BAD_TARGET_FIELDS = [
    {"target_min": "abc"}, {"target_min": ""}, {"target_max": "inf"}, {"deadline": "31/12/2030"},
    {"deadline": "2023-06-01"}, {"unit": "hectares"}, {"sort_order": "99999999999"}, {"title_vi": ""},
]


def test_bad_input_is_refused_with_422_and_nothing_is_written(client, admin, english):
    grdp = target("grdp_share_2030")
    figure = {"year": "2025", "value": "4", "source": "Cục Thống kê", "reported_on": "2026-01-15"}
    for changes in bad_figures():
        response = client.post(f"/admin/targets/{grdp.id}/values", data=figure | changes)
        assert response.status_code == 422, changes
        assert 'role="alert"' in response.get_data(as_text=True)
    count = {"year": "2023", "filings": "25", "source": "Cục Trồng trọt"}
    for changes in BAD_PVP_COUNTS:
        assert client.post("/admin/pvp-counts", data=count | changes).status_code == 422, changes
    startups = target("startups")
    for changes in BAD_TARGET_FIELDS:
        response = client.post(f"/admin/targets/{startups.id}", data=target_form(startups, **changes))
        assert response.status_code == 422, changes
        response = client.post("/admin/targets/new", data=NEW_TARGET | changes)
        assert response.status_code == 422, changes
    for model in (IndicatorValue, PvpYearCount, TargetRevision):
        assert db.session.scalar(db.select(db.func.count(model.id))) == 0
    assert target("biotech_labs") is None


def test_unknown_targets_are_not_found(client, admin):
    assert client.get("/admin/targets/9999").status_code == 404
    assert client.get("/admin/targets/9999/values").status_code == 404
