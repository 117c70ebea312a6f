"""`python -m tests.postgres` prints the URL of a fresh test database on the local PostgreSQL
server (creating it if needed), or nothing when no server answers. Used by `make test`.

Under pytest-xdist each worker runs on a database of its own, named after that one and the
worker (registry_test_gw0, registry_test_gw1, …): tests/conftest.py derives the name with
`worker_database_url` and creates it with `ensure_database`."""
import os
import sys
import time

BASE = os.environ.get("TEST_POSTGRES_SERVER", "postgresql://postgres@127.0.0.1:5432")
NAME = os.environ.get("TEST_POSTGRES_DB", "registry_test")


def worker_database_url(url: str, worker: str | None = None) -> str:
    """The URL of the database of this pytest-xdist worker (PYTEST_XDIST_WORKER, e.g. gw0):
    the database of `url` with the worker's name appended. `url` itself without xdist."""
    worker = worker if worker is not None else os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


def ensure_database(url: str) -> None:
    """Create the database of `url` on its server unless it exists (through the server's
    `postgres` database, in autocommit: CREATE DATABASE runs outside a transaction)."""
    import psycopg
    from psycopg import errors, sql
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = parsed.database
    maintenance = parsed.set(drivername="postgresql", database="postgres")
    with psycopg.connect(maintenance.render_as_string(hide_password=False), connect_timeout=3,
                         autocommit=True) as conn:
        for attempt in range(5):
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                return
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                return
            except (errors.DuplicateDatabase, errors.UniqueViolation):
                return  # another process created it meanwhile
            except errors.ObjectInUse:  # someone is connected to template1: try again shortly
                if attempt == 4:
                    raise
                time.sleep(0.5)


def main() -> int:
    try:
        import psycopg
    except ImportError:
        return 0
    try:
        ensure_database(f"{BASE}/{NAME}")
    except psycopg.Error as exc:
        print(f"(PostgreSQL unavailable: {exc.__class__.__name__})", file=sys.stderr)
        return 0
    print(f"{BASE}/{NAME}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
