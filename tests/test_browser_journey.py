"""The whole journey in a real Chromium (Debian's package, driven by Playwright), with an
axe-core accessibility check on every page visited.

Skipped, and said so, when Chromium or Playwright is missing — unless REQUIRE_BROWSER is set
(CI), where a missing browser fails the run.
"""
import os
import shutil
from pathlib import Path

import pytest

from registry.extensions import db
from registry.models import Agency, Application
from registry.models.base import province_today
from tests.conftest import SuiteConfig, serving
from tests.factories import PASSWORD, SIGNED_PDF, appraise, make_user, pass_eligibility, record_decision

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover
    sync_playwright = None

_missing = None if CHROMIUM and sync_playwright else "Chromium (Debian package 'chromium') or Playwright is not installed"
if _missing and os.environ.get("REQUIRE_BROWSER"):
    raise RuntimeError(f"REQUIRE_BROWSER is set but {_missing}.")

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(_missing), reason=f"SKIPPED browser journey: {_missing}")]


class LiveConfig(SuiteConfig):
    WTF_CSRF_ENABLED = True  # the browser uses the real forms, tokens and all
    SERVER_NAME = None


@pytest.fixture
def live_server(app):
    with serving(LiveConfig) as url:
        yield url


@pytest.fixture
def browser_page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        # bypass_csp lets the test inject axe-core; the pages themselves run under their CSP.
        context = browser.new_context(bypass_csp=True, locale="vi-VN")
        page = context.new_page()
        requests_elsewhere = []
        page.on("request", lambda r: requests_elsewhere.append(r.url)
                if not r.url.startswith(("http://127.0.0.1", "data:")) else None)
        page.requests_elsewhere = requests_elsewhere
        yield page
        context.close()
        browser.close()


def check_accessibility(page, name: str) -> None:
    """No serious or critical axe-core violation (WCAG 2.1 A/AA rules)."""
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    if os.environ.get("SAVE_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert not bad, f"{name}: " + "; ".join(bad)


def submit_form(page, form_selector: str = "main form[method=post]") -> None:
    with page.expect_navigation():
        page.locator(form_selector).locator("button[type=submit], input[type=submit]").last.click()


def confirmation_link(address: str) -> str:
    """The link of the sign-up e-mail, written once the server has sent its answer."""
    import re
    import time

    from registry.models import OutboxMessage

    for _ in range(50):
        db.session.expire_all()
        message = db.session.scalar(db.select(OutboxMessage).filter_by(recipient=address))
        if message is not None:
            return re.search(r"(https?://\S+/auth/signup/confirm/\S+)", message.body).group(1)
        time.sleep(0.1)
    raise AssertionError(f"no confirmation e-mail to {address}")


def log_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/auth/login")
    check_accessibility(page, "login")
    page.fill("#email", email)
    page.fill("#password", password)
    submit_form(page)


def log_out(page) -> None:
    with page.expect_navigation():
        page.locator("form[action$='/auth/logout'] button").click()


def test_sign_up_apply_revise_approve_and_find(app, live_server, browser_page, tmp_path):
    page, base = browser_page, live_server
    reviewer = make_user("reviewer", email="thamdinh@sokhcn.hungyen.gov.vn", full_name="Phạm Văn Thẩm")

    # 1. A visitor signs up for a cooperative from the home page.
    page.goto(base + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    check_accessibility(page, "home")
    with page.expect_navigation():
        page.locator("main a[href$='/auth/signup'], header a[href$='/auth/signup']").first.click()
    check_accessibility(page, "signup")
    page.fill("#name", "Hợp tác xã Gà Đông Tảo Khoái Châu")
    page.select_option("#org_type", "cooperative")
    page.fill("#tax_code", "0900123456")
    # The commune is found by typing its name without accents: the one match is chosen.
    page.fill("#commune-filter", "hoan long")
    assert page.locator("#commune").input_value() == "12070"  # Xã Hoàn Long, Đông Tảo's commune
    assert page.locator(".filter-select-status").inner_text() == "1 kết quả"
    page.fill("#address", "Thôn Đông Tảo Nam, xã Đông Tảo")
    page.fill("#representative", "Nguyễn Văn Tảo")
    page.fill("#phone", "0912345678")
    page.fill("#org_email", "htx.dongtao@example.vn")
    page.fill("#full_name", "Nguyễn Thị Hoa")
    page.fill("#email", "hoa.htx@example.vn")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    submit_form(page)
    assert "/auth/signup/sent" in page.url
    check_accessibility(page, "check-your-email")
    # The link in the confirmation e-mail creates the account.
    page.goto(confirmation_link("hoa.htx@example.vn").replace("http://localhost", base))
    check_accessibility(page, "confirm-signup")
    assert "Hợp tác xã Gà Đông Tảo Khoái Châu" in page.content()
    page.fill("#password", PASSWORD)
    submit_form(page)
    assert "/applications" in page.url
    check_accessibility(page, "my-applications")

    # 2. They fill in a project and submit it.
    page.goto(base + "/applications/new")
    check_accessibility(page, "choose-kind")
    with page.expect_navigation():
        page.locator("a[href$='/applications/new/project']").click()
    check_accessibility(page, "project-form")
    page.fill("#title", "Bảo tồn và nhân giống gà Đông Tảo thuần chủng")
    page.fill("#summary", "Chọn lọc đàn gà Đông Tảo thuần, xây dựng quy trình nhân giống.")
    page.select_option("#field", "agriculture")
    page.select_option("#commune", "12070")
    page.fill("#start_date", "2026-03-01")
    page.fill("#end_date", "2028-02-28")
    page.select_option("#product_type", "livestock_breed")
    page.check("input[name=technologies][value=reproduction]")
    page.fill("#total_budget_vnd", "2000000000")
    page.fill("#requested_support_vnd", "3000000000")  # more than the total: refused
    submit_form(page)
    assert page.locator("#requested_support_vnd-error").is_visible()
    check_accessibility(page, "project-form-errors")
    page.fill("#requested_support_vnd", "800000000")
    submit_form(page)
    detail_url = page.url
    assert "/applications/" in detail_url and "/new" not in detail_url
    check_accessibility(page, "application-draft")
    # The documents a project must carry: the technical description and the budget estimate.
    for document_type, name in (("technical_description", "Thuyết minh dự án.pdf"),
                                ("budget_estimate", "Dự toán kinh phí.pdf")):
        path = tmp_path / name
        path.write_bytes(SIGNED_PDF)
        page.select_option("#document_type", document_type)
        page.set_input_files("form[action$='/attachments'] input[type=file]", str(path))
        submit_form(page, "form[action$='/attachments']")
    submit_form(page, "form[action$='/submit']")
    assert page.locator(".status-submitted").first.is_visible()
    log_out(page)

    # 3. The reviewer asks for a revision.
    log_in(page, base, reviewer.email)
    assert "/review" in page.url, page.locator("main").inner_text()
    check_accessibility(page, "queue")
    with page.expect_navigation():
        page.get_by_role("link", name="Bảo tồn và nhân giống gà Đông Tảo thuần chủng").click()
    check_accessibility(page, "review-detail")
    page.check("input[name=decision][value=request_revision]")
    page.fill("#decision-comment", "Đề nghị bổ sung dự toán chi tiết cho đàn giống gốc.")
    submit_form(page, "form[action$='/decision']")
    assert page.locator(".status-revision_requested").first.is_visible()
    log_out(page)

    # 4. The owner sees the comment, fixes the application and resubmits.
    log_in(page, base, "hoa.htx@example.vn")
    page.goto(detail_url)
    # The revision request is the first thing on the page, with the way to act on it.
    revision = page.locator("main section#revision")
    assert revision.get_by_text("Đề nghị bổ sung dự toán chi tiết cho đàn giống gốc.").is_visible()
    check_accessibility(page, "application-revision")
    with page.expect_navigation():
        revision.locator(f"a[href$='{detail_url.split(base)[1]}/edit']").click()
    page.fill("#expected_outputs", "Đàn giống gốc 500 con; quy trình nhân giống; dự toán chi tiết kèm theo.")
    submit_form(page)
    submit_form(page, "form[action$='/submit']")
    assert page.locator(".status-submitted").first.is_visible()
    log_out(page)

    # 5. Found eligible and recommended by a council of five (those pages have their own journey,
    # test_browser_lifecycle.py), the reviewer sees what changed and approves.
    application = db.session.get(Application, int(detail_url.rstrip("/").rsplit("/", 1)[1]))
    pass_eligibility(application, reviewer)
    appraise(application, reviewer)
    log_in(page, base, reviewer.email)
    page.goto(base + "/review/" + detail_url.rstrip("/").rsplit("/", 1)[1])
    assert page.locator("table.diff").get_by_text("Đàn giống gốc 500 con", exact=False).is_visible()
    page.check("input[name=decision][value=approve]")
    submit_form(page, "form[action$='/decision']")
    check_accessibility(page, "confirm-decision")  # approving cannot be undone: asked once more
    submit_form(page, "form[action$='/decision']")
    assert page.locator(".status-approved").first.is_visible()
    check_accessibility(page, "review-approved")
    page.goto(base + "/review/dashboard")
    check_accessibility(page, "dashboard")
    log_out(page)
    db.session.expire_all()
    record_decision(db.session.get(Application, application.id), reviewer, amount_vnd=800_000_000)

    # 6. Anyone finds it without typing the accents.
    page.goto(base + "/records?q=ga+dong+tao+thuan")
    check_accessibility(page, "catalogue-search")
    with page.expect_navigation():
        page.get_by_role("link", name="Bảo tồn và nhân giống gà Đông Tảo thuần chủng").click()
    assert "HY-CNSH-" in page.content()
    assert "0912345678" not in page.content()  # contact details stay private
    check_accessibility(page, "public-record")

    # The indigenous resources have their own pages.
    page.goto(base + "/resources/ga_dong_tao")
    check_accessibility(page, "resource")

    # The plan's progress counts the new project.
    page.goto(base + "/progress")
    check_accessibility(page, "progress")
    assert page.locator("#target-supported_projects").is_visible()

    # 7. The same page in English.
    page.locator("a[hreflang=en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    check_accessibility(page, "public-record-en")
    assert page.requests_elsewhere == []  # nothing fetched from other origins


def test_an_agency_reports_and_the_department_consolidates(app, live_server, browser_page):
    page, base = browser_page, live_server
    year = province_today().year
    reporter = make_user("agency", email="baocao@snn.hungyen.gov.vn", full_name="Trần Văn Nông")
    reporter.agency = db.session.scalar(db.select(Agency).filter_by(code="DARD"))
    make_user("admin", email="quantri@sokhcn.hungyen.gov.vn", full_name="Nguyễn Thị Quản Trị")
    db.session.commit()

    # 1. The agency's reporter lands on the tasks of the Department of Agriculture.
    log_in(page, base, "baocao@snn.hungyen.gov.vn")
    assert page.url.endswith("/agency/")
    check_accessibility(page, "agency-tasks")
    with page.expect_navigation():
        page.locator(f"a[href$='/agency/tasks/III.1/{year}']").click()
    check_accessibility(page, "agency-report-form")

    # 2. A figure written the Vietnamese way, a draft, then the report is submitted.
    page.check("input[name=status][value=done]")
    page.fill("#narrative", "Đã trình UBND tỉnh đề án phát triển công nghiệp sinh học nông nghiệp.")
    page.fill("#figures-0-label", "Diện tích ứng dụng")
    page.fill("#figures-0-value", "1.234,5")
    page.fill("#figures-0-unit", "ha")
    with page.expect_navigation():
        page.click("button[value=save]")
    assert page.input_value("#figures-0-value") == "1.234,5"
    with page.expect_navigation():
        page.click("button[value=submit]")
    assert page.locator("form[action$='/III.1/%s']" % year).count() == 0
    assert "1.234,5" in page.locator("main").inner_text()
    check_accessibility(page, "agency-report-submitted")
    log_out(page)

    # 3. The department sees it, and downloads the consolidated report.
    log_in(page, base, "quantri@sokhcn.hungyen.gov.vn")
    page.goto(f"{base}/review/plan-tasks?year={year}")
    check_accessibility(page, "plan-task-reports")
    page.goto(f"{base}/review/annual-report?year={year}")
    assert "Đã trình UBND tỉnh đề án" in page.locator("#section-agency_reports").inner_text()
    check_accessibility(page, "annual-report")
    with page.expect_download() as download:
        page.click("a[href$='.pdf']")
    assert download.value.suggested_filename.endswith(f"{year}.pdf")
    assert page.requests_elsewhere == []
