"""The yearly reports of lead agencies on the plan's tasks: who files, drafts and submission,
returning a report, attachments, what is overdue, reminders and award proposals."""
import io
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.models import (Agency, AgencyReport, AgencyReportEvent, OutboxMessage, PlanTask,
                             ReportReminder)
from registry.models.base import province_today
from registry.services import plan_reports as plan
from registry.services.errors import Conflict, PermissionDenied, ValidationFailed
from registry.services.unit_of_work import commit
from tests.factories import make_organization, make_user

YEAR = province_today().year
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def agency(code: str) -> Agency:
    return db.session.scalar(sa.select(Agency).filter_by(code=code))


def task(code: str) -> PlanTask:
    return db.session.scalar(sa.select(PlanTask).filter_by(code=code))


def reporter(code: str | None = "DARD", **fields):
    return make_user("agency", agency=agency(code) if code else None, **fields)


def save(task_code: str, user, year: int = YEAR, version=None, narrative="Đã xây dựng dự thảo đề án.",
         figures=(), status="in_progress") -> AgencyReport:
    report = plan.save_report(task(task_code), user, year, status=status, narrative=narrative,
                              figures=list(figures), version=version)
    commit()
    return report


def submitted(task_code: str, user, year: int = YEAR) -> AgencyReport:
    report = save(task_code, user, year)
    plan.submit_report(report, user, report.version)
    commit()
    return report


def outbox(recipient: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(query))


def actions(report: AgencyReport) -> list[str]:
    return list(db.session.scalars(sa.select(AgencyReportEvent.action)
                                   .where(AgencyReportEvent.report_id == report.id)
                                   .order_by(AgencyReportEvent.id)))


# Who may file ------------------------------------------------------------------------------

def test_a_lead_agency_reporter_saves_and_submits_its_report(app):
    user = reporter("DAE")
    report = submitted("III.1", user)
    assert report.is_submitted and report.submitted_by == user and report.agency.code == "DAE"
    assert actions(report) == ["created", "submitted"]


def test_an_account_of_a_merged_department_reports_for_the_department_that_carries_its_duties(app):
    """The plan names Agriculture and Rural Development; since 01/03/2025 Agriculture and
    Environment carries its duties, and the report is Agriculture and Environment's."""
    user = reporter("DARD")
    report = submitted("III.1", user)
    assert report.agency.code == "DAE" and report.is_filed_by(user)
    assert [row.agency.code for row in rows_of(plan.year_overview(YEAR), "III.1")] == ["DAE"]


def test_an_agency_that_does_not_lead_the_task_cannot_file_on_it(app):
    with pytest.raises(PermissionDenied):
        save("III.1", reporter("DOH"))
    report = save("III.1", reporter("DARD"))
    with pytest.raises(PermissionDenied):
        plan.submit_report(report, reporter("DOH"), report.version)


@pytest.mark.parametrize("code, today", [("DOH", "DOH"), ("DPI", "DOF"), ("DOHA", "DOHA")])
def test_every_agency_files_on_a_task_led_by_all_agencies(app, code, today):
    assert save("I.1", reporter(code)).agency.code == today


def test_the_district_committees_file_nothing_since_the_district_level_ended(app):
    with pytest.raises(PermissionDenied):
        save("I.1", reporter("DISTRICTS"))


@pytest.mark.parametrize("make", [lambda: make_user("applicant"), lambda: make_user("reviewer"),
                                  lambda: reporter(None), lambda: reporter(is_active_account=False)],
                         ids=["applicant", "reviewer", "agency-user-without-agency", "inactive-reporter"])
def test_others_cannot_file(app, make):
    with pytest.raises(PermissionDenied):
        save("I.1", make())


# Drafts and submission ---------------------------------------------------------------------

def test_an_agency_has_one_report_per_task_and_year(app):
    first, colleague = reporter("DARD"), reporter("DARD")
    report = save("I.1", first)
    again = save("I.1", colleague, version=report.version, narrative="Bổ sung số liệu.")
    assert again.id == report.id and again.narrative == "Bổ sung số liệu."
    assert save("I.1", first, year=2023).id != report.id
    assert db.session.scalar(sa.select(sa.func.count(AgencyReport.id))) == 2
    assert actions(report) == ["created"]


def test_saving_over_a_newer_version_is_a_conflict(app):
    user = reporter("DARD")
    report = save("III.1", user)
    stale = report.version
    save("III.1", user, version=stale)
    with pytest.raises(Conflict):
        save("III.1", user, version=stale, narrative="Ghi đè bản cũ.")


def test_a_submitted_report_cannot_be_changed(app):
    user = reporter("DARD")
    report = submitted("III.1", user)
    with pytest.raises(Conflict):
        save("III.1", user, version=report.version)
    with pytest.raises(Conflict):
        plan.add_report_attachment(report, user, io.BytesIO(PDF), "de-an.pdf", report.version)


def test_submitting_needs_a_narrative(app):
    user = reporter("DARD")
    report = save("III.1", user, narrative="   ")
    with pytest.raises(ValidationFailed) as refused:
        plan.submit_report(report, user, report.version)
    assert "narrative" in refused.value.errors
    assert not report.is_submitted


def test_figures_are_kept_clean(app):
    report = save("III.1", reporter("DARD"), figures=[
        {"label": " Mô hình ứng dụng ", "value": "12", "unit": "mô hình"},
        {"label": "", "value": "", "unit": ""},
        {"label": "Diện tích", "value": "1,5", "unit": "ha"},
    ])
    assert report.figures == [{"label": "Mô hình ứng dụng", "value": 12, "unit": "mô hình"},
                              {"label": "Diện tích", "value": 1.5, "unit": "ha"}]


@pytest.mark.parametrize("figures", [
    [{"label": "Mô hình", "value": ""}],
    [{"label": "Mô hình", "value": "mười hai"}],
    [{"label": f"Chỉ số {n}", "value": n} for n in range(11)],
], ids=["label-without-value", "not-a-number", "more-than-ten"])
def test_invalid_figures_are_refused(app, figures):
    with pytest.raises(ValidationFailed) as refused:
        save("III.1", reporter("DARD"), figures=figures)
    assert refused.value.errors["figures"]


def test_a_figure_row_of_spaces_counts_as_blank(app):
    # The form does not strip its fields: a space typed in an empty row's value must not
    # make the report unsaveable with "Figure 2 needs both a name and a value".
    report = save("III.1", reporter("DARD"), figures=[{"label": "Diện tích", "value": "3", "unit": "ha"},
                                                      {"label": "", "value": " ", "unit": ""}])
    assert report.figures == [{"label": "Diện tích", "value": 3, "unit": "ha"}]


def test_a_vietnamese_ten_thousand_is_not_stored_as_ten(app):
    # "10.000" is how a Vietnamese reporter writes ten thousand: read it so, or refuse it.
    try:
        report = save("III.1", reporter("DARD"),
                      figures=[{"label": "Cây giống sạch bệnh", "value": "10.000", "unit": "cây"}])
    except ValidationFailed:
        return
    assert report.figures[0]["value"] == 10_000


@pytest.mark.parametrize("year", [2022, YEAR + 1])
def test_only_the_plan_years_up_to_this_one_can_be_reported(app, year):
    with pytest.raises(ValidationFailed) as refused:
        save("III.1", reporter("DARD"), year=year)
    assert "year" in refused.value.errors


# Returning a submitted report ----------------------------------------------------------------

def test_only_the_department_returns_a_report(app):
    user = reporter("DARD")
    report = submitted("III.1", user)
    for outsider in (user, make_user("applicant")):
        with pytest.raises(PermissionDenied):
            plan.reopen_report(report, outsider, "Thiếu số liệu.", report.version)
    with pytest.raises(ValidationFailed) as refused:
        plan.reopen_report(report, make_user("reviewer"), "  ", report.version)
    assert "reason" in refused.value.errors and report.is_submitted


def test_a_returned_report_can_be_corrected_and_submitted_again(app):
    user = reporter("DARD")
    report = submitted("III.1", user)
    plan.reopen_report(report, make_user("reviewer"), "Bổ sung số liệu diện tích.", report.version)
    commit()
    assert not report.is_submitted
    report = save("III.1", user, version=report.version, figures=[{"label": "Diện tích", "value": 3}])
    plan.submit_report(report, user, report.version)
    commit()
    assert actions(report) == ["created", "submitted", "reopened", "submitted"]
    assert report.events[2].comment == "Bổ sung số liệu diện tích."


def test_report_history_cannot_be_rewritten(app):
    report = submitted("III.1", reporter("DARD"))
    event = report.events[0]
    event.comment = "sửa lịch sử"
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AgencyReportEvent, event.id))
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()
    assert len(actions(report)) == 2


def test_returning_a_report_mails_the_agency_reporters(app):
    first, second = reporter("DARD"), reporter("DARD")
    reporter("DARD", is_active_account=False)
    reporter("DOH")
    report = submitted("III.1", first)
    plan.reopen_report(report, make_user("reviewer"), "Thiếu số liệu.", report.version)
    commit()
    messages = outbox()
    assert sorted(m.recipient for m in messages) == sorted([first.email, second.email])
    assert all("III.1" in m.subject and "Thiếu số liệu." in m.body for m in messages)


def test_the_returned_report_mail_arrives_with_the_reason(app, smtp):
    user = reporter("DARD")
    report = submitted("III.1", user)
    plan.reopen_report(report, make_user("reviewer"), "Đề nghị bổ sung kinh phí thực hiện.",
                       report.version)
    commit()
    [message] = [m for m in smtp.messages if m["To"] == user.email]
    assert "III.1" in message["Subject"]
    assert "Đề nghị bổ sung kinh phí thực hiện." in message.get_content()


# Attachments -------------------------------------------------------------------------------

def test_a_pdf_is_attached_and_a_stale_form_cannot_overwrite_the_report(app):
    user = reporter("DARD")
    report = save("III.1", user)
    form_version = report.version
    attachment = plan.add_report_attachment(report, user, io.BytesIO(PDF), "Đề án.pdf", report.version)
    commit()
    assert report.attachments == [attachment] and attachment.content_type == "application/pdf"
    with pytest.raises(Conflict):
        save("III.1", user, version=form_version)


def test_a_document_lost_to_a_concurrent_change_leaves_no_file_behind(app):
    from pathlib import Path

    user = reporter("DARD")
    report = save("III.1", user)
    commit()
    uploads = Path(app.config["UPLOAD_DIR"])
    uploads.mkdir(parents=True, exist_ok=True)
    files_before = set(uploads.iterdir())
    # A colleague's save lands between this request's read and its write.
    db.session.execute(sa.update(AgencyReport).where(AgencyReport.id == report.id)
                       .values(version=AgencyReport.version + 1)
                       .execution_options(synchronize_session=False))
    with pytest.raises(Conflict):
        plan.add_report_attachment(report, user, io.BytesIO(PDF), "Đề án.pdf", report.version)
    assert set(uploads.iterdir()) == files_before


def test_a_text_file_named_pdf_is_refused(app):
    user = reporter("DARD")
    report = save("III.1", user)
    with pytest.raises(ValidationFailed) as refused:
        plan.add_report_attachment(report, user, io.BytesIO(b"just some text"), "de-an.pdf",
                                   report.version)
    assert "file" in refused.value.errors


# The year's overview -----------------------------------------------------------------------

def rows_of(overview, task_code: str):
    return [row for row in overview.rows if row.task.code == task_code]


def test_one_report_is_expected_per_lead_and_all_agencies_report_on_i1(app):
    overview = plan.year_overview(2026, today=date(2026, 11, 10))
    assert [row.agency.code for row in rows_of(overview, "III.1")] == ["DAE"]
    departments = {"DOST", "DAE", "MOIT", "DOH", "DOET", "DOHA", "DOF", "STAT", "POLICE", "MILITARY"}
    assert sorted(row.agency.code for row in rows_of(overview, "I.1")) == sorted(departments)


def test_the_leads_are_read_in_the_plans_order_as_the_agencies_are_today(app):
    """II.1: "Các Sở: Khoa học và Công nghệ; Nông nghiệp và PTNT; Tài nguyên và Môi trường; Công
    Thương; Y tế; Giáo dục và Đào tạo; Lao động - Thương binh và Xã hội"."""
    ii1 = task("II.1")
    assert [a.code for a in ii1.lead_agencies] == ["DOST", "DARD", "DONRE", "MOIT", "DOH", "DOET", "DOLISA"]
    assert [a.code for a in ii1.leads_today] == ["DOST", "DAE", "MOIT", "DOH", "DOET", "DOHA"]
    overview = plan.year_overview(YEAR)
    assert [row.agency.code for row in rows_of(overview, "II.1")] == ["DOST", "DAE", "MOIT", "DOH", "DOET", "DOHA"]
    assert agency("DARD").name_today == ("Sở Nông nghiệp và Môi trường (trước đây Sở Nông nghiệp và "
                                          "Phát triển nông thôn)")


def filed_by(code: str, task_code: str, year: int) -> AgencyReport:
    """A report as a department filed it before the merger (straight into the table)."""
    user = reporter(code)
    report = AgencyReport(task=task(task_code), agency=agency(code), year=year, status="in_progress",
                          narrative=f"Báo cáo năm {year} của {agency(code).name_vi}.", figures=[],
                          created_by=user, updated_by=user)
    db.session.add(report)
    commit()
    return report


def test_a_year_is_read_with_the_agencies_as_they_were_when_its_reports_were_due(app):
    """2024's reports were due on 10/11/2024, before the mergers: they are expected of the
    departments of then."""
    former = filed_by("DARD", "III.1", 2024)
    [row] = rows_of(plan.year_overview(2024, today=date(2024, 11, 1)), "III.1")
    assert row.agency.code == "DARD" and row.report.id == former.id
    overview = plan.year_overview(2024, today=date(2025, 1, 10))
    ii1 = rows_of(overview, "II.1")
    assert [r.agency.code for r in ii1] == ["DOST", "DARD", "DONRE", "MOIT", "DOH", "DOET", "DOLISA"]
    # Every department of then reports on I.1; those added as successors in 2025 do not.
    i1 = {r.agency.code for r in rows_of(overview, "I.1")}
    assert {"DARD", "DONRE", "DPI", "DIC", "DOLISA"} <= i1 and not {"DAE", "DOHA"} & i1


def test_reports_of_two_merged_departments_both_count_for_their_successor(app):
    """Both departments merged into Agriculture and Environment drafted their II.1 report for
    2025 before 01/03/2025: the successor's row holds both, and its reporter finishes them."""
    dard, donre = filed_by("DARD", "II.1", 2025), filed_by("DONRE", "II.1", 2025)
    rows = rows_of(plan.year_overview(2025, today=date(2025, 11, 20)), "II.1")
    [dae] = [row for row in rows if row.agency.code == "DAE"]
    assert {r.id for r in dae.reports} == {dard.id, donre.id}
    successor = reporter("DAE")
    assert plan.find_report(task("II.1"), agency("DAE"), 2025).id in (dard.id, donre.id)
    assert dard.is_filed_by(successor) and donre.is_filed_by(successor)


def test_a_report_no_agency_is_expected_to_file_any_more_is_kept(app):
    """The district committees filed on I.1 for 2025 before the district level ended."""
    districts = filed_by("DISTRICTS", "I.1", 2025)
    rows = rows_of(plan.year_overview(2025, today=date(2025, 11, 20)), "I.1")
    assert districts.id in {r.report.id for r in rows if r.report}


def test_merged_cells_and_a_missing_lead_are_kept_as_the_plan_writes_them(app):
    iii1, iii6 = task("III.1"), task("III.6")
    for code in ("III.3", "III.4", "III.5", "III.6", "III.7", "III.8"):
        follower = task(code)
        assert follower.cells_follow_id == iii1.id and follower.timeframe_vi == ""
        assert follower.coordination == iii1.coordination and follower.timeframe == iii1.timeframe
    assert iii6.lead_not_written and not task("III.5").lead_not_written
    assert [a.code for a in iii6.lead_agencies] == ["POLICE"]


# Commune and ward committees ----------------------------------------------------------------

def commune(name: str):
    from registry.models import Commune
    return db.session.scalar(sa.select(Commune).filter_by(name_vi=name))


def test_the_department_invites_commune_committees_to_report_for_a_year(app):
    staff = make_user("reviewer")
    thai_thuy = commune("Xã Thái Thụy")
    invited = plan.invite_committees(staff, YEAR, [thai_thuy])
    commit()
    committee = invited[0].agency
    assert committee.name_vi == "UBND xã Thái Thụy" and committee.kind == "commune_committee"
    assert plan.invite_committees(staff, YEAR, [thai_thuy]) == []  # once per year
    commit()
    overview = plan.year_overview(YEAR)
    assert committee.code in {row.agency.code for row in rows_of(overview, "I.1")}
    assert committee.code not in {row.agency.code for row in rows_of(plan.year_overview(YEAR - 1), "I.1")}
    assert committee.code not in {row.agency.code for row in rows_of(overview, "III.1")}
    user = reporter(committee.code)
    assert save("I.1", user).agency == committee
    with pytest.raises(PermissionDenied):
        save("III.1", user)
    # It takes part in the tasks the plan gives the district committees: it reads their reports.
    assert task("III.1").involves(committee) and not task("II.2").involves(committee)


def test_an_invitation_reaches_the_committees_reporters_and_only_staff_invite(app):
    staff = make_user("reviewer")
    committee = plan.committee_of(commune("Xã Thái Thụy"))
    commit()
    user = reporter(committee.code)
    plan.invite_committees(staff, YEAR, [commune("Xã Thái Thụy")])
    commit()
    [message] = outbox(user.email)
    assert str(YEAR) in message.subject and "01/07/2025" in message.body
    with pytest.raises(PermissionDenied):
        plan.invite_committees(reporter("DOH"), YEAR, [commune("Xã Thái Thụy")])
    with pytest.raises(ValidationFailed):
        plan.invite_committees(staff, YEAR, [])
    with pytest.raises(ValidationFailed):
        plan.invite_committees(staff, 2019, [commune("Xã Thái Thụy")])


def test_nothing_is_overdue_on_the_due_date_and_everything_unsubmitted_the_day_after(app):
    submitted("III.1", reporter("DARD"), year=2026)
    assert plan.year_overview(2026, today=date(2026, 11, 10)).overdue == 0
    overview = plan.year_overview(2026, today=date(2026, 11, 11))
    assert overview.overdue == overview.expected - 1
    [iii1] = rows_of(overview, "III.1")
    assert not iii1.overdue and iii1.state in ("submitted", "late")


@pytest.mark.parametrize("submitted_at_utc, state", [
    (datetime(2026, 11, 10, 16, 59), "submitted"),  # 23:59 on 10/11 in Hưng Yên
    (datetime(2026, 11, 10, 17, 0), "late"),  # already 11/11 in Hưng Yên
    (datetime(2026, 11, 11, 18, 0), "late"),  # 01:00 on 12/11
])
def test_a_report_submitted_after_the_due_date_in_hung_yen_time_is_late(app, submitted_at_utc, state):
    report = submitted("III.1", reporter("DARD"), year=2026)
    report.submitted_at = report.first_submitted_at = submitted_at_utc
    commit()
    [row] = rows_of(plan.year_overview(2026, today=date(2026, 11, 20)), "III.1")
    assert row.state == state and not row.overdue


def test_a_report_returned_after_the_deadline_was_still_on_time(app):
    user = reporter("DARD")
    report = submitted("III.1", user, year=2026)
    report.submitted_at = report.first_submitted_at = datetime(2026, 11, 5, 3, 0)
    commit()
    plan.reopen_report(report, make_user("reviewer"), "Thiếu số liệu kinh phí.", report.version)
    commit()
    [row] = rows_of(plan.year_overview(2026, today=date(2026, 11, 20)), "III.1")
    assert row.state == "returned" and not row.overdue
    plan.submit_report(report, user, report.version)  # corrected on 20/11 (today, really)
    commit()
    [row] = rows_of(plan.year_overview(2026, today=date(2026, 11, 20)), "III.1")
    assert row.state == "submitted"


# Reminders ---------------------------------------------------------------------------------

@pytest.mark.parametrize("today, milestone", [
    (date(2026, 10, 26), None), (date(2026, 10, 27), 14), (date(2026, 11, 6), 14),
    (date(2026, 11, 7), 3), (date(2026, 11, 10), 3), (date(2026, 11, 11), None),
])
def test_reminders_go_out_14_and_3_days_before_the_due_date(app, today, milestone):
    assert plan.reminder_milestone(today) == milestone


def reminded(days_before: int) -> set[str]:
    return set(db.session.scalars(sa.select(Agency.code).join(ReportReminder.agency)
                                  .where(ReportReminder.days_before == days_before)))


def remind(day: date):
    sent = plan.send_reminders(day)
    commit()
    return sent


def test_each_reporter_of_an_agency_with_reports_to_file_gets_one_reminder(app):
    first, second = reporter("DARD"), reporter("DARD")
    doh = reporter("DOH")
    remind(date(2026, 10, 27))
    assert sorted(m.recipient for m in outbox()) == sorted([first.email, second.email, doh.email])
    body = outbox(first.email)[0].body
    assert "- III.1:" in body and "- I.1:" in body and "III.3" not in body  # III.3 is DOH's
    assert reminded(14) == {"DAE", "DOH"}  # agencies without a reporter are not recorded


def test_a_milestone_is_sent_once(app):
    user = reporter("DARD")
    remind(date(2026, 10, 27))
    assert remind(date(2026, 10, 27)) == [] and remind(date(2026, 10, 28)) == []
    assert len(outbox(user.email)) == 1
    assert [s.days_before for s in remind(date(2026, 11, 7))] == [3]
    assert remind(date(2026, 11, 8)) == []
    assert len(outbox(user.email)) == 2


def test_an_agency_with_everything_submitted_gets_no_reminder(app):
    dof = reporter("DOF")  # Finance (with Planning and Investment) reports only on I.1
    submitted("I.1", dof, year=2026)
    reporter("DARD")
    remind(date(2026, 10, 27))
    assert outbox(dof.email) == [] and reminded(14) == {"DAE"}


def test_an_inactive_reporter_gets_no_reminder(app):
    active, inactive = reporter("DARD"), reporter("DARD", is_active_account=False)
    [sent] = remind(date(2026, 10, 27))
    assert sent.recipients == [active.email] and outbox(inactive.email) == []


def test_a_reporter_added_after_the_reminder_still_gets_it(app):
    reporter("DARD")
    remind(date(2026, 10, 27))
    latecomer = reporter("DOH")
    [sent] = remind(date(2026, 10, 28))
    assert sent.agency.code == "DOH" and sent.days_before == 14
    assert len(outbox(latecomer.email)) == 1


def test_the_reminder_arrives_with_the_due_date_and_the_tasks(app, smtp):
    user = reporter("DARD")
    remind(date(2026, 10, 27))
    [message] = [m for m in smtp.messages if m["To"] == user.email]
    assert "10/11/2026" in message["Subject"]
    body = message.get_content()
    assert "10/11/2026" in body and "III.1" in body


# Award proposals ---------------------------------------------------------------------------

def propose(actor, award=None, version=None, **fields):
    values = {"year": 2025, "nominee_kind": "organization", "nominee_name": "",
              "organization": None, "achievement": "Làm chủ quy trình nhân giống nhãn lồng.",
              "award_form": "Bằng khen của Chủ tịch UBND tỉnh"} | fields
    saved = plan.save_award(award, actor, version=version, **values)
    commit()
    return saved


def test_only_admins_propose_and_withdraw_awards(app):
    admin = make_user("admin")
    award = propose(admin, organization=make_organization("Hợp tác xã Nhãn lồng Tân Hưng"))
    assert award.nominee_name == "Hợp tác xã Nhãn lồng Tân Hưng"
    for outsider in (make_user("reviewer"), reporter("DARD")):
        with pytest.raises(PermissionDenied):
            propose(outsider, nominee_name="Nguyễn Văn An")
        with pytest.raises(PermissionDenied):
            plan.delete_award(award, outsider, award.version)
    plan.delete_award(award, admin, award.version)
    commit()
    assert plan.awards_of_year(2025) == []


def test_an_award_needs_a_kind_a_name_and_an_achievement(app):
    with pytest.raises(ValidationFailed) as refused:
        propose(make_user("admin"), nominee_kind="team", nominee_name=" ", achievement="")
    assert set(refused.value.errors) == {"nominee_kind", "nominee_name", "achievement"}


def test_changing_a_stale_award_is_a_conflict(app):
    admin = make_user("admin")
    award = propose(admin, nominee_kind="individual", nominee_name="Nguyễn Văn An")
    stale = award.version
    propose(admin, award, version=stale, nominee_kind="individual", nominee_name="Nguyễn Văn Bình")
    with pytest.raises(Conflict):
        propose(admin, award, version=stale, nominee_kind="individual", nominee_name="Trần Thị Cúc")
    with pytest.raises(Conflict):
        plan.delete_award(award, admin, stale)


def test_a_committee_reports_only_for_a_year_it_is_invited_to(app):
    committee = plan.committee_of(commune("Xã Thái Thụy"))
    commit()
    user = reporter(committee.code)
    with pytest.raises(PermissionDenied):
        save("I.1", user)
    assert [code for code, role in ((t.code, r) for t, r in plan.tasks_of_agency(committee, YEAR))
            if role == "lead"] == []
    plan.invite_committees(make_user("reviewer"), YEAR - 1, [commune("Xã Thái Thụy")])
    commit()
    with pytest.raises(PermissionDenied):
        save("I.1", user)  # invited for last year, not this one
    assert save("I.1", user, year=YEAR - 1).agency == committee
