"""The rate limits and the cache of several app servers, shared through the real Redis that
serves them (RATELIMIT_STORAGE_URI and CACHE_REDIS_URL, as the README advises). Skipped, and said so, when no Redis
answers on 127.0.0.1:6379 — unless REQUIRE_REDIS is set (CI)."""
import os
import secrets

import pytest

from registry import create_app
from tests.conftest import SuiteConfig
from tests.factories import PASSWORD, make_application, make_user

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


def _redis_missing() -> str | None:
    try:
        import redis
    except ImportError:
        return "the redis client is not installed"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis does not answer on {REDIS_URL} ({exc.__class__.__name__})"
    return None


_missing = _redis_missing()
if _missing and os.environ.get("REQUIRE_REDIS"):
    raise RuntimeError(f"REQUIRE_REDIS is set but {_missing}.")
pytestmark = pytest.mark.skipif(bool(_missing), reason=f"SKIPPED Redis rate limits: {_missing}")


@pytest.fixture
def two_servers(app):
    """Two app instances sharing one Redis, under a key prefix of this test's own."""
    config = type("RedisLimited", (SuiteConfig,), {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": "registry-test-" + secrets.token_hex(6),
        "API_RATE_LIMIT": "5 per minute",
    })
    return create_app(config).test_client(), create_app(config).test_client()


def test_failed_logins_are_counted_across_servers(app, two_servers):
    user = make_user("applicant")
    first, second = two_servers
    for attempt in range(10):
        server = (first, second)[attempt % 2]
        response = server.post("/auth/login", data={"email": user.email, "password": "wrong"},
                               environ_base={"REMOTE_ADDR": f"10.9.0.{attempt}"})
        assert response.status_code == 200
    for server in (first, second):  # the eleventh is refused, whichever server gets it
        blocked = server.post("/auth/login", data={"email": user.email, "password": PASSWORD},
                              environ_base={"REMOTE_ADDR": "10.9.1.1"})
        assert blocked.status_code == 429


def test_the_api_budget_of_a_token_is_shared_across_servers(app, two_servers):
    from registry.services.tokens import create_token
    from registry.services.unit_of_work import commit

    _token, secret = create_token(make_user("reviewer"), "batch")
    commit()
    first, second = two_servers
    headers = {"Authorization": f"Bearer {secret}"}
    for call in range(5):
        server = (first, second)[call % 2]
        assert server.get("/api/v1/applications", headers=headers).status_code == 200
    assert first.get("/api/v1/applications", headers=headers).status_code == 429
    assert second.get("/api/v1/applications", headers=headers).status_code == 429


def test_servers_share_the_cache_of_pages_and_none_serves_a_stale_one(app):
    """A page one server built is served by the other from Redis; after a change, both build it
    afresh (the entries are keyed on the data version)."""
    import redis

    prefix = "registry-test-cache-" + secrets.token_hex(6) + ":"
    config = type("RedisCached", (SuiteConfig,), {
        "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix,
    })
    first, second = create_app(config).test_client(), create_app(config).test_client()
    owner, reviewer = make_user("applicant"), make_user("reviewer")
    make_application(owner, "pvp_filing", "approved", reviewer=reviewer, title="Giống lúa HY-01")
    store = redis.Redis.from_url(REDIS_URL)
    try:
        assert "Giống lúa HY-01" in first.get("/records").get_data(as_text=True)
        assert store.keys(prefix + "page:*"), "the page was not kept in Redis"
        assert second.get("/records").get_data() == first.get("/records").get_data()
        make_application(owner, "pvp_filing", "approved", reviewer=reviewer, title="Giống lúa HY-02",
                         application_number="PVP-2026-0002")
        for server in (first, second):
            assert "Giống lúa HY-02" in server.get("/records").get_data(as_text=True)
    finally:
        for key in store.scan_iter(prefix + "*"):
            store.delete(key)
