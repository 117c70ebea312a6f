import io
from tests.test_zz_scratch_journey import *  # noqa
from tests.test_zz_scratch_journey import live_server, browser_page, check_accessibility, log_in, submit_form
from tests.factories import make_application, make_user
from registry.extensions import db
from registry.services import attachments


def test_applicant_pages_a11y(app, live_server, browser_page):
    page, base = browser_page, live_server
    owner = make_user("applicant", email="a11y@example.vn")
    draft = make_application(owner, "conservation", "draft", methods=[])
    attachments.add_attachment(draft, owner, io.BytesIO(b"%PDF-1.4 x"), "Dự toán kinh phí.pdf", True, draft.version)
    db.session.commit()
    rev = make_application(owner, "project", "revision_requested")
    wd = make_application(owner, "startup", "withdrawn")
    log_in(page, base, owner.email)
    for lang in ("vi", "en"):
        page.goto(f"{base}/language/{lang}?next=/applications/")
        check_accessibility(page, f"index-{lang}")
        for name, url in [("detail-draft", f"/applications/{draft.id}"), ("detail-rev", f"/applications/{rev.id}"),
                          ("detail-wd", f"/applications/{wd.id}"), ("edit", f"/applications/{rev.id}/edit"),
                          ("new", "/applications/new"), ("create-pvp", "/applications/new/pvp_filing"),
                          ("filtered-empty", "/applications/?status=approved")]:
            page.goto(base + url)
            check_accessibility(page, f"{name}-{lang}")
    page.goto(base + "/applications/new/startup")
    page.fill("#title", "abc"); page.fill("#tax_code", "123"); page.fill("#team_size", "0")
    submit_form(page)
    assert page.locator("#title-error").is_visible()
    check_accessibility(page, "create-errors")
    page.goto(base + f"/applications/{draft.id}")
    page.set_input_files("#file", files=[{"name": "x.pdf", "mimeType": "application/pdf", "buffer": b"\x89PNG\r\n\x1a\n000"}])
    submit_form(page, "form[action$='/attachments']")
    assert page.locator("#file-error").is_visible()
    check_accessibility(page, "upload-error")
    page.locator("details summary").click()
    page.fill("#reason", "x" * 2100)
    submit_form(page, "form[action$='/withdraw']")
    check_accessibility(page, "withdraw-error")
    page.screenshot(path="/tmp/scratch/withdraw-error.png", full_page=True)
    page.goto(base + f"/applications/{draft.id}")
    page.screenshot(path="/tmp/scratch/detail.png", full_page=True)
    page.goto(base + f"/applications/{rev.id}/edit")
    page.screenshot(path="/tmp/scratch/edit.png", full_page=True)
    page.goto(base + "/applications/")
    page.screenshot(path="/tmp/scratch/index.png", full_page=True)
