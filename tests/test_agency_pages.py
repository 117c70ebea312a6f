"""The yearly reporting pages through the test client: an agency writes and submits its report on
a plan task, the department follows, returns and consolidates the reports, admins propose awards
and link reporters to their agency."""
import io
import re

import pytest
import sqlalchemy as sa
from markupsafe import escape

from registry.extensions import db
from registry.models import (Agency, AgencyReport, AgencyReportAttachment, AwardProposal,
                             OutboxMessage, PlanTask, User)
from registry.models.base import province_today
from registry.reference_data.plan import AGENCIES, PLAN_TASKS
from registry.services import annual_report
from registry.services import plan_reports as plan
from registry.services.unit_of_work import commit
from tests.factories import PASSWORD, make_user

YEAR = province_today().year  # 2026: its deadline, 10 November, has passed
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
NARRATIVE = "Đã xây dựng dự thảo đề án phát triển công nghiệp sinh học nông nghiệp."


def agency(code: str) -> Agency:
    return db.session.scalar(sa.select(Agency).filter_by(code=code))


def reporter(code: str | None = "DAE", **fields) -> User:
    return make_user("agency", agency=agency(code) if code else None, **fields)


def browser(app, user: User | None = None, lang: str = "en"):
    """A client of its own (one per person), logged in through the real login form."""
    client = app.test_client()
    client.set_cookie("lang", lang)
    if user is not None:
        response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def report_of(task_code: str, agency_code: str = "DAE", year: int = YEAR) -> AgencyReport | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(AgencyReport).join(PlanTask).join(Agency)
        .where(PlanTask.code == task_code, Agency.code == agency_code, AgencyReport.year == year))


def filed(task_code: str, user: User, narrative: str = NARRATIVE, submit: bool = True) -> AgencyReport:
    """A report written through the service (for pages that only read it)."""
    task = db.session.scalar(sa.select(PlanTask).filter_by(code=task_code))
    report = plan.save_report(task, user, YEAR, status="in_progress", narrative=narrative, figures=[])
    commit()
    if submit:
        plan.submit_report(report, user, report.version)
        commit()
    return report


def post_report(client, task_code="III.1", version="", action="save", narrative=NARRATIVE,
                status="in_progress", figures=(), year=YEAR):
    data = {"version": str(version), "status": status, "narrative": narrative, "action": action}
    for n, (label, value, unit) in enumerate(figures):
        data |= {f"figures-{n}-label": label, f"figures-{n}-value": value, f"figures-{n}-unit": unit}
    return client.post(f"/agency/tasks/{task_code}/{year}", data=data)


def page_of(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.status_code
    return response.get_data(as_text=True)


def error_beside(html: str, field: str) -> str:
    match = re.search(rf'id="{field}-error"[^>]*>(.*?)</ul>', html, re.S)
    assert match, f"no error shown beside {field}"
    return re.sub(r"<[^>]+>", " ", match.group(1))


SUCCESSORS = {a["code"]: a["succeeded_by"] for a in AGENCIES if a.get("succeeded_by")}


def today_code(code: str) -> str:
    """The agency that carries a plan agency's duties today (every merger of the seed is past)."""
    while code in SUCCESSORS:
        code = SUCCESSORS[code]
    return code


def expected_roles(agency_code: str) -> dict[str, str]:
    """From the plan's appendix, read as the agencies are today: the tasks today's agency of
    `agency_code` leads (or all agencies lead) or coordinates."""
    mine = today_code(agency_code)
    roles = {}
    for task in PLAN_TASKS:
        if mine in map(today_code, task["lead"]) or "ALL" in task["lead"]:
            roles[task["code"]] = "Lead"
        elif mine in map(today_code, task["coordinating"]):
            roles[task["code"]] = "Coordinating"
    return roles


def expected_report_count() -> int:
    """One report per task and today's lead department; every department on the tasks of all."""
    departments = {a["code"] for a in AGENCIES if a.get("kind", "department") == "department"
                   and a["code"] not in SUCCESSORS}
    return sum(len(departments) if "ALL" in t["lead"]
               else len({today_code(c) for c in t["lead"]} & departments) for t in PLAN_TASKS)


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


@pytest.fixture
def dard(client, login):
    """A reporter of the Department of Agriculture and Environment, which carries the plan's
    duties of Agriculture and Rural Development since 01/03/2025."""
    user = reporter("DAE", full_name="Phạm Văn Nông")
    login(user)
    return user


# The agency's task list ----------------------------------------------------------------------

@pytest.mark.parametrize("code", ["DARD", "DPI"])
def test_a_reporter_lands_on_the_tasks_its_agency_leads_or_coordinates(client, login, code):
    assert login(reporter(code)).headers["Location"].endswith("/agency/")
    page = page_of(client, "/agency/")
    shown = dict(re.findall(r"<tr>\s*<td>([IV]+\.\d)</td>.*?<td>(Lead|Coordinating)</td>", page, re.S))
    assert shown == expected_roles(code)
    assert shown["I.1"] == "Lead"  # a task of "all agencies"
    assert shown["II.2"] == ("Lead" if code == "DARD" else "Coordinating")
    if code == "DPI":  # merged into Finance: its account reports for Finance, on Finance's tasks
        assert "Plan tasks of Department of Finance" in page
        assert "Your account belongs to Department of Planning and Investment" in page


def test_an_agency_user_without_an_agency_is_told_so(client, login):
    login(reporter(None))
    for url in ("/agency/", f"/agency/tasks/I.1/{YEAR}"):
        assert "not linked to an agency" in page_of(client, url, 403)


# Writing the report ----------------------------------------------------------------------------

def test_saving_a_draft(client, dard):
    response = post_report(client, figures=[("Lớp tập huấn", "12", "lớp")])
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The draft has been saved" in page and "Draft, not submitted" in page
    report = report_of("III.1")
    assert not report.is_submitted and report.narrative == NARRATIVE
    assert report.figures == [{"label": "Lớp tập huấn", "value": 12, "unit": "lớp"}]
    assert "Draft, not submitted" in page_of(client, "/agency/")


def test_a_vietnamese_number_is_read_and_written_back_the_vietnamese_way(client, dard):
    client.set_cookie("lang", "vi")
    assert post_report(client, figures=[("Kinh phí", "1.234,5", "triệu đồng")]).status_code == 302
    assert report_of("III.1").figures[0]["value"] == 1234.5
    assert 'value="1.234,5"' in page_of(client, f"/agency/tasks/III.1/{YEAR}")


def test_a_figure_without_a_value_is_refused_and_nothing_is_saved(client, dard):
    response = post_report(client, figures=[("Lớp tập huấn", "", "lớp")])
    assert response.status_code == 422
    assert "Figure 1 needs both a name and a value." in response.get_data(as_text=True)
    assert report_of("III.1") is None


def test_saving_over_a_stale_version_is_refused(client, dard):
    post_report(client, narrative="Bản đầu.")
    first = report_of("III.1").version
    assert post_report(client, version=first, narrative="Bản của đồng nghiệp.").status_code == 302
    response = post_report(client, version=first, narrative="Ghi đè bản cũ.")
    assert response.status_code == 409
    assert "Someone else changed this record meanwhile" in response.get_data(as_text=True)
    assert report_of("III.1").narrative == "Bản của đồng nghiệp."


def test_a_colleague_saving_a_blank_form_after_the_first_draft_gets_a_conflict(client, dard):
    # Both opened the task before any draft existed, so both forms carry no version. The second
    # save is told "The request must carry the record's version." (422) instead of a conflict.
    assert post_report(client, narrative="Bản của người thứ nhất.").status_code == 302
    response = post_report(client, version="", narrative="Bản của người thứ hai.")
    assert response.status_code == 409
    assert "Someone else changed this record meanwhile" in response.get_data(as_text=True)
    assert report_of("III.1").narrative == "Bản của người thứ nhất."


def test_submitting_needs_a_narrative(client, dard):
    response = post_report(client, action="submit", narrative="   ")
    assert response.status_code == 422
    assert "Required before the report is submitted." in response.get_data(as_text=True)
    assert report_of("III.1") is None or not report_of("III.1").is_submitted


def test_a_submitted_report_is_locked(client, dard):
    response = post_report(client, action="submit")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"The report on task III.1 for {YEAR} has been submitted" in page
    assert f'action="/agency/tasks/III.1/{YEAR}"' not in page
    assert "can no longer be changed" in page
    report = report_of("III.1")
    assert report.is_submitted and report.submitted_by_id == dard.id
    again = post_report(client, version=report.version, narrative="Sửa sau khi nộp.")
    assert again.status_code == 409
    assert report_of("III.1").narrative == NARRATIVE


def test_an_agency_with_no_part_in_a_task_cannot_see_or_file_it(client, login):
    login(reporter("DOH"))  # III.1: DARD leads, the districts coordinate
    assert client.get(f"/agency/tasks/III.1/{YEAR}").status_code == 404
    assert post_report(client, "III.1").status_code == 404
    assert report_of("III.1", "DOH") is None


def test_a_coordinating_agency_reads_the_lead_report_once_submitted(client, login):
    lead = reporter("DARD")
    filed("II.2", lead, narrative="Bản nháp của Sở Nông nghiệp.", submit=False)
    login(reporter("DPI"))
    page = page_of(client, f"/agency/tasks/II.2/{YEAR}")
    assert "Bản nháp của Sở Nông nghiệp." not in page
    assert "No lead agency has submitted its report" in page
    assert post_report(client, "II.2").status_code == 403
    assert report_of("II.2", "DPI") is None
    report = report_of("II.2")
    plan.submit_report(report, lead, report.version)
    commit()
    assert "Bản nháp của Sở Nông nghiệp." in page_of(client, f"/agency/tasks/II.2/{YEAR}")


# Documents -------------------------------------------------------------------------------------

def upload(client, name: str, content: bytes, task_code: str = "III.1"):
    return client.post(f"/agency/tasks/{task_code}/{YEAR}/attachments", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), name),
                             "version": str(report_of(task_code).version)})


def test_a_document_is_uploaded_downloaded_by_those_involved_and_removed(app, client, dard):
    post_report(client)
    response = upload(client, "Dự thảo đề án.pdf", PDF)
    assert response.status_code == 302
    attachment = db.session.scalar(sa.select(AgencyReportAttachment))
    link = f"/files/reports/{attachment.id}"
    page = page_of(client, f"/agency/tasks/III.1/{YEAR}")
    assert "Dự thảo đề án.pdf" in page and f'href="{link}"' in page

    for who in (client, browser(app, make_user("reviewer"))):
        download = who.get(link)
        assert download.status_code == 200 and download.data == PDF
        assert download.mimetype == "application/pdf"
    for outsider in (browser(app, make_user("applicant")), browser(app)):
        assert outsider.get(link).status_code == 404

    removed = client.post(f"/agency/attachments/{attachment.id}/remove",
                          data={"version": report_of("III.1").version})
    assert removed.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(AgencyReportAttachment.id))) == 0
    assert "Dự thảo đề án.pdf" not in page_of(client, f"/agency/tasks/III.1/{YEAR}")


def test_a_text_file_named_pdf_is_refused(client, dard):
    post_report(client)
    response = upload(client, "bao-cao.pdf", b"Chi la van ban thuong, khong phai PDF.\n")
    assert response.status_code == 422
    assert "the content must match the name" in error_beside(response.get_data(as_text=True), "file")
    assert db.session.scalar(sa.select(sa.func.count(AgencyReportAttachment.id))) == 0


# The department's follow-up --------------------------------------------------------------------

@pytest.fixture
def reviewer(client, login):
    user = make_user("reviewer", full_name="Lê Văn Thẩm")
    login(user)
    return user


def test_the_department_sees_what_is_submitted_and_what_is_overdue(client, reviewer):
    done = filed("III.1", reporter("DARD"))
    draft = filed("III.3", reporter("DOH"), submit=False)
    expected = expected_report_count()
    page = page_of(client, f"/review/plan-tasks?year={YEAR}")
    assert f'<span class="stat">1 / {expected}</span>' in page
    assert page.count('class="badge overdue"') == expected - 1  # everything not submitted
    assert f'href="/review/agency-reports/{done.id}"' in page
    assert f'href="/review/agency-reports/{draft.id}"' in page

    overdue_only = page_of(client, f"/review/plan-tasks?year={YEAR}&show=overdue")
    assert f'href="/review/agency-reports/{done.id}"' not in overdue_only
    assert f'href="/review/agency-reports/{draft.id}"' in overdue_only
    assert overdue_only.count('class="badge overdue"') == expected - 1

    dashboard = page_of(client, "/review/dashboard").split('id="reports-title"')[1]
    assert f'<span class="stat stat-alert">{expected - 1}</span>' in dashboard
    assert f'<span class="stat">1 / {expected}</span>' in dashboard


def test_the_department_returns_a_report_for_correction(app, client, reviewer):
    author = reporter("DARD", email="baocao.snn@hungyen.gov.vn")
    report = filed("III.1", author)
    url = f"/review/agency-reports/{report.id}"
    page = page_of(client, url)
    assert NARRATIVE in page and "Draft started" in page and "Submitted" in page

    response = client.post(f"{url}/reopen", data={"version": report.version, "reason": ""})
    assert response.status_code == 422
    assert "Say what needs correcting." in response.get_data(as_text=True)
    assert report_of("III.1").is_submitted

    reason = "Bổ sung số liệu kinh phí đã chi."
    response = client.post(f"{url}/reopen", data={"version": report_of("III.1").version,
                                                  "reason": reason})
    assert response.status_code == 302
    page = page_of(client, url)
    assert "has been returned to" in page and "Returned for correction" in page and reason in page
    assert not report_of("III.1").is_submitted
    mail = db.session.scalars(sa.select(OutboxMessage).filter_by(recipient=author.email)).all()
    assert len(mail) == 1 and reason in mail[0].body

    agency_client = browser(app, author)
    assert f'action="/agency/tasks/III.1/{YEAR}"' in page_of(agency_client, f"/agency/tasks/III.1/{YEAR}")
    assert post_report(agency_client, version=report_of("III.1").version,
                       narrative="Đã bổ sung số liệu.").status_code == 302
    assert report_of("III.1").narrative == "Đã bổ sung số liệu."


# The annual report -----------------------------------------------------------------------------

def test_the_annual_report_page_and_files(app, client, reviewer):
    page = page_of(client, f"/review/annual-report?year={YEAR}")
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        titles = [section.title for section in annual_report.build(YEAR).sections]
    assert len(titles) == 9
    for title in titles:
        assert str(escape(title)) in page

    for file_type, mimetype, magic in [("pdf", "application/pdf", b"%PDF"),
                                       ("xlsx", "application/vnd.openxmlformats-officedocument"
                                                ".spreadsheetml.sheet", b"PK")]:
        response = client.get(f"/review/annual-report/{YEAR}.{file_type}")
        assert response.status_code == 200 and response.mimetype == mimetype
        assert response.data.startswith(magic)
        assert (f'filename="bao-cao-ke-hoach-cnsh-hung-yen-{YEAR}.{file_type}"'
                in response.headers["Content-Disposition"])

    for year in (plan.PLAN_START_YEAR - 1, YEAR + 1):
        assert client.get(f"/review/annual-report/{year}.pdf").status_code == 404
        assert client.get(f"/review/annual-report/{year}.xlsx").status_code == 404


@pytest.mark.parametrize("year", [plan.PLAN_START_YEAR - 1, YEAR + 1])
def test_the_annual_report_page_of_a_year_outside_the_plan_is_not_found(client, reviewer, year):
    # Today the page quietly shows the current year instead: `_year()` replaces the unknown
    # year before `_report_year` can refuse it (registry/review/plan.py).
    assert client.get(f"/review/annual-report?year={year}").status_code == 404


@pytest.mark.parametrize("make", [lambda: reporter("DOST"), lambda: make_user("applicant")],
                         ids=["agency", "applicant"])
def test_the_annual_report_is_for_the_department_only(client, login, make):
    login(make())
    assert client.get(f"/review/annual-report?year={YEAR}").status_code == 403
    assert client.get(f"/review/annual-report/{YEAR}.xlsx").status_code == 403


# Administration --------------------------------------------------------------------------------

@pytest.fixture
def admin(client, login):
    user = make_user("admin", full_name="Quản Trị Viên")
    login(user)
    return user


def award_data(**changes) -> dict:
    return {"year": str(YEAR), "nominee_kind": "individual", "organization": "",
            "nominee_name": "Nguyễn Thị Hoa", "award_form": "Bằng khen của Chủ tịch UBND tỉnh",
            "achievement": "Chủ trì nhân giống nhãn lồng sạch bệnh.", **changes}


def test_admin_proposes_edits_and_removes_an_award(client, admin):
    assert client.post(f"/admin/awards?year={YEAR}", data=award_data()).status_code == 302
    assert "Nguyễn Thị Hoa" in page_of(client, f"/admin/awards?year={YEAR}")
    assert "Nguyễn Thị Hoa" in page_of(client, f"/review/annual-report?year={YEAR}")
    award = db.session.scalar(sa.select(AwardProposal))
    first = award.version

    edited = client.post(f"/admin/awards/{award.id}", data=award_data(version=first, achievement="Mới."))
    assert edited.status_code == 302
    stale = client.post(f"/admin/awards/{award.id}", data=award_data(version=first, achievement="Cũ."))
    assert stale.status_code == 409
    assert "Someone else changed this record meanwhile" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(AwardProposal, award.id).achievement == "Mới."

    removed = client.post(f"/admin/awards/{award.id}/delete",
                          data={"version": db.session.get(AwardProposal, award.id).version})
    assert removed.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(AwardProposal.id))) == 0
    assert "Nguyễn Thị Hoa" not in page_of(client, f"/admin/awards?year={YEAR}")


def test_an_award_for_a_year_not_yet_reported_is_refused(client, admin):
    # Proposals belong to a reporting year the awards page can show.
    response = client.post(f"/admin/awards?year={YEAR}", data=award_data(year=str(YEAR + 1)))
    assert response.status_code == 422
    assert "Not a reporting year." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AwardProposal.id))) == 0


ONE_AGENCY = "An agency reporter belongs to one agency."
NEW_EMAIL = "nguoibaocao@syt.hungyen.gov.vn"


def new_user_data(**changes) -> dict:
    return {"email": NEW_EMAIL, "full_name": "Đỗ Thị Y", "phone": "",
            "role": "agency", "organization": "", "agency": "", "password": PASSWORD, **changes}


def test_admin_creates_an_agency_reporter_only_with_an_agency(client, admin):
    response = client.post("/admin/users/new", data=new_user_data())
    assert response.status_code == 422
    assert ONE_AGENCY in error_beside(response.get_data(as_text=True), "agency")
    assert db.session.scalar(sa.select(User).filter_by(email=NEW_EMAIL)) is None

    response = client.post("/admin/users/new", data=new_user_data(agency=str(agency("DOH").id)))
    assert response.status_code == 302
    created = db.session.scalar(sa.select(User).filter_by(email=NEW_EMAIL))
    assert created.role == "agency" and created.agency.code == "DOH"


def test_admin_cannot_make_an_agency_reporter_without_an_agency(client, admin):
    user = make_user("reviewer")
    response = client.post(f"/admin/users/{user.id}", data={"full_name": "Lê Thị Z", "role": "agency",
                                                           "agency": "", "active": "y"})
    assert response.status_code == 422
    assert ONE_AGENCY in error_beside(response.get_data(as_text=True), "agency")
    db.session.expire_all()
    assert db.session.get(User, user.id).role == "reviewer"


# Query counts ----------------------------------------------------------------------------------

def test_report_pages_use_a_constant_number_of_queries(app, client, login, count_queries):
    dost = reporter("DOST")  # DOST leads ten tasks
    tasks = [code for code, role in expected_roles("DOST").items() if role == "Lead"]
    assert len(tasks) >= 10
    login(dost)
    department = browser(app, make_user("reviewer"))
    for code in tasks[:2]:
        filed(code, dost)

    def counts() -> tuple[int, int]:
        measured = []
        for who, url in ((client, "/agency/"), (department, f"/review/plan-tasks?year={YEAR}")):
            db.session.remove()  # the test shares the requests' session: start each as a fresh one
            with count_queries() as counter:
                assert who.get(url).status_code == 200
            measured.append(counter.count)
        return tuple(measured)

    dost_id = dost.id
    few = counts()
    dost = db.session.get(User, dost_id)
    for code in tasks[2:10]:
        filed(code, dost)
    assert counts() == few


# Commune and ward committees ---------------------------------------------------------------------

def test_the_department_invites_commune_committees_and_they_report_on_the_tasks_of_all(app, client, reviewer):
    from registry.models import Commune

    page = page_of(client, f"/review/plan-tasks/invitations?year={YEAR}")
    assert "No commune or ward committee is invited for this year." in page
    assert "The district level ended on 1 Jul 2025" in page
    refused = client.post(f"/review/plan-tasks/invitations?year={YEAR}", data={})
    assert refused.status_code == 422 and "Choose at least one commune or ward." in refused.get_data(as_text=True)
    codes = [c.code for c in db.session.scalars(sa.select(Commune).where(
        Commune.name_vi.in_(["Xã Thái Thụy", "Phường Phố Hiến"])))]
    response = client.post(f"/review/plan-tasks/invitations?year={YEAR}", data={"communes": codes})
    assert response.status_code == 302
    page = page_of(client, response.headers["Location"])
    assert "2 committees invited to report for" in page
    assert "People&#39;s Committee of Thái Thụy Commune" in page or "UBND xã Thái Thụy" in page
    # Each committee now has a row on I.1, and only there.
    overview = page_of(client, f"/review/plan-tasks?year={YEAR}")
    i1 = overview.split("<strong>I.1</strong>")[1].split("<strong>II.1</strong>")[0]
    assert "Thái Thụy" in i1 and "Thái Thụy" not in overview.split("<strong>II.1</strong>")[1]

    committee = db.session.scalar(sa.select(Agency).where(Agency.name_vi == "UBND xã Thái Thụy"))
    colleague = browser(app, reporter(committee.code))
    tasks = page_of(colleague, "/agency/")
    roles = dict(re.findall(r"<tr>\s*<td>([IV]+\.\d)</td>.*?<td>(Lead|Coordinating)</td>", tasks, re.S))
    assert roles["I.1"] == "Lead" and roles["III.1"] == "Coordinating" and "II.2" not in roles
    assert post_report(colleague, "I.1").status_code == 302
    assert report_of("I.1", committee.code) is not None


def test_the_successor_finishes_a_draft_its_predecessor_left(client, dard):
    """A draft of Agriculture and Rural Development from before the merger is the one Agriculture
    and Environment's reporter sees, edits and submits; no second report is made."""
    predecessor = reporter("DARD")
    draft = filed("III.1", predecessor, narrative="Bản nháp của Sở NN&PTNT.", submit=False)
    db.session.execute(sa.update(AgencyReport).where(AgencyReport.id == draft.id)
                       .values(agency_id=agency("DARD").id))
    commit()
    page = page_of(client, f"/agency/tasks/III.1/{YEAR}")
    assert "Bản nháp của Sở NN&amp;PTNT." in page
    response = post_report(client, version=report_of("III.1", "DARD").version, action="submit")
    assert response.status_code == 302
    assert report_of("III.1", "DARD").is_submitted and report_of("III.1", "DAE") is None
    assert "Submitted" in page_of(client, "/agency/")
