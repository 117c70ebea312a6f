"""Configuration read from the environment.

`REGISTRY_ENV` says which: `development` (what `make run` sets: a known key, plain http) or
`production` — also what an unset `REGISTRY_ENV` means, so that a forgotten variable never
signs sessions with the public development key. Anything else is refused. Production must set
SECRET_KEY and SITE_URL. `TestConfig` is what the suite builds its apps with.
"""
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = BASE_DIR / "instance"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit():
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}.")
    return int(value)


class ConfigurationError(RuntimeError):
    """The environment does not describe a safe configuration: the app refuses to start."""


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'registry.sqlite3'}"
    # psycopg 3 is the driver we ship; accept the common "postgres://" spelling too.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    REGISTRY_ENV = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Sessions: 30 minutes of inactivity (refreshed on each request), 12 hours at most.
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=30)
    SESSION_REFRESH_EACH_REQUEST = True
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_HTTPONLY = True
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    # Where users reach the site: links in e-mails sent from commands (reminders) point here.
    # No default in production: a reminder must not link to a developer's machine.
    SITE_URL = os.environ.get("SITE_URL")

    # ASVS 5 / OWASP: pbkdf2-sha256 with at least 600,000 iterations.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:600000"

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    # Hosts the site answers for (Flask refuses others with 400): the host of SITE_URL unless
    # TRUSTED_HOSTS lists them (comma-separated).
    TRUSTED_HOSTS = _list("TRUSTED_HOSTS") or None
    # Reverse proxies in front of the app: their X-Forwarded-For/-Proto/-Host are believed for
    # this many hops. 0 (the default) believes none of them.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    # What one organisation (or agency) may keep in documents altogether.
    STORAGE_QUOTA_BYTES = _int("STORAGE_QUOTA_MB", 500) * 1024 * 1024
    # A multipart request carries one file plus a few fields.
    MAX_CONTENT_LENGTH = MAX_UPLOAD_BYTES + 1024 * 1024

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Sở KH&CN Hưng Yên <no-reply@registry.local>")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"
    # Sign-up and password-reset requests send e-mail: a few an hour per address are plenty.
    SIGNUP_RATE_LIMIT = "10 per hour"
    # A batch client works at 10 requests a second; more is throttled (per token, or per
    # address without one).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")
    API_MAX_BODY_BYTES = 1024 * 1024

    PER_PAGE = 20

    # One JSON line per request (and per error) on standard error: registry/request_log.py.
    JSON_LOGS = os.environ.get("JSON_LOGS", "1") != "0"

    # The department's identifier as a funder in the 360Giving files, once it has an official one
    # (an org-id.guide code such as VN-TIN-…); until then the registry's own, 360G-hungyendost-DOST.
    OPEN_DATA_FUNDER_ID = os.environ.get("OPEN_DATA_FUNDER_ID", "")

    # Cached figures and public pages are keyed on the data version, so a cache never serves
    # what changed; each worker keeps its own unless CACHE_REDIS_URL names a shared Redis.
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", "")
    CACHE_TYPE = "RedisCache" if CACHE_REDIS_URL else "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 24 * 60 * 60
    CACHE_THRESHOLD = 500  # entries a worker keeps (SimpleCache): pages of tens of KB each
    CACHE_KEY_PREFIX = "registry:"


DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"


class DevelopmentConfig(Config):
    # `make run` serves on plain http on a developer's machine; a fixed key there only signs
    # local sessions. Production uses Config, which has no default.
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")
    REGISTRY_ENV = "development"


ENVIRONMENTS = {"development": DevelopmentConfig, "production": Config}


def config_from_environment(environ=os.environ) -> type[Config]:
    """The configuration `REGISTRY_ENV` asks for; unset means production. The values that
    decide whether the app may start are read now, not when this module was imported."""
    name = environ.get("REGISTRY_ENV", "production")
    if name not in ENVIRONMENTS:
        raise ConfigurationError(
            f"REGISTRY_ENV must be 'development' or 'production', not {name!r}.")
    base = ENVIRONMENTS[name]
    overrides = {"REGISTRY_ENV": name}
    for setting in ("SECRET_KEY", "SITE_URL"):
        if environ.get(setting):
            overrides[setting] = environ[setting]
        elif name == "production":
            overrides[setting] = None
    return type(base.__name__, (base,), overrides)


def check_config(config) -> None:
    """Refuse to start on a configuration that would be unsafe to serve."""
    if not config.get("SECRET_KEY"):
        raise ConfigurationError(
            "SECRET_KEY must be set in the environment (REGISTRY_ENV=development, as `make run` "
            "sets it, uses a development key).")
    if config.get("REGISTRY_ENV") == "production":
        if config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY:
            raise ConfigurationError("SECRET_KEY is the public development key.")
        if not config.get("SITE_URL"):
            raise ConfigurationError(
                "SITE_URL must be set in production (e.g. https://cnsh.hungyen.gov.vn): "
                "links in e-mails are built from it.")
    site = config.get("SITE_URL")
    if site and not urlsplit(site).netloc:
        raise ConfigurationError(f"SITE_URL must be an absolute address, not {site!r}.")


class TestConfig(Config):
    REGISTRY_ENV = "test"
    TESTING = True
    SECRET_KEY = "test-secret"
    SITE_URL = "http://localhost"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    # The suite reads the request log through pytest's capture of the logging records.
    JSON_LOGS = False
    # Hashing at production strength for every factory user would make the suite slow; one test
    # checks the production setting.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    RATELIMIT_ENABLED = False
    MAIL_SERVER = ""
    SERVER_NAME = "localhost"
