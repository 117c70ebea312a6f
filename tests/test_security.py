"""SPEC section 8: headers, CSRF, password hashing, session cookies and lifetimes."""
import re
from datetime import timedelta

import pytest

from registry import create_app
from registry.config import Config
from registry.extensions import db
from registry.models import Application, User, UserSession
from tests.conftest import SuiteConfig
from tests.factories import PASSWORD, make_user


class CsrfConfig(SuiteConfig):
    WTF_CSRF_ENABLED = True


@pytest.fixture
def csrf_client(app):
    return create_app(CsrfConfig).test_client()


def test_pages_send_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'",
                      "frame-ancestors 'none'"):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # plain http


def test_hsts_when_served_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_login_form_without_csrf_token_is_refused(app, csrf_client):
    user = make_user("applicant")
    response = csrf_client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    with csrf_client.session_transaction() as session:
        assert "_user_id" not in session


def test_application_form_without_csrf_token_changes_nothing(app, csrf_client):
    user = make_user("applicant")
    # Log in properly, with the token the login page gave.
    page = csrf_client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = csrf_client.post("/auth/login", data={"email": user.email, "password": PASSWORD,
                                                     "csrf_token": token})
    assert response.status_code == 302
    response = csrf_client.post("/applications/new/project",
                                data={"title": "Dự án không có mã CSRF", "version": "1"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 0


def test_production_hashing_is_pbkdf2_with_600000_iterations(app):
    assert Config.PASSWORD_HASH_METHOD == "pbkdf2:sha256:600000"
    production = create_app(type("Production", (SuiteConfig,), {
        "PASSWORD_HASH_METHOD": Config.PASSWORD_HASH_METHOD}))
    with production.app_context():
        user = User(email="strong@example.vn", role="reviewer")
        user.set_password(PASSWORD)
        method, _salt, _hash = user.password_hash.split("$")
        assert method == "pbkdf2:sha256:600000"
        assert user.check_password(PASSWORD)
        assert PASSWORD not in user.password_hash


def test_session_cookie_is_httponly_and_lax(app, client, login):
    user = make_user("applicant")
    response = login(user)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # local http; production sets SESSION_COOKIE_SECURE


def test_secure_cookie_setting_marks_the_cookie_secure(app):
    secure = create_app(type("Secure", (SuiteConfig,), {"SESSION_COOKIE_SECURE": True}))
    user = make_user("applicant")
    response = secure.test_client().post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert "Secure" in response.headers["Set-Cookie"]


def _age_session(user, **ages) -> None:
    """Move the user's session back in time: created_at / last_seen_at by the given timedelta."""
    row = db.session.scalar(db.select(UserSession).filter_by(user_id=user.id))
    for column, age in ages.items():
        setattr(row, column, getattr(row, column) - age)
    db.session.commit()


def test_session_ends_after_twelve_hours_even_when_active(app, client, login):
    user = make_user("applicant")
    login(user)
    assert client.get("/applications/").status_code == 200
    _age_session(user, created_at=timedelta(hours=12, seconds=1))
    response = client.get("/applications/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_session_ends_after_thirty_idle_minutes_on_the_server(app, client, login):
    user = make_user("applicant")
    login(user)
    _age_session(user, last_seen_at=timedelta(minutes=29))
    assert client.get("/applications/").status_code == 200  # 29 minutes idle: still open
    _age_session(user, last_seen_at=timedelta(minutes=31))
    response = client.get("/applications/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_logged_in_user_opening_login_is_sent_home(app, client, login):
    login(make_user("applicant"))
    response = client.get("/auth/login")
    assert response.status_code == 302


def test_common_password_is_refused(app):
    from registry.services.accounts import password_problems

    assert password_problems("password123")
    assert password_problems("short")
    assert password_problems("x" * 129)
    assert not password_problems("Hoa-sen-trong-dam-2026")


def test_static_files_do_not_overwrite_the_session_cookie(app, client, login):
    login(make_user("applicant"))
    assert "Set-Cookie" not in client.get("/static/css/app.css").headers
    assert "Set-Cookie" in client.get("/applications/").headers  # pages refresh the 30 minutes


def test_an_id_past_64_bits_is_a_404_not_an_error(app, client, login):
    login(make_user("reviewer"))
    assert client.get("/review/99999999999999999999999").status_code == 404


def test_a_nul_character_in_the_path_is_a_400(client):
    for url in ("/resources/%00", "/api/v1/resources/%00", "/records/HY%00"):
        assert client.get(url).status_code == 400, url
