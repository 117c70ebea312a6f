"""Counting against the plan's targets: figures move exactly as records move."""
from datetime import date, timedelta

import pytest

from registry.extensions import db
from registry.models import Target
from registry.models.base import province_today
from registry.services.errors import Conflict
from registry.services import applications as workflow
from registry.services import targets as progress
from registry.services.unit_of_work import commit
from tests.factories import make_application, make_user, record_decision

TODAY = province_today()


def target(code: str) -> Target:
    return db.session.scalar(db.select(Target).filter_by(code=code))


def measured(code: str, as_of: date = TODAY) -> progress.Progress:
    return progress.measure(target(code), as_of)


def test_pvp_growth_example_from_the_plan(app):
    admin = make_user("admin")
    for year, filings in ((2023, 25), (2024, 28), (2025, 32)):
        progress.record_pvp_year(admin, year, filings, "Cục Trồng trọt")
    commit()
    result = measured("pvp_growth")
    growth = {row["year"]: row["growth"] for row in result.detail["series"]}
    assert growth[2024] == 12.0 and growth[2025] == 14.3
    assert result.current == 13.1
    assert result.status == "achieved"  # within 12–14 %


def test_pvp_growth_below_range_is_behind_and_without_years_no_data(app):
    admin = make_user("admin")
    assert measured("pvp_growth").status == "no_data"
    progress.record_pvp_year(admin, 2023, 25, "Cục Trồng trọt")
    progress.record_pvp_year(admin, 2025, 27, "Cục Trồng trọt")
    commit()
    result = measured("pvp_growth")
    assert result.current == 3.9 and result.status == "behind"


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
    assert (result.current, result.target_min, result.status) == (0, 3, "behind")
    first = make_application(owner, "conservation", "approved", reviewer=reviewer)
    make_application(owner, "conservation", "approved", reviewer=reviewer)  # same resource
    make_application(owner, "conservation", "approved", reviewer=reviewer, resource="nhan_long")
    assert measured("conserved_resources").current == 2
    workflow.set_implementation_status(first, reviewer, "completed", "", first.version)
    commit()
    assert measured("conserved_resources").current == 2  # the other Đông Tảo record goes on
    assert measured("dna_barcoded_resources").current == 0


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
    from registry.models import TargetRevision

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
    body = client.get("/api/v1/targets").get_json()
    by_code = {t["code"]: t for t in body["targets"]}
    assert set(by_code) >= {"supported_projects", "startups", "pvp_growth", "conserved_resources",
                            "dna_barcoded_resources", "biotech_enterprise_growth",
                            "import_substitution", "grdp_share_2030", "grdp_share_2045"}
    projects = by_code["supported_projects"]
    assert {"code", "title", "target_min", "target_max", "unit", "deadline", "current", "status"} <= set(projects)
    assert (projects["current"], projects["target_min"], projects["target_max"]) == (1, 10, 15)
    assert projects["deadline"] == "2030-12-31"
    assert by_code["grdp_share_2030"]["status"] == "no_data"

    yesterday = (TODAY - timedelta(days=1)).isoformat()
    earlier = client.get(f"/api/v1/targets?as_of={yesterday}").get_json()
    assert earlier["as_of"] == yesterday
    assert {t["code"]: t["current"] for t in earlier["targets"]}["supported_projects"] == 0


@pytest.mark.parametrize("as_of", ["2026-02-30", "yesterday", "tomorrow", "1990-01-01", "²０２５-01-01"])
def test_targets_api_refuses_bad_dates(app, client, as_of):
    if as_of == "tomorrow":
        as_of = (province_today() + timedelta(days=1)).isoformat()
    response = client.get(f"/api/v1/targets?as_of={as_of}")
    assert response.status_code == 422
    assert "as_of" in response.get_json()["errors"]
