"""The whole life of a supported project in a real Chromium, in Vietnamese, with an axe-core check
on every page visited (issue 12, "Done when"): apply with the required documents, the eligibility
check, an appraisal council of five, approval and the support decision, two progress reports, an
inspection, an acceptance council of five and the acceptance; the public record and the plan's
progress page at the end — whose count of supported projects moves at the decision, not before.

Each person has a browser context of their own (vi-VN), logged in once through the login page.
Elements are found by id, name, URL and role, not by English text: the Vietnamese catalogue is
being completed in parallel. The fixtures and helpers are those of tests/test_browser_journey.py.
"""
import re
from datetime import timedelta

import pytest

from registry.extensions import db
from registry.models import Application, Council, SupportDecision
from registry.models.applications import CHECKLIST
from registry.models.base import province_today
from registry.models.followup import add_months
from tests.factories import SIGNED_PDF, make_organization, make_user
from tests.test_browser_journey import (  # noqa: F401  (live_server and browser_page are fixtures)
    _missing,
    browser_page,
    check_accessibility,
    live_server,
    log_in,
    submit_form,
)

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(_missing), reason=f"SKIPPED browser journey: {_missing}")]

TITLE = "Làm chủ quy trình nhân giống nhãn lồng Hưng Yên bằng nuôi cấy mô"
# Score shares of the five members: a mean total of about 82 of 100 — recommended on selection,
# "passed" (below the excellent mark of 90) on acceptance.
SHARES = (0.8, 0.85, 0.75, 0.9, 0.8)
SUPPORTED = "article[aria-labelledby=target-supported_projects]"

class Journey:
    """The pages of the journey, each checked with axe-core as it is reached."""

    def check(self, page, name: str) -> None:
        check_accessibility(page, name)

    def visit(self, page, url: str, name: str) -> None:
        # A new address, never only another fragment of the page shown (that would not reload it).
        page.goto(url)
        self.check(page, name)

    def follow(self, page, selector: str, name: str) -> None:
        with page.expect_navigation():
            page.locator(selector).first.click()
        self.check(page, name)

    def submit(self, page, form_selector: str, name: str, button: str | None = None) -> None:
        if button:
            with page.expect_navigation():
                page.locator(form_selector).locator(button).click()
        else:
            submit_form(page, form_selector)
        self.check(page, name)


def person(page, base: str, email: str):
    """A browser context of its own for one person, logged in through the login page."""
    context = page.context.browser.new_context(bypass_csp=True, locale="vi-VN")
    own = context.new_page()
    own.on("request", lambda r: page.requests_elsewhere.append(r.url)
           if not r.url.startswith(("http://127.0.0.1", "data:")) else None)
    log_in(own, base, email)
    return own


def targets_api(page, base: str) -> int:
    """The targets API's count of supported projects."""
    answer = page.request.get(base + "/api/v1/targets")
    assert answer.ok, answer.text()
    return next(t["current"] for t in answer.json()["targets"] if t["code"] == "supported_projects")


def supported_projects(journey, page, base: str, name: str) -> tuple[str, int]:
    """The progress page's count of supported projects, and the targets API's."""
    journey.visit(page, base + "/progress", name)
    return page.locator(f"{SUPPORTED} .target-current").inner_text().strip(), targets_api(page, base)


def listed_record(page) -> str:
    """The one record listed under the count of supported projects, as its line reads."""
    page.locator(f"{SUPPORTED} summary").click()
    items = page.locator(f"{SUPPORTED} li:has(a[href*='/records/'])")
    assert items.count() == 1
    return items.inner_text()


def form_council(journey, page, base: str, purpose: str, name: str, experts, application_id: int,
                 positions=(0, 1, 2, 3)) -> int:
    """From the review page's link, through the form; returns the council's id."""
    anchor = "#decision" if purpose == "selection" else "#acceptance"
    link = f"{anchor} a[href*='/review/councils/new'][href*='purpose={purpose}'][href*='kind=project']"
    journey.follow(page, link, f"council-form-{purpose}")
    page.fill("#name", name)
    page.fill("#decision_number", f"{'15' if purpose == 'selection' else '96'}/QĐ-SKHCN")
    assert page.input_value("#formed_on") == province_today().isoformat()  # today by default
    chair, first, second, secretary = (experts[i] for i in positions)
    page.select_option("#chair", str(chair.id))
    page.select_option("#critical_reviewer_1", str(first.id))
    page.select_option("#critical_reviewer_2", str(second.id))
    page.select_option("#secretary", str(secretary.id))
    for expert in experts:
        if expert not in (chair, first, second, secretary):
            page.check(f"input[name=members][value='{expert.id}']")
    page.check(f"input[name=applications][value='{application_id}']")
    journey.submit(page, "main form[method=post]", f"council-{purpose}")
    assert re.search(r"/review/councils/\d+$", page.url), page.locator("main").inner_text()
    assert page.locator("section[aria-labelledby=members-heading] li").count() == 5
    return int(page.url.rsplit("/", 1)[1])


def criteria_of(council_id: int) -> list[tuple[int, int]]:
    db.session.expire_all()
    return [(c.id, c.max_points) for c in db.session.get(Council, council_id).rubric.criteria]


def expert_scores(journey, page, council_id: int, application_id: int, share: float, step: str) -> None:
    """One member finds the application under their councils, declares no conflict, scores
    every criterion and submits."""
    journey.follow(page, "header a[href$='/council/']", f"{step}-my-councils")
    journey.follow(page, f"main a[href$='/council/{council_id}/applications/{application_id}']",
                   f"{step}-declaration")
    assert page.locator("#fields-heading").count() == 0  # nothing to read before the declaration
    page.check("input[name=has_conflict][value=no]")
    journey.submit(page, "form[action$='/declaration']", f"{step}-score-sheet")
    assert page.locator("#fields-heading").is_visible()
    for criterion_id, max_points in criteria_of(council_id):
        page.fill(f"#criterion_{criterion_id}", str(round(max_points * share)))
    page.check("input[name=recommends][value=yes]")
    page.fill("#comment", "Nội dung khoa học rõ ràng, phương pháp khả thi, sản phẩm phù hợp.")
    journey.submit(page, "form[action$='/sheet']", f"{step}-submitted",
                   button="button[name=action][value=submit]")
    assert page.locator("#sheet form").count() == 0, page.locator("main").inner_text()  # final now


def file_progress_report(journey, page, base: str, application_id: int, number: int, spent: str,
                         tmp_path, draft_first: bool) -> None:
    journey.visit(page, f"{base}/applications/{application_id}", f"owner-record-{number}")
    journey.follow(page, f"#progress a[href$='/applications/{application_id}/progress/{number}']",
                   f"progress-report-{number}")
    page.fill("#progress", f"Hoàn thành các mốc của kỳ {number}: vườn ươm 2.000 m², quy trình vi nhân giống.")
    page.fill("#spent_vnd", spent)
    page.fill("#products", f"{number * 1500} cây giống sạch bệnh.")
    page.fill("#problems", "Thời tiết nắng nóng kéo dài, đề nghị lùi lịch trồng thử.")
    form = f"form[action$='/applications/{application_id}/progress/{number}']"
    if draft_first:
        journey.submit(page, form, f"progress-report-{number}-draft",
                       button="button[name=action][value=save]")
        assert page.input_value("#spent_vnd") == spent  # read the Vietnamese way, and shown so
        evidence = tmp_path / f"Báo cáo tiến độ kỳ {number}.pdf"
        evidence.write_bytes(SIGNED_PDF)
        page.set_input_files("form[action$='/documents'] input[type=file]", str(evidence))
        journey.submit(page, "form[action$='/documents']", f"progress-report-{number}-document")
        assert page.get_by_role("link", name=evidence.name).is_visible()
    journey.submit(page, form, f"progress-report-{number}-submitted",
                   button="button[name=action][value=submit]")
    assert page.locator(form).count() == 0, page.locator("main").inner_text()  # with the department now
    assert spent in page.locator("main").inner_text()


def test_a_project_from_application_to_acceptance(app, live_server, browser_page, tmp_path):
    visitor, base, journey = browser_page, live_server, Journey()
    today = province_today()
    organization = make_organization("Viện Nghiên cứu Rau quả Hưng Yên", district="khoai_chau")
    owner = make_user("applicant", organization=organization, email="lan.vrq@example.vn",
                      full_name="Trần Thị Lan")
    reviewer = make_user("reviewer", email="thamdinh@sokhcn.hungyen.gov.vn", full_name="Phạm Văn Thẩm")
    experts = [make_user("expert", email=f"chuyengia{n}@example.vn", full_name=name)
               for n, name in enumerate(("GS.TS. Nguyễn Quang Thạch", "PGS.TS. Vũ Văn Hải",
                                         "TS. Đỗ Thị Hương", "TS. Lê Minh Đức", "ThS. Hoàng Văn Nam"), 1)]

    # Nothing is supported yet.
    assert targets_api(visitor, base) == 0

    # 1. The applicant signs in, sees the required documents before starting, drafts the project.
    applicant = person(visitor, base, owner.email)
    assert applicant.url.endswith("/applications/")
    journey.check(applicant, "my-applications")
    journey.visit(applicant, base + "/applications/new", "choose-kind")
    project_card = applicant.locator("li.card", has=applicant.locator("a[href$='/applications/new/project']"))
    assert project_card.locator("ul li").count() == 2  # the technical description and the budget estimate
    journey.follow(applicant, "a[href$='/applications/new/project']", "project-form")
    applicant.fill("#title", TITLE)
    applicant.fill("#summary", "Làm chủ quy trình nuôi cấy mô cây nhãn lồng, sản xuất cây giống sạch bệnh.")
    applicant.select_option("#field", "agriculture")
    applicant.select_option("#commune", "12205")
    applicant.fill("#start_date", today.isoformat())
    applicant.fill("#end_date", (today + timedelta(days=3 * 365)).isoformat())
    applicant.select_option("#product_type", "plant_variety")
    applicant.check("input[name=technologies][value=cell_tissue]")
    applicant.fill("#total_budget_vnd", "1.500.000.000")
    applicant.fill("#requested_support_vnd", "600.000.000")
    applicant.fill("#expected_outputs", "10.000 cây giống nhãn lồng sạch bệnh; quy trình nhân giống.")
    journey.submit(applicant, "main form[method=post]", "application-draft")
    assert re.search(r"/applications/\d+$", applicant.url), applicant.locator("main").inner_text()
    application_id = int(applicant.url.rsplit("/", 1)[1])
    assert applicant.locator("#documents ul.checklist li.missing").count() == 2
    # Submitting now is refused, and says which documents are missing.
    journey.submit(applicant, "form[action$='/submit']", "submit-refused")
    assert applicant.locator(".status-draft").first.is_visible()
    assert not applicant.url.endswith("/edit")  # the documents are added on the application's page
    # Issue 12, item 10: people see "submission 1, 2, 3", never the internal lock counter.
    assert applicant.get_by_text(re.compile(r"Phiên bản \d")).count() == 0  # never the lock counter
    journey.visit(applicant, f"{base}/applications/{application_id}", "application-draft-again")

    # 2. The technical description and the budget estimate, each classified; then submitted.
    for number, (code, filename) in enumerate((("technical_description", "Thuyết minh đề tài.pdf"),
                                               ("budget_estimate", "Dự toán kinh phí.pdf")), 1):
        path = tmp_path / filename
        path.write_bytes(SIGNED_PDF)
        applicant.select_option("#document_type", code)
        applicant.set_input_files("#file", str(path))
        journey.submit(applicant, "form[action$='/attachments']", f"application-document-{number}")
        assert applicant.locator("#documents ul.checklist li.ok").count() == number
        assert applicant.get_by_role("link", name=filename).is_visible()
    journey.submit(applicant, "form[action$='/submit']", "application-submitted")
    assert applicant.locator(".status-submitted").first.is_visible(), applicant.locator("main").inner_text()

    # 3. The reviewer ticks every checklist item, saves, and sends it on to appraisal.
    staff = person(visitor, base, reviewer.email)
    assert "/review" in staff.url
    journey.check(staff, "queue")
    with staff.expect_navigation():
        staff.get_by_role("link", name=TITLE).click()
    journey.check(staff, "review-submitted")
    assert staff.locator("form[action$='/start']").count() == 0  # not before the checklist
    for code in CHECKLIST:
        staff.check(f"#checklist-{code}")
    journey.submit(staff, "form[action$='/checklist']", "review-checklist-saved")
    journey.submit(staff, "form[action$='/start']", "review-in-appraisal")
    assert staff.locator(".status-in_review").first.is_visible(), staff.locator("main").inner_text()

    # 4. A council of five, through the form.
    selection_id = form_council(journey, staff, base, "selection",
                                f"Hội đồng tư vấn xét chọn dự án năm {today.year}", experts, application_id)
    journey.visit(staff, base + "/review/councils", "councils")
    assert staff.locator(f"main a[href$='/review/councils/{selection_id}']").is_visible()

    # 5. Each member signs in, declares no conflict, scores every criterion and submits.
    members = []
    for n, (expert, share) in enumerate(zip(experts, SHARES), 1):
        members.append(person(visitor, base, expert.email))
        journey.check(members[-1], f"expert-{n}-landing")
        assert members[-1].url.endswith("/council/")  # an expert lands on their councils
        expert_scores(journey, members[-1], selection_id, application_id, share, f"selection-{n}")

    # 6. The reviewer sees the result and approves, through the confirmation page.
    journey.visit(staff, f"{base}/review/councils/{selection_id}", "council-selection-scored")
    with staff.expect_download() as minutes:
        staff.click(f"a[href$='/review/councils/{selection_id}/minutes.pdf']")
    assert minutes.value.suggested_filename.endswith(".pdf")
    journey.visit(staff, f"{base}/review/{application_id}", "review-council-result")
    assert staff.locator("#councils [role=status]").is_visible()
    staff.check("input[name=decision][value=approve]")
    journey.submit(staff, "form[action$='/decision']", "confirm-approval")
    assert staff.locator("main [role=status]").is_visible()  # the council's result beside the decision
    journey.submit(staff, "form[action$='/decision']", "review-approved")
    assert staff.locator(".status-approved").first.is_visible(), staff.locator("main").inner_text()
    # An approval alone counts for nothing.
    assert supported_projects(journey, visitor, base, "progress-approved") == ("0", 0)

    # 7. The support decision, with its signed PDF, dated today.
    journey.visit(staff, f"{base}/review/{application_id}", "review-support-form")
    signed = tmp_path / "Quyết định hỗ trợ.pdf"
    signed.write_bytes(SIGNED_PDF)
    staff.fill("#support-number", "125/QĐ-UBND")
    staff.fill("#support-decided_on", today.isoformat())
    staff.fill("#support-signer", "Phó Chủ tịch UBND tỉnh Nguyễn Văn Bình")
    staff.fill("#support-amount_vnd", "600.000.000")
    staff.fill("#support-period_start", today.isoformat())
    staff.fill("#support-period_end", (today + timedelta(days=2 * 365)).isoformat())
    staff.fill("#support-conditions", "Báo cáo tiến độ sáu tháng một lần.")
    staff.set_input_files("#support-file", str(signed))
    journey.submit(staff, "form[action$='/support-decision']", "review-support-decision")
    assert staff.locator("#support form").count() == 0, staff.locator("main").inner_text()
    assert "125/QĐ-UBND" in staff.locator("#support").inner_text()
    # The decision, and only the decision, makes it a supported project.
    assert supported_projects(journey, visitor, base, "progress-decided") == ("1", 1)
    assert listed_record(visitor).count(" · ") == 1  # with its decision date; no acceptance yet

    # A test fixture step, not a user's: the reports fall due every six months from the decision,
    # and a journey cannot wait a year. Date the decision (and its period) and the approval 13
    # months back, so that reports 1 and 2 are due (7 and 1 months ago).
    decision = db.session.scalar(db.select(SupportDecision).filter_by(application_id=application_id))
    back = {"decided_on": add_months(decision.decided_on, -13), "id": application_id,
            "period_start": add_months(decision.period_start, -13),
            "period_end": add_months(decision.period_end, -13)}
    db.session.execute(db.text("UPDATE support_decisions SET decided_on = :decided_on, period_start = "
                               ":period_start, period_end = :period_end WHERE application_id = :id"), back)
    db.session.execute(db.text("UPDATE applications SET approved_on = :decided_on WHERE id = :id"), back)
    db.session.commit()

    # 8. The owner files reports 1 and 2 through the page, amounts typed the Vietnamese way.
    for number, spent in ((1, "120.000.000"), (2, "350.000.000")):
        file_progress_report(journey, applicant, base, application_id, number, spent, tmp_path,
                             draft_first=number == 1)

    # 9. The reviewer accepts both, and records an inspection.
    journey.visit(staff, f"{base}/review/{application_id}", "review-reports-filed")
    for number, spent in ((1, "120.000.000"), (2, "350.000.000")):
        journey.follow(staff, f"#progress a[href$='/review/{application_id}/progress/{number}']",
                       f"review-progress-report-{number}")
        assert spent in staff.locator("main").inner_text()
        staff.check("input[name=decision][value=accept]")
        staff.fill("#comment", "Đạt yêu cầu của kỳ báo cáo.")
        journey.submit(staff, f"form[action$='/review/{application_id}/progress/{number}']",
                       f"review-progress-accepted-{number}")
        assert staff.url.split("#")[0].endswith(f"/review/{application_id}")
    staff.locator("#inspections summary").click()
    staff.fill("#inspection-inspected_on", today.isoformat())
    staff.fill("#inspectors", "Phòng Quản lý khoa học, Sở KH&CN")
    staff.select_option("#conclusion", "on_track")
    staff.fill("#findings", "Vườn ươm và phòng nuôi cấy hoạt động đúng thuyết minh.")
    journey.submit(staff, "form[action$='/inspections']", "review-inspection")
    assert staff.locator("#inspections ul.timeline li").count() == 1

    # 10. An acceptance council of five (in other positions), and its scores.
    acceptance_id = form_council(journey, staff, base, "acceptance", "Hội đồng nghiệm thu dự án nhãn lồng",
                                 experts, application_id, positions=(1, 0, 3, 4))
    for n, (member, share) in enumerate(zip(members, SHARES), 1):
        expert_scores(journey, member, acceptance_id, application_id, share, f"acceptance-{n}")

    # 11. The reviewer records the acceptance with the total disbursed.
    journey.visit(staff, f"{base}/review/councils/{acceptance_id}", "council-acceptance-scored")
    journey.visit(staff, f"{base}/review/{application_id}", "review-acceptance-form")
    staff.fill("#acceptance-accepted_on", today.isoformat())
    staff.fill("#disbursed_vnd", "580.000.000")
    journey.submit(staff, "form[action$='/acceptance']", "review-accepted")
    assert staff.locator("#acceptance form").count() == 0, staff.locator("main").inner_text()
    assert "580.000.000" in staff.locator("#acceptance").inner_text()
    db.session.expire_all()
    assert db.session.get(Application, application_id).implementation_status == "completed"  # passed

    # 12. The progress page still counts it once, now as passed acceptance; the public record
    # shows the decision, the reports filed and the acceptance.
    assert supported_projects(journey, visitor, base, "progress-accepted") == ("1", 1)
    assert listed_record(visitor).count(" · ") == 2  # listed as having passed acceptance
    journey.follow(visitor, f"{SUPPORTED} a[href*='/records/']", "public-record")
    record = visitor.locator("section[aria-labelledby=record-title]").inner_text()
    assert "125/QĐ-UBND" in record and "600.000.000" in record  # the decision
    assert record.count(today.strftime("%d/%m/%Y")) >= 3  # reports 1 and 2 filed today, accepted today
    assert "580.000.000" in record  # the acceptance, with the total disbursed
    assert visitor.locator("h1").inner_text() == TITLE
    assert visitor.locator("html").get_attribute("lang") == "vi"
    assert visitor.requests_elsewhere == []  # nothing fetched from other origins

