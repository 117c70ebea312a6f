"""What an outside review found (issue 10): sessions end on the server, the secret key and the
site's address come from the environment, links in e-mails never follow the Host header, and
the app behaves behind a reverse proxy."""
import re

import pytest

from registry import create_app
from registry.config import ConfigurationError, config_from_environment
from registry.extensions import db
from registry.models import OutboxMessage, UserSession
from tests.conftest import SuiteConfig
from tests.factories import PASSWORD, make_user

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


def browser(app, user, user_agent: str):
    """Another browser, logged in as `user`."""
    other = app.test_client()
    other.set_cookie("lang", "en")
    response = other.post("/auth/login", data={"email": user.email, "password": PASSWORD},
                          headers={"User-Agent": user_agent})
    assert response.status_code == 302
    return other


# 2. Logging out ends the session on the server ---------------------------------------------

def test_a_cookie_saved_before_logout_is_refused_afterwards(app, client, login):
    user = make_user("applicant")
    login(user)
    saved = client.get_cookie("session").value
    assert client.get("/applications/").status_code == 200

    client.post("/auth/logout")

    replay = app.test_client()
    replay.set_cookie("session", saved)
    response = replay.get("/applications/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_profile_lists_open_sessions_and_logs_out_one_of_them(app, client, login):
    user = make_user("applicant")
    login(user)
    phone = browser(app, user, IPHONE)
    laptop = browser(app, user, CHROME)

    page = client.get("/auth/profile").get_data(as_text=True)
    assert "Mobile Safari 17 · iOS" in page
    assert "Chrome 131 · Windows" in page
    assert "(this browser)" in page

    phone_session = db.session.scalar(db.select(UserSession).filter_by(user_agent=IPHONE))
    response = client.post(f"/auth/sessions/{phone_session.id}/end")
    assert response.status_code == 302
    assert phone.get("/applications/").status_code == 302  # logged out over there
    assert laptop.get("/applications/").status_code == 200
    assert client.get("/applications/").status_code == 200
    assert "Mobile Safari" not in client.get("/auth/profile").get_data(as_text=True)


def test_log_out_everywhere_else_keeps_this_browser(app, client, login):
    user = make_user("applicant")
    login(user)
    others = [browser(app, user, CHROME), browser(app, user, IPHONE)]

    response = client.post("/auth/sessions/end-others", follow_redirects=True)

    assert "2 other sessions have been logged out." in response.get_data(as_text=True)
    assert client.get("/applications/").status_code == 200
    for other in others:
        assert other.get("/applications/").status_code == 302


def test_nobody_ends_someone_elses_session(app, client, login):
    owner, intruder = make_user("applicant"), make_user("applicant")
    owners_browser = browser(app, owner, CHROME)
    login(intruder)
    row = db.session.scalar(db.select(UserSession).filter_by(user_id=owner.id))

    assert client.post(f"/auth/sessions/{row.id}/end").status_code == 403
    assert owners_browser.get("/applications/").status_code == 200


def test_last_used_is_written_at_most_once_a_minute(app, client, login, count_queries):
    user = make_user("applicant")
    login(user)
    client.get("/applications/")
    with count_queries() as fresh:
        client.get("/applications/")
    row = db.session.scalar(db.select(UserSession).filter_by(user_id=user.id))
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in fresh.statements)

    from datetime import timedelta
    row.last_seen_at -= timedelta(minutes=2)
    db.session.commit()
    before = row.last_seen_at
    client.get("/applications/")
    db.session.refresh(row)
    assert row.last_seen_at > before


# 3. The secret key ----------------------------------------------------------------------------

@pytest.mark.parametrize("environ", [
    {},                                          # unset: production
    {"REGISTRY_ENV": "production"},
    {"REGISTRY_ENV": "production", "SITE_URL": "https://cnsh.hungyen.gov.vn"},
])
def test_production_without_a_secret_key_refuses_to_start(environ):
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(config_from_environment(environ))


@pytest.mark.parametrize("name", ["prod", "Production", "dev", "staging", ""])
def test_an_unknown_environment_is_refused(name):
    with pytest.raises(ConfigurationError, match="REGISTRY_ENV"):
        config_from_environment({"REGISTRY_ENV": name, "SECRET_KEY": "x" * 32})


def test_production_refuses_the_development_key_and_needs_site_url():
    with pytest.raises(ConfigurationError, match="development key"):
        create_app(config_from_environment({"SECRET_KEY": "dev-only-not-secret",
                                            "SITE_URL": "https://cnsh.hungyen.gov.vn"}))
    with pytest.raises(ConfigurationError, match="SITE_URL"):
        create_app(config_from_environment({"SECRET_KEY": "k" * 40}))


def test_maintenance_commands_run_without_the_key_but_serve_nothing(app):
    """`flask db upgrade`, `db check`, `init-data` sign nothing: they run without SECRET_KEY.
    The app the flask command built answers no page, and a WSGI server still refuses to start."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import click
    from flask.cli import ScriptInfo

    from tests.conftest import DATABASE_URL

    with click.Context(click.Command("check"), obj=ScriptInfo()):
        built = create_app(config_from_environment({}))
    response = built.test_client().get("/", headers={"Host": "localhost"})
    assert response.status_code == 503 and b"SECRET_KEY" in response.data

    environ = {key: value for key, value in os.environ.items()
               if key not in ("REGISTRY_ENV", "SECRET_KEY", "SITE_URL")}
    root = Path(__file__).resolve().parent.parent
    flask = [sys.executable, "-m", "flask", "--app", "app", "db", "check"]
    checked = subprocess.run(flask, cwd=root, env={**environ, "DATABASE_URL": DATABASE_URL},
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr[-2000:]
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr
    served = subprocess.run([sys.executable, "-c", "import app"], cwd=root,
                            env={**environ, "DATABASE_URL": DATABASE_URL},
                            capture_output=True, text=True, timeout=60)
    assert served.returncode != 0 and "SECRET_KEY must be set" in served.stderr


def test_only_an_explicit_development_environment_uses_the_development_key():
    config = config_from_environment({"REGISTRY_ENV": "development"})
    assert config.SECRET_KEY == "dev-only-not-secret"
    production = config_from_environment({"SECRET_KEY": "k" * 40,
                                          "SITE_URL": "https://cnsh.hungyen.gov.vn"})
    assert production.SECRET_KEY == "k" * 40
    assert production.REGISTRY_ENV == "production"


# 1. Links in e-mails and the hosts the site serves ---------------------------------------------

class SiteConfig(SuiteConfig):
    SITE_URL = "https://cnsh.hungyen.gov.vn"
    SERVER_NAME = None


def test_reset_link_is_built_from_site_url_not_the_host_header(app):
    user = make_user("applicant")
    site = create_app(SiteConfig).test_client()
    response = site.post("/auth/forgot", data={"email": user.email},
                         headers={"Host": "evil.example"})
    response.close()  # the e-mail is prepared once the response has been sent
    message = db.session.scalar(db.select(OutboxMessage).filter_by(recipient=user.email))
    assert "evil.example" not in message.body
    assert re.search(r"https://cnsh\.hungyen\.gov\.vn/auth/reset/\S+", message.body)


def test_staff_notification_links_use_site_url(app):
    from tests.factories import attach_required_documents, make_application

    make_user("reviewer", email="reviewer@sokhcn.example.vn")
    applicant = make_user("applicant")
    application = make_application(applicant)
    attach_required_documents(application, applicant)  # submission needs them
    site = create_app(SiteConfig).test_client()
    site.post("/auth/login", data={"email": applicant.email, "password": PASSWORD},
              headers={"Host": "evil.example"})
    site.post(f"/applications/{application.id}/submit", data={"version": application.version},
              headers={"Host": "evil.example"})
    message = db.session.scalar(
        db.select(OutboxMessage).filter_by(recipient="reviewer@sokhcn.example.vn"))
    assert message is not None
    assert "evil.example" not in message.body
    assert f"https://cnsh.hungyen.gov.vn/review/{application.id}" in message.body


class TrustedHostsConfig(SuiteConfig):
    SERVER_NAME = None
    TRUSTED_HOSTS = ["cnsh.hungyen.gov.vn"]


def test_requests_for_other_hosts_are_refused(app):
    site = create_app(TrustedHostsConfig).test_client()
    assert site.get("/", headers={"Host": "cnsh.hungyen.gov.vn"}).status_code == 200
    assert site.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert site.post("/auth/forgot", data={"email": "a@b.vn"},
                     headers={"Host": "evil.example"}).status_code == 400
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_production_serves_only_the_host_of_site_url_by_default(app, monkeypatch):
    production = create_app(type("Production", (SuiteConfig,), {
        "REGISTRY_ENV": "production", "SECRET_KEY": "k" * 40, "SERVER_NAME": None,
        "SITE_URL": "https://cnsh.hungyen.gov.vn", "TRUSTED_HOSTS": None}))
    assert production.config["TRUSTED_HOSTS"] == ["cnsh.hungyen.gov.vn"]
    client = production.test_client()
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


# 6. Behind a reverse proxy ---------------------------------------------------------------------

class ProxiedConfig(SuiteConfig):
    TRUSTED_PROXIES = 1
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"


def test_behind_a_trusted_proxy_clients_are_told_apart_and_https_is_seen(app):
    user = make_user("applicant")
    proxied = create_app(ProxiedConfig).test_client()
    # The proxy's own address is the same for everybody; X-Forwarded-For tells clients apart.
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for n in range(10):
        response = proxied.post("/auth/login", environ_base=proxy,
                                data={"email": f"guess{n}@example.vn", "password": "wrong"},
                                headers={"X-Forwarded-For": "203.0.113.7"})
        assert response.status_code == 200
    assert proxied.post("/auth/login", environ_base=proxy,
                        data={"email": "guess@example.vn", "password": "wrong"},
                        headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 429
    # Another client behind the same proxy still logs in.
    other = proxied.post("/auth/login", environ_base=proxy,
                         data={"email": user.email, "password": PASSWORD},
                         headers={"X-Forwarded-For": "198.51.100.20"})
    assert other.status_code == 302

    secure = proxied.get("/", environ_base=proxy, headers={"X-Forwarded-Proto": "https"})
    assert "max-age=" in secure.headers["Strict-Transport-Security"]


def test_without_trusted_proxies_forwarded_headers_are_ignored(app):
    limited = create_app(type("Limited", (SuiteConfig,), {"RATELIMIT_ENABLED": True})).test_client()
    for n in range(10):
        limited.post("/auth/login", data={"email": f"guess{n}@example.vn", "password": "wrong"},
                     headers={"X-Forwarded-For": f"203.0.113.{n}"})
    # Forged X-Forwarded-For values do not buy a fresh budget.
    assert limited.post("/auth/login", data={"email": "g@example.vn", "password": "wrong"},
                        headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    response = limited.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


# 4. Formulas in the open-data CSV ---------------------------------------------------------------

def test_csv_export_neutralises_cells_a_spreadsheet_would_run(app, client):
    import csv
    import io

    from tests.factories import make_application

    owner = make_user("applicant")
    for title in ('=HYPERLINK("http://evil.example","Bấm vào đây")', "+84 dự án giống lúa",
                  "-1+1 thử nghiệm chế phẩm", "@SUM(1+1) nuôi cấy mô"):
        make_application(owner, "project", "public", title=title)
    body = client.get("/api/v1/export/records.csv").get_data(as_text=True).lstrip("\ufeff")
    titles = {row["title"] for row in csv.DictReader(io.StringIO(body))}
    assert titles == {"'=HYPERLINK(\"http://evil.example\",\"Bấm vào đây\")", "'+84 dự án giống lúa",
                      "'-1+1 thử nghiệm chế phẩm", "'@SUM(1+1) nuôi cấy mô"}


@pytest.mark.parametrize("value, published", [
    ("=1+1", "'=1+1"), ("\tTab", "'\tTab"), ("\rCR", "'\rCR"), ("Đông Tảo", "Đông Tảo"),
    (-5, -5), ("", ""),
])
def test_csv_safe(value, published):
    from registry.api.exports import csv_safe

    assert csv_safe(value) == published


# 7. Removed documents leave the disk; a quota per organisation -------------------------------------

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _upload(client, application, name, content, document_type="other"):
    """The upload form as a browser posts it (its select always sends a kind of document)."""
    import io

    db.session.refresh(application)
    return client.post(f"/applications/{application.id}/attachments",
                       data={"file": (io.BytesIO(content), name), "version": str(application.version),
                             "document_type": document_type},
                       content_type="multipart/form-data")


def test_a_removed_document_is_deleted_from_disk_once_committed(app, client, login):
    from registry.models import Attachment
    from registry.services.attachments import file_path
    from tests.factories import make_application

    owner = make_user("applicant")
    login(owner)
    application = make_application(owner, "project", "draft")
    assert _upload(client, application, "Thuyết minh.pdf", PDF).status_code == 302
    attachment = db.session.scalar(db.select(Attachment))
    path = file_path(attachment)
    assert path.read_bytes() == PDF

    # A removal that loses a race (stale version) keeps the file and the row.
    stale = client.post(f"/applications/{application.id}/attachments/{attachment.id}/delete",
                        data={"version": "1"})
    assert stale.status_code == 409
    assert path.exists()

    db.session.refresh(application)
    removed = client.post(f"/applications/{application.id}/attachments/{attachment.id}/delete",
                          data={"version": str(application.version)})
    assert removed.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0
    assert not path.exists()


def test_the_storage_quota_of_an_organisation_is_enforced(app, client, login):
    from registry.models import Attachment
    from tests.factories import make_application

    app.config["STORAGE_QUOTA_BYTES"] = 3 * 1024  # 3 KB instead of 500 MB, to keep the test fast
    owner = make_user("applicant")
    login(owner)
    client.set_cookie("lang", "en")
    first, second = (make_application(owner, "project", "draft") for _ in range(2))
    document = PDF + b"0" * 1400
    assert _upload(client, first, "a.pdf", document).status_code == 302
    assert _upload(client, second, "b.pdf", document).status_code == 302
    refused = _upload(client, second, "c.pdf", document)
    assert refused.status_code == 422
    assert "documents already take 2.9 KB of the 3 KB it may keep" in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 2


# 10. Zip bombs ------------------------------------------------------------------------------------

def _docx(extra_member_bytes: int = 0) -> bytes:
    """A minimal .docx; with `extra_member_bytes` of zeros inside, deflated (a zip bomb when big)."""
    import io
    import zipfile
    import zlib

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", "<w:document>Thuyết minh</w:document>")
        if extra_member_bytes:
            with archive.open("word/media/padding.bin", "w", force_zip64=True) as member:
                chunk = bytes(1024 * 1024)
                for _ in range(extra_member_bytes // len(chunk)):
                    member.write(chunk)
    assert zlib  # deflate is what makes the ratio
    return buffer.getvalue()


def test_a_docx_that_inflates_to_gigabytes_is_refused(app, client, login):
    from registry.models import Attachment
    from tests.factories import make_application

    owner = make_user("applicant")
    login(owner)
    client.set_cookie("lang", "en")
    application = make_application(owner, "project", "draft")
    bomb = _docx(extra_member_bytes=1024 * 1024 * 1024)  # 1 GiB of zeros in about 1 MB
    assert len(bomb) < 2 * 1024 * 1024

    response = _upload(client, application, "Thuyết minh.docx", bomb)

    assert response.status_code == 422
    assert "zip bomb" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0
    # An ordinary document is still welcome.
    assert _upload(client, application, "Thuyết minh.docx", _docx()).status_code == 302


# 8. A reviewer who belongs to the applicant organisation ------------------------------------------

def test_a_reviewer_of_the_applicant_organisation_reads_no_internal_notes_or_checklist(app, client, login):
    from registry.services import applications as workflow
    from registry.services.unit_of_work import commit
    from tests.factories import make_application

    owner = make_user("applicant")
    colleague = make_user("reviewer", organization=owner.organization)
    department = make_user("reviewer")
    application = make_application(owner, "project", "submitted")
    workflow.add_review_note(application, department, "Nghi vấn trùng lặp với đề tài năm 2024.")
    workflow.save_checklist(application, department, {"documents_complete": True},
                            application.version)
    commit()

    assert not application.can_read_internal(colleague)
    assert application.can_read_internal(department)
    assert not application.can_read_internal(owner)

    login(colleague)
    page = client.get(f"/review/{application.id}").get_data(as_text=True)
    assert "Nghi vấn trùng lặp" not in page
    assert 'id="checklist"' not in page
    assert "not shown to you" in page

    outsider = app.test_client()
    outsider.post("/auth/login", data={"email": department.email, "password": PASSWORD})
    page = outsider.get(f"/review/{application.id}").get_data(as_text=True)
    assert "Nghi vấn trùng lặp" in page and 'id="checklist"' in page


def test_a_census_count_past_what_the_column_holds_is_refused(app, client, login):
    from registry.models import Census

    login(make_user("reviewer"))
    response = client.post("/review/resources/ga_dong_tao/census", data={
        "counted_on": "2026-06-01", "locality": "Đông Tảo", "breeding_females": "99999999999",
        "breeding_males": "10"})
    assert response.status_code == 422
    assert "Must be at most 2,147,483,647" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Census.id))) == 0


# 5. One API budget per token, however the header is spelt -------------------------------------------

def test_the_api_limit_cannot_be_dodged_by_respelling_the_authorization_header(app):
    from registry.services.tokens import create_token
    from registry.services.unit_of_work import commit

    _token, secret = create_token(make_user("reviewer"), "batch")
    commit()
    limited = create_app(type("Limited", (SuiteConfig,), {
        "RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "5 per minute"})).test_client()
    spellings = [f"Bearer {secret}", f"bearer {secret}", f"Bearer  {secret}", f"Bearer {secret}\t",
                 f"BEARER {secret}"]
    for header in spellings:
        assert limited.get("/api/v1/applications", headers={"Authorization": header}).status_code == 200
    for header in spellings:
        response = limited.get("/api/v1/applications", headers={"Authorization": header})
        assert response.status_code == 429, header
    # A wrong token counts against the address, not a budget of its own.
    other = limited.get("/api/v1/applications", headers={"Authorization": "Bearer hyr_wrong"},
                        environ_base={"REMOTE_ADDR": "10.7.0.1"})
    assert other.status_code == 401


def test_a_password_change_keeps_this_browser_logged_in(app):
    # Another app instance: each request has its own database session, as when served.
    user = make_user("applicant")
    site = create_app(SuiteConfig).test_client()
    site.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    changed = site.post("/auth/password", data={
        "current_password": PASSWORD, "password": "Vai-trung-Hung-Yen-2027",
        "confirm": "Vai-trung-Hung-Yen-2027"})
    assert changed.status_code == 302
    assert site.get("/applications/").status_code == 200



@pytest.mark.parametrize("damage", ["encrypted", "corrupted"])
def test_a_damaged_or_encrypted_docx_is_refused_not_a_server_error(app, client, login, damage):
    import io
    import zipfile

    from registry.models import Attachment
    from tests.factories import make_application

    owner = make_user("applicant")
    login(owner)
    client.set_cookie("lang", "en")
    application = make_application(owner, "project", "draft")
    document = bytearray(_docx())
    if damage == "encrypted":
        # The "encrypted" flag on every member, as a password-protected archive has it.
        archive = zipfile.ZipFile(io.BytesIO(bytes(document)))
        for info in archive.infolist():
            for offset in (info.header_offset + 6,):
                document[offset] |= 0x01
        central = bytes(document).rfind(b"PK\x01\x02")
        while central != -1:
            document[central + 8] |= 0x01
            central = bytes(document).rfind(b"PK\x01\x02", 0, central)
    else:
        start = bytes(document).find(b"word/document.xml") + len("word/document.xml")
        for offset in range(start, start + 12):
            document[offset] ^= 0xFF  # the compressed stream of the member, garbled
    response = _upload(client, application, "Thuyết minh.docx", bytes(document))
    assert response.status_code == 422
    assert "content must match" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0


def test_a_new_file_goes_when_its_row_is_rolled_back(app):
    import io

    from registry.services.attachments import store_upload, upload_dir

    from registry.models import Attachment
    from tests.factories import make_application

    application = make_application(make_user("applicant"), "project", "draft")
    before = set(upload_dir().iterdir())
    stored = store_upload(io.BytesIO(PDF), "Dự toán.pdf")
    db.session.add(Attachment(application=application, uploaded_by=application.created_by,
                              **stored.columns))
    db.session.flush()
    assert stored.path.exists()
    db.session.rollback()  # e.g. the commit failed: the row was never saved
    assert not stored.path.exists()
    assert set(upload_dir().iterdir()) == before
