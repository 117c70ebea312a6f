"""Personal API tokens: made on the profile page or by the CLI, shown once, stored hashed,
revocable."""
import re

from registry.extensions import db
from registry.models import ApiToken
from tests.factories import make_user


def new_token_on_profile(client, name="Cổng thông tin tỉnh") -> str:
    response = client.post("/auth/tokens", data={"name": name})
    assert response.status_code == 201
    return re.search(r'<code class="token">([^<]+)</code>', response.get_data(as_text=True)).group(1)


def test_token_is_shown_once_and_stored_as_a_digest(app, client, login):
    user = make_user("applicant")
    login(user)
    secret = new_token_on_profile(client)
    stored = db.session.scalar(db.select(ApiToken))
    assert stored.token_digest != secret and secret not in stored.token_digest
    assert stored.token_digest == ApiToken.digest(secret)
    profile = client.get("/auth/profile").get_data(as_text=True)
    assert "Cổng thông tin tỉnh" in profile and secret not in profile
    assert stored.prefix in profile


def test_token_authenticates_until_revoked(app, client, login):
    user = make_user("applicant")
    login(user)
    secret = new_token_on_profile(client)
    headers = {"Authorization": f"Bearer {secret}"}
    api = app.test_client()  # no cookies: the token alone
    assert api.get("/api/v1/applications", headers=headers).status_code == 200
    token = db.session.scalar(db.select(ApiToken))
    assert client.post(f"/auth/tokens/{token.id}/revoke").status_code == 302
    assert api.get("/api/v1/applications", headers=headers).status_code == 401


def test_nobody_else_can_revoke_a_token(app, client, login):
    owner = make_user("applicant")
    login(owner)
    new_token_on_profile(client)
    token = db.session.scalar(db.select(ApiToken))
    other = app.test_client()
    stranger = make_user("admin")
    other.post("/auth/login", data={"email": stranger.email, "password": "Hoa-sen-trong-dam-2026"})
    assert other.post(f"/auth/tokens/{token.id}/revoke").status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def test_a_token_needs_a_name(app, client, login):
    login(make_user("reviewer"))
    assert client.post("/auth/tokens", data={"name": " "}).status_code == 422
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0


def test_cli_prints_a_working_token(app, runner):
    user = make_user("reviewer", email="thamdinh@example.vn")
    result = runner.invoke(args=["create-token", user.email, "--name", "đồng bộ"])
    assert result.exit_code == 0
    secret = result.output.strip()
    response = app.test_client().get("/api/v1/applications", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert runner.invoke(args=["create-token", "nobody@example.vn"]).exit_code == 1
