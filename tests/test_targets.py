"""Counting against the plan's targets: figures move exactly as records move."""
from datetime import date, timedelta

import pytest

from registry.extensions import db
from registry.models import Target, TargetRevision
from registry.models.base import province_today
from registry.models.reference import TARGET_SET_BY
from registry.services.errors import Conflict, ValidationFailed
from registry.services import applications as workflow
from registry.services import targets as progress
from registry.services.unit_of_work import commit
from tests.factories import make_application, make_user, record_decision

TODAY = province_today()


def target(code: str) -> Target:
    return db.session.scalar(db.select(Target).filter_by(code=code))


def measured(code: str, as_of: date = TODAY) -> progress.Progress:
    return progress.measure(target(code), as_of)


def record_pvp_example(admin=None):
    admin = admin or make_user("admin")
    for year, filings in ((2023, 25), (2024, 28), (2025, 32)):
        progress.record_pvp_year(admin, year, filings, "Cục Trồng trọt")
    commit()
    return admin


def test_pvp_growth_example_from_the_plan(app):
    record_pvp_example()
    result = measured("pvp_growth")
    growth = {row["year"]: row["growth"] for row in result.detail["series"]}
    assert growth[2024] == 12.0 and growth[2025] == 14.3
    assert result.current == 13.1
    # "Đến năm 2025": the target's period is over, and it ended achieved (within 12–14 %).
    assert (result.status, result.period_ended, result.status_at_deadline) == ("period_ended", True, "achieved")


def test_pvp_growth_is_counted_to_the_deadline_only(app):
    """The filings of 2026 are known, but the target ends with 2025: its figure stays 2023–2025."""
    admin = record_pvp_example()
    progress.record_pvp_year(admin, 2026, 20, "Cục Trồng trọt")
    commit()
    result = measured("pvp_growth", date(TODAY.year + 1, 1, 1) if TODAY.year < 2027 else TODAY)
    assert result.current == 13.1 and result.detail["last_year"] == 2025
    assert [row["year"] for row in result.detail["series"]] == [2023, 2024, 2025]


def test_pvp_growth_while_the_period_runs_has_no_period_ended(app):
    record_pvp_example()
    pvp = target("pvp_growth")
    pvp.deadline = date(TODAY.year + 1, 12, 31)  # as if the plan ran on (not saved)
    result = progress.measure(pvp, TODAY)
    assert (result.status, result.period_ended, result.status_at_deadline) == ("achieved", False, None)
    db.session.rollback()


def test_pvp_growth_below_range_ends_behind_and_without_years_without_data(app):
    admin = make_user("admin")
    empty = measured("pvp_growth")
    assert (empty.status, empty.status_at_deadline) == ("period_ended", "no_data")
    progress.record_pvp_year(admin, 2023, 25, "Cục Trồng trọt")
    progress.record_pvp_year(admin, 2025, 27, "Cục Trồng trọt")
    commit()
    result = measured("pvp_growth")
    assert result.current == 3.9 and result.status_at_deadline == "behind"


def test_after_the_deadline_a_count_stays_as_it_was_on_the_deadline(app):
    owner, reviewer = make_user("applicant"), make_user("reviewer")
    record_decision(make_application(owner, "project", "approved", reviewer=reviewer), reviewer)
    projects = target("supported_projects")
    projects.deadline = TODAY  # not saved
    assert (progress.measure(projects, TODAY).current, progress.measure(projects, TODAY).status) == (1, "behind")
    projects.deadline = TODAY - timedelta(days=1)
    result = progress.measure(projects, TODAY)
    # Today's decision came after the deadline: the target ended with none.
    assert (result.current, result.status, result.status_at_deadline) == (0, "period_ended", "behind")
    db.session.rollback()


def test_a_newer_pvp_figure_replaces_the_older_one(app):
    admin = make_user("admin")
    progress.record_pvp_year(admin, 2023, 20, "ước tính")
    progress.record_pvp_year(admin, 2023, 25, "số liệu chính thức")
    commit()
    assert progress.pvp_filings_by_year(TODAY)[2023] == 25


def test_verified_filings_count_by_year_of_filing(app):
    owner = make_user("applicant")
    make_application(owner, "pvp_filing", "approved", filed_on=date(2024, 4, 1))
    make_application(owner, "pvp_filing", "submitted", filed_on=date(2024, 5, 1))  # not verified
    assert progress.pvp_filings_by_year(TODAY) == {2024: 1}


def test_supported_projects_move_with_the_decision_and_termination(app):
    owner = make_user("applicant")
    reviewer = make_user("reviewer")
    assert measured("supported_projects").current == 0
    application = make_application(owner, "project", "approved", reviewer=reviewer)
    make_application(owner, "project", "withdrawn")
    make_application(owner, "project", "rejected", reviewer=reviewer)
    startup = make_application(owner, "startup", "approved", reviewer=reviewer)
    # An approval alone counts for nothing: the number stands on the recorded decision.
    assert measured("supported_projects").current == 0
    record_decision(application, reviewer)
    record_decision(startup, reviewer)
    assert measured("supported_projects").current == 1
    assert measured("startups").current == 1
    assert measured("supported_projects", TODAY - timedelta(days=1)).current == 0  # as of yesterday

    workflow.set_implementation_status(application, reviewer, "terminated", "Dừng do không đủ kinh phí.",
                                       application.version)
    commit()
    assert measured("supported_projects").current == 0
    # Terminated is final: the record does not come back into the count.
    with pytest.raises(Conflict):
        workflow.set_implementation_status(application, reviewer, "ongoing", "Tiếp tục.",
                                           application.version)
    db.session.rollback()
    assert measured("supported_projects").current == 0


def test_conserved_resources_count_ongoing_conservation_of_indigenous_resources(app):
    owner = make_user("applicant")
    reviewer = make_user("reviewer")
    result = measured("conserved_resources")
    # The plan sets no number: a registry indicator, counted, without a target or a status.
    assert (result.current, result.target_min, result.status, result.has_target) == (0, None, "no_target", False)
    assert target("conserved_resources").target_set_by == "none"
    first = make_application(owner, "conservation", "approved", reviewer=reviewer)
    make_application(owner, "conservation", "approved", reviewer=reviewer)  # same resource
    make_application(owner, "conservation", "approved", reviewer=reviewer, resource="nhan_long")
    assert measured("conserved_resources").current == 2
    workflow.set_implementation_status(first, reviewer, "completed", "", first.version)
    commit()
    assert measured("conserved_resources").current == 2  # the other Đông Tảo record goes on
    assert measured("dna_barcoded_resources").current == 0
    assert measured("dna_barcoded_resources").status == "no_target"


def test_a_number_an_admin_gives_an_indicator_is_the_departments_target(app):
    owner, reviewer, admin = make_user("applicant"), make_user("reviewer"), make_user("admin")
    make_application(owner, "conservation", "approved", reviewer=reviewer)
    conserved = target("conserved_resources")
    progress.save_target(conserved, admin, {"target_min": 3})
    commit()
    assert conserved.target_set_by_label == str(TARGET_SET_BY["admin"])
    assert conserved.target_set_by_label == TARGET_SET_BY["admin"]
    result = measured("conserved_resources")
    assert (result.current, result.target_min, result.status) == (1, 3, "behind")

    # Left empty again: back to an indicator, and both changes are in the history.
    progress.save_target(conserved, admin, {"target_min": None})
    commit()
    assert conserved.target_set_by == "none" and measured("conserved_resources").status == "no_target"
    revisions = db.session.scalars(db.select(TargetRevision).order_by(TargetRevision.id)).all()
    assert [(r.before["target_set_by"], r.after["target_set_by"]) for r in revisions] == [
        ("none", "admin"), ("admin", "none")]


def test_a_number_the_plan_sets_can_be_corrected_not_removed(app):
    admin = make_user("admin")
    projects = target("supported_projects")
    with pytest.raises(ValidationFailed) as refused:
        progress.save_target(projects, admin, {"target_min": None, "target_max": None})
    assert "target_min" in refused.value.errors
    db.session.rollback()
    progress.save_target(projects, admin, {"target_min": 11})
    commit()
    assert (projects.target_min, projects.target_set_by) == (11, "plan")


def test_every_target_the_plan_leaves_open_says_how_it_is_measured(app):
    for code in ("conserved_resources", "dna_barcoded_resources", "biotech_enterprise_growth",
                 "biotech_revenue_growth", "import_substitution", "pvp_growth"):
        assert target(code).definition_vi and target(code).definition_en, code
    assert "2023" in target("biotech_enterprise_growth").definition_en
    assert "mã vạch ADN" in target("dna_barcoded_resources").definition_vi
    # Both halves of "tăng 50% về quy mô đầu tư và quy mô tăng trưởng".
    measures = {t.code: (t.measure, t.target_min) for t in db.session.scalars(db.select(Target))}
    assert measures["biotech_enterprise_growth"] == ("enterprise_investment_growth", 50)
    assert measures["biotech_revenue_growth"] == ("enterprise_revenue_growth", 50)
    assert measures["import_substitution"] == ("import_substitution", 50)
    assert target("biotech_revenue_growth").deadline == target("biotech_enterprise_growth").deadline


# The register of enterprises ----------------------------------------------------------------

BILLION = 1_000_000_000


def enterprise_with_figures(admin, name: str, tax_code: str, figures: dict[int, tuple]):
    from registry.models import Commune
    from registry.services import enterprises

    enterprise = enterprises.create_enterprise(
        admin, name=name, tax_code=tax_code, field="agriculture",
        commune=db.session.scalar(db.select(Commune).order_by(Commune.code).limit(1)),
        in_register_since=date(2024, 1, 1))
    for year, (investment, revenue, replacing) in figures.items():
        enterprises.record_year_figure(
            enterprise, admin, year=year, investment_vnd=investment * BILLION,
            revenue_vnd=revenue * BILLION, import_replacing_revenue_vnd=replacing * BILLION,
            source="Báo cáo tài chính", reported_on=TODAY)
    commit()
    return enterprise


def test_enterprise_targets_are_computed_from_the_register(app):
    from registry.services import enterprises

    admin = make_user("admin")
    growth = measured("biotech_enterprise_growth")
    assert (growth.current, growth.status) == (None, "no_data")
    assert growth.detail["reason"] == str(enterprises.REASONS["empty_register"])
    last = TODAY.year - 1
    enterprise_with_figures(admin, "Công ty TNHH Giống cây Hưng Yên", "0100000001",
                            {2023: (100, 200, 10), last: (160, 250, 40)})
    enterprise_with_figures(admin, "Công ty CP Vi sinh Thái Bình", "0100000002",
                            {2023: (100, 100, 0), last: (100, 150, 20)})
    enterprise_with_figures(admin, "Hợp tác xã mới", "0100000003", {last: (50, 50, 5)})  # no 2023
    growth = measured("biotech_enterprise_growth")
    assert growth.current == enterprises.growth("investment", TODAY).value == 30.0  # 260 over 200
    assert (growth.detail["year"], growth.detail["panel"], growth.detail["left_out"]) == (last, 2, 1)
    revenue = measured("biotech_revenue_growth")
    assert revenue.current == 33.3  # 400 over 300
    assert revenue.target.title_vi.startswith("Tăng quy mô tăng trưởng")
    substitution = measured("import_substitution")
    assert substitution.current is None and substitution.status == "no_data"
    enterprises.record_import_baseline(admin, value_vnd=130 * BILLION, source="Cục Hải quan",
                                       reported_on=TODAY)
    commit()
    substitution = measured("import_substitution")
    assert substitution.current == 50.0  # (40 + 20 + 5) of 130
    assert substitution.status == "achieved"


# Plans ---------------------------------------------------------------------------------------

SECOND_PLAN = {
    "plan": {"code": "KH-2026-HY", "title_vi": "Kế hoạch phát triển công nghệ sinh học tỉnh Hưng Yên "
             "giai đoạn 2026–2030", "title_en": "Biotech plan of Hưng Yên province, 2026–2030",
             "issuer_vi": "Ủy ban nhân dân tỉnh Hưng Yên", "number": "25/KH-UBND",
             "issued_on": "2026-03-02", "area_vi": "Tỉnh Hưng Yên (sau hợp nhất)",
             "area_en": "Hưng Yên province (merged)", "period_start": "2026-01-01",
             "period_end": "2030-12-31"},
    "targets": [
        {"code": "supported_projects", "measure": "supported_projects", "title_vi": "Dự án được hỗ trợ",
         "title_en": "Supported projects", "target_min": 20, "unit": "projects",
         "window_start": "2026-01-01", "deadline": "2030-12-31"},
        {"code": "grdp_share_2030", "title_vi": "Tỷ trọng công nghiệp sinh học trong GRDP",
         "title_en": "Bio-industry share of GRDP", "target_min": 8, "unit": "percent",
         "deadline": "2030-12-31"},
    ],
}


def load_second_plan():
    from registry.services import plans

    plan = plans.load_plan(SECOND_PLAN).plan
    commit()
    return plan


def test_progress_follows_the_counted_plan_unless_another_is_asked(app):
    second = load_second_plan()
    counted = progress.all_progress(TODAY)
    assert {p.target.plan.code for p in counted} == {"KH-2023-HY"}
    assert "biotech_revenue_growth" in {p.code for p in counted}
    other = progress.all_progress(TODAY, second)
    assert [(p.code, p.target_min) for p in other] == [("supported_projects", 20), ("grdp_share_2030", 8)]
    assert progress.parse_plan({"plan": "KH-2026-HY"}) == (second, {})
    plan, errors = progress.parse_plan({"plan": "KH-1999"})
    assert plan.code == "KH-2023-HY" and "plan" in errors


@pytest.mark.parametrize("current, expected", [
    (None, "no_data"), (10, "achieved"), (12, "achieved"), (5, "on_track"), (4, "behind"),
])
def test_status_at_the_boundaries(current, expected):
    # Half of the window gone (2024-01-01 .. 2030-01-01): the pace is 5 of 10.
    as_of = date(2027, 1, 1)
    window = (date(2024, 1, 1), date(2030, 1, 1))
    assert (as_of - window[0]).days * 2 == (window[1] - window[0]).days
    assert progress._status_for_count(current, 10, window[0], window[1], as_of) == expected


def test_indicator_takes_the_latest_figure_reported_by_the_date(app):
    admin = make_user("admin")
    grdp = target("grdp_share_2030")
    assert measured("grdp_share_2030").status == "no_data"
    progress.record_indicator(grdp, admin, 2024, 2.5, "Cục Thống kê", date(2025, 3, 1))
    progress.record_indicator(grdp, admin, 2025, 3.1, "Cục Thống kê", date(2026, 3, 1))
    commit()
    assert measured("grdp_share_2030", date(2025, 6, 1)).current == 2.5
    assert measured("grdp_share_2030", date(2026, 6, 1)).current == 3.1
    assert measured("grdp_share_2030", date(2025, 1, 1)).status == "no_data"


def test_target_changes_keep_their_history(app):
    admin = make_user("admin")
    projects = target("supported_projects")
    progress.save_target(projects, admin, {"target_min": 12})
    commit()
    revision = db.session.scalar(db.select(TargetRevision))
    assert revision.before["target_min"] == 10 and revision.after["target_min"] == 12


def test_queue_health(app):
    owner = make_user("applicant")
    make_application(owner, "project", "approved")
    make_application(owner, "startup", "submitted")
    health = progress.queue_health()
    assert health["decided"] == 1
    assert health["median_days_to_decision"] == 0.0
    assert health["waiting_over_30_days"] == 0
    assert sum(n for _month, n in health["decisions_per_month"]) == 1


def test_targets_api_follows_the_contract(app, client):
    owner = make_user("applicant")
    record_decision(make_application(owner, "project", "approved"))
    record_pvp_example()
    body = client.get("/api/v1/targets").get_json()
    by_code = {t["code"]: t for t in body["targets"]}
    assert set(by_code) >= {"supported_projects", "startups", "pvp_growth", "conserved_resources",
                            "dna_barcoded_resources", "biotech_enterprise_growth",
                            "biotech_revenue_growth", "import_substitution", "grdp_share_2030",
                            "grdp_share_2045"}
    projects = by_code["supported_projects"]
    assert {"code", "title", "target_min", "target_max", "unit", "deadline", "current", "status"} <= set(projects)
    assert (projects["current"], projects["target_min"], projects["target_max"]) == (1, 10, 15)
    assert projects["deadline"] == "2030-12-31"
    assert (projects["plan"], projects["target_set_by"], projects["period_ended"]) == ("KH-2023-HY", "plan", False)
    assert by_code["grdp_share_2030"]["status"] == "no_data"
    conserved = by_code["conserved_resources"]
    assert (conserved["target_set_by"], conserved["target_min"], conserved["status"]) == ("none", None, "no_target")
    assert conserved["definition"].startswith("Số nguồn gen bản địa")  # Vietnamese by default
    pvp = by_code["pvp_growth"]
    assert (pvp["current"], pvp["status"], pvp["period_ended"], pvp["status_at_deadline"]) == (
        13.1, "period_ended", True, "achieved")
    assert body["plan"]["code"] == "KH-2023-HY" and body["plan"]["is_counted"] is True
    assert body["plan"]["period_end"] == "2030-12-31"

    yesterday = (TODAY - timedelta(days=1)).isoformat()
    earlier = client.get(f"/api/v1/targets?as_of={yesterday}").get_json()
    assert earlier["as_of"] == yesterday
    assert {t["code"]: t["current"] for t in earlier["targets"]}["supported_projects"] == 0


def test_targets_api_gives_the_plan_asked_for(app, client):
    load_second_plan()
    client.set_cookie("lang", "en")
    body = client.get("/api/v1/targets?plan=KH-2026-HY").get_json()
    assert body["plan"]["code"] == "KH-2026-HY" and body["plan"]["number"] == "25/KH-UBND"
    assert body["plan"]["is_counted"] is False
    assert [(t["code"], t["plan"], t["target_min"]) for t in body["targets"]] == [
        ("supported_projects", "KH-2026-HY", 20), ("grdp_share_2030", "KH-2026-HY", 8)]
    response = client.get("/api/v1/targets?plan=KH-1999")
    assert response.status_code == 422
    assert response.get_json()["errors"]["plan"] == ["There is no plan with this code."]


@pytest.mark.parametrize("as_of", ["2026-02-30", "yesterday", "tomorrow", "1990-01-01", "²０２５-01-01"])
def test_targets_api_refuses_bad_dates(app, client, as_of):
    if as_of == "tomorrow":
        as_of = (province_today() + timedelta(days=1)).isoformat()
    response = client.get(f"/api/v1/targets?as_of={as_of}")
    assert response.status_code == 422
    assert "as_of" in response.get_json()["errors"]
