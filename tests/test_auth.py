"""Accounts through the pages: sign-up, log in and out, password reset and change, rate limits."""
import re

import pytest
from flask import url_for

from registry import create_app
from registry.extensions import db
from registry.models import Organization, OutboxMessage, User
from tests.conftest import SuiteConfig
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "Nhan-long-Hung-Yen-2027"


def path(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=False, **values)


@pytest.fixture(autouse=True)
def english(client):
    # Assertions read the English source text, whatever the Vietnamese catalogue says.
    client.set_cookie("lang", "en")


def signup_data(**changes) -> dict:
    data = {
        "name": "Công ty TNHH Sinh học Phố Hiến", "org_type": "enterprise",
        "tax_code": "0901234567", "commune": "12826", "address": "Số 1 Nguyễn Văn Linh",
        "representative": "Lê Văn Cường", "org_phone": "0221 3555 666",
        "org_email": "lienhe@phohien.vn", "full_name": "Phạm Thị Dung",
        "email": "Dung@PhoHien.vn", "phone": "0912 345 678",
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    }
    data.update(changes)
    return data


def outbox_to(address: str) -> list[OutboxMessage]:
    return db.session.scalars(db.select(OutboxMessage).filter_by(recipient=address)
                              .order_by(OutboxMessage.id)).all()


def test_signup_confirms_the_address_then_creates_organisation_and_account(client):
    page = client.get("/auth/signup")
    assert page.status_code == 200
    # Every commune and ward of the province as it is, by the former province its area lies in.
    html = page.get_data(as_text=True)
    assert '<optgroup label="Former Thái Bình province">' in html and "Thái Thụy Commune" in html

    response = client.post("/auth/signup", data=signup_data())
    response.close()  # the e-mail is prepared after the response has been sent

    assert response.status_code == 302
    assert response.headers["Location"] == path("auth.signup_sent")
    assert "Check your e-mail" in client.get(path("auth.signup_sent")).get_data(as_text=True)
    # Nothing exists until the address is confirmed.
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Organization.id))) == 0
    [message] = outbox_to("dung@phohien.vn")
    link = re.search(r"http://localhost(/auth/signup/confirm/\S+)", message.body).group(1)

    confirm_page = client.get(link)  # a mail scanner opening the link creates nothing
    assert confirm_page.status_code == 200
    assert "Công ty TNHH Sinh học Phố Hiến" in confirm_page.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0
    # Owning the address is not enough: the one who confirms chose the password too.
    stranger = client.post(link, data={"password": "Some-other-password-2026"})
    assert stranger.status_code == 422
    assert "not the password chosen when signing up" in stranger.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0
    confirmed = client.post(link, data={"password": NEW_PASSWORD})

    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == path("applicant.index")
    user = db.session.scalar(db.select(User).filter_by(email="dung@phohien.vn"))
    assert user.role == "applicant"
    assert user.full_name == "Phạm Thị Dung"
    assert user.check_password(NEW_PASSWORD)
    organization = user.organization
    assert organization.name == "Công ty TNHH Sinh học Phố Hiến"
    assert (organization.commune.code, organization.commune.former_province) == ("12826", "thai_binh")
    assert organization.email == "lienhe@phohien.vn"
    assert organization.phone == "0221 3555 666"
    profile = client.get("/auth/profile")
    assert profile.status_code == 200
    assert "Công ty TNHH Sinh học Phố Hiến" in profile.get_data(as_text=True)
    # The link works once.
    again = client.post(link, data={"password": NEW_PASSWORD})
    assert again.status_code == 302
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_a_confirmation_link_expires_after_a_day(client):
    from datetime import timedelta

    from registry.models import SignupRequest

    client.post("/auth/signup", data=signup_data()).close()
    link = re.search(r"http://localhost(/auth/signup/confirm/\S+)",
                     outbox_to("dung@phohien.vn")[0].body).group(1)
    signup = db.session.scalar(db.select(SignupRequest))
    signup.created_at -= timedelta(hours=24, minutes=1)
    db.session.commit()
    response = client.post(link)
    assert response.status_code == 302
    assert response.headers["Location"] == path("auth.login")
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


@pytest.mark.parametrize("changes, field, message", [
    ({"tax_code": "12345"}, "tax_code", "10 digits"),
    ({"password": "password1", "confirm": "password1"}, "password", "too common"),
    ({"confirm": "something-else-2027"}, "confirm", "differ"),
    ({"commune": ""}, "commune", "required"),
    ({"commune": "12345"}, "commune", "Not a valid choice"),
])
def test_signup_shows_field_errors_and_saves_nothing(client, changes, field, message):
    response = client.post("/auth/signup", data=signup_data(**changes))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert message in html
    assert db.session.scalar(db.select(db.func.count(Organization.id))) == 0
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_signup_does_not_tell_which_addresses_have_accounts(client, count_queries):
    existing = make_user("applicant", email="dung@phohien.vn")
    organizations_before = db.session.scalar(db.select(db.func.count(Organization.id)))

    with count_queries() as taken_queries:
        taken = client.post("/auth/signup", data=signup_data())
    with count_queries() as free_queries:
        free = client.post("/auth/signup", data=signup_data(email="moi@phohien.vn"))
    # Same answer, and the same work in the request: the difference happens after it.
    assert (taken.status_code, taken.headers["Location"]) == (free.status_code, free.headers["Location"])
    assert taken.get_data() == free.get_data()
    assert taken_queries.count == free_queries.count
    taken.close()
    free.close()

    [message] = outbox_to("dung@phohien.vn")
    assert "already has an account" in message.body
    assert "/auth/signup/confirm/" not in message.body
    assert "/auth/forgot" in message.body
    assert "/auth/signup/confirm/" in outbox_to("moi@phohien.vn")[0].body
    assert db.session.scalar(db.select(db.func.count(Organization.id))) == organizations_before
    assert existing.organization_id is not None


@pytest.mark.parametrize("role, endpoint", [
    ("applicant", "applicant.index"), ("reviewer", "review.queue"), ("admin", "review.queue"),
    ("agency", "agency.index"),
])
def test_login_sends_each_role_to_its_home(client, role, endpoint):
    user = make_user(role)
    response = client.post("/auth/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == path(endpoint)


@pytest.mark.parametrize("next_url, expected", [
    ("/auth/profile", "/auth/profile"),
    ("//evil.example/steal", None),
    ("https://evil.example/", None),
    ("/\\evil.example", None),
])
def test_login_follows_only_a_local_next(client, next_url, expected):
    user = make_user("applicant")
    response = client.post("/auth/login?next=" + next_url,
                           data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == (expected or path("applicant.index"))


def test_wrong_password_and_unknown_email_fail_the_same_way(client):
    user = make_user("applicant")
    wrong = client.post("/auth/login", data={"email": user.email, "password": "not-the-password"})
    unknown = client.post("/auth/login", data={"email": "nobody@example.vn", "password": PASSWORD})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "The e-mail address or password is not correct." in response.get_data(as_text=True)
    assert client.get("/auth/profile").status_code == 302


def test_deactivated_account_cannot_log_in(client):
    user = make_user("applicant", is_active_account=False)
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "not correct" in response.get_data(as_text=True)


def test_logged_in_user_opening_login_page_is_sent_home(client, login):
    login(make_user("applicant"))
    response = client.get("/auth/login")
    assert response.status_code == 302
    assert response.headers["Location"] == path("public.home")


def test_logout_needs_a_post_and_ends_the_session(client, login):
    login(make_user("applicant"))
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/auth/profile").status_code == 200

    response = client.post("/auth/logout")

    assert response.status_code == 302
    assert response.headers["Location"] == path("public.home")
    profile = client.get("/auth/profile")
    assert profile.status_code == 302
    assert profile.headers["Location"].startswith(path("auth.login"))


def test_password_reset_end_to_end(client):
    user = make_user("applicant")

    response = client.post("/auth/forgot", data={"email": user.email})
    response.close()

    assert response.status_code == 302
    message = db.session.scalar(db.select(OutboxMessage).filter_by(recipient=user.email))
    link = re.search(r"http://localhost(/auth/reset/\S+)", message.body).group(1)
    assert client.get(link).status_code == 200
    reset = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert reset.status_code == 302
    assert reset.headers["Location"] == path("auth.login")

    old = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert old.status_code == 200
    again = client.get(link)
    assert again.status_code == 302
    assert again.headers["Location"] == path("auth.forgot_password")
    new = client.post("/auth/login", data={"email": user.email, "password": NEW_PASSWORD})
    assert new.status_code == 302


def test_forgot_password_answers_the_same_for_unknown_addresses(client, count_queries):
    user = make_user("applicant")
    address = user.email
    with count_queries() as known_queries:
        known = client.post("/auth/forgot", data={"email": address})
    with count_queries() as unknown_queries:
        unknown = client.post("/auth/forgot", data={"email": "nobody@example.vn"})
    # The same answer after the same work: looking the address up and writing the e-mail
    # happen once the response has gone.
    assert known_queries.count == unknown_queries.count == 0
    assert outbox_to(user.email) == []
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code,
                                                              unknown.headers["Location"])
    known.close()
    unknown.close()
    neutral = "If an account uses this address"
    assert neutral in client.get(known.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 1
    assert len(outbox_to(user.email)) == 1


def test_reset_with_a_forged_token_is_refused(client):
    response = client.get("/auth/reset/not-a-real-token")
    assert response.status_code == 302
    assert response.headers["Location"] == path("auth.forgot_password")


def test_reset_rejects_a_weak_password(client):
    from registry.services.accounts import password_reset_token

    user = make_user("applicant")
    response = client.post(f"/auth/reset/{password_reset_token(user)}",
                           data={"password": "12345678", "confirm": "12345678"})
    assert response.status_code == 422
    assert "too common" in response.get_data(as_text=True)


def test_profile_edits_name_and_phone(client, login):
    user = make_user("applicant")
    login(user)
    response = client.post("/auth/profile", data={"full_name": "Vũ Minh Hải", "phone": "0988"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.full_name, user.phone) == ("Vũ Minh Hải", "0988")


def test_password_change_ends_older_sessions_but_keeps_this_one(app, client, login):
    user = make_user("applicant")
    login(user)
    other_browser = app.test_client()
    other_browser.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert other_browser.get("/auth/profile").status_code == 200

    response = client.post("/auth/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert response.status_code == 302
    assert client.get("/auth/profile").status_code == 200
    assert other_browser.get("/auth/profile").status_code == 302


def test_password_change_needs_the_current_password(client, login):
    user = make_user("applicant")
    login(user)
    response = client.post("/auth/password", data={
        "current_password": "wrong-one", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 422
    assert "The current password is not correct." in response.get_data(as_text=True)


class RateLimitedConfig(SuiteConfig):
    RATELIMIT_ENABLED = True


def test_failed_logins_are_limited_per_account_and_per_address(app):
    user = make_user("applicant")
    limited = create_app(RateLimitedConfig).test_client()

    # The same account from ten addresses, then an eleventh: 429.
    for n in range(10):
        response = limited.post("/auth/login", data={"email": user.email, "password": "wrong"},
                                environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
        assert response.status_code == 200
    blocked = limited.post("/auth/login", data={"email": user.email, "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert blocked.status_code == 429

    # One address trying ten different accounts: the eleventh attempt is refused too.
    for n in range(10):
        response = limited.post("/auth/login", data={"email": f"guess{n}@example.vn",
                                                     "password": "wrong"},
                                environ_base={"REMOTE_ADDR": "10.0.1.1"})
        assert response.status_code == 200
    assert limited.post("/auth/login", data={"email": "guess99@example.vn", "password": "x"},
                        environ_base={"REMOTE_ADDR": "10.0.1.1"}).status_code == 429
    # Viewing the login page is not limited.
    assert limited.get("/auth/login", environ_base={"REMOTE_ADDR": "10.0.1.1"}).status_code == 200


def test_signup_and_reset_requests_are_limited(app):
    limited = create_app(RateLimitedConfig).test_client()
    for n in range(10):
        limited.post("/auth/signup", data=signup_data(email=f"a{n}@phohien.vn"),
                     environ_base={"REMOTE_ADDR": "10.0.2.1"}).close()
    assert limited.post("/auth/signup", data=signup_data(email="b@phohien.vn"),
                        environ_base={"REMOTE_ADDR": "10.0.2.1"}).status_code == 429
    # One address asked for from many places: limited too.
    for n in range(10):
        limited.post("/auth/forgot", data={"email": "target@phohien.vn"},
                     environ_base={"REMOTE_ADDR": f"10.0.3.{n}"}).close()
    assert limited.post("/auth/forgot", data={"email": "target@phohien.vn"},
                        environ_base={"REMOTE_ADDR": "10.0.3.99"}).status_code == 429


def test_guessing_the_current_password_is_limited(app):
    user = make_user("applicant")
    limited = create_app(RateLimitedConfig).test_client()
    limited.set_cookie("lang", "en")
    assert limited.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    for _ in range(10):
        response = limited.post("/auth/password", data={
            "current_password": "guess", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        assert response.status_code == 422
    blocked = limited.post("/auth/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert blocked.status_code == 429
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
