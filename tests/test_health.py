"""What an operator reads: /healthz and /readyz for the load balancer, one JSON log line per
request with its id (sent back in X-Request-Id), and the id on the error page."""
import json
import logging

import pytest
from flask_migrate import upgrade

from registry import create_app
from registry.request_log import MIGRATIONS, _json_handler
from tests.conftest import SuiteConfig
from tests.factories import make_user


def test_healthz_answers_without_the_database_or_a_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["X-Request-Id"]
    assert "Set-Cookie" not in response.headers


def test_readyz_is_ready_on_the_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.get_json() == {"status": "ready"}


def test_readyz_is_not_ready_when_the_database_does_not_answer(tmp_path):
    class Unreachable(SuiteConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/no/such/folder/registry.db"

    response = create_app(Unreachable).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "not ready", "reason": "database"}


def test_readyz_is_not_ready_before_the_last_migration(tmp_path):
    class Behind(SuiteConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/behind.db"

    app = create_app(Behind)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0016")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "not ready", "reason": "migrations"}


def test_each_request_is_logged_once_with_its_id_route_status_duration_and_user(client, login, caplog):
    user = make_user("reviewer")
    login(user)
    caplog.set_level(logging.INFO, logger="registry.requests")
    caplog.clear()
    response = client.get("/review/dashboard", headers={"X-Request-Id": "nginx-req-0001"})
    assert response.headers["X-Request-Id"] == "nginx-req-0001"  # the proxy's id, kept
    lines = [record for record in caplog.records if record.name == "registry.requests"]
    assert len(lines) == 1
    line = lines[0]
    assert (line.request_id, line.method, line.route, line.path, line.status, line.user_id) == (
        "nginx-req-0001", "GET", "/review/dashboard", "/review/dashboard", 200, user.id)
    assert line.duration_ms >= 0
    formatted = json.loads(_json_handler().format(line))
    assert formatted["request_id"] == "nginx-req-0001" and formatted["level"] == "INFO"
    assert formatted["status"] == 200 and "time" in formatted


@pytest.mark.parametrize("given", ["", "short", "a b c d e f g h", "x" * 200, "<script>alert(1)</script>"])
def test_a_request_id_that_is_not_one_is_replaced(client, given):
    response = client.get("/healthz", headers={"X-Request-Id": given})
    assert response.headers["X-Request-Id"] != given
    assert len(response.headers["X-Request-Id"]) == 16


def test_the_error_page_shows_the_id_the_error_was_logged_with(caplog):
    app = create_app(SuiteConfig)

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    client = app.test_client()
    client.set_cookie("lang", "en")
    caplog.set_level(logging.INFO)
    response = client.get("/boom")
    assert response.status_code == 500
    reference = response.headers["X-Request-Id"]
    assert f"<code>{reference}</code>" in response.text
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert errors and errors[0].request_id == reference and errors[0].exc_info
    not_found = client.get("/no-such-page")
    assert not_found.headers["X-Request-Id"] in not_found.text
