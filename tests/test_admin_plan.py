"""Admins keep the plan's tasks and agencies up to date (departments merge, tasks move), and an
award's link to an organisation survives an edit."""
import re

import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.models import Agency, AwardProposal, PlanTask
from registry.models.base import province_today
from registry.services import plan_reports as plan
from registry.services.unit_of_work import commit
from tests.factories import make_organization, make_user

YEAR = province_today().year


@pytest.fixture
def admin(client, login):
    client.set_cookie("lang", "en")
    user = make_user("admin")
    login(user)
    return user


def agency(code: str) -> Agency:
    return db.session.scalar(sa.select(Agency).filter_by(code=code))


def task(code: str) -> PlanTask:
    db.session.expire_all()
    return db.session.scalar(sa.select(PlanTask).filter_by(code=code))


def task_form(code: str, lead: list[str], coordinating: list[str] = (), **changes) -> dict:
    row = task(code)
    return {"title_vi": row.title_vi, "title_en": row.title_en, "timeframe_vi": row.timeframe_vi,
            "timeframe_en": row.timeframe_en, "coordination_vi": row.coordination_vi,
            "coordination_en": row.coordination_en,
            "lead": [str(agency(c).id) for c in lead],
            "coordinating": [str(agency(c).id) for c in coordinating], **changes}


def test_a_second_lead_agency_reports_on_the_task_too(client, admin):
    before = plan.year_overview(YEAR).expected
    response = client.post(f"/admin/plan-tasks/{task('III.1').id}",
                           data=task_form("III.1", ["DARD", "DOH"], ["DISTRICTS"]))
    assert response.status_code == 302
    assert [a.code for a in task("III.1").lead_agencies] == ["DARD", "DOH"]
    assert plan.year_overview(YEAR).expected == before + 1
    page = client.get("/admin/plan-tasks").get_data(as_text=True)
    assert re.search(r"III\.1.*?Department of Health", page, re.S)
    # The new lead's reporter now finds the task among its own.
    reporter = make_user("agency", agency=agency("DOH"))
    assert any(t.code == "III.1" and role == "lead"
               for t, role in plan.tasks_of_agency(reporter.agency))


def test_a_task_keeps_a_lead_agency(client, admin):
    response = client.post(f"/admin/plan-tasks/{task('III.1').id}", data=task_form("III.1", []))
    assert response.status_code == 422
    assert "at least one lead agency" in response.get_data(as_text=True)
    assert [a.code for a in task("III.1").lead_agencies] == ["DARD"]


def test_an_agency_that_has_reported_this_year_stays_a_lead(client, admin):
    reporter = make_user("agency", agency=agency("DARD"))
    plan.save_report(task("III.1"), reporter, YEAR, status="in_progress", narrative="", figures=[])
    commit()
    response = client.post(f"/admin/plan-tasks/{task('III.1').id}", data=task_form("III.1", ["DOH"]))
    assert response.status_code == 422
    assert "have already reported on the task" in response.get_data(as_text=True)
    assert [a.code for a in task("III.1").lead_agencies] == ["DARD"]


def test_an_agency_is_added_and_renamed(client, admin):
    new = client.post("/admin/agencies/new", data={
        "code": "SNNMT", "name_vi": "Sở Nông nghiệp và Môi trường",
        "name_en": "Department of Agriculture and Environment"})
    assert new.status_code == 302
    assert "Sở Nông nghiệp và Môi trường" in client.get("/admin/agencies").get_data(as_text=True)
    assert client.post("/admin/agencies/new", data={"code": "SNNMT", "name_vi": "Trùng"}).status_code == 422
    assert client.post("/admin/agencies/new", data={"code": "snnmt", "name_vi": "Chữ thường"}).status_code == 422
    renamed = client.post(f"/admin/agencies/{agency('DOF').id}", data={"name_vi": "Sở Tài chính (mới)"})
    assert renamed.status_code == 302
    db.session.expire_all()
    assert agency("DOF").name_vi == "Sở Tài chính (mới)"


def test_editing_an_award_keeps_its_organisation(client, admin):
    organization = make_organization("Hợp tác xã Nhãn lồng Tân Hưng")
    award = plan.save_award(None, admin, year=YEAR, nominee_kind="organization", nominee_name="",
                            organization=organization, achievement="Nhân giống nhãn lồng.",
                            award_form="")
    commit()
    page = client.get(f"/admin/awards/{award.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{organization.id}"|<option value="{organization.id}" selected',
                     page)
    form = {"year": str(YEAR), "nominee_kind": "organization", "organization": str(organization.id),
            "nominee_name": award.nominee_name, "achievement": "Nhân giống nhãn lồng sạch bệnh.",
            "award_form": "", "version": str(award.version)}
    assert client.post(f"/admin/awards/{award.id}", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(AwardProposal, award.id).organization_id == organization.id
