"""After the decision: six-monthly progress reports (schedule, reminders, overdue flags, the
department's answer), inspections, and acceptance on the acceptance council's rating."""
from datetime import date

import pytest

from registry.extensions import db
from registry.models import Acceptance, OutboxMessage, ProgressReminder
from registry.models.followup import add_months, report_schedule
from registry.services import applications as workflow
from registry.services import followup
from registry.services.errors import Conflict, PermissionDenied, ValidationFailed
from registry.services.unit_of_work import commit
from tests.factories import (
    PASSWORD,
    council_members,
    form_council,
    make_supported,
    make_user,
    score,
)

@pytest.fixture
def people(app):
    return {"owner": make_user("applicant"), "reviewer": make_user("reviewer", full_name="Lê Văn Thẩm")}


def supported(people, kind="project", period_end=date(2026, 12, 31)):
    """An approved project whose decision of 15/01/2025 grants 500.000.000 ₫ until `period_end`."""
    return make_supported(people["owner"], people["reviewer"], kind, period_end=period_end)


def test_months_are_added_as_calendars_run():
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2025, 1, 15), 12) == date(2026, 1, 15)


def test_a_report_is_due_every_six_months_while_the_support_runs(people):
    application = supported(people)
    assert report_schedule(application) == [(1, date(2025, 7, 15)), (2, date(2026, 1, 15)), (3, date(2026, 7, 15))]


def test_owner_files_the_department_asks_for_more_then_accepts(people, app):
    owner, reviewer = people["owner"], people["reviewer"]
    application = supported(people)
    report = followup.save_progress_report(application, owner, number=1, progress="", spent_vnd=None,
                                           products="", problems="", version=None, submit=False)
    commit()
    assert report.status == "draft" and not report.can_view(reviewer)  # a draft is the owner's
    with pytest.raises(ValidationFailed) as refused:
        followup.save_progress_report(application, owner, number=1, progress="", spent_vnd=None,
                                      products="", problems="", version=report.version, submit=True)
    assert {"progress", "spent_vnd"} <= set(refused.value.errors)
    db.session.rollback()
    followup.save_progress_report(application, owner, number=1, progress="Hoàn thành 40% nội dung.",
                                  spent_vnd=120_000_000, products="2.000 cây giống", problems="",
                                  version=report.version, submit=True)
    commit()
    assert report.status == "submitted"
    with pytest.raises(Conflict):  # with the department now
        followup.save_progress_report(application, owner, number=1, progress="Sửa", spent_vnd=1,
                                      products="", problems="", version=report.version, submit=False)
    db.session.rollback()
    with pytest.raises(ValidationFailed):  # asking for more says what
        followup.review_progress_report(report, reviewer, accept=False, comment=" ", version=report.version)
    db.session.rollback()
    followup.review_progress_report(report, reviewer, accept=False, comment="Bổ sung chứng từ chi.",
                                    version=report.version)
    commit()
    assert report.status == "more_requested"
    followup.save_progress_report(application, owner, number=1, progress="Hoàn thành 40% nội dung.",
                                  spent_vnd=120_000_000, products="2.000 cây giống", problems="",
                                  version=report.version, submit=True)
    followup.review_progress_report(report, reviewer, accept=True, comment="", version=report.version)
    commit()
    assert report.status == "accepted"
    actions = [e.action for e in application.events]
    assert actions.count("progress_report") == 2 and "progress_returned" in actions and "progress_accepted" in actions
    # The owner was told of both answers, the department of both filings.
    to_owner = db.session.scalars(db.select(OutboxMessage.body).where(OutboxMessage.recipient == owner.email)).all()
    assert sum("Bổ sung chứng từ chi." in body for body in to_owner) == 1
    assert sum("accepted progress report 1" in body for body in to_owner) == 1


def test_a_stale_report_is_a_conflict(people):
    application = supported(people)
    owner = people["owner"]
    followup.save_progress_report(application, owner, number=1, progress="A", spent_vnd=None, products="",
                                  problems="", version=None, submit=False)
    commit()
    with pytest.raises(Conflict):
        followup.save_progress_report(application, owner, number=1, progress="B", spent_vnd=None,
                                      products="", problems="", version=None, submit=False)


def test_only_the_owner_files_and_only_scheduled_numbers(people):
    application = supported(people)
    with pytest.raises(PermissionDenied):
        followup.save_progress_report(application, make_user("applicant"), number=1, progress="x",
                                      spent_vnd=0, products="", problems="", version=None, submit=True)
    with pytest.raises(ValidationFailed):
        followup.save_progress_report(application, people["owner"], number=9, progress="x",
                                      spent_vnd=0, products="", problems="", version=None, submit=True)


def test_overdue_reports_and_reminders(people):
    application = supported(people)
    late = followup.overdue(today=date(2025, 7, 20))
    assert [(o.application_id, o.number) for o in late] == [(application.id, 1)]
    assert followup.send_progress_reminders(today=date(2025, 7, 1)) == 1  # 14 days before
    commit()
    assert followup.send_progress_reminders(today=date(2025, 7, 1)) == 0  # once
    assert followup.send_progress_reminders(today=date(2025, 7, 12)) == 1  # 3 days before
    commit()
    assert db.session.scalar(db.select(db.func.count(ProgressReminder.id))) == 2
    followup.save_progress_report(application, people["owner"], number=1, progress="Đúng tiến độ.",
                                  spent_vnd=0, products="", problems="", version=None, submit=True)
    commit()
    assert followup.overdue(today=date(2025, 7, 20)) == []


def test_inspections_are_the_departments(people):
    application = supported(people)
    with pytest.raises(PermissionDenied):
        followup.record_inspection(application, people["owner"], inspected_on=date(2025, 9, 1),
                                   inspectors="A", findings="B", conclusion="on_track")
    with pytest.raises(ValidationFailed) as refused:
        followup.record_inspection(application, people["reviewer"], inspected_on=None, inspectors="",
                                   findings="", conclusion="great")
    assert {"inspected_on", "inspectors", "findings", "conclusion"} <= set(refused.value.errors)
    followup.record_inspection(application, people["reviewer"], inspected_on=date(2025, 9, 1),
                               inspectors="Đoàn kiểm tra Sở KH&CN", findings="Vườn ươm đạt yêu cầu.",
                               conclusion="on_track")
    commit()
    assert application.inspections[0].conclusion_label and application.events[-1].action == "inspection"


def _acceptance_round(people, application, share):
    council = form_council([application], people["reviewer"], purpose="acceptance")
    assignment = council.assignments[0]
    for member in council_members():
        score(assignment, member, share=share, recommends=share >= 0.7)
    db.session.refresh(application)
    return assignment


def test_a_passed_acceptance_completes_the_record_with_the_total_disbursed(people):
    application = supported(people)
    reviewer = people["reviewer"]
    with pytest.raises(Conflict):  # a project is completed by its acceptance, not by a click
        workflow.set_implementation_status(application, reviewer, "completed", "", application.version)
    db.session.rollback()
    with pytest.raises(Conflict):  # not rated yet
        followup.record_acceptance(application, reviewer, accepted_on=date(2026, 11, 1),
                                   disbursed_vnd=480_000_000, reasons="", version=application.version)
    db.session.rollback()
    assignment = _acceptance_round(people, application, 0.95)
    assert assignment.rating == "excellent"
    with pytest.raises(ValidationFailed) as refused:  # more than was granted
        followup.record_acceptance(application, reviewer, accepted_on=date(2026, 11, 1),
                                   disbursed_vnd=600_000_000, reasons="", version=application.version)
    assert "disbursed_vnd" in refused.value.errors
    db.session.rollback()
    followup.record_acceptance(application, reviewer, accepted_on=date(2026, 11, 1),
                               disbursed_vnd=480_000_000, reasons="", version=application.version)
    commit()
    assert application.implementation_status == "completed"
    assert application.acceptance.disbursed_vnd == 480_000_000
    with pytest.raises(Conflict):
        followup.record_acceptance(application, reviewer, accepted_on=date(2026, 11, 1),
                                   disbursed_vnd=1, reasons="", version=application.version)


def test_a_failed_acceptance_terminates_the_record_with_reasons(people):
    application = supported(people)
    assignment = _acceptance_round(people, application, 0.5)
    assert assignment.rating == "failed"
    with pytest.raises(ValidationFailed):
        followup.record_acceptance(application, people["reviewer"], accepted_on=date(2026, 11, 1),
                                   disbursed_vnd=100_000_000, reasons="", version=application.version)
    db.session.rollback()
    followup.record_acceptance(application, people["reviewer"], accepted_on=date(2026, 11, 1),
                               disbursed_vnd=100_000_000, reasons="Không đạt sản phẩm theo hợp đồng.",
                               version=application.version)
    commit()
    assert application.implementation_status == "terminated"
    assert db.session.scalar(db.select(db.func.count(Acceptance.id))) == 1


def _login(client, user):
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_owner_and_department_through_the_pages(app, people):
    application = supported(people)
    owner_client, staff_client = app.test_client(), app.test_client()
    _login(owner_client, people["owner"])
    _login(staff_client, people["reviewer"])
    page = owner_client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "15/07/2025" in page and f"/applications/{application.id}/progress/1" in page
    response = owner_client.post(f"/applications/{application.id}/progress/1", data={
        "version": "0", "progress": "Đã trồng 2.000 cây.", "spent_vnd": "120.000.000",
        "products": "", "problems": "", "action": "submit"})
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    db.session.expire_all()
    assert application.progress_reports[0].spent_vnd == 120_000_000  # read as Vietnamese writes it
    page = staff_client.get(f"/review/{application.id}/progress/1").get_data(as_text=True)
    assert "Đã trồng 2.000 cây." in page
    response = staff_client.post(f"/review/{application.id}/progress/1", data={
        "version": str(application.progress_reports[0].version), "decision": "accept", "comment": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert application.progress_reports[0].status == "accepted"
    response = staff_client.post(f"/review/{application.id}/inspections", data={
        "inspected_on": "2025-09-01", "inspectors": "Đoàn kiểm tra", "conclusion": "on_track",
        "findings": "Đạt."})
    assert response.status_code == 302
    dashboard = staff_client.get("/review/dashboard").get_data(as_text=True)
    assert f'href="/review/{application.id}#progress"' in dashboard  # report 2, due 15/01/2026: overdue


def test_the_public_record_shows_its_milestones_not_the_reports(app, people):
    application = supported(people)
    followup.save_progress_report(application, people["owner"], number=1, progress="Nội dung nội bộ của báo cáo",
                                  spent_vnd=90_000_000, products="", problems="", version=None, submit=True)
    commit()
    _acceptance_round(people, application, 0.8)
    followup.record_acceptance(application, people["reviewer"], accepted_on=date(2026, 11, 2),
                               disbursed_vnd=450_000_000, reasons="", version=application.version)
    commit()
    page = app.test_client().get(f"/records/{application.public_code}").get_data(as_text=True)
    assert "15/QĐ-UBND" in page and "02/11/2026" in page and "450.000.000" in page
    assert "Nội dung nội bộ của báo cáo" not in page and "90.000.000" not in page


def test_the_daily_command_reminds_owners_before_a_report_is_due(app, runner, people):
    supported(people)
    result = runner.invoke(args=["send-reminders", "--today", "2025-07-01"])
    assert result.exit_code == 0, result.output
    assert "Progress reports: 1 reminder sent." in result.output
    assert runner.invoke(args=["send-reminders", "--today", "2025-07-01"]).output.strip() == "No reminders due."


def test_acceptance_counts_on_the_progress_page_and_in_the_targets_api(app, people):
    application = supported(people)
    _acceptance_round(people, application, 0.8)
    client = app.test_client()
    before = {t["code"]: t for t in client.get("/api/v1/targets").get_json()["targets"]}
    assert before["supported_projects"]["accepted"] == 0 and before["pvp_growth"]["accepted"] is None
    followup.record_acceptance(application, people["reviewer"], accepted_on=date(2026, 11, 2),
                               disbursed_vnd=450_000_000, reasons="", version=application.version)
    commit()
    after = {t["code"]: t for t in client.get("/api/v1/targets").get_json()["targets"]}
    assert after["supported_projects"]["current"] == 1 and after["supported_projects"]["accepted"] == 1


def test_a_failed_acceptance_stops_the_count(app, people):
    application = supported(people)
    _acceptance_round(people, application, 0.5)
    followup.record_acceptance(application, people["reviewer"], accepted_on=date(2026, 11, 2),
                               disbursed_vnd=100_000_000, reasons="Không đạt.", version=application.version)
    commit()
    targets = {t["code"]: t for t in app.test_client().get("/api/v1/targets").get_json()["targets"]}
    assert targets["supported_projects"]["current"] == 0  # terminated: no longer counted


def test_the_schedule_links_a_filed_report_for_the_department_and_every_report_for_its_owner(app, people):
    application = supported(people)
    followup.save_progress_report(application, people["owner"], number=1, progress="Đúng tiến độ.",
                                  spent_vnd=0, products="", problems="", version=None, submit=True)
    followup.save_progress_report(application, people["owner"], number=2, progress="Bản nháp",
                                  spent_vnd=None, products="", problems="", version=None, submit=False)
    commit()
    owner_client, staff_client = app.test_client(), app.test_client()
    _login(owner_client, people["owner"])
    _login(staff_client, people["reviewer"])
    owner_page = owner_client.get(f"/applications/{application.id}").get_data(as_text=True)
    staff_page = staff_client.get(f"/review/{application.id}").get_data(as_text=True)
    assert all(f"/applications/{application.id}/progress/{n}" in owner_page for n in (1, 2, 3))
    assert f"/review/{application.id}/progress/1" in staff_page
    assert f"/review/{application.id}/progress/2" not in staff_page  # the owner's draft
