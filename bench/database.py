"""Databases for the benchmark, made as an operator makes them: `flask db upgrade`, `init-data`
and `seed-demo` run as commands (only the seeding is timed), in the production configuration
that gunicorn serves them with."""
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from registry import create_app
from registry.config import TestConfig

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_DATABASE = "registry_bench"
# config.py turns postgresql:// into this spelling too; given as is, nothing depends on that.
POSTGRES_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{POSTGRES_DATABASE}"
SECRET_KEY = "bench-" + os.urandom(16).hex()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def production_env(database_url: str, upload_dir: Path, site_url: str = "http://127.0.0.1:8000",
                   ratelimit_storage: str = "memory://") -> dict[str, str]:
    """The environment of the commands and of gunicorn: production, a throwaway key, and an API
    limit no load test reaches (the default 600 a minute per address would refuse most of it)."""
    return {
        **os.environ,
        "REGISTRY_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "SITE_URL": site_url,
        "DATABASE_URL": database_url,
        # Attachments and any stored export files stay with this run's database.
        "UPLOAD_DIR": str(upload_dir),
        "API_RATE_LIMIT": "100000000 per minute",
        "RATELIMIT_STORAGE_URI": ratelimit_storage,
    }


def flask(env: dict[str, str], *args: str) -> None:
    result = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def prepare(env: dict[str, str], count: int) -> float:
    """Migrate, load the reference data, then seed `count` applications: the seconds the
    seeding took (the process's start included, as an operator sees it)."""
    flask(env, "db", "upgrade")
    flask(env, "init-data")
    started = time.perf_counter()
    flask(env, "seed-demo", "--count", str(count))
    return time.perf_counter() - started


def recreate_postgres() -> str | None:
    """Drop and create the benchmark's PostgreSQL database; None when no server answers, else
    its URL."""
    try:
        connection = psycopg.connect(POSTGRES_SERVER, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        return None
    with connection:
        connection.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {POSTGRES_DATABASE}")
    return POSTGRES_URL


def drop_postgres() -> None:
    with psycopg.connect(POSTGRES_SERVER, autocommit=True, connect_timeout=3) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")


def bench_app(path: Path, upload_dir: Path):
    """The app in process on a benchmark SQLite file, for the test client."""
    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = sqlite_url(path)
        UPLOAD_DIR = str(upload_dir)
        SERVER_NAME = None
        # A page that breaks answers 500, which the tables show, instead of stopping the run.
        PROPAGATE_EXCEPTIONS = False

    return create_app(BenchConfig)
