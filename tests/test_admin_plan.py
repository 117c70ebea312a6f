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


# The plan as it is written, and the agencies as they are today ------------------------------

def test_the_tasks_page_shows_the_plans_agencies_in_order_with_todays_beside(client, admin):
    page = client.get("/admin/plan-tasks").get_data(as_text=True)
    ii1 = page.split(">II.1<")[1].split(">II.2<")[0]
    names = ["Department of Science and Technology", "Department of Agriculture and Rural Development",
             "Department of Natural Resources and Environment", "Department of Industry and Trade",
             "Department of Health", "Department of Education and Training",
             "Department of Labour, Invalids and Social Affairs"]
    assert [ii1.index(name) for name in names] == sorted(ii1.index(name) for name in names)
    assert "today: Department of Agriculture and Environment (since 1 Mar 2025)" in ii1
    assert "today: Department of Home Affairs (since 1 Mar 2025)" in ii1
    # The coordination cell once, as the plan writes it, and what became of the districts.
    iii1 = page.split(">III.1<")[1].split(">III.2<")[0]
    assert iii1.count("People&#39;s Committees of the districts") == 1
    assert "carried out by the commune and ward People's Committees since 1 Jul 2025" in iii1
    iii6 = page.split(">III.6<")[1].split(">III.7<")[0]
    assert "As for task III.1: the plan's table merges this cell" in iii6
    assert "leaves this task's lead cell blank" in iii6


def test_editing_a_task_keeps_the_plans_order_of_its_lead_agencies(client, admin):
    # The form sends checkboxes in the agencies' order; the plan's order is kept, and a new
    # lead comes last.
    order = ["MOIT", "DARD", "DOH", "DONRE", "DAE"]
    response = client.post(f"/admin/plan-tasks/{task('V.2').id}",
                           data=task_form("V.2", sorted(order), ["DPI", "DOF", "DISTRICTS"]))
    assert response.status_code == 302
    assert [a.code for a in task("V.2").lead_agencies] == order


PLAN_2026 = {
    "plan": {"code": "KH-2026-HY", "title_vi": "Kế hoạch phát triển công nghệ sinh học tỉnh Hưng Yên "
             "giai đoạn 2026–2030", "issuer_vi": "Ủy ban nhân dân tỉnh Hưng Yên", "number": "99/KH-UBND",
             "issued_on": "2026-03-15", "area_vi": "Tỉnh Hưng Yên", "period_start": "2026-01-01",
             "period_end": "2030-12-31"},
    "agencies": [],
    "tasks": [{"code": "1", "title_vi": "Tuyên truyền, phổ biến", "lead": ["DOST", "DAE"],
               "coordinating": ["COMMUNES"], "coordination_vi": "UBND các xã, phường",
               "timeframe_vi": "Hằng năm"}],
    "targets": [{"code": "supported_projects", "measure": "supported_projects",
                 "title_vi": "Dự án được hỗ trợ", "target_min": 20, "unit": "projects",
                 "deadline": "2030-12-31", "window_start": "2026-01-01"}],
}


def upload_plan(client, content: bytes):
    import io
    return client.post("/admin/plans", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), "ke-hoach.json")})


def test_an_admin_loads_a_second_plan_beside_the_counted_one_and_chooses_it(client, admin):
    import json

    from registry.models import Plan
    from registry.services.plans import counted_plan

    response = upload_plan(client, json.dumps(PLAN_2026, ensure_ascii=False).encode())
    assert response.status_code == 302
    page = client.get("/admin/plans").get_data(as_text=True)
    assert "KH-2026-HY" in page and "The plan KH-2026-HY has been loaded: 1 tasks, 1 targets" in page
    assert counted_plan().code == "KH-2023-HY"  # loading does not change what is counted
    assert [t.code for t in plan.plan_tasks()][:2] == ["I.1", "II.1"]
    # Loading it again adds nothing.
    assert upload_plan(client, json.dumps(PLAN_2026).encode()).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(PlanTask.id)).join(Plan).where(Plan.code == "KH-2026-HY")) == 1

    new = db.session.scalar(sa.select(Plan).filter_by(code="KH-2026-HY"))
    assert client.post(f"/admin/plans/{new.id}/count", data={}).status_code == 302
    db.session.expire_all()
    assert counted_plan().code == "KH-2026-HY"
    assert [t.code for t in plan.plan_tasks()] == ["1"]
    assert [row.agency.code for row in plan.year_overview(YEAR).rows] == ["DOST", "DAE"]


@pytest.mark.parametrize("content, message", [
    (b"not json", "not JSON in UTF-8"),
    (b'{"tasks": []}', "must hold an object"),
    ('{"plan": {"code": "X"}}'.encode(), "plan.title_vi"),
])
def test_a_wrong_plan_file_is_refused_and_loads_nothing(client, admin, content, message):
    from registry.models import Plan

    response = upload_plan(client, content)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Plan.id))) == 1


def test_a_plan_naming_an_unknown_agency_loads_nothing(client, admin):
    import json

    from registry.models import Plan

    wrong = {**PLAN_2026, "tasks": [{**PLAN_2026["tasks"][0], "lead": ["NOPE"]}]}
    response = upload_plan(client, json.dumps(wrong).encode())
    assert response.status_code == 422
    assert "No agency has the code NOPE" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Plan.id))) == 1


def test_the_seed_file_is_a_plan_that_loads(client, admin):
    from registry.services.plans import validate_plan_data

    response = client.get("/admin/plans/seed.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert validate_plan_data(response.get_json()) == {}
    assert "Sở Nông nghiệp và Môi trường" in response.get_data(as_text=True)


def test_an_admin_records_that_an_agency_merged_into_another(client, admin):
    form = {"name_vi": "Cục Thống kê tỉnh", "name_en": "Provincial Statistics Office", "kind": "department",
            "succeeded_by_id": str(agency("DOF").id), "succeeded_on": "", "succession_note_vi": "",
            "succession_note_en": "", "succession_source": ""}
    url = f"/admin/agencies/{agency('STAT').id}"
    refused = client.post(url, data=form)
    assert refused.status_code == 422 and "Say from which day its duties pass." in refused.get_data(as_text=True)
    # A loop (Finance's duties passing to the office whose duties pass to Finance) is refused.
    assert client.post(url, data={**form, "succeeded_on": "01/03/2025"}).status_code == 302
    loop = client.post(f"/admin/agencies/{agency('DOF').id}",
                       data={**form, "name_vi": "Sở Tài chính", "name_en": "Department of Finance",
                             "succeeded_by_id": str(agency("STAT").id), "succeeded_on": "01/04/2025"})
    assert loop.status_code == 422 and "already pass to this one" in loop.get_data(as_text=True)
    db.session.expire_all()
    stat = agency("STAT")
    assert stat.current.code == "DOF" and str(stat.succeeded_on) == "2025-03-01"
    assert [row.agency.code for row in plan.year_overview(YEAR).rows if row.task.code == "II.3"] == ["DOST", "DOF"]
    page = client.get("/admin/agencies").get_data(as_text=True)
    assert "→ Department of Finance (since 1 Mar 2025)" in page


def _with(section: str, index: int | None = None, **changes) -> dict:
    import copy
    data = copy.deepcopy(PLAN_2026)
    if index is None:
        data[section].update(changes)
    else:
        data[section][index].update(changes)
    return data


@pytest.mark.parametrize("data, where", [
    (_with("tasks", 0, code=["1"]), "tasks[0].code"),
    (_with("tasks", 0, lead=[77]), "tasks[0].lead"),
    (_with("tasks", 0, cells_follow="1"), "tasks[0].cells_follow"),
    (_with("tasks", 0, id=5), "tasks[0].id"),
    (_with("targets", 0, window_start="bad"), "targets[0].window_start"),
    (_with("targets", 0, target_min="50"), "targets[0].target_min"),
    (_with("plan", issued_on_exact="no"), "plan.issued_on_exact"),
    (_with("plan", period_start="2031-01-01"), "plan.period_end"),
    (_with("plan", code="X" * 41), "plan.code"),
    ({**PLAN_2026, "agencies": [{"code": "NEW_A", "name_vi": "A", "succeeded_by": "NEW_B", "succeeded_on": "2026-01-01"},
                                {"code": "NEW_B", "name_vi": "B", "succeeded_by": "NEW_A", "succeeded_on": "2026-01-01"}]},
     "agencies[0].succeeded_by"),
    ({**PLAN_2026, "agencies": [{"code": "NEW_A", "name_vi": "A", "succeeded_by": "NEW_A", "succeeded_on": "2026-01-01"}]},
     "agencies[0].succeeded_by"),
])
def test_an_odd_plan_file_is_refused_saying_where(client, admin, data, where):
    import json

    from registry.models import Plan

    response = upload_plan(client, json.dumps(data).encode())
    assert response.status_code == 422
    assert f"{where}:" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Plan.id))) == 1


def test_any_json_is_loaded_or_refused_never_a_crash(app):
    """Generated plan files: each is loaded, or refused with where it is wrong; nothing else."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from registry.services.errors import ValidationFailed
    from registry.services.plans import load_plan

    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12) \
        | st.sampled_from(["2026-01-01", "DOST", "1", "KH-X", "bad"])
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
    keys = st.sampled_from(["code", "title_vi", "lead", "coordinating", "cells_follow", "deadline",
                            "measure", "target_min", "succeeded_by", "succeeded_on", "name_vi", "id", "kind"])
    rows = st.lists(st.dictionaries(keys, values, max_size=5), max_size=3)
    plans = st.fixed_dictionaries({
        "plan": st.fixed_dictionaries({k: st.just(v) for k, v in PLAN_2026["plan"].items()
                                       if k not in ("code", "period_end")},
                                      optional={"code": values, "period_end": values, "issued_on_exact": values}),
        "agencies": rows, "tasks": rows, "targets": rows})

    @settings(max_examples=150, derandomize=True, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(plans)
    def load(data):
        try:
            load_plan(data)
        except ValidationFailed as refused:
            assert refused.errors
        finally:
            db.session.rollback()

    load()
